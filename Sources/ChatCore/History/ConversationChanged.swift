/// Another cachechat (a second window, an `ask --continue`) added to a conversation after
/// this one read it: appending now would interleave two histories into one that matches no
/// request either sent, so the question is refused and nothing is sent.
public struct ConversationChanged: Error, Equatable, Sendable, CustomStringConvertible {
    public let conversation: ConversationID

    public init(conversation: ConversationID) { self.conversation = conversation }

    public var description: String {
        "Conversation \(conversation) was changed by another cachechat since it was opened, so nothing was sent. "
            + "Open it again to see the new messages, then ask."
    }
}
