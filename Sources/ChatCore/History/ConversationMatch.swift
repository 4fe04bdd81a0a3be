/// A conversation a search found, and where: its title, its first matching message, or both.
public struct ConversationMatch: Sendable, Equatable {
    public var summary: ConversationSummary
    /// True when the title contains every word.
    public var inTitle: Bool
    /// The title, with the words marked when ``inTitle``.
    public var title: SearchSnippet
    /// The first finished message (lowest ordinal) that contains every word; nil when only
    /// the title does.
    public var message: MessageMatch?
    /// How many finished messages contain every word.
    public var matchingMessages: Int

    public init(summary: ConversationSummary, inTitle: Bool, title: SearchSnippet, message: MessageMatch?, matchingMessages: Int) {
        self.summary = summary
        self.inTitle = inTitle
        self.title = title
        self.message = message
        self.matchingMessages = matchingMessages
    }

    /// A conversation listed without a search: nothing marked, no message.
    public init(listed summary: ConversationSummary) {
        self.init(summary: summary, inTitle: false, title: SearchSnippet(summary.conversation.title), message: nil,
                  matchingMessages: 0)
    }

    public var conversation: Conversation { summary.conversation }

    /// The order of results: title matches first, then the most recently active, then the
    /// newest conversation. Both histories sort by it.
    public static func ranked(_ lhs: ConversationMatch, _ rhs: ConversationMatch) -> Bool {
        if lhs.inTitle != rhs.inTitle { return lhs.inTitle }
        return (lhs.conversation.updated, lhs.conversation.id) > (rhs.conversation.updated, rhs.conversation.id)
    }
}

/// A message that contains every word of a search, with the words in context.
public struct MessageMatch: Sendable, Equatable {
    public var id: MessageID
    public var ordinal: Int
    public var role: StoredMessage.Role
    /// True when the snippet comes from the reply's reasoning: its text holds none of the words.
    public var inReasoning: Bool
    public var snippet: SearchSnippet

    public init(id: MessageID, ordinal: Int, role: StoredMessage.Role, inReasoning: Bool, snippet: SearchSnippet) {
        self.id = id
        self.ordinal = ordinal
        self.role = role
        self.inReasoning = inReasoning
        self.snippet = snippet
    }
}

extension SearchQuery {
    /// The context of a message that matched: a snippet of its text around the first word
    /// found there, or of its reasoning when the text has none of the words.
    public func messageMatch(id: MessageID, ordinal: Int, role: StoredMessage.Role, content: String,
                             reasoning: String?) -> MessageMatch {
        if let snippet = snippet(of: content) {
            return MessageMatch(id: id, ordinal: ordinal, role: role, inReasoning: false, snippet: snippet)
        }
        if let reasoning, let snippet = snippet(of: reasoning) {
            return MessageMatch(id: id, ordinal: ordinal, role: role, inReasoning: true, snippet: snippet)
        }
        // Only where the index folds a character differently from Swift: show the start.
        return MessageMatch(id: id, ordinal: ordinal, role: role, inReasoning: false, snippet: Self.opening(of: content))
    }

    /// The match of a conversation, given whether its title matched and its first matching message.
    public func conversationMatch(_ summary: ConversationSummary, inTitle: Bool, message: MessageMatch?,
                                  matchingMessages: Int) -> ConversationMatch {
        let title = summary.conversation.title
        return ConversationMatch(summary: summary, inTitle: inTitle, title: inTitle ? marked(title) : SearchSnippet(title),
                                 message: message, matchingMessages: matchingMessages)
    }
}
