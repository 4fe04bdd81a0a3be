import ChatCore
import ChatWire
import Config
import Foundation
import TerminalUI
import Tokenizer

/// Runs the App: one loop over one poll (network, keys, signals, timers), events into
/// `AppLogic.update`, its effects performed here, and a frame painted from `AppView` after
/// updates (at most 60 a second while a reply streams; input is painted at once).
///
/// It owns the backends, all behind protocols with in-memory twins: the terminal
/// (`TerminalDevice` / `HeadlessDevice`), the transport (`CurlTransport` /
/// `InMemoryTransport`), the history (`History.ChatStore` / `InMemoryHistory`) and the
/// clock (`SystemClock` / `ManualClock`).
public final class AppRuntime {
    public let device: TerminalDevice
    public let transport: HTTPTransport
    public let history: ChatHistory
    public let clock: Clock
    public let logic: AppLogic
    public let view: AppView
    public let runner: RequestRunner
    public let fewShots: FewShotLibrary?
    let themes: ThemeCatalog
    /// Where drafts and in-app choices are kept between runs (the CLI sets the file).
    public var rememberedStore: RememberedStateStore = InMemoryRememberedStateStore()
    /// How `/copy` reaches a clipboard (the CLI sets the system one; tests record).
    public var clipboard: Clipboard = SystemClipboard(method: .osc52, environment: [:])
    /// Where `/export` writes when no path is given (the CLI sets
    /// `$XDG_DATA_HOME/cachechat/exports`); created on first use.
    public var exportDirectory: String = FileManager.default.currentDirectoryPath

    public private(set) var state: AppState
    public private(set) var screenModel: ChatScreenModel?
    public let screen = ChatScreen()
    var buffer: ScreenBuffer
    var decoder = KeyDecoder()
    var escapeDeadline: Double?
    var needsRender = true
    var lastRender = -Double.infinity
    var runs: [Int: RequestRunner.Run] = [:]
    private var queue: [AppEvent] = []
    private var dispatching = false
    private var prepared = false
    /// Frames painted, for tests and benchmarks.
    public private(set) var frames = 0
    /// Called once each time the App has been idle for `idleDelay` seconds: no key, no
    /// frame, no reply in flight. The CLI gives memory back there (`IdleMemory`,
    /// docs/DECISIONS.md 90).
    public var onIdle: (() -> Void)?
    /// Seconds without activity before `onIdle`.
    public static let idleDelay = 2.0
    private var lastActivity: Double
    private var idleReported = false

    /// Frames a second at most while a reply streams: 30, as fast as text can be read,
    /// and half the CPU of 60 when tokens come one per frame (docs/DECISIONS.md 56).
    public static let frameInterval = 1.0 / 30
    /// How long a lone Esc waits for the rest of an escape sequence.
    public static let escapeDelay = 0.03

    public init(device: TerminalDevice, transport: HTTPTransport, history: ChatHistory, historyOffReason: String? = nil,
                clock: Clock, environment: AppEnvironment, endpoint: Endpoint, themes: ThemeCatalog,
                fewShots: FewShotLibrary?, tokenizer: any TextTokenizer = DeepSeekTokenizer.shared) {
        self.device = device
        self.transport = transport
        lastActivity = clock.uptime()
        self.history = history
        self.clock = clock
        self.themes = themes
        self.fewShots = fewShots
        logic = AppLogic(environment: environment, clock: clock, tokenizer: tokenizer)
        view = AppView(logic: logic)
        runner = RequestRunner(transport: transport, history: history, endpoint: endpoint, clock: clock,
                               prices: environment.prices, currency: environment.currency, tokenizer: tokenizer)
        buffer = ScreenBuffer(size: device.size)
        state = AppState(conversation: logic.emptyConversation())
        state.historyOffReason = historyOffReason
        state.view.screenSize = device.size
        applyTheme(themes.defaultName)
    }

    /// True once the user quit (or a signal asked to).
    public var isFinished: Bool { state.isFinished }

    /// What the first frame shows besides the conversation — theme problems, the remembered
    /// state (`remembered`: as the caller already read it from `rememberedStore`, or nil to
    /// read it here), the few-shot sets, the last balance — without touching the history,
    /// so it runs while the history opens (DECISIONS 100). `start()` calls it if not called.
    public func prepare(remembered loaded: (state: RememberedState, problem: String?)? = nil) {
        guard !prepared else { return }
        prepared = true
        if !themes.problems.isEmpty {
            dispatch(.result(.report(title: "Theme problem", text: themes.problems.joined(separator: "\n"))))
        }
        let (remembered, problem) = loaded ?? rememberedStore.load()
        state.remembered = remembered
        state.endpointModels = remembered.endpointModels?[logic.rememberedIdentity] ?? []
        refreshFewShotNames()
        if let problem { dispatch(.result(.warning(problem))) }
        if logic.environment.fetchBalance, let last = remembered.balances?[logic.balanceKey] {
            dispatch(.result(.balance(BalanceStatus(reading: last, mismatch: nil))))
        }
    }

    /// The history could not be opened: the session keeps conversations in memory, and the
    /// status bar says so (`reason`). For a history opened after the runtime was built.
    public func historyUnavailable(_ reason: String) {
        state.historyOffReason = reason
    }

    /// Opens the most recent conversation (or a new one) and paints the first frame.
    public func start() {
        prepare()
        perform(.openLatest)
        StartupTrace.mark("conversation opened")
        render()
        StartupTrace.mark("first frame")
        StartupTrace.flush()
        if logic.environment.fetchModels { perform(.fetchModels) }
        if logic.environment.fetchBalance {
            state.balanceRequestedAt = clock.uptime()
            perform(.fetchBalance)
        }
    }

    /// Runs until quit.
    public func run() {
        start()
        while !isFinished { step(timeout: 1) }
    }

    /// Shows a warning in the status bar (start-up problems the caller found).
    public func showWarning(_ text: String) {
        dispatch(.result(.warning(text)))
        renderIfNeeded(force: true)
    }

    /// Starts a conversation with a few-shot set (`cachechat --fewshot NAME [--each]`).
    public func startWithFewShot(_ name: String, each: Bool) {
        perform(.loadFewShot(name, each ? .each : .pinned))
        renderIfNeeded(force: true)
    }

    /// Feeds an event through `update` and performs what it asks for. Re-entrant calls (an
    /// effect's result, a turn event raised while performing) are queued, not nested.
    public func dispatch(_ event: AppEvent) {
        queue.append(event)
        guard !dispatching else { return }
        dispatching = true
        let wasBusy = state.isBusy
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for effect in logic.update(&state, next) { perform(effect) }
        }
        dispatching = false
        needsRender = true
        if wasBusy && !state.isBusy { Self.returnFreedMemory() }
    }

    /// A long reply leaves freed buffers (the stream's copies, its layouts) in the
    /// allocator's free lists; hand them back to the system when the reply ends, so the
    /// process's size follows what it holds (docs/DECISIONS.md 57).
    static func returnFreedMemory() {
        #if canImport(Glibc)
        // glibc's malloc_trim, looked up once (Swift's Glibc module does not declare it).
        if let trim = Self.mallocTrim { _ = trim(0) }
        #endif
    }

    #if canImport(Glibc)
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif

    /// One iteration of the loop: wait for input, network, signals or a timer, handle what
    /// arrived, and paint a frame when something changed.
    public func step(timeout: Double) {
        let now = clock.uptime()
        var wait = timeout
        if let deadline = logic.nextDeadline(state) { wait = min(wait, max(0, deadline - now)) }
        if let escapeDeadline { wait = min(wait, max(0, escapeDeadline - now)) }
        if needsRender { wait = min(wait, max(0, lastRender + Self.frameInterval - now)) }
        if let idle = idleDeadline { wait = min(wait, max(0, idle - now)) }
        transport.poll(timeout: wait, extraFDs: device.pollDescriptors)
        let framesBefore = frames
        let events = device.takeEvents()
        for event in events {
            switch event {
            case .resized:
                device.invalidate()
                dispatch(.resized(device.size))
            case .terminate(let signal):
                dispatch(.terminate(signal: signal))
            }
        }
        let bytes = device.readInput()
        if !bytes.isEmpty {
            for key in decoder.feed(bytes) { dispatch(.key(key)) }
            escapeDeadline = decoder.hasPendingEscape ? clock.uptime() + Self.escapeDelay : nil
        } else if let deadline = escapeDeadline, clock.uptime() >= deadline {
            escapeDeadline = nil
            for key in decoder.flushPending() { dispatch(.key(key)) }
        }
        if let deadline = logic.nextDeadline(state), clock.uptime() >= deadline { dispatch(.tick) }
        renderIfNeeded(force: !bytes.isEmpty)
        noteActivity(!bytes.isEmpty || !events.isEmpty || frames != framesBefore || !runs.isEmpty || state.isBusy)
    }

    /// When `onIdle` is next due (nil when it is not set or already called for this idle
    /// spell).
    private var idleDeadline: Double? {
        onIdle != nil && !idleReported ? lastActivity + Self.idleDelay : nil
    }

    private func noteActivity(_ active: Bool) {
        if active {
            lastActivity = clock.uptime()
            idleReported = false
        } else if let deadline = idleDeadline, clock.uptime() >= deadline {
            idleReported = true
            onIdle?()
        }
    }

    /// Paints when something changed: at once after input or when idle, else at most
    /// `frameInterval` after the last frame (a streaming reply).
    func renderIfNeeded(force: Bool) {
        guard needsRender else { return }
        // The same sum as `nextWakeUp`'s, so a loop woken for the frame always paints it.
        if force || !state.isBusy || clock.uptime() >= lastRender + Self.frameInterval { render() }
    }

    /// When the loop next has something to do without input: a timer, a pending Esc, a
    /// frame to paint (for tests driving a manual clock).
    public var nextWakeUp: Double? {
        var times = [logic.nextDeadline(state), escapeDeadline, idleDeadline].compactMap { $0 }
        if needsRender { times.append(lastRender + Self.frameInterval) }
        return times.min()
    }

    /// A frame not painted yet, or a lone Esc still waiting for the rest of a sequence.
    public var hasPendingWork: Bool { needsRender || escapeDeadline != nil }

    /// Paints a frame.
    public func render() {
        needsRender = false
        lastRender = clock.uptime()
        frames += 1
        if buffer.size != device.size { buffer.resize(to: device.size) }
        if let editor = state.fewShotEditor, state.overlay == nil {
            let cursor = editor.draw(in: Painter(buffer))
            device.present(buffer, cursor: cursor)
            return
        }
        let model = view.screen(state, now: clock.uptime(), width: buffer.size.width)
        if state.scrollToBottom {
            screen.transcriptView.scrollToBottom()
            state.scrollToBottom = false
        }
        if let id = state.reveal {
            let key = AppView.key(id)
            if let index = model.transcript.messages.firstIndex(where: { $0.key == key }) {
                screen.transcriptView.reveal(index, model: model.transcript)
            }
            state.reveal = nil
        }
        for event in state.scrollRequests { _ = screen.transcriptView.handle(event, model: model.transcript) }
        state.scrollRequests = []
        let cursor = screen.render(model, editor: state.editor, into: buffer)
        device.present(buffer, cursor: cursor)
        screenModel = model
        // The frames after the first (the endpoint's balance and models arriving) are when
        // the screen settles; the trace keeps the first few.
        if frames > 1 && frames <= 6 && StartupTrace.isOn {
            StartupTrace.mark("frame \(frames)")
            StartupTrace.flush()
        }
    }

    /// The library's set names, for Tab completion.
    func refreshFewShotNames() {
        state.fewShotNames = fewShots?.names() ?? []
    }

    func applyTheme(_ name: String) {
        guard let theme = themes.theme(named: name) else { return }
        state.themeName = name
        device.setPalette(Palette.dark.applying(theme).degraded(to: device.colorDepth))
        device.invalidate()
    }
}
