import ChatCore
import ChatWire
import Foundation
import TerminalUI
import Tokenizer

/// What does not change while the App runs: the endpoint, prices, options and limits.
public struct AppEnvironment {
    /// Shown in the status bar and stored with conversations ("local emulator", a profile).
    public var endpointName: String
    /// Keys the cache predictors (endpoint, model and a masked key: each has its own cache).
    public var endpointIdentity: String
    public var maskedKey: String
    /// Which account the key is, for what is remembered per account (the last balance):
    /// `RememberedState.accountTag(ofKey:)` of the whole key. Two keys that mask alike
    /// (the same last four characters) are still two accounts. Defaults to the masked key.
    public var accountTag: String
    /// How the endpoint caches; nil: what DeepSeek does for the model.
    public var cacheModel: CacheModelKind?
    public var prices: PriceTable
    public var currency: Currency
    /// `max_tokens`, `user_id`, ... for every request.
    public var options: RequestOptions
    /// The model of a new conversation.
    public var defaultModel: String
    /// Thinking mode of a new conversation (nil: the model's default).
    public var defaultThinking: Bool?
    /// Reasoning effort of thinking requests (`effort =` in config.toml; nil: the server's).
    public var defaultEffort: ReasoningEffort?
    /// Overrides the model's context window for truncation (CACHECHAT_CONTEXT_LIMIT).
    public var contextLimit: Int?
    public var themeNames: [String]
    /// Seconds `/each` waits after each warm-up request while the server builds its cache
    /// (no response says when it is ready): the built-in endpoint's own delay, else 2.
    public var warmupWait = 2.0
    /// Model ids offered by `/model` completion.
    public var knownModels: [String]
    /// `/crash-test` traps (tests only, CACHECHAT_TEST_TRAP=1).
    public var crashTestEnabled: Bool
    /// The command Ctrl-X Ctrl-E opens the draft with (`$VISUAL`, `$EDITOR`, else `vi`);
    /// run by `/bin/sh` with the file's path as its argument.
    public var editorCommand = "vi"
    /// Ask the endpoint which models it serves (`GET /models`) after the first frame, for
    /// Tab completion. Off in tests that script every request.
    public var fetchModels = false
    /// The default model was not chosen by a flag, the environment or a file: when the
    /// endpoint's `GET /models` does not list it, new conversations use the first of
    /// `ModelCatalog.defaultPreference` it does list.
    public var defaultFollowsEndpoint = false
    /// Read the account's balance (`GET /user/balance`) at start and after requests, at
    /// most once a minute, for the panel and the reconciliation with the ledger.
    public var fetchBalance = false
    /// Ask before sending a request whose predicted cost is above this (`confirm_above`).
    public var confirmAbove: Double?
    /// The model table with config.toml's `[models."ID"]` overrides.
    public var models: ModelCatalog = .builtIn
    /// Daily / monthly spending limits (`[budget]`), as meters in the panel.
    public var budget: Budget?
    /// Theme files that could not be used, by name, with the problem (file:line: what).
    public var brokenThemes: [String: String] = [:]
    /// Times on screen are in this zone (tests pin UTC).
    public var localZone: LocalZone

    public init(endpointName: String, endpointIdentity: String, maskedKey: String = "", cacheModel: CacheModelKind? = nil,
                prices: PriceTable = .builtIn, currency: Currency = .usd, options: RequestOptions = RequestOptions(),
                defaultModel: String, defaultThinking: Bool? = nil, contextLimit: Int? = nil,
                themeNames: [String] = ["dark"], knownModels: [String]? = nil, crashTestEnabled: Bool = false,
                localZone: LocalZone = .system) {
        self.endpointName = endpointName
        self.endpointIdentity = endpointIdentity
        self.maskedKey = maskedKey
        self.accountTag = maskedKey
        self.cacheModel = cacheModel
        self.prices = prices
        self.currency = currency
        self.options = options
        self.defaultModel = defaultModel
        self.defaultThinking = defaultThinking
        self.contextLimit = contextLimit
        self.themeNames = themeNames
        self.knownModels = knownModels ?? ModelCatalog.builtIn.ids
        self.crashTestEnabled = crashTestEnabled
        self.localZone = localZone
    }
}

/// The App's logic: `update` answers events by changing the state and asking for effects.
///
/// Deterministic: time comes from `clock`, rendering from `renderer` (a cache that gives
/// the same ids as rendering from scratch). No I/O happens here.
public final class AppLogic {
    public let environment: AppEnvironment
    public let clock: Clock
    /// Renders prompts, re-tokenizing only what changed since the last call.
    let renderer: PromptCounter
    let template: ChatTemplate
    /// Prefix hashes of the last prediction, reused up to where the ids differ.
    private var hashedIDs: [Int] = []
    private var hashed: [PrefixHash] = [.empty]

    public init(environment: AppEnvironment, clock: Clock, tokenizer: any TextTokenizer) {
        self.environment = environment
        self.clock = clock
        renderer = PromptCounter(tokenizer: tokenizer)
        template = ChatTemplate(tokenizer: tokenizer)
    }

    /// A conversation with nothing in it yet, with the configured model and thinking mode.
    public func emptyConversation(systemPrompt: String? = nil, model: String? = nil) -> ConversationState {
        ConversationState(model: model ?? environment.defaultModel, thinking: environment.defaultThinking,
                          reasoningEffort: environment.defaultEffort, systemPrompt: systemPrompt)
    }

    var now: Double { clock.uptime() }

    // MARK: - Dispatch

    /// Answers one event.
    public func update(_ state: inout AppState, _ event: AppEvent) -> [Effect] {
        switch event {
        case .key(let key):
            return handleKey(&state, key)
        case .resized(let size):
            state.view.screenSize = size
            return []
        case .terminate:
            return quitNow(&state)
        case .tick:
            return tick(&state)
        case .turn(let token, let turnEvent):
            if state.turn?.token == token { return handleTurn(&state, turnEvent) }
            if let entry = state.batch?.entry(token: token) { return handleBatchTurn(&state, entry: entry, turnEvent) }
            return []
        case .result(let result):
            return handleResult(&state, result)
        }
    }

    /// Timers: the draft's prediction once typing pauses, the conversation list's search,
    /// notice expiry, the spinner.
    func tick(_ state: inout AppState) -> [Effect] {
        var effects: [Effect] = []
        if let due = pricingMinuteDue(state), now >= due { state.pricingMinute = Self.minute(clock.now()) }
        if let due = state.balanceDue, now >= due, state.turn == nil { effects += refreshBalance(&state) }
        if let due = state.predictionDue, now >= due {
            state.predictionDue = nil
            updateDraft(&state)
        }
        if let due = state.listSearchDue, now >= due {
            state.listSearchDue = nil
            if case .list(let list) = state.overlay, state.listPurpose == .conversations {
                effects.append(.searchConversations(list.filter))
            }
        }
        if let expires = state.notice?.expires, now >= expires { state.notice = nil }
        if state.batch != nil { effects += batchStep(&state) }
        if let due = state.nextSaveRetry, now >= due { effects += retrySaves(&state) }
        if state.isBusy, now - state.lastSpinnerTick >= 0.1 {
            state.spinnerFrame += 1
            state.lastSpinnerTick = now
        }
        return effects
    }

    /// When the next timer is due (uptime), so the runtime knows how long it may wait.
    public func nextDeadline(_ state: AppState) -> Double? {
        var times: [Double] = []
        if let due = state.predictionDue { times.append(due) }
        if let due = state.listSearchDue { times.append(due) }
        if let expires = state.notice?.expires { times.append(expires) }
        if state.isBusy { times.append(state.lastSpinnerTick + 0.1) }
        if let wake = state.batch?.scheduler.nextWakeUp { times.append(wake) }
        if let due = state.nextSaveRetry { times.append(due) }
        if let due = state.balanceDue { times.append(due) }
        // The panel's "off-peak in 2 h 13 m" counts down by the minute, and flips on time.
        if let due = pricingMinuteDue(state) { times.append(due) }
        return times.min()
    }

    /// When the panel's peak line next changes its text: the next wall-clock minute after
    /// the one it was last drawn for (nil for a model without peak pricing).
    func pricingMinuteDue(_ state: AppState) -> Double? {
        let date = clock.now()
        guard environment.prices.price(model: state.conversation.model, at: date, currency: environment.currency)?.hasPeakPricing == true
        else { return nil }
        guard let shown = state.pricingMinute else { return now }
        return now + Double(shown + 1) * 60 - date.timeIntervalSince1970
    }

    static func minute(_ date: Date) -> Int { Int((date.timeIntervalSince1970 / 60).rounded(.down)) }

    // MARK: - Notices

    func info(_ state: inout AppState, _ text: String, seconds: Double = 4) {
        notify(&state, Notice(text: text, level: .info, expires: now + seconds))
    }

    func warn(_ state: inout AppState, _ text: String) {
        notify(&state, Notice(text: text, level: .warning, expires: now + 8))
    }

    func fail(_ state: inout AppState, _ text: String) {
        notify(&state, Notice(text: text, level: .error, expires: nil))
    }

    /// Every status-bar message also goes to the message log (`/log`), whole and with its
    /// time, so one that went by (or was cut off) can be read again.
    private func notify(_ state: inout AppState, _ notice: Notice) {
        state.notice = notice
        if state.log.last?.text == notice.text && state.log.last?.level == notice.level { return }
        state.log.append(LogEntry(time: clock.now(), level: notice.level, text: notice.text))
        if state.log.count > AppState.logLimit { state.log.removeFirst(state.log.count - AppState.logLimit) }
    }

    /// `/log`: the status-bar messages of this session, newest last.
    func showLog(_ state: inout AppState) -> [Effect] {
        guard !state.log.isEmpty else {
            info(&state, "No messages yet.")
            return []
        }
        let rows = state.log.map { entry -> (String, String) in
            let mark = switch entry.level { case .info: "·"; case .warning: "⚠"; case .error: "✗" }
            return (clockTime(entry.time) + " " + mark, entry.text)
        }
        var help = HelpOverlay(title: "Messages (newest last)", sections: [.init("This session", rows)])
        help.screen = state.view.screenSize
        _ = help.handle(.key(.end, []))
        state.overlay = .help(help)
        return []
    }

    /// "14:02:37" in the environment's time zone.
    func clockTime(_ date: Date) -> String { environment.localZone.parts(of: date).clock }

    // MARK: - Prediction

    var predictorKeyPrefix: String { environment.endpointIdentity }

    func predictorKey(model: String) -> CachePredictor.Key {
        CachePredictor.Key(endpoint: environment.endpointIdentity, model: model, maskedKey: environment.maskedKey)
    }

    func predictor(_ state: AppState, model: String) -> CachePredictor {
        state.predictors[predictorKey(model: model)]
            ?? CachePredictor(model: model, kind: environment.cacheModel, prices: environment.prices, currency: environment.currency)
    }

    /// The configured options with this session's `/json` choice.
    func requestOptions(_ state: AppState) -> RequestOptions {
        var options = environment.options
        options.jsonObject = state.jsonObject
        return options
    }

    /// The plan of `question` in the current conversation, with its predicted hit.
    func plan(_ state: AppState, question: RequestPlan.Question, conversation: ConversationState? = nil) -> RequestPlan {
        let plan = RequestPlan(conversation ?? state.conversation, question: question, options: requestOptions(state), renderer: renderer)
        return plan.predicted(by: predictor(state, model: plan.settings.model), now: clock.now().timeIntervalSince1970,
                              hashes: hashes(for: plan.prompt.ids))
    }

    /// Prefix hashes of `ids`, reusing those of the previous prediction up to where the ids
    /// differ: after a keystroke only the draft's tokens are hashed again.
    private func hashes(for ids: [Int]) -> [PrefixHash] {
        let limit = min(ids.count, hashedIDs.count)
        var common = 0
        ids.withUnsafeBufferPointer { new in
            hashedIDs.withUnsafeBufferPointer { old in
                while common < limit && new[common] == old[common] { common += 1 }
            }
        }
        hashed.removeSubrange((common + 1)...)
        hashed.reserveCapacity(ids.count + 1)
        var hash = hashed[common]
        for id in ids[common...] {
            hash = hash.appending(id)
            hashed.append(hash)
        }
        hashedIDs = ids
        return hashed
    }

    /// The context window truncation plans against.
    func contextLimit(model: String) -> Int {
        environment.contextLimit ?? environment.models.model(model).contextWindow
    }

    func truncationPolicy(model: String) -> TruncationPolicy {
        TruncationPolicy(contextLimit: contextLimit(model: model))
    }
}
