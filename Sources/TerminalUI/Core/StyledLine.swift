/// A piece of text in one style.
public struct StyledSpan: Hashable, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public var width: Int { DisplayWidth.of(text) }
}

/// One display line made of styled spans. Renderers (Markdown, wrap) produce these for a
/// given width; ``Painter/line(_:at:)`` draws them. `fill` is the background slot for the
/// rest of the row (code blocks paint their background edge to edge).
public struct StyledLine: Hashable, Sendable, ExpressibleByStringLiteral {
    public var spans: [StyledSpan]
    public var fill: ColorSlot?

    public init(_ spans: [StyledSpan] = [], fill: ColorSlot? = nil) {
        self.spans = spans
        self.fill = fill
    }

    public init(_ text: String, _ style: Style = .plain) {
        self.init(text.isEmpty ? [] : [StyledSpan(text, style)])
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// The concatenated text, without styles.
    public var text: String { spans.reduce(into: "") { $0 += $1.text } }

    /// The display width of the whole line.
    public var width: Int { spans.reduce(0) { $0 + $1.width } }

    /// Appends text, merging with the last span when the style is the same.
    public mutating func append(_ text: String, _ style: Style = .plain) {
        guard !text.isEmpty else { return }
        if let last = spans.last, last.style == style {
            spans[spans.count - 1].text += text
        } else {
            spans.append(StyledSpan(text, style))
        }
    }

    /// Appends all spans of another line.
    public mutating func append(_ line: StyledLine) {
        for span in line.spans { append(span.text, span.style) }
    }

    /// A copy whose spans all get `background` unless they already have one.
    public func withBackground(_ background: ColorSlot) -> StyledLine {
        StyledLine(spans.map { StyledSpan($0.text, $0.style.background == nil ? $0.style.on(background) : $0.style) },
                   fill: fill ?? background)
    }
}
