import ChatCore
import ChatWire

extension ConversationState {
    /// Indices into `messages` of the history messages a request carries, in request
    /// order (after the pinned ones): `requestMessages[pinned.count + i]` is `messages[sentMessageIndices[i]]`.
    public var sentMessageIndices: [Int] {
        if fewShot != nil && fewShotMode == .each {
            return messages.lastIndex(where: { $0.role == .user }).map { [$0] } ?? []
        }
        return messages.indices.filter { Self.isSent(messages[$0]) && messages[$0].ordinal >= historyStart }
    }

    /// Whether a message of the history goes into requests: complete ones, and interrupted
    /// replies that have text (what the user saw stays in the context).
    static func isSent(_ message: StoredMessage) -> Bool {
        switch message.state {
        case .complete: true
        case .interrupted: !message.content.isEmpty
        case .streaming, .failed: false
        }
    }

    /// The block of `messages` that `policy` cuts before `draft` is sent, or nil when the
    /// request stays under the policy's trigger (or the conversation has no history to cut:
    /// a few-shot set asked one question at a time).
    ///
    /// `render` is the session's renderer (`ChatSession.render`): the plan works on the exact
    /// per-message token spans of the request that would be sent.
    public func blockCut(adding draft: String, policy: TruncationPolicy,
                         render: ([ChatMessage]) -> RenderedPrompt) -> (range: Range<Int>, plan: TruncationPolicy.Plan)? {
        if fewShot != nil && fewShotMode == .each { return nil }
        let request = requestMessages(adding: draft)
        let rendered = render(request)
        var tokens = [Int](repeating: 0, count: request.count)
        for span in rendered.spans where !span.isGenerationPrompt && span.messageIndex < tokens.count {
            tokens[span.messageIndex] += span.tokenCount
        }
        let overhead = rendered.spans.filter(\.isGenerationPrompt).reduce(0) { $0 + $1.tokenCount }
        let roles = request.map { TemplateMessage(chat: $0).role }
        guard let plan = policy.plan(messageTokens: tokens, roles: roles, pinnedMessageCount: pinned.count,
                                     overheadTokens: overhead) else { return nil }
        // Map request indices back to `messages`; the draft (the last request message) is never cut.
        let sent = sentMessageIndices
        let first = plan.droppedMessages.lowerBound - pinned.count, last = plan.droppedMessages.upperBound - 1 - pinned.count
        guard first >= 0, last < sent.count, first <= last else { return nil }
        return (sent[first]..<(sent[last] + 1), plan)
    }

    /// A copy without `messages[range]`: the history cut in one block. The pinned messages
    /// are untouched, so the prefix they form stays cached; the kept history after the cut is
    /// a new, stable prefix for the requests that follow.
    ///
    /// In memory only: a saved conversation keeps every message in the store.
    public func truncated(dropping range: Range<Int>) -> ConversationState {
        var copy = self
        let clamped = range.clamped(to: messages.indices)
        copy.messages.removeSubrange(clamped)
        return copy
    }
}
