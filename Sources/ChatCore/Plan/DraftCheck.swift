/// Whether sending the draft keeps the cache the conversation's last request filled, and
/// if not, exactly why.
///
/// The reference is the last request of *this* conversation and its reply: what the draft
/// would carry if nothing changed is that request, the reply, and the new question (in
/// one-question-each mode: the pinned set and the new question — swapping the question
/// is how that mode works, not a break). Every difference from that is named: the model
/// (each model has its own cache), the system prompt, the few-shot set or its version,
/// thinking mode, reasoning effort, the history cut, or an edited, removed or inserted
/// message. Thinking mode's lag — the last reply's reasoning is not resent, so a
/// follow-up reuses the prompt up to the previous question — is expected and reported as
/// such, not as a break.
public struct DraftCheck: Sendable, Equatable {
    public enum Cause: Sendable, Equatable, Hashable {
        case model(from: String, to: String)
        case systemPrompt
        /// Another few-shot set, or a set added or removed.
        case fewShotSet
        /// The same set at another version (an edit).
        case fewShotVersion
        case thinking(from: Bool, to: Bool)
        case reasoningEffort(from: ReasoningEffort?, to: ReasoningEffort?)
        case truncationCut(from: Int, to: Int)
        case earlierMessageEdited
        case messageRemoved
        case messageInserted
        case roleChanged
        /// A timestamp, UUID or changing number where the texts first differ.
        case volatileValue(VolatileValue)
        /// The messages extend the last request, yet the tokens do not.
        case templateReRender
    }

    public var causes: [Cause]
    /// The draft's first item that differs from what the cache holds (nil: the difference
    /// is in the settings, before any message).
    public var firstDifference: TranscriptID?
    /// About 40 characters of each side around the first differing character.
    public var previousExcerpt: String?
    public var currentExcerpt: String?
    /// True when thinking mode's usual lag applies (expected, not a break).
    public var thinkingLag: Bool

    /// True when the draft loses cache it would otherwise keep.
    public var breaksCache: Bool { !causes.isEmpty }

    /// Compares `draft` with `previous`, the conversation's last request.
    ///
    /// - Parameters:
    ///   - reply: `previous`'s reply as the history keeps it (nil when it was not kept:
    ///     failed, or empty).
    ///   - previousSequence: what `previous` left in the cache (`RequestPlan.cacheSequence`);
    ///     used to tell a template re-render from an exact extension.
    public init(previous: RequestPlan, reply: TemplateMessage?, previousSequence: [Int]?, draft: RequestPlan) {
        causes = []
        thinkingLag = false
        let old = previous.settings, new = draft.settings
        if old.model != new.model {
            // Each model has its own cache: nothing else matters (a model with another
            // default thinking mode or template changes the rest too, for the same reason).
            causes = [.model(from: old.model, to: new.model)]
            return
        }
        if old.effectiveThinking != new.effectiveThinking {
            causes.append(.thinking(from: old.effectiveThinking, to: new.effectiveThinking))
        }
        // Only `max` changes the prompt (a preamble before the first message). Thinking
        // turned on or off takes the effort with it: that is the thinking change, not an
        // effort switch the user did not make.
        if old.effectiveThinking == new.effectiveThinking, old.renderedEffort != new.renderedEffort,
           old.renderedEffort == .max || new.renderedEffort == .max {
            causes.append(.reasoningEffort(from: old.renderedEffort, to: new.renderedEffort))
        }
        switch (previous.fewShot, draft.fewShot) {
        case (nil, nil): break
        case let (a?, b?) where a.name == b.name && a.version != b.version: causes.append(.fewShotVersion)
        case let (a?, b?) where a.name == b.name: break
        default: causes.append(.fewShotSet)
        }
        let cut = previous.historyStart != draft.historyStart
        if cut { causes.append(.truncationCut(from: previous.historyStart, to: draft.historyStart)) }

        // What the draft would carry if nothing had changed, against what it carries.
        let eachMode = draft.fewShot?.mode == .each && previous.fewShot?.mode == .each
        var expected: [RequestPlan.Item]
        var current = draft.items.filter { $0.part != .question }
        if eachMode {
            expected = previous.items.filter { $0.part.isPinnedPrefix }
        } else {
            expected = previous.items
            if let reply { expected.append(RequestPlan.Item(id: .streaming, message: reply, part: .history)) }
            if cut {
                // The cut drops whole turns on purpose: compare the pinned part only.
                expected = expected.filter { $0.part.isPinnedPrefix }
                current = current.filter { $0.part.isPinnedPrefix }
            }
        }
        let diff = RequestDiff(previous: expected.map(\.message), current: current.map(\.message),
                               pinnedMessageCount: draft.pinnedCount)
        if case .appended = diff.change {
            if current.count < expected.count, !cut {
                causes.append(.messageRemoved)
                firstDifference = draft.items.first { $0.part == .question }?.id
            }
        } else if let index = diff.messageIndex {
            firstDifference = index < current.count ? current[index].id : draft.items.last?.id
            previousExcerpt = diff.previousExcerpt
            currentExcerpt = diff.currentExcerpt
            for cause in diff.causes {
                switch cause {
                case .systemPromptChanged: if !causes.contains(.fewShotSet) && !causes.contains(.fewShotVersion) { causes.append(.systemPrompt) }
                case .fewShotSetChanged: if !causes.contains(.fewShotSet) && !causes.contains(.fewShotVersion) { causes.append(.fewShotVersion) }
                case .earlierMessageEdited: causes.append(.earlierMessageEdited)
                case .messageInserted: causes.append(.messageInserted)
                case .messageRemoved: causes.append(.messageRemoved)
                case .roleChanged: causes.append(.roleChanged)
                case .volatileValue(let value): causes.append(.volatileValue(value))
                case .templateReRender: causes.append(.templateReRender)
                }
            }
        }

        // Same messages and settings: the tokens should extend what the cache holds.
        guard causes.isEmpty, !eachMode, let previousSequence else { return }
        let common = zip(previousSequence, draft.prompt.ids).prefix { $0 == $1 }.count
        if common < previousSequence.count && common < draft.prompt.ids.count {
            if new.effectiveThinking {
                thinkingLag = true
            } else {
                causes.append(.templateReRender)
            }
        }
    }
}
