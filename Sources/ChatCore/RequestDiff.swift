/// A prefix linter: where a request first differs from the previous request of the same
/// conversation, and which of the usual cache busters caused it.
///
/// DeepSeek serves only a common *prefix* from cache, so everything after the first
/// difference misses. The diff compares messages (role, content, tool calls; reasoning is
/// ignored because templates drop it from earlier turns) and, when the rendered ids are
/// given, tokens. A request that only appends to the previous one has no message change;
/// if its tokens still diverge inside the previous request, the template re-rendered the
/// end of it (V4 thinking mode turns the last `<think>` into `</think>`).
public struct RequestDiff: Sendable, Hashable {
    /// What happened to the message list at the first difference.
    public enum Change: Sendable, Hashable {
        /// The previous messages are a prefix of the current ones.
        case appended
        /// Message `message` kept its role but its content (or tool calls) changed.
        case edited(message: Int)
        case roleChanged(message: Int, from: TemplateRole, to: TemplateRole)
        /// `count` messages were inserted before the previous message `at`.
        case inserted(at: Int, count: Int)
        /// `count` messages starting at `at` are gone.
        case removed(at: Int, count: Int)
    }

    /// A named reason for a cache miss.
    public enum Cause: Sendable, Hashable {
        case systemPromptChanged
        /// The difference is inside the pinned few-shot set.
        case fewShotSetChanged
        case earlierMessageEdited
        case messageInserted
        case messageRemoved
        case roleChanged
        /// A timestamp, UUID or other number that changes per request, at the difference.
        case volatileValue(VolatileValue)
        /// Messages unchanged, tokens not: the template re-rendered the previous request's end.
        case templateReRender
    }

    public var change: Change
    /// The first differing message (index in the current request), nil for `.appended`.
    public var messageIndex: Int?
    /// First differing `Character` of that message's content.
    public var characterOffset: Int?
    /// About 40 characters of each side around the difference, safe for a terminal.
    public var previousExcerpt: String?
    public var currentExcerpt: String?
    public var causes: [Cause]
    /// True when the first difference is inside the pinned messages (system + few-shot set).
    public var inPinnedPrefix: Bool
    /// First token where the current ids leave the previous ones (nil without ids).
    public var firstDifferingToken: Int?
    /// Tokens of the current request from `firstDifferingToken` on: they cannot hit.
    public var tokensAfterDifference: Int?

    /// - Parameters:
    ///   - pinnedMessageCount: how many leading messages are the pinned set (system prompt
    ///     and few-shot pairs).
    ///   - previousIDs: the previous request's ids; its cache sequence (prompt + rendered
    ///     reply) when known, so the reply counts as reusable.
    ///   - currentIDs: the current request's rendered ids.
    public init(previous: [TemplateMessage], current: [TemplateMessage], pinnedMessageCount: Int = 0,
                previousIDs: [Int]? = nil, currentIDs: [Int]? = nil) {
        let first = zip(previous, current).prefix { Self.same($0, $1) }.count
        change = Self.change(previous, current, at: first)
        causes = []
        inPinnedPrefix = false
        if case .appended = change {} else {
            messageIndex = first
            inPinnedPrefix = first < pinnedMessageCount
            let old = first < previous.count ? previous[first].content : ""
            let new = first < current.count ? current[first].content : ""
            let offset: Int
            if case .edited = change { offset = zip(old, new).prefix { $0 == $1 }.count } else { offset = 0 }
            characterOffset = offset
            previousExcerpt = Self.excerpt(old, around: offset)
            currentExcerpt = Self.excerpt(new, around: offset)
            causes = Self.causes(of: change, previous: previous, current: current, at: first, pinned: pinnedMessageCount)
            if case .edited = change, let value = VolatileValue.detect(previous: old, current: new, offset: offset) {
                causes.append(.volatileValue(value))
            }
        }
        if let previousIDs, let currentIDs {
            let common = zip(previousIDs, currentIDs).prefix { $0 == $1 }.count
            firstDifferingToken = common
            tokensAfterDifference = currentIDs.count - common
            if case .appended = change, common < previousIDs.count, common < currentIDs.count {
                causes.append(.templateReRender)
            }
        }
    }

    /// True when nothing of the previous request is lost (only new messages were added and,
    /// when ids were given, the tokens extend the previous ones).
    public var isPrefixStable: Bool { causes.isEmpty && { if case .appended = change { true } else { false } }() }

    static func same(_ a: TemplateMessage, _ b: TemplateMessage) -> Bool {
        a.role == b.role && a.content == b.content && a.toolCalls == b.toolCalls && a.toolCallID == b.toolCallID
    }

    /// The smallest insertion or removal that realigns the lists, else an edit or role change.
    static func change(_ previous: [TemplateMessage], _ current: [TemplateMessage], at index: Int) -> Change {
        if index == previous.count { return .appended }
        if index == current.count { return .removed(at: index, count: previous.count - index) }
        for shift in 1...max(previous.count, current.count) {
            if index + shift < previous.count, same(previous[index + shift], current[index]) {
                return .removed(at: index, count: shift)
            }
            if index + shift < current.count, same(current[index + shift], previous[index]) {
                return .inserted(at: index, count: shift)
            }
        }
        let (old, new) = (previous[index].role, current[index].role)
        return old == new ? .edited(message: index) : .roleChanged(message: index, from: old, to: new)
    }

    static func causes(of change: Change, previous: [TemplateMessage], current: [TemplateMessage],
                       at index: Int, pinned: Int) -> [Cause] {
        var causes: [Cause] = []
        let touchesSystem = (index < previous.count && previous[index].role == .system)
            || (index < current.count && current[index].role == .system)
        if touchesSystem { causes.append(.systemPromptChanged) } else if index < pinned { causes.append(.fewShotSetChanged) }
        switch change {
        case .appended: break
        case .edited: if !touchesSystem && index >= pinned { causes.append(.earlierMessageEdited) }
        case .roleChanged: causes.append(.roleChanged)
        case .inserted: causes.append(.messageInserted)
        case .removed: causes.append(.messageRemoved)
        }
        return causes
    }

    /// About `width` characters around `offset`, with `…` where text was cut, newlines shown
    /// as `⏎`, and terminal controls removed.
    static func excerpt(_ text: String, around offset: Int, width: Int = 40) -> String {
        let characters = Array(text)
        let start = max(0, min(offset, characters.count) - width / 2)
        let end = min(characters.count, start + width)
        var piece = String(characters[start..<end])
        piece = TerminalSanitizer.clean(piece.replacingOccurrences(of: "\r\n", with: "⏎")
            .replacingOccurrences(of: "\n", with: "⏎").replacingOccurrences(of: "\t", with: " "))
        return (start > 0 ? "…" : "") + piece + (end < characters.count ? "…" : "")
    }
}
