/// One row of the transcript: gutter mark plus a line of text.
struct DisplayLine {
    struct Gutter {
        var text: String
        var slot: ColorSlot
        static let empty = Gutter(text: "", slot: .text)
    }

    var gutter: Gutter
    var line: StyledLine
    /// Drawn over the gutter too (the cache horizon).
    var fullWidth = false
}

extension TranscriptView {
    /// The rows of one message: cached layout + gutter marks + cache horizon + spinner.
    func displayLines(_ index: Int, model: TranscriptModel, width: Int) -> [DisplayLine] {
        let message = model.messages[index]
        let layout = cache.layout(message, width: max(1, width - TranscriptView.gutterWidth))
        let (headMark, bodyMark) = TranscriptView.marks(message.cacheMark)
        var rows: [DisplayLine] = []
        rows.reserveCapacity(layout.lines.count + 2)
        for (i, line) in layout.lines.enumerated() {
            let gutter: DisplayLine.Gutter = i == 0 ? headMark : (i < layout.bodyEnd ? bodyMark : .empty)
            rows.append(DisplayLine(gutter: gutter, line: line))
        }
        let isLast = index == model.messages.count - 1
        if isLast, let streaming = model.streaming {
            rows.insert(DisplayLine(gutter: .empty, line: TranscriptView.spinnerLine(streaming)), at: max(0, rows.count - 1))
        }
        if let horizon = model.horizon, horizon.messageIndex == index {
            let line = DisplayLine(gutter: .empty, line: TranscriptView.horizonLine(width: width), fullWidth: true)
            if horizon.insideMessage {
                var at = layout.bodyStart
                if case .partial(let reused, let total) = message.cacheMark, total > 0 {
                    let bodyLines = layout.bodyEnd - layout.bodyStart
                    at += min(bodyLines, Int((Double(bodyLines) * Double(reused) / Double(total)).rounded()))
                }
                rows.insert(line, at: min(at, rows.count))
            } else {
                rows.insert(line, at: max(0, rows.count - 1))
            }
        }
        return rows
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
            line.append(" · " + Format.fixed(rate, decimals: 1) + " tok/s", Style(.dimText))
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
