/// How one cell's grapheme cluster is handed to curses.
///
/// curses places a cell by libc's `wcwidth` of its first scalar and keeps at most
/// `CCHARW_MAX` (5) scalars, of which only the first may be spacing. Our layout uses
/// TerminalUI's own width tables, so the two can disagree; the plan keeps the layout ours:
/// - a plain cell (one scalar, or a base and combining marks curses can attach, with the
///   width we give it) goes through curses;
/// - one curses cannot hold whole — an emoji ZWJ sequence, a skin tone, a flag, a keycap,
///   a variation selector that widens its base — is an *overlay*: curses gets blanks of
///   the cell's width (so its model of the row stays right) and the terminal gets the
///   whole cluster, written at its cell after curses' update (see
///   `CursesTerminal.present`);
/// - a single scalar curses thinks wider, or cannot print at all, becomes "?" (so it
///   cannot push the rest of the row).
struct GlyphPlan: Hashable, Sendable {
    /// The scalars given to curses for the cell (first spacing, the rest zero-width).
    var scalars: [UInt32]
    /// Blank cells to write after it, so curses' model covers the cell's full width.
    var padding: Int
    /// The cluster is written to the terminal directly, over the blanks curses drew.
    var overlay = false
    /// Columns a terminal that does not join the cluster may draw past the cell (every
    /// part side by side); those cells are written again after the overlay.
    var overflow = 0

    static let replacement: UInt32 = 0x3F  // "?"

    init(scalars: [UInt32], padding: Int, overlay: Bool = false, overflow: Int = 0) {
        self.scalars = scalars
        self.padding = padding
        self.overlay = overlay
        self.overflow = overflow
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
        if all.count == 1 {
            guard baseWidth >= 1, baseWidth <= width else {
                self.init(scalars: [GlyphPlan.replacement], padding: width - 1)
                return
            }
            self.init(scalars: [base], padding: width - baseWidth)
            return
        }
        let rest = all.dropFirst()
        let attachable = baseWidth == width && rest.count < maxScalars && rest.allSatisfy { wcwidth($0) == 0 }
            && !rest.contains(0xFE0F) && !rest.contains(0x20E3)
        if attachable {
            self.init(scalars: [base] + rest, padding: 0)
            return
        }
        guard baseWidth >= 0 || rest.contains(where: { wcwidth($0) > 0 }) else {
            // Nothing printable in it (controls only): a replacement, as for one scalar.
            self.init(scalars: [GlyphPlan.replacement], padding: width - 1)
            return
        }
        let drawn = all.reduce(0) { $0 + max(0, wcwidth($1)) }
        self.init(scalars: [0x20], padding: width - 1, overlay: true, overflow: min(8, max(0, drawn - width)))
    }
}
