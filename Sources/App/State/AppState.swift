import ChatCore
import Foundation
import TerminalUI

/// Everything the chat client shows and remembers, as one value.
///
/// `AppLogic.update` is the only code that changes it, in answer to an `AppEvent`, and
/// returns the `Effect`s the runtime must perform (send, save, copy, ...); `AppView` draws
/// it. Facts live here once: what the last request carried is `exchange.plan`, what is in
/// flight is `turn`, what the draft would send is `draft.plan`.
public struct AppState {
    /// The conversation on screen and the rules of its requests.
    public var conversation: ConversationState
    /// The last request of this conversation and what the cache did with it.
    public var exchange: Exchange?
    /// The request in flight.
    public var turn: TurnState?
    public var editor: InputEditor
    /// The draft's plan, predicted hit and cost, and warnings (updated when typing pauses).
    public var draft: DraftState?
    /// When the draft's prediction is due (uptime); it waits for a pause in typing.
    public var predictionDue: Double?
    /// When the conversation list's search is due (uptime): at once, but after all the
    /// keys of one read, so keys typed faster than a search runs cost one search.
    public var listSearchDue: Double?
    /// Ledger totals and the recent requests of this conversation, for the panel.
    public var totals = PanelTotals()
    /// What the cache predictor knows, per endpoint, model and key.
    public var predictors: [CachePredictor.Key: CachePredictor] = [:]
    /// Prefixes reused in this session, most reused first.
    public var tally = ReusedPrefixTally()
    /// Conversations whose ledger the tally has learned this session (reopening one again
    /// must not count its requests twice).
    public var talliedConversations: Set<ConversationID> = []
    public var overlay: Overlay?
    /// Scrolling keys and wheel events for the transcript, applied by the view at the next
    /// frame (scroll position is the view's: it depends on the layout).
    public var scrollRequests: [KeyEvent] = []
    /// Jump to the newest text at the next frame (after sending, opening a conversation).
    public var scrollToBottom = false
    /// What the open dialog asks for.
    public var pending: PendingAction?
    /// What the open list lists.
    public var listPurpose = ListPurpose.conversations
    public var fewShotEditor: FewShotEditor?
    public var notice: Notice?
    public var view = ViewOptions()
    /// Status-bar messages of this session (`/log`), oldest first, at most `logLimit`.
    public var log: [LogEntry] = []
    public static let logLimit = 500
    /// Model ids the endpoint listed (`GET /models`), for Tab completion.
    public var endpointModels: [String] = []
    /// The reasoning effort chosen with `/effort` this session (nil: config.toml's `effort`).
    public var effort: ReasoningEffort?
    /// `/json on`: requests ask for a JSON object (`response_format`).
    public var jsonObject = false
    /// What the ledger says was spent today and this month (with a `[budget]`).
    public var spent: (today: Double, month: Double)?
    /// The wall-clock minute the panel's peak line was last updated for (it ticks by the minute).
    public var pricingMinute: Int?
    /// The draft's cost was confirmed (`confirm_above`): the next Enter sends it.
    public var sendConfirmed = false
    /// The cost the last `confirm_above` dialog showed: a send confirmed there that would
    /// now cost more (peak hours began while it was open) is asked about again.
    public var confirmedCost: Double?
    /// The last balance reading and what comparing it with the ledger found (at start, the
    /// history's last reading for the endpoint, until the request made then answers).
    public var balance: BalanceStatus?
    /// The last balance request failed: the panel says when the reading shown was taken.
    public var balanceNotRefreshed = false
    /// Uptime of the last balance request, and when the next one is due (once a minute at most).
    public var balanceRequestedAt: Double?
    public var balanceDue: Double?
    /// The model new conversations use when the endpoint's list moved the default.
    public var endpointDefaultModel: String?
    /// The few-shot sets in the library, for Tab completion (refreshed by the runtime).
    public var fewShotNames: [String] = []
    /// Choices and drafts kept between runs (loaded at start, saved when they change).
    public var remembered = RememberedState()
    /// Said on the terminal after the TUI closes (a draft kept).
    public var farewell: String?
    /// The message the focus is on (Alt-Up, or Esc then Up); nil when the editor has it.
    public var focus: TranscriptID?
    /// `/find` (Ctrl-F): the text, the messages that contain it, the one shown.
    public var find: FindState?
    /// A message the view should scroll into sight at the next frame.
    public var reveal: TranscriptID?
    /// Esc was pressed with nothing to stop or close: Up next enters the message focus.
    public var escapeArmed = false
    /// Ctrl-X was pressed: Ctrl-E next opens the draft in the editor.
    public var ctrlXArmed = false
    public var themeName = "dark"
    /// Identifies the next turn's runner events.
    public var nextTurnToken = 1
    /// Numbers the next message the history could not save.
    public var nextUnsavedSerial = 1
    /// Advances while a reply streams (the spinner).
    public var spinnerFrame = 0
    public var lastSpinnerTick = -Double.infinity
    /// The user asked to quit; the runtime stops.
    public var isFinished = false
    /// Why the history is only in memory (nil when it is saved to disk).
    public var historyOffReason: String?
    /// Ctrl-R in the conversation list: the conversation the command line's `/rename` names
    /// (nil: the open one). Only for that command line: cleared when it closes.
    public var renameTarget: ConversationID?
    /// Questions and replies the history refused to store (a full disk), in order, kept to
    /// be saved again.
    public var unsavedSaves: [UnsavedSave] = []
    /// When the next attempt to store them is due (uptime).
    public var nextSaveRetry: Double?

    /// A save the history refused (a question or a reply), kept with what stores it again.
    /// The list is in the order the messages were written: within one conversation a retry
    /// stops at the first refused again, so that its messages are stored in order.
    public struct UnsavedSave {
        public var conversation: ConversationID?
        public var retry: () -> String?
        /// Where this save and the ones after it in its conversation go (shared by them).
        public var target: SaveTarget?

        public init(conversation: ConversationID?, retry: @escaping () -> String?, target: SaveTarget? = nil) {
            self.conversation = conversation
            self.retry = retry
            self.target = target
        }
    }

    /// Attached documents whose card is open (by position), the rest are folded.
    public var openCards: Set<Int> = []
    /// Attachments whose changed file the user chose not to re-read: position → the hash
    /// of the file's text then (asked again only when the file changes once more).
    public var keptCopies: [Int: String] = [:]
    /// `/each` in progress: questions sent as separate requests over one prefix.
    public var batch: BatchState?
    /// Cache numbers shown under `/each` answers of this conversation (this session).
    public var answerNotes: [TranscriptID: String] = [:]

    public init(conversation: ConversationState) {
        self.conversation = conversation
        editor = InputEditor(placeholder: "Message — Enter sends, Alt-Enter adds a line, F1 for help", maxHeight: 8)
    }

    /// True while a reply (or an `/each` batch) is on its way.
    public var isBusy: Bool { turn != nil || batch != nil }
}

/// The user's choice for the cache panel.
public enum PanelChoice: Equatable, Sendable {
    case auto, shown, hidden
}

/// Display switches.
public struct ViewOptions: Equatable, Sendable {
    /// The cache panel (F3): shown when wide enough, or always, or never (the one-line
    /// strip above the editor then carries the numbers).
    public var panel = PanelChoice.auto
    /// The terminal's size, for choices that depend on what is on screen (F3).
    public var screenSize = Size(width: 80, height: 24)
    /// No panel and no marks, for selecting text with the mouse (F4).
    public var bare = false
    /// Where the screen puts the cache numbers.
    public var placement: PanelPlacement {
        if bare { return .none }
        switch panel {
        case .auto: return .auto
        case .shown: return .always
        case .hidden: return .stripOnly
        }
    }

    /// True when the panel is on screen now.
    public var panelVisible: Bool {
        ScreenLayout(size: screenSize, editorHeight: 1, panel: placement).panel != nil
    }

    /// Reasoning unfolded (F2, Alt-R).
    public var reasoningExpanded = false
}

/// A find in the transcript.
public struct FindState: Equatable, Sendable {
    public var query: String
    /// Messages containing the query, oldest first.
    public var matches: [TranscriptID]
    public var index: Int
}

/// A status-bar message as the log keeps it.
public struct LogEntry: Equatable, Sendable {
    public var time: Date
    public var level: Notice.Level
    public var text: String
}

/// A status-bar message.
public struct Notice: Equatable, Sendable {
    public enum Level: Sendable { case info, warning, error }
    public var text: String
    public var level: Level
    /// Uptime after which it goes away; nil stays until replaced or dismissed.
    public var expires: Double?
}

/// A confirmation the user has been asked for.
public enum PendingAction: Equatable, Sendable {
    case deleteConversation(ConversationID)
    case deleteFewShot(String)
    case fork(TranscriptID)
    /// Write reply `TranscriptID` again in a fork (an earlier reply, from the focus).
    case regenerateFork(TranscriptID)
    case truncate(ordinal: Int)
    case replaceExport(ConversationID, HistoryExportFormat, path: String, documents: Bool = false)
    /// Detach the attachment at this position.
    case detach(Int)
    /// Attached files changed on disk: re-read them (`onDisk`, per attachment; nil: gone),
    /// keep the attached copies, or cancel the send.
    case changedAttachments(onDisk: [Attachment?], then: PendingSend)
    /// `@path` words named these files: attach them and send, send without, or cancel.
    case attachMentions([Attachment], skipped: [String], then: PendingSend)
    case quit
    /// Send although the predicted cost is above `confirm_above` (or no price is known).
    case confirmSend(ConfirmedSend = .draft)
}

/// What a `confirm_above` dialog sends when answered yes.
public enum ConfirmedSend: Equatable, Sendable {
    /// The draft in the editor (Enter).
    case draft
    /// The last reply again (F5, `/regen`).
    case regenerate
    /// The last reply carried on (`/continue`).
    case continueReply
    /// `/each`'s questions, each its own request.
    case each([String])
}

/// What the list overlay lists.
public enum ListPurpose: Equatable, Sendable { case conversations, fewShots, models }

/// Ledger numbers for the panel: this conversation, all time, and its recent requests.
public struct PanelTotals: Equatable, Sendable {
    public var conversation = StatsSummary()
    public var allTime = StatsSummary()
    /// The conversation's most recent requests, oldest first (the sparkline, the last request).
    public var recent: [LedgerEntry] = []
    /// Requests whose ledger rows could not be written (the history refused): the panel
    /// still counts them, for this conversation and for this session.
    public var unsavedHere: [LedgerEntry] = []
    public var unsavedInSession: [LedgerEntry] = []
    public init() {}

    /// The conversation's totals with the unsaved requests added.
    public var conversationShown: StatsSummary { Self.adding(unsavedHere, to: conversation) }
    public var allTimeShown: StatsSummary { Self.adding(unsavedInSession, to: allTime) }
    /// The recent requests, unsaved ones in their place by time.
    public var recentShown: [LedgerEntry] {
        unsavedHere.isEmpty ? recent : (recent + unsavedHere).sorted { $0.time < $1.time }
    }

    private static func adding(_ entries: [LedgerEntry], to summary: StatsSummary) -> StatsSummary {
        var summary = summary
        for entry in entries { summary.add(entry) }
        return summary
    }
}

/// The account's balance as the panel shows it.
public struct BalanceStatus: Equatable, Sendable {
    public var reading: BalanceReading
    /// "account charged $0.0140, ledger says $0.0121 — prices may be out of date".
    public var mismatch: String?

    public init(reading: BalanceReading, mismatch: String?) {
        self.reading = reading
        self.mismatch = mismatch
    }
}
