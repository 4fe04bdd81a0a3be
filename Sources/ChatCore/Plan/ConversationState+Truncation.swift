extension ConversationState {
    /// The cache-aware cut `policy` makes before `draft` is sent: the ordinal requests would
    /// start at afterwards, and the policy's plan; nil when the request stays under the
    /// policy's trigger, or there is no history to cut (one question at a time).
    ///
    /// It works on the exact per-message spans of the request that would be sent.
    public func blockCut(adding draft: String, policy: TruncationPolicy, options: RequestOptions = RequestOptions(),
                         renderer: some PromptRendering) -> (ordinal: Int, plan: TruncationPolicy.Plan)? {
        guard !asksEachQuestionAlone else { return nil }
        let request = RequestPlan(self, question: .draft(draft), options: options, renderer: renderer)
        let (tokens, overhead) = request.itemTokens
        guard let plan = policy.plan(messageTokens: tokens, roles: request.items.map(\.message.role),
                                     pinnedMessageCount: request.pinnedCount, overheadTokens: overhead) else { return nil }
        // The draft (the last item) is never cut; the cut must end on a history message.
        let last = plan.droppedMessages.upperBound - 1
        guard plan.droppedMessages.lowerBound >= request.pinnedCount, last < request.items.count - 1,
              let message = messages.first(where: { $0.id == request.items[last].id }) else { return nil }
        return (message.ordinal + 1, plan)
    }

    /// Where requests start after a cut at `ordinal`: the conversation keeps every message
    /// (shown and stored); requests carry the pinned prefix and the history from there.
    public func cut(at ordinal: Int) -> ConversationState {
        var copy = self
        copy.historyStart = max(historyStart, ordinal)
        return copy
    }
}
