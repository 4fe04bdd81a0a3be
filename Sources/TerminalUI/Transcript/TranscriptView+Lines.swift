import Numbers

/// One row of the transcript: gutter mark plus a line of text.
struct DisplayLine: Equatable {
    struct Gutter: Equatable {
        var text: String
        var slot: ColorSlot
        static let empty = Gutter(text: "", slot: .text)
    }

    var gutter: Gutter
    var line: StyledLine
    /// Drawn over the gutter too (the cache horizon).
    var fullWidth = false
}

/// The rows of one message, addressed without building them all: the cached layout plus
/// gutter marks, the cache horizon and the streaming spinner. Drawing the bottom of a
/// 40,000-token reply touches the rows on screen only.
struct MessageRows {
    let lines: any MessageLines
    let head: DisplayLine.Gutter
    let body: DisplayLine.Gutter
    /// Rows inserted before line `before`, in order.
    let extras: [(before: Int, row: DisplayLine)]

    var count: Int { lines.count + extras.count }

    subscript(index: Int) -> DisplayLine {
        var offset = 0
        for extra in extras {
            let position = extra.before + offset
            if index == position { return extra.row }
            if index < position { break }
            offset += 1
        }
        let i = index - offset
        let gutter: DisplayLine.Gutter = i == 0 ? head : (i < lines.bodyEnd ? body : .empty)
        return DisplayLine(gutter: gutter, line: lines[i])
    }
}

extension TranscriptView {
    /// The rows of message `index` at `width`.
    func rows(_ index: Int, model: TranscriptModel, width: Int) -> MessageRows {
        let message = model.messages[index]
        let lines = cache.layout(message, width: max(1, width - TranscriptView.gutterWidth))
        var (head, body) = TranscriptView.marks(message.cacheMark)
        if message.focused {
            head = DisplayLine.Gutter(text: "▶", slot: .spinner)
            body = DisplayLine.Gutter(text: "┃", slot: .spinner)
        }
        var extras: [(before: Int, row: DisplayLine)] = []
        let beforeTrailingBlank = max(0, lines.count - 1)
        if index == model.messages.count - 1, let streaming = model.streaming {
            extras.append((beforeTrailingBlank, DisplayLine(gutter: .empty, line: TranscriptView.spinnerLine(streaming))))
        }
        if let horizon = model.horizon, horizon.messageIndex == index {
            let row = DisplayLine(gutter: .empty, line: TranscriptView.horizonLine(width: width), fullWidth: true)
            if horizon.insideMessage {
                var at = lines.bodyStart
                if case .partial(let reused, let total) = message.cacheMark, total > 0 {
                    let bodyLines = lines.bodyEnd - lines.bodyStart
                    at += min(bodyLines, Int((Double(bodyLines) * Double(reused) / Double(total)).rounded()))
                }
                extras.append((min(at, lines.count), row))
                extras.sort { $0.before < $1.before }
            } else {
                extras.append((beforeTrailingBlank, row))
            }
        }
        return MessageRows(lines: lines, head: head, body: body, extras: extras)
    }

    static func marks(_ mark: CacheMark) -> (DisplayLine.Gutter, DisplayLine.Gutter) {
        switch mark {
        case .reused: (.init(text: "●", slot: .cacheHit), .init(text: "│", slot: .cacheHit))
        case .partial: (.init(text: "◐", slot: .cachePartial), .init(text: "┆", slot: .cachePartial))
        case .notReused: (.init(text: "○", slot: .cacheMiss), .empty)
        case .none: (.empty, .empty)
        }
    }

    static let spinnerFrames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    static func spinnerLine(_ status: StreamingStatus) -> StyledLine {
        var line = StyledLine(spinnerFrames[abs(status.frame) % spinnerFrames.count] + " ", Style(.spinner))
        line.append(status.phase, Style(.dimText))
        if let rate = status.tokensPerSecond {
            line.append(" · " + Formatting.fixed(rate, decimals: 1) + " tok/s", Style(.dimText))
        }
        return line
    }

    static func horizonLine(width: Int) -> StyledLine {
        let label = " cache horizon "
        guard width >= DisplayWidth.of(label) + 4 else {
            return StyledLine(String(repeating: "╌", count: max(0, width)), Style(.cacheHorizon))
        }
        let left = 2
        let right = width - left - DisplayWidth.of(label)
        return StyledLine(String(repeating: "╌", count: left) + label + String(repeating: "╌", count: right), Style(.cacheHorizon))
    }
}
