/// Folds `ChatStreamEvent`s into a `Reply`.
///
/// Appending a text delta is amortised O(1): the reply's strings are stored in place and
/// grown with `append`, never rebuilt. Reading `reply` hands out a copy-on-write value;
/// holding such a copy across the next append makes that one append copy the text once, so
/// a UI should read it per frame, not keep it.
///
/// Tool-call fragments are merged by `index`. A fragment without an index starts a new call
/// when it carries an `id` different from the last call's, else it extends the last call.
public struct ReplyAccumulator: Sendable {
    /// The reply so far.
    public private(set) var reply = Reply()
    private var positionByIndex: [Int: Int] = [:]

    public init() {}

    /// Applies a batch of events in order.
    public mutating func apply(_ events: some Sequence<ChatStreamEvent>) {
        for event in events { apply(event) }
    }

    /// Applies one event.
    public mutating func apply(_ event: ChatStreamEvent) {
        switch event {
        case .metadata(let metadata):
            reply.id = metadata.id ?? reply.id
            reply.model = metadata.model ?? reply.model
            reply.systemFingerprint = metadata.systemFingerprint ?? reply.systemFingerprint
        case .role(let role):
            reply.role = role
        case .reasoning(let text):
            reply.reasoningContent.append(text)
        case .content(let text):
            reply.content.append(text)
        case .toolCall(let delta):
            merge(delta)
        case .finish(let reason):
            reply.finishReason = reason
        case .usage(let usage):
            reply.usage = usage
        case .keepAlive:
            break
        case .done:
            reply.isComplete = true
        case .failure(let error):
            if reply.failure == nil { reply.failure = error }
        }
    }

    private mutating func merge(_ delta: ToolCallDelta) {
        let position: Int
        if let index = delta.index {
            if let existing = positionByIndex[index] {
                position = existing
            } else {
                position = appendCall()
                positionByIndex[index] = position
            }
        } else if let last = reply.toolCalls.indices.last,
            delta.id == nil || delta.id == reply.toolCalls[last].id || reply.toolCalls[last].id.isEmpty
        {
            position = last
        } else {
            position = appendCall()
        }
        if let id = delta.id, !id.isEmpty { reply.toolCalls[position].id = id }
        if let type = delta.type, !type.isEmpty { reply.toolCalls[position].type = type }
        if let name = delta.name { reply.toolCalls[position].name.append(name) }
        if let arguments = delta.arguments { reply.toolCalls[position].arguments.append(arguments) }
    }

    private mutating func appendCall() -> Int {
        reply.toolCalls.append(ToolCall(id: "", name: "", arguments: ""))
        return reply.toolCalls.count - 1
    }
}
