import ChatCore
import Foundation

/// `/each`: several questions, each its own request over the conversation as it stood
/// (its pinned prefix, documents and history), sent so that they hit the cache: the
/// cache model's warm-ups alone first (`WarmupScheduler`: v3 one, v4 two), a wait while
/// the server builds its cache, then the rest with at most `parallel` in flight.
///
/// Questions are saved one at a time when their request starts, each followed at once by
/// its reply's row, so the history holds question, answer, question, answer in order
/// even though the answers stream together. An answer joins the conversation on screen
/// when it and every earlier one have ended.
public struct BatchState {
    public enum Phase: Equatable, Sendable {
        /// Not sent yet (waiting for the warm-up or a free slot).
        case waiting
        /// Its question is being saved; the request follows.
        case saving
        case running
        /// Ended; `reply` holds the answer.
        case done
        /// Never sent (the batch was stopped first).
        case notSent
    }

    public struct Entry {
        public var question: String
        /// The ordinals reserved for the question (and the answer after it).
        public var ordinal: Int
        public var phase = Phase.waiting
        public var message: HistoryMessage?
        public var turn: TurnState?
        public var reply: HistoryMessage?
        /// "9,088 of 9,140 prompt tokens from cache · $0.0003" once ended.
        public var note: String?
        public var hitTokens: Int?
        public var cost: Cost?
    }

    public var entries: [Entry]
    /// The conversation every question is asked over (as it was when `/each` was sent).
    public var base: ConversationState
    public var scheduler: WarmupScheduler<Int>
    public var warmups: Int
    public var parallel: Int
    /// Entries due, in question order, waiting for a free slot.
    public var ready: [Int] = []
    /// Entries already moved into the conversation (a prefix of `entries`).
    public var flushed = 0
    /// Esc was pressed: nothing more is sent.
    public var stopping = false
    public var startedUptime: Double

    /// The entry with a request of `token`.
    public func entry(token: Int) -> Int? {
        entries.firstIndex { $0.turn?.token == token }
    }

    public var inFlight: Int { entries.filter { $0.phase == .running || $0.phase == .saving }.count }
    public var isSaving: Bool { entries.contains { $0.phase == .saving } }
    public var isFinished: Bool { entries.allSatisfy { $0.phase == .done || $0.phase == .notSent } }
}
