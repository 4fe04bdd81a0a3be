/// Where the messages of one conversation that the history refused go once it takes them
/// again: the conversation (nil until the retry of its refused first question creates it)
/// and the last message stored in it. The retries of one conversation share it, so each
/// stores its message after the one before (a full disk must not leave a gap, or a later
/// question stored before an earlier one). The open conversation holds it
/// (`ConversationState.saveTarget`) while any of its saves wait; identity is what matters:
/// two new conversations both without an id are two targets.
///
/// Used on the App's thread only.
public final class SaveTarget: @unchecked Sendable, Equatable {
    public var conversation: ConversationID?
    /// The conversation a retry created (the App adopts it).
    public var created: Conversation?
    /// The last message stored in `conversation` by this session's retries.
    public var lastStored: MessageID?

    public init(conversation: ConversationID?, lastStored: MessageID?, created: Conversation? = nil) {
        self.conversation = conversation
        self.lastStored = lastStored
        self.created = created
    }

    public static func == (lhs: SaveTarget, rhs: SaveTarget) -> Bool { lhs === rhs }
}
