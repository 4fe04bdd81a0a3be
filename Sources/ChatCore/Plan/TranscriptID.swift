/// Identifies a message on screen and in a request, whatever it is backed by.
///
/// Every part of the App that points at a message (cache marks, the horizon, the draft
/// warning, `/edit`, `/copy`, the layout caches) uses this one identity. It is never a
/// signed integer with reserved ranges: a pinned message, a stored row and a message the
/// history could not save can never be confused.
public enum TranscriptID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The pinned prefix: index 0 is the system prompt (or the few-shot set's system
    /// prompt), then each shot's question and answer.
    case pinned(Int)
    /// An attached document, by its position in the conversation's attachments.
    case attachment(Int)
    /// A row of the history (SQLite or the in-memory twin).
    case stored(MessageID)
    /// A message the history refused to save (full disk, read-only database): kept in
    /// memory, numbered in the order it was made.
    case unsaved(Int)
    /// The draft in the editor (only in plans made to predict its cost).
    case draft
    /// The reply streaming in.
    case streaming
    /// The explanation shown in an empty conversation.
    case welcome

    public var description: String {
        switch self {
        case .pinned(let index): "pinned#\(index)"
        case .attachment(let index): "attachment#\(index)"
        case .stored(let id): "message#\(id)"
        case .unsaved(let serial): "unsaved#\(serial)"
        case .draft: "draft"
        case .streaming: "streaming"
        case .welcome: "welcome"
        }
    }

    /// The stored row, when there is one.
    public var messageID: MessageID? {
        if case .stored(let id) = self { return id }
        return nil
    }
}
