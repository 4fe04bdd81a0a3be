/// One terminal cell: a grapheme cluster, its display width, and a style.
///
/// A wide cluster (width 2) occupies its own cell plus the next one, which holds a
/// *continuation* cell (empty text, width 0). Backends print a lead cell's text and skip
/// continuations; the diff keeps the pair together.
public struct Cell: Hashable, Sendable {
    /// The grapheme cluster shown in this cell ("" for a continuation).
    public var text: String
    /// 1 or 2 for a lead cell, 0 for the continuation of a wide cell.
    public var width: UInt8
    public var style: Style

    public init(_ text: String, width: Int = 1, style: Style = .plain) {
        self.text = text
        self.width = UInt8(clamping: width)
        self.style = style
    }

    /// A blank cell in `style` (its background shows).
    public static func blank(_ style: Style = .plain) -> Cell { Cell(" ", width: 1, style: style) }

    /// The right half of a wide cell.
    public static func continuation(_ style: Style) -> Cell { Cell("", width: 0, style: style) }

    public var isContinuation: Bool { width == 0 }
}
