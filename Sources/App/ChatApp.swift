import ChatCore
import ChatWire
import Foundation
import Store
import TerminalUI

/// The interactive chat client: owns the screen model, the editor and the conversation,
/// turns input into actions, and paints frames. It never touches C, the network or the
/// disk directly: the terminal, the session (transport) and the store are passed in.
public final class ChatApp {
    public let device: TerminalDevice
    public let session: ChatSession
    public let store: ChatStore?
    public let clock: Clock
    let themes: ThemeCatalog
    /// Overrides the model's context window for truncation (CACHECHAT_CONTEXT_LIMIT).
    public var contextLimit: Int?
    /// `/crash-test` traps (fatalError) when set; hidden, for the crash-restoration tests
    /// (`CACHECHAT_TEST_TRAP=1`, docs/FAULTS.md).
    public var crashTestEnabled = false
    /// Few-shot sets on disk (nil in tests that do not need them).
    public var fewShots: FewShotLibrary?

    var editor = InputEditor(placeholder: "Message — Enter sends, Alt-Enter adds a line, F1 for help", maxHeight: 8)
    let screen = ChatScreen()
    var buffer: ScreenBuffer
    var decoder = KeyDecoder()
    var model = ChatScreenModel()
    var state = ConversationState() { didSet { transcriptStale = true } }
    /// The transcript's messages without the reply in flight, rebuilt only when something
    /// they show changed: a keystroke must not touch 2,000 messages.
    var transcriptBase: [TranscriptMessage] = []
    var transcriptStale = true
    var reasoningTokens: [MessageID: Int] = [:]
    var turn: Turn?
    var lastTurn: Turn?
    /// Cache marks of the last request, by transcript id.
    var marks: [Int: CacheMark] = [:] { didSet { transcriptStale = true } }
    /// Where the last request's reused prefix ended: a transcript id, and whether inside it.
    var horizonMark: (id: Int, inside: Bool)? { didSet { transcriptStale = true } }
    var notice: Notice?
    var bare = false { didSet { transcriptStale = true } }
    var reasoningExpanded = false { didSet { transcriptStale = true } }
    /// When the draft last changed; its prediction runs once typing pauses.
    var predictionDue: Double?
    var needsRedraw = true
    var lastRender = -Double.infinity
    var lastSpinner = -Double.infinity
    var spinnerFrame = 0
    var escapeDeadline: Double?
    var pendingAction: PendingAction?
    /// Transcript ids of the messages of the request in flight, in request order.
    var pendingRequestIDs: [Int] = []
    var themeName = "dark"
    public private(set) var isFinished = false
    let accounting: CacheAccounting

    struct Notice {
        enum Level { case info, warning, error }
        var text: String
        var level: Level
        var expires: Double?
    }

    /// What the open list overlay lists.
    enum ListPurpose { case conversations, fewShots }
    var listPurpose = ListPurpose.conversations
    var fewShotEditor: FewShotEditor?

    /// A confirmation the user has been asked for.
    enum PendingAction {
        case deleteConversation(ConversationID)
        case deleteFewShot(String)
        case fork(MessageID, text: String)
        case truncate(ordinal: Int)
        case quit
    }

    public init(device: TerminalDevice, session: ChatSession, store: ChatStore?, themes: ThemeCatalog,
                clock: Clock = SystemClock()) {
        self.device = device
        self.session = session
        self.store = store
        self.clock = clock
        self.themes = themes
        self.buffer = ScreenBuffer(size: device.size)
        self.accounting = CacheAccounting(session: session)
        applyTheme(named: themes.defaultName)
        session.onEvent = { [weak self] turn, event in self?.handleTurnEvent(turn, event) }
    }

    // MARK: - Running

    /// Opens the most recent conversation (or starts a new one), then runs until quit.
    public func run() {
        start()
        while !isFinished { step(timeout: 1) }
    }

    /// Opens the most recent conversation (or a new one) and paints the first frame.
    public func start() {
        openInitialConversation()
        render()
    }

    /// Shows a warning in the status bar (start-up problems the caller found).
    public func showWarning(_ text: String) { warn(text) }

    /// Starts a conversation with a few-shot set (`cachechat --fewshot NAME [--each]`).
    public func startWithFewShot(_ name: String, each: Bool) {
        useFewShot(name, mode: each ? .each : .pinned)
        if needsRedraw { render() }
    }

    /// True while a reply is on its way.
    public var isBusy: Bool { turn != nil }
    /// The conversation on screen.
    public var conversationState: ConversationState { state }
    /// What the last frame showed.
    public var screenModel: ChatScreenModel { model }
    /// The draft in the editor.
    public var draft: String { editor.text }

    /// One iteration of the event loop: wait for input, network, signals or a timer,
    /// handle what arrived, and paint a frame when something changed.
    public func step(timeout: Double) {
        var wait = timeout
        if turn != nil { wait = min(wait, 0.08) }
        if let deadline = escapeDeadline { wait = min(wait, max(0, deadline - clock.uptime())) }
        if let due = predictionDue { wait = min(wait, max(0, due - clock.uptime())) }
        if needsRedraw { wait = min(wait, max(0, lastRender + Self.frameInterval - clock.uptime())) }
        let ready = session.transport.poll(timeout: wait, extraFDs: device.pollDescriptors)
        _ = ready
        for event in device.takeEvents() { handleDeviceEvent(event) }
        let bytes = device.readInput()
        if !bytes.isEmpty {
            for event in decoder.feed(bytes) { handle(event) }
            escapeDeadline = decoder.hasPendingEscape ? clock.uptime() + 0.03 : nil
        } else if let deadline = escapeDeadline, clock.uptime() >= deadline {
            escapeDeadline = nil
            for event in decoder.flushPending() { handle(event) }
        }
        tick()
        // While a reply streams, chunks arrive every few milliseconds: paint at most 60
        // frames a second. Input is painted at once.
        if needsRedraw && (bytes.isEmpty == false || turn == nil || clock.uptime() - lastRender >= Self.frameInterval) {
            render()
        }
    }

    static let frameInterval = 1.0 / 60

    /// Called every loop iteration: spinner, notice expiry.
    func tick() {
        if turn != nil, clock.uptime() - lastSpinner >= 0.1 {
            spinnerFrame += 1
            lastSpinner = clock.uptime()
            needsRedraw = true
        }
        if let due = predictionDue, clock.uptime() >= due {
            predictionDue = nil
            updateDraftPrediction()
        }
        if let expires = notice?.expires, clock.uptime() > expires {
            notice = nil
            needsRedraw = true
        }
    }

    func handleDeviceEvent(_ event: DeviceEvent) {
        switch event {
        case .resized:
            device.invalidate()
            needsRedraw = true
        case .terminate:
            shutDown()
        }
    }

    /// Stops a reply in flight (kept, marked interrupted) and leaves the loop.
    func shutDown() {
        if let turn { session.cancel(turn) }
        isFinished = true
    }

    // MARK: - Drawing

    public func render() {
        needsRedraw = false
        lastRender = clock.uptime()
        if buffer.size != device.size { buffer.resize(to: device.size) }
        if let fewShotEditor {
            let cursor = fewShotEditor.draw(in: Painter(buffer))
            device.present(buffer, cursor: cursor)
            return
        }
        model.showPanel = !bare && panelVisible
        model.transcript = transcriptModel()
        model.panel = accounting.panelModel(state: state, draft: editor.text, turn: turn)
        model.status = statusModel()
        let cursor = screen.render(model, editor: editor, into: buffer)
        device.present(buffer, cursor: cursor)
    }

    var panelVisible = true

    func info(_ text: String, seconds: Double = 4) {
        notice = Notice(text: text, level: .info, expires: clock.uptime() + seconds)
        needsRedraw = true
    }

    func warn(_ text: String) {
        notice = Notice(text: text, level: .warning, expires: clock.uptime() + 8)
        needsRedraw = true
    }

    func fail(_ text: String) {
        notice = Notice(text: text, level: .error, expires: nil)
        needsRedraw = true
    }
}
