import ChatCore

/// Writes the emulator's replies: deterministic, readable Markdown derived from the
/// conversation (the same conversation always gets the same reply), so that tests,
/// demos and benchmarks are reproducible without a model.
public struct Responder: Sendable {
    public init() {}

    public struct Output: Sendable, Equatable {
        public var reasoning: String
        public var content: String

        public init(reasoning: String, content: String) {
            self.reasoning = reasoning
            self.content = content
        }
    }

    /// - Parameters:
    ///   - turns: the conversation as (role, text) pairs, oldest first.
    ///   - minimumLength: when set, the reply is padded with further sections until it is at
    ///     least this many characters (the caller then trims it to a token budget).
    public func reply(to turns: [(role: String, text: String)], thinking: Bool, minimumLength: Int? = nil) -> Output {
        let question = turns.last(where: { $0.role == "user" })?.text ?? turns.last?.text ?? ""
        var random = SplitMix64(seed: Self.fingerprint(question) ^ UInt64(turns.count) &* 0x9E37_79B9)
        let words = Self.keywords(in: question)
        let topic = words.first ?? "your question"
        let userTurns = turns.filter { $0.role == "user" }.count

        var sections: [String] = []
        sections.append(pick(Self.openings, &random).replacingOccurrences(of: "{topic}", with: "**\(topic)**")
            + (userTurns > 1 ? " This is turn \(userTurns) of our conversation, so I will build on what we said." : ""))
        sections.append(bulletList(words, &random))
        if Self.containsCJK(question) { sections.append(pick(Self.cjkParagraphs, &random)) }
        if random.next() % 3 == 0 { sections.append(codeBlock(words, &random)) }
        sections.append(pick(Self.closings, &random).replacingOccurrences(of: "{topic}", with: "`\(topic)`"))
        var content = sections.joined(separator: "\n\n")
        var round = 1
        while let minimumLength, content.count < minimumLength {
            round += 1
            content += "\n\n## Part \(round)\n\n" + bulletList(words, &random) + "\n\n" + pick(Self.fillers, &random)
        }
        let reasoning = thinking ? reasoningText(topic: topic, words: words, turns: userTurns) : ""
        return Output(reasoning: reasoning, content: content)
    }

    private func bulletList(_ words: [String], _ random: inout SplitMix64) -> String {
        let count = 3 + Int(random.next() % 3)
        return (0..<count).map { index in
            let word = words.isEmpty ? "the prompt" : words[index % words.count]
            return "- " + pick(Self.bullets, &random).replacingOccurrences(of: "{word}", with: word)
        }.joined(separator: "\n")
    }

    private func codeBlock(_ words: [String], _ random: inout SplitMix64) -> String {
        let name = (words.first ?? "prefix").filter { $0.isLetter }.lowercased()
        let identifier = name.isEmpty ? "prefix" : name
        if random.next() % 2 == 0 {
            return "```python\ndef cached_\(identifier)(tokens, unit=64):\n    # Only whole units of the shared prefix are reused.\n    return len(tokens) // unit * unit\n```"
        }
        return "```swift\nfunc cached\(identifier.prefix(1).uppercased() + identifier.dropFirst())(tokens: [Int], unit: Int = 64) -> Int {\n    // Only whole units of the shared prefix are reused.\n    tokens.count / unit * unit\n}\n```"
    }

    private func reasoningText(topic: String, words: [String], turns: Int) -> String {
        var text = "The user is asking about \(topic). "
        if words.count > 1 { text += "Related terms: \(words.dropFirst().joined(separator: ", ")). " }
        text += turns > 1 ? "Earlier turns give context, so I should stay consistent with them. " : ""
        text += "A short structured answer with a list works best here."
        return text
    }

    private func pick(_ options: [String], _ random: inout SplitMix64) -> String {
        options[Int(random.next() % UInt64(options.count))]
    }

    static func keywords(in text: String) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        let candidates = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" })
            .map(String.init)
            .filter { $0.count >= 4 && !stopWords.contains($0.lowercased()) }
            .sorted { $0.count > $1.count }
        for word in candidates where seen.insert(word.lowercased()).inserted {
            result.append(word)
            if result.count == 4 { break }
        }
        return result
    }

    static func containsCJK(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3040...0x30FF).contains($0.value) }
    }

    static func fingerprint(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    static let stopWords: Set<String> = ["what", "which", "when", "where", "there", "their", "this", "that", "with",
                                         "about", "would", "could", "should", "have", "from", "into", "your", "does"]
    static let openings = [
        "Here is a short answer about {topic}.",
        "Good question. Let me walk through {topic} step by step.",
        "In short: {topic} comes down to a few simple rules.",
    ]
    static let bullets = [
        "**{word}** matters most when the same prefix is sent again.",
        "Keep *{word}* stable at the start of the prompt.",
        "Changes to {word} early in the prompt invalidate everything after them.",
        "Measure {word} with real token counts, not characters.",
        "Append new material after {word} instead of inserting it before.",
    ]
    static let cjkParagraphs = [
        "补充说明：上下文缓存只复用从第一个 token 开始的公共前缀。",
        "補足：キャッシュは先頭から一致する部分だけが再利用されます。",
    ]
    static let closings = [
        "That should cover {topic}; ask a follow-up and the prefix will be reused.",
        "If you change the beginning of the prompt, expect {topic} to miss the cache again.",
    ]
    static let fillers = [
        "Each extra paragraph adds tokens to the reply, which the next request will send back as history.",
        "Long replies are still cheap to resend when they sit inside a cached prefix.",
    ]
}

