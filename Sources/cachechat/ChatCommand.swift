import App
import ArgumentParser
import ChatCore
import ChatWire
import CurlTransport
import CursesTerminal
import EmulatorServer
import Foundation
import Tokenizer
import Config
import History

/// `cachechat` with no subcommand: the interactive client.
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ChatLaunch.commandName,
        abstract: "Open the interactive chat client (the default when no command is given).",
        discussion: "F1 inside shows every key. With nothing configured it runs on the built-in local emulator."
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Colour theme: dark, light, high-contrast, monochrome, or one of yours (default: CACHECHAT_THEME or dark).")
    var theme: String?

    @Option(name: .customLong("fewshot"), help: ArgumentHelp("Start a conversation with this few-shot set pinned.", valueName: "NAME"))
    var fewShot: String?

    @Flag(help: "With --fewshot: send each question as the set plus that question only.")
    var each = false

    @Option(name: .customLong("cache-model"), help: "How the endpoint caches, for predictions: v3 or v4 (default: DeepSeek's rule for the model).")
    var cacheModel: CacheModelKindArgument?

    /// The options as a plain value: what `run()` works on, and what the fast reader
    /// (FastArguments.swift) builds without argument-parser.
    var launch: ChatLaunch {
        ChatLaunch(connection: connection.flags, theme: theme, fewShot: fewShot, each: each, cacheModel: cacheModel)
    }

    func run() throws { try launch.run() }
}

/// The chat client's options with the defaults of `ChatCommand`'s declarations, which stay
/// the definition (help, names, conversions); no property wrappers, so the fast reader can
/// build one without argument-parser.
struct ChatLaunch: Equatable {
    static let commandName = "chat"

    var connection = ConnectionSettings.Flags()
    var theme: String?
    var fewShot: String?
    var each = false
    var cacheModel: CacheModelKindArgument?

    func run() throws {
        // Refused before the screen opens, with `ask --fewshot`'s message and exit status.
        if let fewShot { _ = try FewShotCLI.loadFromLibrary(fewShot) }
        guard Terminal.stdinIsTerminal && Terminal.stdoutIsTerminal else {
            throw CLIError.usage("The chat client needs a terminal. For scripts use `cachechat ask` (see --help).")
        }
        StartupTrace.mark("arguments parsed")
        let environment = ProcessInfo.processInfo.environment
        let (settings, config) = try connection.resolveWithConfig()
        StartupTrace.mark("config read")
        var localServer: LocalEmulator? = nil
        let endpoint: Endpoint
        var cacheKind = cacheModel?.kind
        if let baseURL = settings.baseURL {
            endpoint = Endpoint(baseURL: baseURL, apiKey: settings.apiKey, keySource: settings.keySource, displayName: settings.profile)
        } else {
            // Listening at once; the engine (and the vocabulary) load in the background.
            let local = try LocalEmulator.start(inBackground: true)
            localServer = local
            endpoint = local.endpoint
            cacheKind = cacheKind ?? local.configuration.cacheModel
            StartupTrace.mark("built-in endpoint listening")
        }
        defer { localServer?.stop() }
        // libcurl loads while the history opens and the terminal starts, so the endpoint's
        // model list and balance, asked for after the first frame, do not wait for it. Not
        // before the built-in endpoint's thread is started: dlopen holds the loader's lock,
        // which creating a thread waits for (4.5 ms on the critical path when it was). The
        // built-in endpoint, or any over plain HTTP on this machine, never needs it.
        if CurlTransport.needsLibcurl(for: endpoint.baseURL) { CurlTransport.preload() }

        // The history opens on another thread while the themes load, the terminal starts and
        // the App is built: only the first frame's conversation needs it (DECISIONS 98, 100).
        let history = DeferredHistory {
            do {
                return (try ChatStore.openDefault(environment: environment), nil)
            } catch {
                return (InMemoryHistory(), "History is off for this session (nothing is saved): \(error)")
            }
        }
        // A choice made in the app is remembered; config.toml wins when edited after it.
        let rememberedStore = FileRememberedStateStore(environment: environment)
        let rememberedLoad = rememberedStore.load()
        let remembered = rememberedLoad.state
        StartupTrace.mark("remembered state read")
        let configChanged = config.path.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date }
        let startTheme = theme ?? environment["CACHECHAT_THEME"]
            ?? RememberedState.newer(config: config.theme, changed: configChanged, remembered: remembered.theme)
        let themes = ThemeCatalog.load(environment: environment, preferred: startTheme)
        StartupTrace.mark("themes loaded")
        var startModel = settings.model
        if connection.model == nil, environment["CACHECHAT_MODEL"]?.isEmpty ?? true,
           settings.profile.flatMap({ config.profiles[$0]?.model }) == nil,
           let model = RememberedState.newer(config: config.model, changed: configChanged, remembered: remembered.model) {
            startModel = model
        }
        let startThinking = RememberedState.newer(config: config.defaultThinking(profile: settings.profile),
                                                  changed: configChanged, remembered: remembered.thinking)
        var appEnvironment = AppEnvironment(
            endpointName: endpoint.displayName, endpointIdentity: endpoint.displayName + "|" + endpoint.baseURL,
            maskedKey: endpoint.keySource?.maskedKey ?? "", cacheModel: cacheKind,
            prices: PriceTable.builtIn.overriding(with: config.priceOverrides), currency: config.currency ?? .usd,
            options: RequestOptions(userID: settings.userID), defaultModel: startModel,
            defaultThinking: startThinking,
            contextLimit: environment["CACHECHAT_CONTEXT_LIMIT"].flatMap(Int.init), themeNames: themes.names,
            crashTestEnabled: environment["CACHECHAT_TEST_TRAP"] == "1")
        appEnvironment.accountTag = RememberedState.accountTag(ofKey: endpoint.apiKey ?? "")
        appEnvironment.brokenThemes = themes.broken
        appEnvironment.fetchModels = true
        appEnvironment.warmupWait = localServer?.configuration.cache.constructDelay ?? 2
        appEnvironment.defaultEffort = config.effort
        appEnvironment.fetchBalance = true
        appEnvironment.confirmAbove = config.confirmAbove
        appEnvironment.budget = config.budget
        appEnvironment.models = config.models
        appEnvironment.defaultFollowsEndpoint = connection.model == nil && (environment["CACHECHAT_MODEL"] ?? "").isEmpty
            && settings.profile.flatMap({ config.profiles[$0]?.model }) == nil && config.topLevel?.model == nil
            && config.model == nil && remembered.model == nil
        appEnvironment.editorCommand = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"

        let terminal = CursesTerminal()
        do {
            try terminal.start()
        } catch {
            _ = history.wait()  // not left opening (or migrating) the database at exit
            throw CLIError.usage("Cannot start the terminal UI: \(error)")
        }
        StartupTrace.mark("terminal started")
        let device = CursesDevice(terminal: terminal)
        let runtime = AppRuntime(device: device, transport: CurlTransport(), history: history,
                                 clock: SystemClock(), environment: appEnvironment, endpoint: endpoint, themes: themes,
                                 fewShots: FewShotLibrary(environment: environment), tokenizer: LazyDeepSeekTokenizer())
        runtime.rememberedStore = rememberedStore
        // Idle, the session unmaps the code and read-only data start-up mapped but does not
        // use (two thirds of its resident set) and returns free heap pages.
        runtime.onIdle = {
            CurlTransport.waitForPreload()
            IdleMemory.release()
        }
        runtime.exportDirectory = Paths.dataDirectory(environment: environment) + "/exports"
        runtime.clipboard = SystemClipboard(method: config.clipboard.flatMap(ClipboardMethod.init(rawValue:)) ?? .auto, environment: environment)
        runtime.prepare(remembered: rememberedLoad)
        StartupTrace.mark("runtime created")
        // With history off (the database cannot be opened), conversations live in memory:
        // everything works for this session and nothing is written.
        let historyError = history.wait().problem
        if historyError != nil { runtime.historyUnavailable("not saved") }
        StartupTrace.mark("history opened")
        runtime.start()
        // After the first frame: the built-in engine (and with it the vocabulary), or the
        // vocabulary alone, load while the user reads the screen (DECISIONS 96, 99).
        if let localServer {
            localServer.proceed()
        } else {
            let warm = Thread { _ = DeepSeekTokenizer.shared }
            warm.name = "cachechat.vocabulary"
            warm.start()
        }
        // Printed to stderr too, but the TUI's screen hides that until it quits.
        let warnings = config.warnings + [historyError].compactMap { $0 }
        if !warnings.isEmpty { runtime.showWarning(warnings.joined(separator: " ")) }
        if let fewShot { runtime.startWithFewShot(fewShot, each: each) }
        var emulatorChecked = localServer == nil
        while !runtime.isFinished {
            runtime.step(timeout: 1)
            if !emulatorChecked, let failure = localServer?.failure {
                emulatorChecked = true
                runtime.showWarning(failure)
            }
        }
        terminal.stop()
        // Shown in the status bar while the screen was up; said again where it stays.
        if let historyError { Terminal.errorLine("cachechat: \(historyError)") }
        if let farewell = runtime.state.farewell { Terminal.errorLine("cachechat: \(farewell)") }
        if let signal = device.terminationSignal, signal != SIGHUP || !terminal.inputClosed {
            CursesTerminal.exit(bySignal: signal)
        }
    }
}
