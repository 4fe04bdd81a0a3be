import App
import ChatCore
import ChatWire
import Config
import Emulator
import Foundation
import TerminalUI
import TestSupport

/// The App on its in-memory twins: a `HeadlessSession` whose transport is the emulator
/// engine in process (or a script), with an in-memory history and a manual clock. Nothing
/// here opens a socket, writes SQLite or sleeps; time moves only when the session waits
/// for something, straight to when it happens.
final class AppHarness {
    /// 2026-12-01 09:00:00 UTC, a Tuesday.
    static let start = Date(timeIntervalSince1970: 1_796_115_600)

    let clock: ManualClock
    let history: InMemoryHistory
    let engine: EmulatorEngine
    let session: HeadlessSession
    let folder: TemporaryFolder
    let fewShots: FewShotLibrary

    init(width: Int = 120, height: Int = 40,
         configuration: EmulatorConfiguration = EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0),
         model: String = "deepseek-chat", contextLimit: Int? = nil, defaultThinking: Bool? = nil,
         respond: ((HTTPRequest) -> [InMemoryTransport.Step])? = nil,
         history sharedHistory: InMemoryHistory? = nil, remembered: InMemoryRememberedStateStore? = nil,
         themesEnvironment: [String: String]? = nil, editorCommand: String? = nil,
         fetchModels: Bool = false, options: RequestOptions = RequestOptions(), currency: Currency = .usd,
         defaultFollowsEndpoint: Bool = false, fetchBalance: Bool = false, confirmAbove: Double? = nil, budget: Budget? = nil,
         endpointName: String = Endpoint.builtInName, start: Date = AppHarness.start) throws {
        let clock = ManualClock(date: start, uptime: 1_000)
        self.clock = clock
        history = sharedHistory ?? InMemoryHistory(now: { clock.now() })
        engine = EmulatorEngine(configuration: configuration, clock: { clock.now().timeIntervalSince1970 })
        let transport = respond.map { InMemoryTransport(clock: clock, respond: $0) } ?? EmulatorTransport.make(engine: engine, clock: clock)
        folder = try TemporaryFolder()
        fewShots = FewShotLibrary(directory: folder.url.appendingPathComponent("fewshot").path,
                                  versionsDirectory: folder.url.appendingPathComponent("versions").path)
        let themes = ThemeCatalog.load(environment: themesEnvironment ?? ["HOME": folder.url.path, "XDG_CONFIG_HOME": folder.url.path], preferred: nil)
        var environment = AppEnvironment(endpointName: endpointName, endpointIdentity: "test", maskedKey: "sk-…test",
                                         cacheModel: configuration.cacheModel, currency: currency, options: options,
                                         defaultModel: model, defaultThinking: defaultThinking,
                                         contextLimit: contextLimit, themeNames: themes.names, localZone: .utc)
        if let editorCommand { environment.editorCommand = editorCommand }
        environment.fetchModels = fetchModels
        environment.defaultFollowsEndpoint = defaultFollowsEndpoint
        environment.fetchBalance = fetchBalance
        environment.confirmAbove = confirmAbove
        environment.budget = budget
        let endpoint = Endpoint(baseURL: "http://emulator.test", apiKey: "sk-app-test-key", keySource: nil, displayName: endpointName)
        session = HeadlessSession(width: width, height: height, clock: clock, transport: transport, history: history,
                                  environment: environment, endpoint: endpoint, themes: themes, fewShots: fewShots)
        session.runtime.exportDirectory = folder.url.path
        session.runtime.clipboard = clipboard
        if let remembered { session.runtime.rememberedStore = remembered }
    }

    var runtime: AppRuntime { session.runtime }
    /// What `/copy` copied.
    let clipboard = RecordingClipboard()
    var state: AppState { session.state }
    var device: HeadlessDevice { session.device }
    var transport: InMemoryTransport { session.transport }
    var messages: [HistoryMessage] { state.conversation.messages }
    var screenModel: ChatScreenModel? { runtime.screenModel }
    var panel: CachePanelModel? { runtime.screenModel?.panel }
    var ledger: [LedgerEntry] { (try? history.ledgerEntries()) ?? [] }
    /// The screen as text.
    var text: String { session.screen }
    /// The screen framed, for golden files.
    var frame: String { device.screen.framedSnapshot() }

    func start() {
        runtime.start()
        session.settle()
    }

    /// Types `text`, presses Enter and waits until everything it started has finished.
    func send(_ text: String) {
        session.type(text)
        session.press([13])
        session.settle()
    }

    /// Types without sending, and waits for the draft's prediction.
    func type(_ text: String) {
        session.type(text)
        session.settle()
    }

    /// Presses keys (raw bytes) and settles.
    func press(_ bytes: [UInt8]) {
        session.press(bytes)
        session.settle()
    }

    /// Types (or presses) and lets the App take it in — keys read, a draft predicted —
    /// without waiting for a reply in flight to finish.
    func meanwhile(type text: String = "", press bytes: [UInt8] = []) {
        session.type(text)
        session.press(bytes)
        session.run(until: { [self] in
            device.input.isEmpty && state.predictionDue == nil && !runtime.hasPendingWork
        })
    }

    /// A key by name.
    func press(_ key: Key) { press(key.bytes) }

    enum Key {
        case enter, escape, ctrlN, ctrlO, ctrlQ, ctrlU, ctrlD, ctrlC, f1, f2, f3, f4, f5, tab, down, up, left, right, pageUp
        var bytes: [UInt8] {
            switch self {
            case .enter: [13]
            case .escape: [27]
            case .ctrlN: [14]
            case .ctrlO: [15]
            case .ctrlQ: [17]
            case .ctrlU: [21]
            case .ctrlD: [4]
            case .ctrlC: [3]
            case .f1: Array("\u{1B}OP".utf8)
            case .f2: Array("\u{1B}OQ".utf8)
            case .f3: Array("\u{1B}OR".utf8)
            case .f4: Array("\u{1B}OS".utf8)
            case .f5: Array("\u{1B}[15~".utf8)
            case .tab: [9]
            case .down: Array("\u{1B}[B".utf8)
            case .up: Array("\u{1B}[A".utf8)
            case .left: Array("\u{1B}[D".utf8)
            case .right: Array("\u{1B}[C".utf8)
            case .pageUp: Array("\u{1B}[5~".utf8)
            }
        }
    }

    /// Runs until `condition` holds (simulated time).
    @discardableResult
    func run(until condition: () -> Bool) -> Bool { session.run(until: condition) }

    /// The cache mark the transcript shows on a message.
    func mark(_ id: TranscriptID) -> CacheMark? {
        guard let index = transcriptIndex(id) else { return nil }
        return screenModel?.transcript.messages[index].cacheMark
    }

    /// Where the transcript shows a message.
    func transcriptIndex(_ id: TranscriptID) -> Int? {
        let key: TranscriptKey = switch id {
        case .pinned(let index): TranscriptKey(kind: 1, value: Int64(index))
        case .stored(let message): TranscriptKey(kind: 2, value: message.rawValue)
        case .unsaved(let serial): TranscriptKey(kind: 3, value: Int64(serial))
        case .draft: TranscriptKey(kind: 4, value: 0)
        case .streaming: TranscriptKey(kind: 5, value: 0)
        case .welcome: TranscriptKey(kind: 6, value: 0)
        case .attachment(let index): TranscriptKey(kind: 7, value: Int64(index))
        }
        return screenModel?.transcript.messages.firstIndex { $0.key == key }
    }

    static let context = String(repeating: "Prefix caching bills repeated prompt prefixes at a fraction of the price. ", count: 12)
}
