import Numbers

/// The cache side panel: last request as a hit/miss bar, conversation and all-time
/// totals with money saved, a hit-ratio sparkline, reused prefixes, the draft's predicted
/// cost and a request-diff warning.
///
/// Sections are built for the width, then chosen by priority until the height is used
/// (the warning and last request first, the reused-prefix list last) and drawn in a fixed
/// order, so a short terminal loses the least important sections whole.
public enum CachePanel {
    /// Draws the panel, with a left border, into the painter's area.
    public static func draw(_ model: CachePanelModel, in painter: Painter) {
        let background = Style(.text, background: .panelBackground)
        painter.fill(nil, background)
        guard painter.width >= 3, painter.height >= 1 else { return }
        for y in 0..<painter.height { painter.text("│", at: Point(x: 0, y: y), Style(.panelBorder, background: .panelBackground)) }
        let inner = painter.sub(Rect(x: 2, y: 0, width: painter.width - 3, height: painter.height))
        var y = 0
        for section in layout(model, width: inner.width, height: inner.height) {
            for line in section {
                inner.line(line.withBackground(.panelBackground), at: Point(x: 0, y: y))
                y += 1
            }
        }
    }

    /// The sections that fit in `height` rows, in display order, separated by blank lines.
    static func layout(_ model: CachePanelModel, width: Int, height: Int) -> [[StyledLine]] {
        guard width > 0 else { return [] }
        let all = sections(model, width: width)  // (priority, lines) in display order
        var chosen = Set<Int>()
        var used = 0
        for index in all.indices.sorted(by: { all[$0].priority < all[$1].priority }) {
            let cost = all[index].lines.count + (chosen.isEmpty ? 0 : 1)
            if used + cost <= height {
                chosen.insert(index)
                used += cost
            }
        }
        var out: [[StyledLine]] = []
        for index in all.indices where chosen.contains(index) {
            out.append((out.isEmpty ? [] : [StyledLine()]) + all[index].lines)
        }
        return out
    }

    static func sections(_ m: CachePanelModel, width: Int) -> [(priority: Int, lines: [StyledLine])] {
        let sym = m.currencySymbol
        var out: [(Int, [StyledLine])] = []
        var head = [title("Cache", width: width)]
        if let pricing = m.pricing { head += TextWrap.wrap(StyledLine(pricing, Style(.dimText)), width: width) }
        if let balance = m.balance { head += TextWrap.wrap(StyledLine(balance, Style(.dimText)), width: width) }
        if let mismatch = m.balanceMismatch { head += TextWrap.wrap(StyledLine("⚠ " + mismatch, Style(.warning)), width: width) }
        for meter in m.budgetMeters { head.append(StyledLine(TextWrap.truncate(meter, to: width), Style(.panelValue))) }
        for warning in m.budgetWarnings { head += TextWrap.wrap(StyledLine("⚠ " + warning, Style(.warning)), width: width) }
        out.append((0, head))
        if !m.warnings.isEmpty {
            out.append((1, m.warnings.flatMap { TextWrap.wrap(StyledLine("⚠ " + $0, Style(.warning)), width: width) }))
        }
        if let last = m.lastRequest {
            var lines = [title(last.estimated ? "Last request (estimated)" : "Last request", width: width)]
            lines.append(Meter.bar(hit: last.hitTokens, miss: last.missTokens, width: width))
            lines.append(pair("hit", Formatting.grouped(last.hitTokens), .cacheHit, "miss", Formatting.grouped(last.missTokens), .cacheMiss, width: width))
            // Reasoning is billed as output and dominates thinking requests; the row is
            // left out otherwise, so a short panel keeps room for the draft.
            if let reasoning = last.reasoningTokens, reasoning > 0 {
                lines.append(row("output", Formatting.grouped(last.outputTokens) + " (" + Formatting.grouped(reasoning) + " reasoning)", width: width))
            }
            if let cost = last.cost { lines.append(row("cost", Formatting.money(cost, symbol: sym), width: width)) }
            lines.append(row("first token", Formatting.duration(last.timeToFirstToken), width: width))
            out.append((2, lines))
        }
        if let p = m.prediction {
            var lines = [title("Draft", width: width)]
            lines.append(pair("hit", Formatting.grouped(p.hitTokens), .cacheHit, "miss", Formatting.grouped(p.missTokens), .cacheMiss, width: width))
            lines.append(row("est. cost", Formatting.money(p.cost, symbol: sym), width: width))
            if let note = m.note { lines += TextWrap.wrap(StyledLine("ⓘ " + note, Style(.dimText)), width: width) }
            out.append((3, lines))
        } else if m.predictionPending {
            out.append((3, [title("Draft", width: width),
                            StyledLine(TextWrap.truncate("counted when the reply ends", to: width), Style(.dimText))]))
        }
        if let documents = m.documents {
            out.append((4, [title("Documents", width: width),
                            row(documents.count == 1 ? "1 file" : "\(documents.count) files", Formatting.grouped(documents.tokens) + " tok", width: width),
                            row("cache", documents.cache, width: width, valueSlot: documents.hit ? .cacheHit : .cacheMiss)]))
        }
        out.append((5, totals("Conversation", m.conversation, sym, width: width)))
        if !m.hitRatioHistory.isEmpty {
            let spark = Meter.sparkline(m.hitRatioHistory, width: width)
            out.append((6, [title("Hit ratio / request", width: width), StyledLine(spark, Style(.sparkline))]))
        }
        out.append((7, totals("All time", m.allTime, sym, width: width)))
        if !m.reusedPrefixes.isEmpty {
            var lines = [title("Reused prefixes", width: width)]
            for prefix in m.reusedPrefixes {
                // Count and size first: a narrow panel cuts the description, never the numbers.
                let text = "×" + Formatting.grouped(prefix.uses) + " " + Formatting.grouped(prefix.tokens) + " tok · " + prefix.label
                lines.append(StyledLine(TextWrap.truncate(text, to: width), Style(.panelValue)))
            }
            out.append((8, lines))
        }
        return out
    }

    static func totals(_ name: String, _ t: CacheTotals, _ sym: String, width: Int) -> [StyledLine] {
        [
            title(name, width: width),
            pair("hit", Formatting.compact(t.hitTokens), .cacheHit, "miss", Formatting.compact(t.missTokens), .cacheMiss, width: width),
            row("output", Formatting.compact(t.outputTokens), width: width),
            row("hit ratio", Formatting.percent(t.hitRatio), width: width),
            row("cost", Formatting.money(t.cost, symbol: sym), width: width),
            row("no cache", Formatting.money(t.costWithoutCache, symbol: sym), width: width),
            row("saved", Formatting.money(t.saved, symbol: sym), width: width, valueSlot: .success),
        ]
    }

    static func title(_ text: String, width: Int) -> StyledLine {
        StyledLine(TextWrap.truncate(text, to: width), Style(.panelTitle))
    }

    /// "label ……… value", the value right-aligned.
    static func row(_ label: String, _ value: String, width: Int, valueSlot: ColorSlot = .panelValue) -> StyledLine {
        let valueWidth = DisplayWidth.of(value)
        if valueWidth + 1 >= width { return StyledLine(TextWrap.truncate(value, to: width), Style(valueSlot)) }
        var line = StyledLine(TextWrap.pad(label, to: width - valueWidth), Style(.panelLabel))
        line.append(value, Style(valueSlot))
        return line
    }

    /// "hit 1,234  miss 56" on one row, or just the values when narrow.
    static func pair(_ l1: String, _ v1: String, _ s1: ColorSlot, _ l2: String, _ v2: String, _ s2: ColorSlot,
                     width: Int) -> StyledLine {
        var line = StyledLine()
        let full = DisplayWidth.of(l1 + v1 + l2 + v2) + 4
        if full <= width {
            line.append(l1 + " ", Style(.panelLabel))
            line.append(v1, Style(s1))
            line.append(String(repeating: " ", count: width - full + 2) + l2 + " ", Style(.panelLabel))
            line.append(v2, Style(s2))
        } else {
            line.append(TextWrap.truncate(v1, to: width / 2), Style(s1))
            line.append("/", Style(.panelLabel))
            line.append(TextWrap.truncate(v2, to: max(0, width - width / 2 - 1)), Style(s2))
        }
        return line
    }
}
