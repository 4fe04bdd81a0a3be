/// Draws into a rect of a ``ScreenBuffer``, clipping everything to that rect.
///
/// Coordinates given to a painter are local to its rect (0,0 is the rect's top left).
/// ``sub(_:)`` makes a painter for a part of this one, so widgets never see absolute
/// positions and can never draw outside the space they were given.
public struct Painter {
    public let buffer: ScreenBuffer
    /// The rect in buffer coordinates this painter may touch.
    public let clip: Rect

    /// A painter for the whole buffer: the start of a frame (``ScreenBuffer/paintings``).
    public init(_ buffer: ScreenBuffer) {
        buffer.beginPainting()
        self.init(buffer: buffer, clip: buffer.bounds)
    }

    /// A painter for `clip` (clipped to the buffer) of `buffer`.
    public init(buffer: ScreenBuffer, clip: Rect) {
        self.buffer = buffer
        self.clip = clip.intersection(buffer.bounds)
    }

    public var width: Int { clip.width }
    public var height: Int { clip.height }
    /// The painter's own area in local coordinates.
    public var bounds: Rect { Rect(size: clip.size) }

    /// A painter for a local sub-rect of this one.
    public func sub(_ local: Rect) -> Painter {
        let absolute = Rect(origin: Point(x: clip.x + local.x, y: clip.y + local.y), size: local.size)
        return Painter(buffer: buffer, clip: absolute.intersection(clip))
    }

    /// Fills a local rect (default: everything) with blanks of `style`.
    public func fill(_ local: Rect? = nil, _ style: Style = .plain) {
        let r = local ?? bounds
        buffer.fill(Rect(x: clip.x + r.x, y: clip.y + r.y, width: r.width, height: r.height).intersection(clip),
                    with: .blank(style))
    }

    /// Draws text starting at a local position, clipped to the painter's right edge.
    /// Zero-width clusters are skipped; a wide cluster that would straddle the edge is not
    /// drawn (its cell is left blank). Returns the local column after the last cell drawn.
    @discardableResult
    public func text(_ text: String, at point: Point, _ style: Style = .plain) -> Int {
        let y = clip.y + point.y
        guard point.y >= 0, point.y < clip.height else { return point.x }
        var x = point.x
        for character in text {
            if x >= clip.width { break }
            let w = DisplayWidth.of(character)
            if w == 0 { continue }
            if x < 0 {
                // Left of the clip: advance, blanking the visible half of a cut wide cell.
                if x + w > 0 { buffer.put(" ", width: 1, style: style, x: clip.x, y: y, limitX: clip.maxX) }
                x += w
                continue
            }
            if x + w > clip.width {
                buffer.put(" ", width: 1, style: style, x: clip.x + x, y: y, limitX: clip.maxX)
                x = clip.width
                break
            }
            buffer.put(String(character), width: w, style: style, x: clip.x + x, y: y, limitX: clip.maxX)
            x += w
        }
        return x
    }

    /// Draws a styled line at a local position; fills the rest of the row with the line's
    /// `fill` background if it has one. Returns the column after the text.
    @discardableResult
    public func line(_ line: StyledLine, at point: Point) -> Int {
        var x = point.x
        for span in line.spans { x = text(span.text, at: Point(x: x, y: point.y), span.style) }
        if let fill = line.fill, x < clip.width {
            self.fill(Rect(x: max(x, 0), y: point.y, width: clip.width - max(x, 0), height: 1), Style(.text, background: fill))
        }
        return x
    }

    /// Draws text truncated to `width` cells with an ellipsis "…" when it does not fit.
    @discardableResult
    public func truncated(_ text: String, at point: Point, width: Int, _ style: Style = .plain) -> Int {
        let fitted = TextWrap.truncate(text, to: width)
        return self.text(fitted, at: point, style)
    }

    /// Draws a box border around the painter's area with an optional title in the top edge.
    public func box(title: String? = nil, _ border: Style = Style(.panelBorder), titleStyle: Style = Style(.panelTitle)) {
        guard width >= 2, height >= 2 else { return }
        let horizontal = String(repeating: "─", count: width - 2)
        text("┌" + horizontal + "┐", at: Point(x: 0, y: 0), border)
        for y in 1..<(height - 1) {
            text("│", at: Point(x: 0, y: y), border)
            text("│", at: Point(x: width - 1, y: y), border)
        }
        text("└" + horizontal + "┘", at: Point(x: 0, y: height - 1), border)
        if let title, width > 4 {
            text(" " + TextWrap.truncate(title, to: width - 4) + " ", at: Point(x: 1, y: 0), titleStyle)
        }
    }

    /// Draws a horizontal line of `character` across a row.
    public func hline(y: Int, _ character: Character = "─", _ style: Style = Style(.panelBorder)) {
        guard width > 0 else { return }
        text(String(repeating: String(character), count: width), at: Point(x: 0, y: y), style)
    }
}
