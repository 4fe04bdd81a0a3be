/// Small pure helpers to cut a rect into parts. Every function clamps, so tiny or empty
/// rects produce empty parts instead of negative sizes.
public enum Layout {
    /// Splits off `height` rows from the top: `(top, rest)`.
    public static func sliceTop(_ rect: Rect, height: Int) -> (Rect, Rect) {
        let h = min(max(0, height), rect.height)
        return (Rect(x: rect.x, y: rect.y, width: rect.width, height: h),
                Rect(x: rect.x, y: rect.y + h, width: rect.width, height: rect.height - h))
    }

    /// Splits off `height` rows from the bottom: `(rest, bottom)`.
    public static func sliceBottom(_ rect: Rect, height: Int) -> (Rect, Rect) {
        let h = min(max(0, height), rect.height)
        return (Rect(x: rect.x, y: rect.y, width: rect.width, height: rect.height - h),
                Rect(x: rect.x, y: rect.maxY - h, width: rect.width, height: h))
    }

    /// Splits off `width` columns from the left: `(left, rest)`.
    public static func sliceLeft(_ rect: Rect, width: Int) -> (Rect, Rect) {
        let w = min(max(0, width), rect.width)
        return (Rect(x: rect.x, y: rect.y, width: w, height: rect.height),
                Rect(x: rect.x + w, y: rect.y, width: rect.width - w, height: rect.height))
    }

    /// Splits off `width` columns from the right: `(rest, right)`.
    public static func sliceRight(_ rect: Rect, width: Int) -> (Rect, Rect) {
        let w = min(max(0, width), rect.width)
        return (Rect(x: rect.x, y: rect.y, width: rect.width - w, height: rect.height),
                Rect(x: rect.maxX - w, y: rect.y, width: w, height: rect.height))
    }

    /// A rect of at most `size`, centred in `rect`.
    public static func centered(_ size: Size, in rect: Rect) -> Rect {
        let w = min(size.width, rect.width), h = min(size.height, rect.height)
        return Rect(x: rect.x + (rect.width - w) / 2, y: rect.y + (rect.height - h) / 2, width: w, height: h)
    }

    /// Rows `rect` split into consecutive rows of the given heights; the last part gets
    /// whatever is left. Heights beyond the rect are clamped to zero.
    public static func rows(_ rect: Rect, heights: [Int]) -> [Rect] {
        var rest = rect
        var parts: [Rect] = []
        for height in heights {
            let (top, remainder) = sliceTop(rest, height: height)
            parts.append(top)
            rest = remainder
        }
        return parts
    }
}
