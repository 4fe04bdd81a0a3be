/// How one cell's grapheme cluster is handed to curses.
///
/// curses places a cell by libc's `wcwidth` of its first scalar and keeps at most
/// `CCHARW_MAX` (5) scalars, of which only the first may be spacing. Our layout uses
/// TerminalUI's own width tables, so the two can disagree; the plan keeps the layout ours:
/// - a cluster curses thinks narrower than we do gets blank padding after it;
/// - one curses thinks wider, or cannot print at all, becomes "?" (so it cannot push
///   the rest of the row);
/// - scalars curses cannot attach (a second spacing scalar of a ZWJ sequence, beyond the
///   fifth) are dropped: the first emoji of the sequence is shown.
struct GlyphPlan: Hashable, Sendable {
    /// The scalars of the cell (first spacing, the rest zero-width).
    var scalars: [UInt32]
    /// Blank cells to write after it, so curses' model covers the cell's full width.
    var padding: Int

    static let replacement: UInt32 = 0x3F  // "?"

    init(scalars: [UInt32], padding: Int) {
        self.scalars = scalars
        self.padding = padding
    }

    /// The plan for `text` occupying `cellWidth` cells (1 or 2), given libc's `wcwidth`.
    init(text: String, cellWidth: Int, maxScalars: Int = 5, wcwidth: (UInt32) -> Int) {
        let width = max(1, cellWidth)
        let all = text.unicodeScalars.map(\.value)
        guard let base = all.first else {
            self.init(scalars: [0x20], padding: width - 1)
            return
        }
        let baseWidth = wcwidth(base)
        guard baseWidth >= 1, baseWidth <= width else {
            self.init(scalars: [GlyphPlan.replacement], padding: width - 1)
            return
        }
        var kept = [base]
        for scalar in all.dropFirst() {
            guard kept.count < maxScalars, wcwidth(scalar) == 0 else { break }
            kept.append(scalar)
        }
        self.init(scalars: kept, padding: width - baseWidth)
    }
}
