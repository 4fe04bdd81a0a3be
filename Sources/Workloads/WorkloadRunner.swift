import App
import ChatCore
import ChatWire
import CurlTransport
import Emulator
import EmulatorServer
import Foundation
import Config
import History
import Tokenizer

/// One request of a workload, as measured.
public struct RequestRecord: Codable, Sendable, Hashable {
    public var index: Int
    /// What the request was ("question 3", "summary", "fork"...).
    public var note: String
    /// The server's `prompt_tokens`.
    public var promptTokens: Int
    /// Our own render of the same request (must equal `promptTokens`).
    public var localPromptTokens: Int
    public var hitTokens: Int
    /// The most the cache model's rules allow (`CacheCeiling`).
    public var ceiling: Int
    /// The longest prefix shared with anything sent before, in whole units.
    public var ideal: Int
    /// `CachePredictor`'s prediction, made before sending.
    public var predicted: Int
    public var completionTokens: Int
    public var cost: Double
    public var costWithoutCache: Double
}

public struct WorkloadError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Drives `App.RequestRunner` — the code the TUI and `ask` send with — against an
/// in-process emulator, and measures every request: hit, ceiling, prediction and cost.
///
/// Single-threaded: requests run on a `CurlTransport`, polled here. Several may be in
/// flight at once (`start`, then `wait`).
public final class WorkloadRunner {
    /// The model sent (non-thinking, so prompts stay byte-stable).
    public static let model = "deepseek-v4-flash"
    /// Costs are priced at this instant, so that runs compare: a weekday peak hour after
    /// the September 2026 price change.
    public static let priceDate = Date(timeIntervalSince1970: 1_790_841_600)  // 2026-10-01 08:00 UTC

    public let kind: CacheModelKind
    public let runner: RequestRunner
    public let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)
    public var history: ChatHistory? { runner.history }
    public private(set) var predictor: CachePredictor
    public private(set) var ceiling: CacheCeiling
    public private(set) var records: [RequestRecord] = []
    public let server: EmulatorServer
    let storeDirectory: String?
    private var unsavedSerial = 1

    /// A request in flight.
    public final class Flight {
        public let plan: RequestPlan
        let record: Int
        let ceilingIndex: Int
        public internal(set) var result: TurnResult?
        public var done: Bool { result != nil }
        init(plan: RequestPlan, record: Int, ceilingIndex: Int) {
            self.plan = plan
            self.record = record
            self.ceilingIndex = ceilingIndex
        }
    }
    private var failures: [String] = []
    /// Called when a request ends (after it is recorded).
    public var onFinished: ((Flight) -> Void)?

    /// - Parameters:
    ///   - constructDelay: seconds before a stored unit can be hit (the emulator's `--construct-delay`).
    ///   - replyTokens: every reply has exactly this many content tokens.
    ///   - useStore: keep history and ledger in a SQLite store in a temporary directory.
    public init(kind: CacheModelKind, constructDelay: Double = 0, replyTokens: Int = 120, useStore: Bool = true) throws {
        self.kind = kind
        server = EmulatorServer(engine: EmulatorEngine(configuration: EmulatorConfiguration(
            cacheModel: kind, constructDelay: constructDelay, tokensPerSecond: 0, replyTokens: replyTokens)))
        try server.start(host: "127.0.0.1", port: 0)
        var store: ChatStore? = nil
        if useStore {
            let directory = NSTemporaryDirectory() + "cachechat-workload-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            store = try ChatStore(path: directory + "/history.sqlite")
            storeDirectory = directory
        } else {
            storeDirectory = nil
        }
        let key = "sk-workload-bench"
        runner = RequestRunner(transport: CurlTransport(), history: store,
                               endpoint: Endpoint(baseURL: server.baseURL, apiKey: key,
                                                  keySource: KeySource(origin: "workload-bench", key: key), displayName: "emulator"),
                               clock: FixedDateClock(date: Self.priceDate), tokenizer: DeepSeekTokenizer.shared)
        predictor = CachePredictor(model: Self.model, kind: kind)
        ceiling = CacheCeiling(kind: kind)
    }

    deinit {
        server.stop()
        if let storeDirectory { try? FileManager.default.removeItem(atPath: storeDirectory) }
    }

    /// A new conversation as the workloads send it (the model, thinking off).
    public static func conversation(systemPrompt: String? = nil, fewShot: FewShotSet? = nil,
                                    mode: FewShotMode = .pinned) -> ConversationState {
        ConversationState(model: model, thinking: false, systemPrompt: systemPrompt, fewShot: fewShot, fewShotMode: mode)
    }

    /// The request `state` makes when asked `text`.
    public func plan(_ text: String, in state: ConversationState) -> RequestPlan {
        RequestPlan(state, question: .draft(text), renderer: template)
    }

    // MARK: - Sending

    /// Saves `text` as the next user message of `state` and sends (the TUI's send), without waiting.
    public func start(_ text: String, in state: inout ConversationState, note: String) throws -> Flight {
        _ = try runner.saveQuestion(text, in: &state, unsavedSerial: unsavedSerial)
        unsavedSerial += 1
        return startCurrent(state, note: note)
    }

    /// Sends the conversation as it stands (its last message is the user's), without waiting.
    public func startCurrent(_ state: ConversationState, note: String) -> Flight {
        var plan = RequestPlan(state, question: .lastUserMessage, renderer: template)
        plan.prediction = predictor.predict(promptIDs: plan.prompt.ids, now: Date().timeIntervalSince1970)
        let (index, bound) = ceiling.send(prompt: plan.prompt.ids)
        records.append(RequestRecord(index: records.count, note: note, promptTokens: 0, localPromptTokens: plan.prompt.ids.count,
                                     hitTokens: 0, ceiling: bound.ceiling, ideal: bound.ideal,
                                     predicted: plan.prediction?.hitTokens ?? 0,
                                     completionTokens: 0, cost: 0, costWithoutCache: 0))
        let flight = Flight(plan: plan, record: records.count - 1, ceilingIndex: index)
        runner.start(plan) { [weak self, flight] event in
            if case .finished(let result) = event { self?.finish(flight, result) }
        }
        return flight
    }

    /// Sends one question per conversation through `QuestionBatch`, the code `ask
    /// --questions` sends with (warm-ups of the cache model, then `parallel` at a time),
    /// and waits for all of them. Each state's last message is its question.
    public func sendBatch(_ states: [ConversationState], notes: [String], constructDelay: Double,
                          parallel: Int) throws -> QuestionBatch {
        let plans = states.map { RequestPlan($0, question: .lastUserMessage, renderer: template) }
        let batch = QuestionBatch(runner: runner, plans: plans, kind: kind, constructDelay: constructDelay, parallel: parallel)
        var flights: [Int: Flight] = [:]
        batch.onStart = { [unowned self] entry in
            var plan = entry.plan
            plan.prediction = predictor.predict(promptIDs: plan.prompt.ids, now: Date().timeIntervalSince1970)
            let (index, bound) = ceiling.send(prompt: plan.prompt.ids)
            records.append(RequestRecord(index: records.count, note: notes[entry.index], promptTokens: 0,
                                         localPromptTokens: plan.prompt.ids.count, hitTokens: 0, ceiling: bound.ceiling,
                                         ideal: bound.ideal, predicted: plan.prediction?.hitTokens ?? 0,
                                         completionTokens: 0, cost: 0, costWithoutCache: 0))
            flights[entry.index] = Flight(plan: plan, record: records.count - 1, ceilingIndex: index)
        }
        batch.onFinished = { [unowned self] entry in
            if let flight = flights[entry.index], let result = entry.result { finish(flight, result) }
        }
        batch.run { timeout in runner.transport.poll(timeout: min(timeout, 0.02), extraFD: nil) }
        if !failures.isEmpty { throw WorkloadError(failures.joined(separator: "; ")) }
        return batch
    }

    /// Polls until every flight has ended, then throws if any failed.
    public func wait(_ pending: [Flight], until deadline: Double? = nil) throws {
        while pending.contains(where: { !$0.done }) {
            if let deadline, ProcessInfo.processInfo.systemUptime >= deadline { return }
            runner.transport.poll(timeout: 0.02, extraFD: nil)
        }
        if !failures.isEmpty { throw WorkloadError(failures.joined(separator: "; ")) }
    }

    /// Polls the transport once (for schedulers waiting on a clock).
    public func pollOnce(timeout: Double) { runner.transport.poll(timeout: timeout, extraFD: nil) }

    /// Sends, waits and appends the reply to `state`: one round of a chat.
    @discardableResult
    public func ask(_ text: String, in state: inout ConversationState, note: String) throws -> Flight {
        let flight = try start(text, in: &state, note: note)
        try wait([flight])
        append(flight, to: &state)
        return flight
    }

    /// Appends a finished flight's reply to the conversation, as the TUI does.
    public func append(_ flight: Flight, to state: inout ConversationState) {
        guard let result = flight.result else { return }
        if let stored = result.storedReply {
            state.messages.append(HistoryMessage(stored))
        } else {
            state.messages.append(HistoryMessage(id: .unsaved(unsavedSerial), ordinal: state.nextOrdinal, role: .assistant,
                                                 content: result.reply.content, created: Self.priceDate))
            unsavedSerial += 1
        }
    }

    private func finish(_ flight: Flight, _ result: TurnResult) {
        flight.result = result
        guard result.outcome == .completed, let usage = result.usage, let hit = usage.resolvedCacheHitTokens,
              let promptTokens = usage.resolvedPromptTokens, let cost = result.cost else {
            failures.append("request \(flight.record) (\(records[flight.record].note)): \(result.error?.message ?? "no usage")")
            onFinished?(flight)
            return
        }
        let sequence = flight.plan.cacheSequence(replyContent: result.reply.content, reasoning: result.reply.reasoningContent,
                                                 template: template)
        predictor.record(sequence: sequence, actualHit: hit, now: Date().timeIntervalSince1970)
        ceiling.completed(flight.ceilingIndex, sequence: sequence.ids)
        records[flight.record].promptTokens = promptTokens
        records[flight.record].hitTokens = hit
        records[flight.record].completionTokens = usage.completionTokens ?? 0
        records[flight.record].cost = cost.amount
        records[flight.record].costWithoutCache = cost.withoutCache
        onFinished?(flight)
    }
}

/// Wall-clock time pinned (prices depend on the hour), monotonic time real.
struct FixedDateClock: Clock {
    let date: Date
    func now() -> Date { date }
    func uptime() -> Double { ProcessInfo.processInfo.systemUptime }
}
