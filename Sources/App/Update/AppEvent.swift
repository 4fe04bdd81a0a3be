import ChatCore
import ChatWire
import Foundation
import TerminalUI

/// Something that happened, for `AppLogic.update` to answer.
public enum AppEvent {
    case key(KeyEvent)
    case resized(Size)
    /// SIGTERM, SIGINT delivered as a signal, SIGHUP: stop the reply, keep it, leave.
    case terminate(signal: Int32)
    /// Time passed: timers may be due (the draft's prediction, a notice, the spinner).
    case tick
    /// From the request runner, about the turn with `token`.
    case turn(token: Int, TurnEvent)
    /// The result of an effect the runtime performed.
    case result(EffectResult)
}

/// What the request runner reports about a turn, in order: `started`, any `retrying`,
/// `delta`s, then exactly one `finished`.
public enum TurnEvent {
    /// The reply's history row (or why it could not be made).
    case started(replyID: MessageID?, saveProblem: String?)
    case retrying(attempt: Int, delay: Double, reason: String)
    /// Text to append.
    case delta(content: String, reasoning: String)
    case finished(TurnResult)
}

/// Work for the runtime. `update` never touches the network, the disk, the clipboard or
/// the terminal itself; it asks for it, and hears back through `AppEvent.result`.
public enum Effect {
    /// Opens the most recent conversation, or starts an empty one.
    case openLatest
    case openConversation(ConversationID)
    /// Saves `text` as the next user message (creating the stored conversation first when
    /// `create` is given), then the App sends.
    /// `attachments` are stored with a conversation it creates; `batchEntry` names the
    /// `/each` question it is (nil: the draft); `after` is the message this process last
    /// saw at the end of the conversation (another writer's message refuses the save).
    /// `backlog`: saves the history refused before, stored first and in order (the question
    /// waits in memory behind them while they are refused).
    case saveQuestion(text: String, conversation: ConversationID?, create: ConversationSettings?, ordinal: Int, serial: Int,
                      attachments: [Attachment] = [], batchEntry: Int? = nil, after: MessageID? = nil,
                      backlog: [AppState.UnsavedSave] = [], behind: SaveTarget? = nil)
    /// Reads files for `/attach`, `@path` in a draft, or a re-read before sending (paths as
    /// typed: relative to the working folder, `~` expanded, folders expanded).
    case loadAttachments([String], AttachPurpose)
    /// Reads the attached files again to see whether they changed since attached.
    case checkAttachments([Attachment], then: PendingSend)
    /// Stores the conversation's attachment list (replacing the old one).
    case saveAttachments(ConversationID, [Attachment])
    /// Stores again, in order, the questions and replies the history refused.
    case retrySaves([AppState.UnsavedSave])
    /// Starts the request; events come back as `.turn(token:…)`.
    case send(RequestPlan, token: Int)
    case cancel(token: Int)
    /// Removes the last reply before regenerating it.
    case deleteMessage(MessageID)
    case updateConversation(Conversation)
    case rename(ConversationID, String)
    case deleteConversation(ConversationID)
    case fork(ConversationID, atOrdinal: Int, title: String, draft: String, regenerate: Bool = false)
    case refreshTotals(ConversationID?)
    case listConversations
    /// Searches the conversations' titles and messages for the list's filter (all
    /// conversations when it is empty).
    case searchConversations(String)
    /// Writes the conversation to `path` (a file or a folder; nil: the export folder); an
    /// existing file is replaced only when `replace`.
    /// Writes the conversation to `path` (a file, or a folder to put `name` in; nil: the
    /// exports folder).
    case export(ConversationID, HistoryExportFormat, path: String?, name: String, replace: Bool, documents: Bool = false)
    case stats
    case copy(String, what: String)
    /// Opens the draft in the user's editor (Ctrl-X Ctrl-E) and reads it back.
    case editInEditor(String)
    /// `GET /models`, in the background; nothing is said when it fails (offline is fine).
    case fetchModels
    /// `GET /user/balance`, kept as a reading and compared with the ledger; nothing is said
    /// when it fails (an endpoint without it, offline).
    case fetchBalance
    /// Writes what is remembered between runs (choices, drafts).
    case saveRemembered(RememberedState)
    /// Mouse reports on (scrolling with the wheel) or off (the terminal selects text).
    case mouseReporting(Bool)
    case applyTheme(String)
    case loadFewShot(String, FewShotMode)
    case listFewShots
    case editFewShot(String)
    case saveFewShot(FewShotSet, editing: Bool)
    case fewShotFile(FewShotFileOperation)
    /// Repaints every cell (Ctrl-L, after a theme change).
    case repaint
    /// `/crash-test`: a deliberate trap, for the terminal-restoration tests.
    case crash
    /// Ctrl-Z: gives the terminal back and stops, as other full-screen programs do; the
    /// shell's `fg` continues it, and the screen is drawn again.
    case suspendProgram
}

/// What a send is waiting for: the draft's text, or `/each`'s questions.
public enum PendingSend: Equatable, Sendable {
    case question(String)
    case each([String])

    /// The text the `@path` words are looked for in.
    var text: String {
        switch self {
        case .question(let text): text
        case .each(let questions): questions.joined(separator: "\n")
        }
    }
}

/// Why files are being read.
public enum AttachPurpose: Equatable, Sendable {
    /// `/attach PATH...`.
    case attach
    /// `@path` words of a send: attach what exists, then send.
    case mentions(PendingSend)
}

/// `/fewshot dup|rename|delete`.
public enum FewShotFileOperation: Equatable, Sendable {
    case duplicate(String, as: String)
    case rename(String, to: String)
    case delete(String)
    case create(String)
}

/// What an effect produced.
public enum EffectResult {
    case opened(ConversationState, lastRequest: LedgerEntry?, recent: [LedgerEntry], problem: String?)
    case openedEmpty
    /// The question, stored or (with `problem`) kept in memory only; `waiting`: the saves
    /// still refused (the backlog's, then the question's own), in order.
    case questionSaved(HistoryMessage, record: Conversation?, problem: String?, batchEntry: Int? = nil,
                       waiting: [AppState.UnsavedSave] = [], target: SaveTarget? = nil)
    /// Files read for `purpose`; `skipped` names folder files that are not text.
    case attachmentsLoaded([Attachment], skipped: [String], AttachPurpose)
    /// Files that could not be read for `purpose`: why, naming the file.
    case attachmentsFailed(String, AttachPurpose)
    /// Each attachment as its file is now (nil: gone or unreadable), for `send`.
    case attachmentsOnDisk([Attachment?], then: PendingSend)
    /// `saved` replies are stored now; `failed` were refused again (`problem` says why).
    case savesRetried(saved: Int, failed: [AppState.UnsavedSave], problem: String?)
    /// Another cachechat added to the conversation since it was opened: nothing was saved
    /// or sent, the draft stays.
    case conversationChanged(ConversationChanged)
    case totals(conversation: StatsSummary, allTime: StatsSummary, recent: [LedgerEntry])
    case conversationList([ConversationSummary])
    /// What the conversation list's filter `query` found.
    case conversationSearch(query: String, [ConversationMatch])
    case fewShotList([(name: String, detail: String)])
    case fewShotLoaded(FewShotSet, FewShotMode)
    case fewShotForEditing(FewShotSet, conversationsUsing: Int)
    case fewShotSaved(FewShotSet)
    case messageDeleted(MessageID)
    case forked(ConversationState, draft: String, regenerate: Bool = false)
    case conversationDeleted(ConversationID)
    case renamed(ConversationID, String)
    case themeApplied(String)
    case statistics(StatsSummary)
    /// The export's file exists: ask before replacing it.
    case exportWouldReplace(ConversationID, HistoryExportFormat, path: String, documents: Bool = false)
    /// A finished effect with something to tell the user.
    case info(String)
    case warning(String)
    case failure(String)
    /// The endpoint's model ids.
    case models([String])
    /// The ledger's cost today and this month, in the display currency (`[budget]`).
    case spent(today: Double, month: Double)
    /// A balance reading and its comparison with the ledger.
    case balance(BalanceStatus)
    /// A balance request failed (or listed no balance): the reading shown is an older one.
    case balanceNotRefreshed
    /// The editor closed: its text (nil when the draft stays as it was) and why not.
    case editedDraft(String?, problem: String?)
    /// A problem worth reading whole (a broken theme file): a dialog, not the status bar.
    case report(title: String, text: String)
}
