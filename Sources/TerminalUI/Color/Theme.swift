/// A named set of sparse slot overrides applied on top of ``Palette/dark``.
///
/// ## Theme file format (TOML)
///
/// The Store target reads `themes/<name>.toml` (and the user's theme folder) with TOMLKit
/// and builds a theme with ``init(name:overrides:)``; this target never touches files.
///
/// ```toml
/// # themes/solarized.toml
/// name = "solarized"            # optional label; the theme is called by its file name
/// description = "Warm light"    # optional, shown in /theme
///
/// [slots]
/// # One key per slot, kebab-case (see ColorSlot.name). Every field is optional;
/// # whatever is left out keeps the dark base's value.
/// text            = { fg = "#657b83" }
/// user-name       = { fg = "bright-blue", attrs = ["bold"] }
/// code-background = { bg = "color236" }
/// status-bar      = { fg = "black", bg = "white", mono = ["reverse"] }
/// link            = { fg = "cyan", attrs = [] }   # an empty list clears the base's attributes
/// ```
///
/// - `fg`, `bg`: a colour string (see ``ColorSpec``): `"#RRGGBB"`, `"#RGB"`, `"color123"`,
///   `"red"`, `"bright-blue"`, `"default"`.
/// - `attrs`: any of `"bold" "dim" "italic" "underline" "reverse"`.
/// - `mono`: attributes used instead on a monochrome terminal (`NO_COLOR`).
///
/// Unknown slots, bad colours and unknown attributes are all reported at once, each
/// naming the slot and the problem (``ThemeError``).
public struct Theme: Hashable, Sendable {
    /// A validated override of one slot; nil fields keep the base's value.
    public struct Override: Hashable, Sendable {
        public var foreground: Color?
        public var background: Color?
        public var attributes: TextAttributes?
        public var monochromeAttributes: TextAttributes?

        public init(foreground: Color? = nil, background: Color? = nil, attributes: TextAttributes? = nil,
                    monochromeAttributes: TextAttributes? = nil) {
            self.foreground = foreground
            self.background = background
            self.attributes = attributes
            self.monochromeAttributes = monochromeAttributes
        }
    }

    public var name: String
    public var overrides: [ColorSlot: Override]

    /// A theme from already-validated overrides.
    public init(name: String, slots: [ColorSlot: Override] = [:]) {
        self.name = name
        self.overrides = slots
    }

    /// A theme from a file's raw `[slots]` table, keyed by slot name. Throws every problem
    /// found (unknown slot, bad colour, unknown attribute), each naming its slot.
    public init(name: String, overrides raw: [String: ColorSpec]) throws(ThemeError) {
        var slots: [ColorSlot: Override] = [:]
        var problems: [ThemeError.Issue] = []
        for key in raw.keys.sorted() {
            let spec = raw[key]!
            guard let slot = ColorSlot(name: key) else {
                problems.append(.init(slot: key, problem: .unknownSlot(suggestion: ThemeError.suggestion(for: key))))
                continue
            }
            var override = Override()
            func color(_ text: String?, _ field: String) -> Color? {
                guard let text else { return nil }
                switch ColorSpec.parseColor(text) {
                case .success(let c): return c
                case .failure(let p): problems.append(.init(slot: key, field: field, problem: p)); return nil
                }
            }
            func attributes(_ names: [String]?, _ field: String) -> TextAttributes? {
                guard let names else { return nil }
                switch ColorSpec.parseAttributes(names) {
                case .success(let a): return a
                case .failure(let p): problems.append(.init(slot: key, field: field, problem: p)); return nil
                }
            }
            override.foreground = color(spec.foreground, "fg")
            override.background = color(spec.background, "bg")
            override.attributes = attributes(spec.attributes, "attrs")
            override.monochromeAttributes = attributes(spec.monochrome, "mono")
            slots[slot] = override
        }
        if !problems.isEmpty { throw ThemeError(theme: name, issues: problems) }
        self.init(name: name, slots: slots)
    }

    /// The default dark theme: no overrides.
    public static let dark = Theme(name: "dark")
}
