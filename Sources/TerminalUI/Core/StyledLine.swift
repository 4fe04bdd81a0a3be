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

    /// A copy with every case-insensitive occurrence of `query` shown as a find match
    /// (reverse video on the selection colour), the rest as it was.
    public func highlighting(_ query: String) -> StyledLine {
        guard !query.isEmpty else { return self }
        let characters = Array(text)
        let lowered = characters.map { $0.lowercased() }
        let needle = Array(query).map { $0.lowercased() }
        guard needle.count <= characters.count else { return self }
        var marked = [Bool](repeating: false, count: characters.count)
        var found = false
        var i = 0
        while i + needle.count <= characters.count {
            if Array(lowered[i..<(i + needle.count)]) == needle {
                for j in i..<(i + needle.count) { marked[j] = true }
                found = true
                i += needle.count
            } else {
                i += 1
            }
        }
        guard found else { return self }
        var out = StyledLine(fill: fill)
        var index = 0
        for span in spans {
            for character in span.text {
                let style = marked[index] ? Style(.text, background: .selection, attributes: [.reverse, .bold]) : span.style
                out.append(String(character), style)
                index += 1
            }
        }
        return out
    }

    /// A copy whose spans all get `background` unless they already have one.
    public func withBackground(_ background: ColorSlot) -> StyledLine {
        StyledLine(spans.map { StyledSpan($0.text, $0.style.background == nil ? $0.style.on(background) : $0.style) },
                   fill: fill ?? background)
    }
}
