import Numbers

/// The cache numbers on one line, above the editor, when the side panel is not shown (a
/// terminal narrower than the panel needs, or F3): the last request's hit, miss and cost,
/// the conversation's hit ratio and savings, the draft's prediction while you type, and a
/// warning marker when the draft would lose cache (the panel, F3, says why).
///
/// `last ● 256 hit · 170 miss · $0.00012 │ chat 56% hit · saved $0.0000941 │ next 300/20 $0.00002 ⚠`
///
/// Parts are dropped or shortened, least important first, until the line fits.
public enum CacheStrip {
    public static func draw(_ model: CachePanelModel, in painter: Painter) {
        let background = Style(.dimText, background: .panelBackground)
        painter.fill(nil, background)
        guard painter.width > 0, painter.height > 0 else { return }
        painter.line(line(model, width: painter.width).withBackground(.panelBackground), at: Point(x: 0, y: 0))
    }

    /// The strip's text for `width` columns.
    public static func line(_ m: CachePanelModel, width: Int) -> StyledLine {
        for detail in Detail.allCases {
            let candidate = compose(m, detail)
            if candidate.width <= width { return candidate }
        }
        return StyledLine(TextWrap.truncate(compose(m, .tiny).text, to: width), Style(.dimText))
    }

    /// From the fullest line to the shortest.
    enum Detail: CaseIterable {
        case full, noSaved, compact, noConversation, tiny
    }

    static func compose(_ m: CachePanelModel, _ detail: Detail) -> StyledLine {
        let sym = m.currencySymbol
        let compact = detail != .full && detail != .noSaved
        func number(_ value: Int) -> String { compact ? Formatting.compact(value) : Formatting.grouped(value) }
        var parts: [StyledLine] = []

        // The draft first when there is one: it is what the next keystroke changes.
        if let p = m.prediction {
            var part = StyledLine("next ", Style(.panelLabel))
            part.append(number(p.hitTokens), Style(.cacheHit))
            part.append(detail == .tiny ? "/" : " hit · ", Style(.panelLabel))
            part.append(number(p.missTokens), Style(.cacheMiss))
            if detail != .tiny {
                part.append(" miss", Style(.panelLabel))
                if let cost = p.cost { part.append(" " + Formatting.money(cost, symbol: sym), Style(.panelValue)) }
            }
            parts.append(part)
        } else if m.predictionPending {
            parts.append(StyledLine(detail == .tiny ? "next: after reply" : "next: counted when the reply ends", Style(.dimText)))
        }
        if let last = m.lastRequest {
            var part = StyledLine(last.estimated ? "last≈ " : "last ", Style(.panelLabel))
            part.append(number(last.hitTokens), Style(.cacheHit))
            part.append(detail == .tiny ? "/" : " hit · ", Style(.panelLabel))
            part.append(number(last.missTokens), Style(.cacheMiss))
            if detail != .tiny {
                part.append(" miss", Style(.panelLabel))
                if let cost = last.cost { part.append(" " + Formatting.money(cost, symbol: sym), Style(.panelValue)) }
            }
            parts.append(part)
        } else if m.prediction == nil && !m.predictionPending {
            parts.append(StyledLine("cache: no request yet · F3 panel", Style(.dimText)))
        }
        if detail != .noConversation && detail != .tiny, let ratio = m.conversation.hitRatio {
            var part = StyledLine("chat ", Style(.panelLabel))
            part.append(Formatting.percent(ratio), Style(.cacheHit))
            part.append(" hit", Style(.panelLabel))
            if detail == .full || detail == .compact, let saved = m.conversation.saved, saved > 0 {
                part.append(" · saved ", Style(.panelLabel))
                part.append(Formatting.money(saved, symbol: sym), Style(.success))
            }
            parts.append(part)
        }
        var line = StyledLine()
        for (index, part) in parts.enumerated() {
            if index > 0 { line.append(" │ ", Style(.panelBorder)) }
            line.append(part)
        }
        if !m.warnings.isEmpty {
            line.append(detail == .tiny ? " ⚠" : " ⚠ F3", Style(.warning))
        }
        return line
    }
}
