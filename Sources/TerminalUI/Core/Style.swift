/// Text attributes a cell can carry, independent of colour.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let italic = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
    public static let reverse = TextAttributes(rawValue: 1 << 4)

    /// Names as used in theme files, in a fixed order.
    public static let names: [(String, TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline), ("reverse", .reverse),
    ]
}

/// The look of a cell in semantic terms: a foreground slot, an optional background slot
/// (nil = whatever is behind, i.e. the terminal default) and attributes added on top of
/// what the palette gives the foreground slot.
public struct Style: Hashable, Sendable {
    public var foreground: ColorSlot
    public var background: ColorSlot?
    public var attributes: TextAttributes

    public init(_ foreground: ColorSlot = .text, background: ColorSlot? = nil, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// Plain text on the default background.
    public static let plain = Style()

    /// A copy with extra attributes.
    public func adding(_ extra: TextAttributes) -> Style {
        var copy = self
        copy.attributes.formUnion(extra)
        return copy
    }

    /// A copy with the background slot set (kept if `background` is nil).
    public func on(_ background: ColorSlot?) -> Style {
        guard let background else { return self }
        var copy = self
        copy.background = background
        return copy
    }
}
