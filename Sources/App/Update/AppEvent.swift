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
    case saveQuestion(text: String, conversation: ConversationID?, create: ConversationSettings?, ordinal: Int, serial: Int,
                      after: MessageID? = nil)
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
    case export(ConversationID, HistoryExportFormat, path: String?, name: String, replace: Bool)
    case stats
    case copy(String, what: String)
    /// Opens the draft in the user's editor (Ctrl-X Ctrl-E) and reads it back.
    case editInEditor(String)
    /// `GET /models`, in the background; nothing is said when it fails (offline is fine).
    case fetchModels
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
    /// The question, stored or (with `problem`) kept in memory only.
    case questionSaved(HistoryMessage, record: Conversation?, problem: String?)
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
    case exportWouldReplace(ConversationID, HistoryExportFormat, path: String)
    /// A finished effect with something to tell the user.
    case info(String)
    case warning(String)
    case failure(String)
    /// The endpoint's model ids.
    case models([String])
    /// The editor closed: its text (nil when the draft stays as it was) and why not.
    case editedDraft(String?, problem: String?)
    /// A problem worth reading whole (a broken theme file): a dialog, not the status bar.
    case report(title: String, text: String)
}
