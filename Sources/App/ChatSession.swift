import ChatCore
import ChatWire
import Foundation
import Store
import Tokenizer

/// Sends turns of a conversation and keeps everything that follows consistent: the
/// stored messages, the request ledger, and the cache accounting. The TUI, `ask` and
/// the benchmarks all go through here.
///
/// Single-threaded: it is driven by the transport's `poll` on the caller's thread.
public final class ChatSession {
    public let transport: HTTPTransport
    public let store: ChatStore?
    public var endpoint: Endpoint
    public var model: String
    /// nil: the model's default.
    public var thinking: Bool?
    /// How the endpoint caches, for predictions; nil: what DeepSeek does for the model
    /// (`CachePredictor.defaultCacheModel`). The built-in emulator sets its own.
    public var cacheModel: CacheModelKind?
    public var prices: PriceTable
    public var currency: Currency
    /// Seconds between checkpoints of a streaming reply to the store.
    public var checkpointInterval = 0.25
    public let clock: Clock
    public let template: ChatTemplate
    /// Called for every event of the turn in flight, after the session has applied it.
    public var onEvent: ((Turn, ChatCallEvent) -> Void)?

    public init(transport: HTTPTransport, store: ChatStore?, endpoint: Endpoint, model: String, thinking: Bool? = nil,
                prices: PriceTable = .builtIn, currency: Currency = .usd, clock: Clock = SystemClock(),
                tokenizer: TextTokenizer = DeepSeekTokenizer.shared) {
        self.transport = transport
        self.store = store
        self.endpoint = endpoint
        self.model = model
        self.thinking = thinking
        self.prices = prices
        self.currency = currency
        self.clock = clock
        self.template = ChatTemplate(tokenizer: tokenizer)
    }

    /// The model's template and whether thinking is on for this session.
    public var effectiveThinking: Bool { thinking ?? ModelTemplates.template(forModel: model).thinkingByDefault }

    /// Renders what a request with `messages` would look like: ids and spans.
    public func render(_ messages: [ChatMessage]) -> RenderedPrompt {
        let entry = ModelTemplates.template(forModel: model)
        return template.render(messages: messages.map(TemplateMessage.init(chat:)), family: entry.family,
                               thinking: effectiveThinking)
    }

    /// Appends `text` as a user message to `state` (and the store), then sends the request.
    public func send(_ text: String, in state: inout ConversationState, options: RequestOptions = RequestOptions(),
                     predictedHitTokens: Int? = nil) throws -> Turn {
        if let store, state.conversation == nil {
            state.conversation = try store.createConversation(ConversationSettings(
                title: Self.title(for: text), model: model, endpointName: endpoint.displayName,
                systemPrompt: state.fewShot == nil ? state.pinned.first { $0.role == .system }?.content : nil,
                fewShotSetName: state.fewShot?.name, fewShotVersion: state.fewShot?.contentVersion,
                fewShotMode: state.fewShot == nil ? nil : state.fewShotMode,
                thinking: effectiveThinking))
        }
        let userMessage: StoredMessage
        if let store, let conversation = state.conversation {
            userMessage = try store.appendMessage(to: conversation.id, role: .user, content: text)
        } else {
            userMessage = StoredMessage.unsaved(role: .user, content: text, ordinal: state.messages.count + 1, now: clock.now())
        }
        state.messages.append(userMessage)
        return try sendCurrent(state, options: options, predictedHitTokens: predictedHitTokens)
    }

    /// Sends the conversation as it stands (its last message should be the user's): used
    /// by `send`, and to regenerate a reply.
    public func sendCurrent(_ state: ConversationState, options: RequestOptions = RequestOptions(),
                            predictedHitTokens: Int? = nil) throws -> Turn {
        let messages = state.requestMessages
        var request = ChatRequest(model: model, messages: messages)
        request.stream = options.stream
        if options.stream { request.streamOptions = StreamOptions(includeUsage: true) }
        request.maxTokens = options.maxTokens
        request.temperature = options.temperature
        request.userID = options.userID
        if let thinking { request.thinking = thinking ? .enabled : .disabled }
        let turn = Turn(request: request, prompt: render(messages), pinnedCount: state.pinned.count,
                        predictedHitTokens: predictedHitTokens, startedAt: clock.now(), uptime: clock.uptime())
        if let store, let conversation = state.conversation {
            turn.messageID = try store.beginReply(in: conversation.id, model: model)
        }
        turn.call = try ChatCall(request: request, endpoint: endpoint, transport: transport, retry: options.retry) {
            [weak self, unowned turn] event in
            self?.handle(event, of: turn, conversation: state.conversation?.id)
        }
        return turn
    }

    /// The reply of a finished turn as a message of the conversation (read back from the
    /// store when saving, so its state and ids are the stored ones).
    public func replyMessage(for turn: Turn, ordinal: Int) -> StoredMessage {
        if let store, let id = turn.messageID, let stored = try? store.message(id) { return stored }
        var message = StoredMessage.unsaved(role: .assistant, content: turn.reply.content, ordinal: ordinal, now: clock.now())
        message.reasoningContent = turn.reply.reasoningContent.isEmpty ? nil : turn.reply.reasoningContent
        switch turn.phase {
        case .cancelled: message.state = .interrupted(reason: "cancelled")
        case .failed(let error) where error.kind == .truncated: message.state = .interrupted(reason: "connection lost")
        case .failed(let error): message.state = .failed(message: error.message)
        default: break
        }
        return message
    }

    /// Stops the reply at once; the partial text is kept and marked interrupted.
    public func cancel(_ turn: Turn) {
        turn.call?.cancel()
    }

    // MARK: - Events

    private func handle(_ event: ChatCallEvent, of turn: Turn, conversation: ConversationID?) {
        let uptime = clock.uptime()
        switch event {
        case .retrying(let attempt, let delay, let reason):
            turn.retryNotice = "\(reason): retrying in \(Int(delay.rounded(.up))) s (attempt \(attempt + 1))"
            turn.retry = (reason, attempt + 1, uptime + delay)
        case .stream(let streamEvent):
            turn.retryNotice = nil
            turn.retry = nil
            turn.reply = turn.call?.reply ?? turn.reply
            switch streamEvent {
            case .content(let text), .reasoning(let text):
                guard !text.isEmpty else { break }
                if turn.secondsToFirstToken == nil { turn.secondsToFirstToken = uptime - turn.startedUptime }
                turn.deltaCount += 1
                turn.phase = .streaming
            default: break
            }
            if uptime - turn.lastCheckpoint >= checkpointInterval { checkpoint(turn, uptime: uptime) }
        case .completed(let reply):
            turn.reply = reply
            turn.totalSeconds = uptime - turn.startedUptime
            turn.phase = .completed
            finish(turn, conversation: conversation, outcome: .ok)
        case .failed(let error, let partial):
            turn.reply = partial
            turn.totalSeconds = uptime - turn.startedUptime
            turn.phase = error.kind == .cancelled ? .cancelled : .failed(error)
            let outcome: LedgerEntry.Outcome = switch error.kind {
            case .cancelled: .interrupted(reason: "cancelled")
            case .truncated: .interrupted(reason: "connection lost")
            default: .error(kind: error.ledgerKind)
            }
            finish(turn, conversation: conversation, outcome: outcome)
        }
        onEvent?(turn, event)
    }

    private func checkpoint(_ turn: Turn, uptime: Double) {
        turn.lastCheckpoint = uptime
        guard let store, let id = turn.messageID else { return }
        let content = turn.reply.content.utf8, reasoning = turn.reply.reasoningContent.utf8
        guard content.count > turn.checkpointedContent || reasoning.count > turn.checkpointedReasoning else { return }
        let newContent = String(decoding: content.dropFirst(turn.checkpointedContent), as: UTF8.self)
        let newReasoning = String(decoding: reasoning.dropFirst(turn.checkpointedReasoning), as: UTF8.self)
        // Deltas always end on a character boundary, so the byte offsets split cleanly.
        if (try? store.appendReplyText(id, content: newContent, reasoning: newReasoning)) != nil {
            turn.checkpointedContent = content.count
            turn.checkpointedReasoning = reasoning.count
        }
    }

    private func finish(_ turn: Turn, conversation: ConversationID?, outcome: LedgerEntry.Outcome) {
        let reply = turn.reply
        let price = prices.price(model: model, at: turn.startedAt, currency: currency)
        turn.cost = reply.usage.flatMap { usage in price.flatMap { Cost(usage: usage, price: $0) } }
        let usage = reply.usage
        let entry = LedgerEntry(
            time: turn.startedAt, endpointHost: Endpoint.host(of: endpoint.baseURL), endpointName: endpoint.displayName,
            model: model, conversation: conversation, message: turn.messageID,
            promptTokens: usage?.resolvedPromptTokens, hitTokens: usage?.resolvedCacheHitTokens,
            missTokens: usage?.resolvedCacheMissTokens, completionTokens: usage?.completionTokens,
            reasoningTokens: usage?.reasoningTokens, cost: turn.cost?.amount, costWithoutCache: turn.cost?.withoutCache,
            currency: turn.cost?.currency.rawValue, predictedHitTokens: turn.predictedHitTokens,
            localPromptTokens: turn.prompt.ids.count, secondsToFirstToken: turn.secondsToFirstToken,
            totalSeconds: turn.totalSeconds, outcome: outcome)
        turn.ledgerEntry = entry
        guard let store else { return }
        do {
            if let id = turn.messageID {
                switch turn.phase {
                case .completed:
                    turn.ledgerEntry = try store.completeReply(id, content: reply.content,
                                                               reasoning: reply.reasoningContent.isEmpty ? nil : reply.reasoningContent,
                                                               ledger: entry)
                case .cancelled:
                    turn.ledgerEntry = try store.interruptReply(id, reason: "cancelled", content: reply.content,
                                                                reasoning: reply.reasoningContent, ledger: entry)
                case .failed(let error) where error.kind == .truncated:
                    turn.ledgerEntry = try store.interruptReply(id, reason: "connection lost", content: reply.content,
                                                                reasoning: reply.reasoningContent, ledger: entry)
                case .failed(let error):
                    turn.ledgerEntry = try store.failReply(id, message: error.message, content: reply.content, ledger: entry)
                default: break
                }
            } else {
                turn.ledgerEntry = try store.recordRequest(entry)
            }
        } catch {
            turn.retryNotice = "The reply could not be saved: \(error)"
        }
    }

    static func title(for text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? "New conversation"
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 60 ? String(trimmed.prefix(59)) + "…" : (trimmed.isEmpty ? "New conversation" : trimmed)
    }
}

/// Per-request knobs.
public struct RequestOptions: Sendable {
    public var stream = true
    public var maxTokens: Int?
    public var temperature: Double?
    public var userID: String?
    public var retry = RetryPolicy()
    public init(stream: Bool = true, maxTokens: Int? = nil, temperature: Double? = nil, userID: String? = nil,
                retry: RetryPolicy = RetryPolicy()) {
        self.stream = stream
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.userID = userID
        self.retry = retry
    }
}

extension StoredMessage {
    /// A message that lives only in memory (`--no-save`).
    static func unsaved(role: Role, content: String, ordinal: Int, now: Date) -> StoredMessage {
        StoredMessage(id: MessageID(-Int64(ordinal)), conversation: ConversationID(0), ordinal: ordinal, role: role,
                      content: content, reasoningContent: nil, created: now, state: .complete, model: nil, parentID: nil)
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
