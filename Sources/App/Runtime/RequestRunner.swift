import ChatCore
import ChatWire
import Foundation

/// How a turn ended, with everything the App shows and the ledger keeps.
public struct TurnResult {
    public enum Outcome: Equatable, Sendable {
        case completed
        /// The user stopped it (Esc, Ctrl-C, quit).
        case stopped
        /// The connection dropped after the reply had started.
        case connectionLost
        case failed(APIError)
    }

    public var outcome: Outcome
    public var reply: Reply
    /// The token counts the ledger records: the server's, or our estimate (`estimated`).
    public var usage: Usage?
    /// Why the server's usage was not believed (then `usage` is nil).
    public var usageProblem: String? { ledger.usageProblem }
    public var estimated: Bool
    public var cost: Cost?
    /// The ledger row as recorded (or as it would have been, when saving failed).
    public var ledger: LedgerEntry
    /// The reply as the history stored it; nil when it could not be saved.
    public var storedReply: StoredMessage?
    /// Why the reply or its ledger row could not be saved (the reply is still shown).
    public var saveProblem: String?
    /// When saving failed: writes the reply and its ledger row again (a full disk may have
    /// room a moment later); returns nil once they are stored, or the problem.
    public var retrySave: (() -> String?)?
    /// Where the retry stores the reply, shared with the saves of its conversation after it.
    public var saveTarget: SaveTarget?
    /// True when any part of a reply body arrived (the server started generating).
    public var receivedReply: Bool
    public var secondsToFirstToken: Double?
    public var totalSeconds: Double

    /// The error a person should read, if any.
    public var error: APIError? {
        switch outcome {
        case .completed: nil
        case .stopped: .cancelled()
        case .connectionLost: .truncated(receivedAnything: receivedReply)
        case .failed(let error): error
        }
    }
}

/// Sends request plans over a transport and records them: the reply's history row from
/// the moment the request goes out, checkpoints while it streams, and at the end the final
/// text and its ledger row in one transaction. The TUI's runtime, `cachechat ask` and the
/// benchmarks all send through here.
///
/// Single-threaded: driven by the transport's `poll` on the caller's thread.
public final class RequestRunner {
    /// One request in flight.
    public final class Run {
        public let plan: RequestPlan
        public let startedAt: Date
        let startedUptime: Double
        public fileprivate(set) var replyID: MessageID?
        public fileprivate(set) var result: TurnResult?
        fileprivate var call: ChatCall?
        fileprivate var firstByteUptime: Double?
        fileprivate var firstTokenUptime: Double?
        /// A continued reply's text before this request (chat prefix completion): the stored
        /// reply and the result are this followed by what arrives.
        fileprivate var continuedContent = ""
        fileprivate var continuedReasoning = ""
        fileprivate var pendingContent = ""
        fileprivate var pendingReasoning = ""
        fileprivate var lastCheckpoint: Double
        fileprivate let onEvent: (TurnEvent) -> Void
        /// Earlier messages of this conversation that wait to be stored: the reply is stored
        /// after them, never before (nil: none wait).
        fileprivate var saveTarget: SaveTarget?

        init(plan: RequestPlan, startedAt: Date, uptime: Double, onEvent: @escaping (TurnEvent) -> Void) {
            self.plan = plan
            self.startedAt = startedAt
            startedUptime = uptime
            lastCheckpoint = uptime
            self.onEvent = onEvent
        }

        public var isFinished: Bool { result != nil }
    }

    public let transport: HTTPTransport
    public let history: ChatHistory?
    public var endpoint: Endpoint
    public let clock: Clock
    public var prices: PriceTable
    public var currency: Currency
    public var retry: RetryPolicy
    public var connectTimeout = 10.0
    public var idleTimeout = 300.0
    /// Seconds between checkpoints of a streaming reply to the history.
    public var checkpointInterval = 0.25
    let tokenizer: any TextTokenizer
    /// Runs in flight, kept until they finish: a caller may let go of its `Run`.
    private var inFlight: [ObjectIdentifier: Run] = [:]

    public init(transport: HTTPTransport, history: ChatHistory?, endpoint: Endpoint, clock: Clock = SystemClock(),
                prices: PriceTable = .builtIn, currency: Currency = .usd, retry: RetryPolicy = RetryPolicy(),
                tokenizer: any TextTokenizer) {
        self.transport = transport
        self.history = history
        self.endpoint = endpoint
        self.clock = clock
        self.prices = prices
        self.currency = currency
        self.retry = retry
        self.tokenizer = tokenizer
    }

    // MARK: - The question

    /// Saves `text` as the conversation's next user message, creating the stored
    /// conversation first when it has none. When the history refuses, the message is kept
    /// in memory as unsaved and the problem is returned: the question is still asked.
    /// - Throws: ``ConversationChanged`` when another cachechat added to the conversation
    ///   since `state` was read; nothing is saved and nothing must be sent.
    public func saveQuestion(_ text: String, in state: inout ConversationState, unsavedSerial: Int) throws(ConversationChanged) -> String? {
        let current = state
        let conversation = current.record?.id
        var create: ConversationSettings?
        if conversation == nil {
            create = current.newRecordSettings(title: ConversationState.title(for: text), endpointName: endpoint.displayName)
        }
        let result = Self.saveQuestion(text, conversation: conversation, create: create, history: history,
                                       ordinal: current.nextOrdinal, serial: unsavedSerial, now: clock.now(),
                                       attachments: current.attachments, after: current.lastStoredMessage)
        if let changed = result.changed { throw changed }
        if let record = result.record { state.record = record }
        state.messages.append(result.message)
        return result.problem
    }

    // MARK: - Sending

    /// Sends `plan`. Its reply gets a history row at once (when the plan's conversation is
    /// stored), so a crash before the first byte still leaves a trace.
    /// `behind`: the saves of this conversation the history refused and that wait (the
    /// reply then gets no row until they are stored).
    @discardableResult
    public func start(_ plan: RequestPlan, behind waiting: SaveTarget? = nil, onEvent: @escaping (TurnEvent) -> Void) -> Run {
        let run = Run(plan: plan, startedAt: clock.now(), uptime: clock.uptime(), onEvent: onEvent)
        run.saveTarget = waiting
        inFlight[ObjectIdentifier(run)] = run
        var saveProblem: String?
        let continued = plan.continuedReply
        if let continued {
            // Chat prefix completion: the reply grows in its own row (both requests are in
            // the ledger, the reply is stored once).
            run.continuedContent = continued.message.content
            run.continuedReasoning = continued.message.reasoningContent ?? ""
            if let history, let id = continued.id.messageID {
                do {
                    try history.reopenReply(id)
                    run.replyID = id
                } catch {
                    saveProblem = "The reply cannot be saved: \(error)"
                }
            }
        } else if waiting != nil {
            saveProblem = "The reply is kept in memory until the messages before it are saved."
        } else if let history, let conversation = plan.conversation {
            do {
                run.replyID = try history.beginReply(in: conversation, model: plan.settings.model)
            } catch {
                saveProblem = "The reply cannot be saved: \(error)"
            }
        }
        onEvent(.started(replyID: run.replyID, saveProblem: saveProblem))
        do {
            run.call = try ChatCall(request: ChatRequest(plan: plan), endpoint: continued == nil ? endpoint : endpoint.beta, transport: transport,
                                    connectTimeout: connectTimeout, idleTimeout: idleTimeout, retry: retry) {
                [weak self, unowned run] event in self?.handle(event, of: run)
            }
        } catch {
            finish(run, reply: Reply(), error: APIError(kind: .badRequest, message: "The request could not be encoded: \(error)"))
        }
        return run
    }

    /// Requests in flight.
    public var activeRuns: Int { inFlight.count }

    /// Stops the reply at once; what arrived is kept and the request recorded as stopped.
    public func cancel(_ run: Run) {
        run.call?.cancel()
    }

    /// Polls until `run` finishes (for `ask` and benchmarks; the TUI polls in its own loop).
    public func wait(for run: Run, poll: () -> Void) {
        while !run.isFinished { poll() }
    }

    private func handle(_ event: ChatCallEvent, of run: Run) {
        let uptime = clock.uptime()
        switch event {
        case .retrying(let attempt, let delay, let reason):
            run.onEvent(.retrying(attempt: attempt + 1, delay: delay, reason: reason))
        case .stream(let streamEvent):
            switch streamEvent {
            case .keepAlive: return
            case .content(let text):
                noteFirstByte(run, uptime)
                guard !text.isEmpty else { return }
                if run.firstTokenUptime == nil { run.firstTokenUptime = uptime }
                run.pendingContent += text
                run.onEvent(.delta(content: text, reasoning: ""))
            case .reasoning(let text):
                noteFirstByte(run, uptime)
                guard !text.isEmpty else { return }
                if run.firstTokenUptime == nil { run.firstTokenUptime = uptime }
                run.pendingReasoning += text
                run.onEvent(.delta(content: "", reasoning: text))
            default:
                noteFirstByte(run, uptime)
            }
            if uptime - run.lastCheckpoint >= checkpointInterval { checkpoint(run, uptime: uptime) }
        case .completed(let reply):
            finish(run, reply: reply, error: nil)
        case .failed(let error, let partial):
            finish(run, reply: partial, error: error)
        }
    }

    private func noteFirstByte(_ run: Run, _ uptime: Double) {
        if run.firstByteUptime == nil { run.firstByteUptime = uptime }
    }

    /// Appends what arrived since the last checkpoint to the reply's row. On failure the
    /// text stays pending and goes with the next checkpoint (or the final write).
    private func checkpoint(_ run: Run, uptime: Double) {
        run.lastCheckpoint = uptime
        guard let history, let id = run.replyID, !run.pendingContent.isEmpty || !run.pendingReasoning.isEmpty else { return }
        if (try? history.appendReplyText(id, content: run.pendingContent, reasoning: run.pendingReasoning)) != nil {
            run.pendingContent = ""
            run.pendingReasoning = ""
        }
    }

    private func finish(_ run: Run, reply: Reply, error: APIError?) {
        guard run.result == nil else { return }
        let uptime = clock.uptime()
        let outcome: TurnResult.Outcome = switch error?.kind {
        case nil: .completed
        case .cancelled?: .stopped
        case .truncated?: .connectionLost
        default: .failed(error!)
        }
        let receivedReply = run.firstByteUptime != nil
        var usage = reply.usage
        var estimated = false
        // Counts no request can have are not believed: the reply is kept, the request is
        // recorded as "usage not understood" with no counts, and no total includes it.
        let usageProblem = usage?.problem
        if usageProblem != nil { usage = nil }
        if receivedReply, usageProblem == nil, usage?.resolvedPromptTokens == nil || usage?.completionTokens == nil {
            // Generation started, so DeepSeek bills the prompt and what was generated;
            // without its usage, record our own count of both rather than nothing.
            usage = estimate(run.plan, reply: reply, reported: usage)
            estimated = true
        }
        let price = prices.price(model: run.plan.settings.model, at: run.startedAt, currency: currency)
        let cost = usage.flatMap { usage in price.flatMap { Cost(usage: usage, price: $0) } }
        let ledgerOutcome: LedgerEntry.Outcome = switch outcome {
        case .completed: .ok
        case .stopped: .interrupted(reason: "stopped")
        case .connectionLost: .interrupted(reason: "connection lost")
        case .failed(let error): .error(kind: error.ledgerKind)
        }
        var entry = LedgerEntry(
            time: run.startedAt, endpointHost: Endpoint.host(of: endpoint.baseURL), endpointName: endpoint.displayName,
            model: run.plan.settings.model, conversation: run.plan.conversation, message: run.replyID,
            promptTokens: usage?.resolvedPromptTokens, hitTokens: usage?.resolvedCacheHitTokens,
            missTokens: usage?.resolvedCacheMissTokens, completionTokens: usage?.completionTokens,
            reasoningTokens: usage?.reasoningTokens, cost: cost?.amount, costWithoutCache: cost?.withoutCache,
            currency: cost?.currency.rawValue, predictedHitTokens: run.plan.prediction?.hitTokens,
            localPromptTokens: run.plan.prompt.ids.count,
            secondsToFirstToken: run.firstTokenUptime.map { $0 - run.startedUptime },
            totalSeconds: uptime - run.startedUptime, outcome: ledgerOutcome, estimated: estimated, plan: run.plan.record,
            usageProblem: usageProblem)
        var stored: StoredMessage?
        var saveProblem: String?
        var reply = reply
        let continuing = run.plan.continuedReply != nil
        if continuing {
            reply.content = run.continuedContent + reply.content
            reply.reasoningContent = run.continuedReasoning + reply.reasoningContent
        }
        var retrySave: (() -> String?)?
        var saveTarget: SaveTarget?
        if let history {
            // The reply stays in memory (the result holds it) whatever happens here.
            let save = { (entry: LedgerEntry, replyID: MessageID?) throws -> (LedgerEntry, StoredMessage?) in
                let reasoning = reply.reasoningContent.isEmpty ? nil : reply.reasoningContent
                guard let id = replyID else { return (try history.recordRequest(entry), nil) }
                var saved = entry
                switch outcome {
                case .completed where reply.finishReason == "length":
                    // Cut at max_tokens: kept whole, and marked so that /continue can carry it on.
                    saved = try history.interruptReply(id, reason: StoredMessage.State.maxTokensReason, content: reply.content,
                                                       reasoning: reasoning, ledger: entry) ?? entry
                case .completed:
                    saved = try history.completeReply(id, content: reply.content, reasoning: reasoning, ledger: entry)
                case .stopped:
                    saved = try history.interruptReply(id, reason: "stopped", content: reply.content, reasoning: reasoning,
                                                       ledger: entry) ?? entry
                case .connectionLost:
                    saved = try history.interruptReply(id, reason: "connection lost", content: reply.content,
                                                       reasoning: reasoning, ledger: entry) ?? entry
                case .failed(let error) where continuing:
                    // The reply it continued stays as it was, cut; the failure is in the ledger.
                    saved = try history.interruptReply(id, reason: "continuation failed: \(error.message)", content: reply.content,
                                                       reasoning: reasoning, ledger: entry) ?? entry
                case .failed(let error):
                    saved = try history.failReply(id, message: error.message, content: reply.content, ledger: entry) ?? entry
                }
                return (saved, try history.message(id))
            }
            let model = run.plan.settings.model
            // A reply without a row (the history refused it when the request went out, or
            // earlier messages wait): its row is made at the end of its conversation now, or
            // by the retry once what is before it is stored.
            // The row, once made, is the one a later retry finishes (never a second row).
            var madeRow: MessageID?
            let rowless: (SaveTarget, LedgerEntry) throws -> (LedgerEntry, StoredMessage?) = { target, entry in
                guard let conversation = target.conversation else {
                    throw HistoryFailure("the messages before it are not saved yet")
                }
                let id = try madeRow ?? history.beginReply(in: conversation, model: model)
                madeRow = id
                let saved = try save(entry, id)
                target.lastStored = id
                return saved
            }
            let replyID = run.replyID
            let target = run.saveTarget
                ?? (replyID == nil && !continuing ? run.plan.conversation.map { SaveTarget(conversation: $0, lastStored: nil) } : nil)
            do {
                if run.saveTarget != nil { throw HistoryFailure("the messages before it are not saved yet") }
                (entry, stored) = replyID == nil && target != nil ? try rowless(target!, entry) : try save(entry, replyID)
            } catch {
                saveProblem = run.saveTarget != nil
                    ? "The reply is kept in memory until the messages before it are saved."
                    : "The reply could not be saved: \(error)"
                let unsaved = entry
                let retryTarget = target ?? SaveTarget(conversation: run.plan.conversation, lastStored: replyID)
                saveTarget = retryTarget
                retrySave = {
                    do {
                        _ = replyID == nil && target != nil ? try rowless(retryTarget, unsaved) : try save(unsaved, replyID)
                        if let replyID { retryTarget.lastStored = replyID }
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
        }
        var result = TurnResult(
            outcome: outcome, reply: reply, usage: usage, estimated: estimated, cost: cost, ledger: entry,
            storedReply: stored, saveProblem: saveProblem, receivedReply: receivedReply,
            secondsToFirstToken: run.firstTokenUptime.map { $0 - run.startedUptime }, totalSeconds: uptime - run.startedUptime)
        result.retrySave = retrySave
        result.saveTarget = saveTarget
        run.result = result
        inFlight[ObjectIdentifier(run)] = nil
        run.onEvent(.finished(result))
    }

    /// Our count of a request that ended without the server's usage: the prompt as we
    /// render it (its hit as predicted), and the tokens of what was generated.
    private func estimate(_ plan: RequestPlan, reply: Reply, reported: Usage?) -> Usage {
        let prompt = reported?.resolvedPromptTokens ?? plan.prompt.ids.count
        let hit = reported?.resolvedCacheHitTokens ?? min(plan.prediction?.hitTokens ?? 0, prompt)
        let reasoning = reply.reasoningContent.isEmpty ? 0 : tokenizer.encode(reply.reasoningContent).count
        let completion = reported?.completionTokens ?? (reasoning + (reply.content.isEmpty ? 0 : tokenizer.encode(reply.content).count))
        return Usage(promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion,
                     cacheHitTokens: hit, cacheMissTokens: prompt - hit, reasoningTokens: reasoning > 0 ? reasoning : nil)
    }
}

extension APIError {
    /// A short stable name for the ledger (`http-401`, `timeout`, ...).
    public var ledgerKind: String {
        if let status { return "http-\(status)" }
        return switch kind {
        case .network: "network"
        case .timeout: "timeout"
        case .malformedResponse: "malformed"
        case .truncated: "truncated"
        case .cancelled: "cancelled"
        default: "error"
        }
    }
}
