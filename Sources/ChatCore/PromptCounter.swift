/// Renders and counts a conversation repeatedly, re-tokenizing only what changed.
///
/// Text between special tokens is tokenized independently (see `PromptAssembler`), so a
/// segment's ids depend on its text alone. The counter remembers each segment by its
/// position (owner message, ordinal) and checks the text with `==`, which is O(1) when
/// the caller passes the same `String` storage again, as an unchanged message does.
/// Moved segments (a message inserted earlier) are found in a text-keyed table. After a
/// keystroke in the draft only the draft is re-encoded; the rest costs a layout pass and
/// a memo lookup per segment, O(messages) rather than O(tokens).
///
/// Not thread-safe: one counter per owner (the App's event loop).
public final class PromptCounter {
    public let tokenizer: any TextTokenizer

    /// Counters for tests and diagnostics.
    public struct Statistics: Sendable, Hashable {
        public var encodeCalls = 0
        public var positionalHits = 0
        public var textHits = 0
    }

    public private(set) var statistics = Statistics()

    private struct Entry {
        var text: String
        var ids: [Int]
    }

    private var bySlot: [PromptAssembler.Slot: Entry] = [:]
    private var byText: [String: [Int]] = [:]
    private var specialIDs: [String: [Int]] = [:]

    public init(tokenizer: any TextTokenizer) {
        self.tokenizer = tokenizer
    }

    /// Same result as `ChatTemplate.render`, reusing earlier tokenization.
    public func render(
        messages: [TemplateMessage], family: TemplateFamily, thinking: Bool,
        addGenerationPrompt: Bool = true, reasoningEffort: ReasoningEffort? = nil
    ) -> RenderedPrompt {
        let (pieces, output) = run(
            messages, family, thinking, addGenerationPrompt, reasoningEffort, keepIDs: true)
        return RenderedPrompt(ids: output.ids, spans: output.spans, text: pieces.map(\.string).joined())
    }

    /// Token count and spans without materialising the ids or the text: the per-keystroke path.
    public func count(
        messages: [TemplateMessage], family: TemplateFamily, thinking: Bool,
        addGenerationPrompt: Bool = true, reasoningEffort: ReasoningEffort? = nil
    ) -> PromptCount {
        let (_, output) = run(
            messages, family, thinking, addGenerationPrompt, reasoningEffort, keepIDs: false)
        return PromptCount(tokenCount: output.tokenCount, spans: output.spans)
    }

    /// Forgets everything cached.
    public func reset() {
        bySlot = [:]
        byText = [:]
    }

    private func run(
        _ messages: [TemplateMessage], _ family: TemplateFamily, _ thinking: Bool,
        _ addGenerationPrompt: Bool, _ effort: ReasoningEffort?, keepIDs: Bool
    ) -> ([TemplatePiece], PromptAssembler.Output) {
        let pieces = TemplateRequest(
            messages: messages, family: family, thinking: thinking,
            addGenerationPrompt: addGenerationPrompt, reasoningEffort: effort
        ).layout()
        var used: [PromptAssembler.Slot: Entry] = [:]
        used.reserveCapacity(bySlot.count)
        let assembler = PromptAssembler(
            encode: { [self] text, slot in
                let ids = lookup(text, slot)
                used[slot] = Entry(text: text, ids: ids)
                return ids
            },
            special: { [self] token in specialID(token) })
        let output = assembler.assemble(pieces, messages: messages, keepIDs: keepIDs)
        bySlot = used
        trimTextTable()
        return (pieces, output)
    }

    private func lookup(_ text: String, _ slot: PromptAssembler.Slot) -> [Int] {
        if let entry = bySlot[slot], entry.text == text {
            statistics.positionalHits += 1
            return entry.ids
        }
        if let ids = byText[text] {
            statistics.textHits += 1
            return ids
        }
        statistics.encodeCalls += 1
        let ids = tokenizer.encode(text)
        byText[text] = ids
        return ids
    }

    private func specialID(_ token: String) -> [Int] {
        if let ids = specialIDs[token] { return ids }
        let ids = tokenizer.id(forAddedToken: token).map { [$0] } ?? tokenizer.encode(token)
        specialIDs[token] = ids
        return ids
    }

    /// Keeps the text table from growing without bound while a draft is typed: once it
    /// holds far more than the live segments, rebuild it from them.
    private func trimTextTable() {
        guard byText.count > 2 * bySlot.count + 256 else { return }
        var table: [String: [Int]] = [:]
        table.reserveCapacity(bySlot.count)
        for entry in bySlot.values { table[entry.text] = entry.ids }
        byText = table
    }
}
