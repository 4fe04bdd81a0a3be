/// How one slot looks: foreground, background and attributes.
public struct SlotStyle: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var attributes: TextAttributes

    public init(_ foreground: Color = .default, background: Color = .default, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// A cell's style resolved to concrete colours: what a backend actually emits.
public struct ResolvedStyle: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var attributes: TextAttributes
}

/// A complete table slot → ``SlotStyle`` for one ``ColorDepth``.
///
/// Build one with ``Palette/dark`` (the base every theme overrides), apply a ``Theme``
/// with ``applying(_:)``, then fit it to the terminal with ``degraded(to:)``. Backends
/// call ``resolve(_:)`` for each distinct cell ``Style``.
public struct Palette: Hashable, Sendable {
    public private(set) var depth: ColorDepth
    private var table: [ColorSlot: SlotStyle]
    /// Attributes per slot used only in monochrome, so slots stay distinguishable.
    private var monochromeAttributes: [ColorSlot: TextAttributes]

    public init(depth: ColorDepth = .trueColor, slots: [ColorSlot: SlotStyle], monochrome: [ColorSlot: TextAttributes] = [:]) {
        self.depth = depth
        self.table = slots
        self.monochromeAttributes = monochrome
    }

    /// The style of a slot (plain default colours for a slot the table lacks).
    public subscript(slot: ColorSlot) -> SlotStyle {
        get {
            var style = table[slot] ?? SlotStyle()
            if depth == .monochrome {
                style = SlotStyle(.default, background: .default,
                                  attributes: monochromeAttributes[slot] ?? style.attributes)
            }
            return style
        }
        set { table[slot] = newValue }
    }

    /// The palette with a theme's overrides on top. Overrides are sparse: a theme entry
    /// that leaves the background or attributes unset keeps the base's.
    public func applying(_ theme: Theme) -> Palette {
        var copy = self
        for (slot, spec) in theme.overrides {
            var style = table[slot] ?? SlotStyle()
            if let fg = spec.foreground { style.foreground = fg }
            if let bg = spec.background { style.background = bg }
            if let attributes = spec.attributes { style.attributes = attributes }
            copy.table[slot] = style
            if let attributes = spec.monochromeAttributes { copy.monochromeAttributes[slot] = attributes }
        }
        return copy
    }

    /// The palette for a terminal of `depth` (colours mapped to the nearest it can show).
    public func degraded(to newDepth: ColorDepth) -> Palette {
        var copy = self
        copy.depth = newDepth
        if newDepth != .monochrome {
            for (slot, style) in table {
                copy.table[slot] = SlotStyle(style.foreground.degraded(to: newDepth),
                                             background: style.background.degraded(to: newDepth),
                                             attributes: style.attributes)
            }
        }
        return copy
    }

    /// Concrete colours for a cell style: the foreground slot's foreground and attributes,
    /// the background slot's background (or the foreground slot's, if the cell has none),
    /// plus the cell's own attributes. In monochrome a background slot becomes its
    /// attributes (e.g. reverse for the status bar and cursor).
    public func resolve(_ style: Style) -> ResolvedStyle {
        let fg = self[style.foreground]
        var attributes = fg.attributes.union(style.attributes)
        var background = fg.background
        if let slot = style.background {
            let bg = self[slot]
            background = bg.background
            if depth == .monochrome { attributes.formUnion(bg.attributes.intersection([.reverse, .underline])) }
        }
        return ResolvedStyle(foreground: fg.foreground, background: background, attributes: attributes)
    }
}
