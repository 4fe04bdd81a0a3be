extension FewShotImpact {
    /// The impact in sentences a person can act on, for the CLI and the editor.
    public var lines: [String] {
        let g = Formatting.grouped
        var lines: [String] = []
        guard let offset = changeOffset else {
            lines.append("The prompt prefix is unchanged: the cache keeps working (\(g(hitBefore)) tokens cached).")
            return lines + conversationLine()
        }
        lines.append("The set's prefix changes at token \(g(offset)) of \(g(newPrefixTokens)) "
            + "(\(unit)-token units, \(cacheModel.rawValue) cache model).")
        var next = "The next request misses \(g(missedTokens)) of \(g(promptTokens)) prompt tokens "
            + "(hits \(g(hitAfter)); \(g(hitBefore)) were cached before)"
        if let extraCost, lostTokens > 0 { next += ", costing \(Formatting.money(extraCost, currency: currency)) more" }
        lines.append(next + ".")
        if case .appendInsteadOfInsert(let shots, let hit)? = suggestion {
            let names = shots.map { "\($0 + 1)" }.joined(separator: ", ")
            lines.append("Appending shot\(shots.count == 1 ? "" : "s") \(names) at the end instead of inserting "
                + "keeps \(g(hit)) tokens cached.")
        }
        return lines + conversationLine()
    }

    private func conversationLine() -> [String] {
        guard conversations > 0 else { return [] }
        let noun = conversations == 1 ? "conversation uses" : "conversations use"
        return ["\(Formatting.grouped(conversations)) \(noun) this set; they keep their version's exact prefix "
            + "until you move them to the new one."]
    }
}
