/// Everything one request carries and how it renders, decided once.
///
/// Built from a conversation's rules (pinned system prompt or few-shot set and its mode,
/// the history cut, the history, the question, the model and its options), a plan is
/// what gets sent (`ChatWire`'s `ChatRequest(plan:)`), what the cache prediction, the
/// draft warning, the cache marks and horizon, the ledger row and the reuse map describe.
/// No other code decides which messages a request carries.
public struct RequestPlan: Sendable, Equatable {
    /// What part of the prompt an item belongs to.
    public enum Part: String, Sendable, Codable, Equatable {
        /// The system prompt (of the conversation or of its few-shot set).
        case system
        /// A question or answer of the pinned few-shot set.
        case shot
        /// An attached document (`Attachment`, rendered by `DocumentBlock`).
        case attachment
        /// An earlier message of the conversation.
        case history
        /// The message being asked (the draft, or the last user message).
        case question

        /// The prefix every request of the conversation starts with: system prompt,
        /// few-shot set and attached documents. Truncation never cuts it.
        public var isPinnedPrefix: Bool { self != .history && self != .question }
    }

    /// One message of the request and where it comes from.
    public struct Item: Sendable, Equatable {
        public var id: TranscriptID
        public var message: TemplateMessage
        public var part: Part

        public init(id: TranscriptID, message: TemplateMessage, part: Part) {
            self.id = id
            self.message = message
            self.part = part
        }
    }

    /// The few-shot set a request was made with.
    public struct FewShotReference: Sendable, Equatable, Hashable, Codable {
        public var name: String
        public var version: String
        public var mode: FewShotMode

        public init(name: String, version: String, mode: FewShotMode) {
            self.name = name
            self.version = version
            self.mode = mode
        }
    }

    public var items: [Item]
    public var settings: RequestSettings
    /// The stored conversation, when it has been saved.
    public var conversation: ConversationID?
    public var fewShot: FewShotReference?
    /// The attached documents, in request order (their items are `.attachment(index)`).
    public var attachments: [Attachment]
    /// The first ordinal the history part carries.
    public var historyStart: Int
    /// The request rendered by our template and tokenizer: ids and one span per item.
    public var prompt: RenderedPrompt
    /// What the cache predictor expected for this prompt, when it was asked.
    public var prediction: CachePredictor.Prediction?

    /// The question the plan ends with.
    public enum Question: Sendable, Equatable {
        /// Text not in the conversation yet (the draft).
        case draft(String)
        /// The conversation's last user message (a send after it was stored, a regenerate).
        case lastUserMessage
        /// The conversation's last reply, continued (chat prefix completion): it is sent as
        /// the last message with `prefix: true`.
        case continueLastReply
    }

    /// Builds the request `conversation` makes when asked `question` with `options`.
    public init(_ conversation: ConversationState, question: Question, options: RequestOptions = RequestOptions(),
                renderer: some PromptRendering) {
        var items: [Item] = []
        if let set = conversation.fewShot {
            for (index, message) in set.messages.enumerated() {
                items.append(Item(id: .pinned(index), message: message, part: index == 0 ? .system : .shot))
            }
        } else if let system = conversation.systemPrompt {
            items.append(Item(id: .pinned(0), message: .system(system), part: .system))
        }
        for (index, attachment) in conversation.attachments.enumerated() {
            items.append(Item(id: .attachment(index), message: attachment.templateMessage, part: .attachment))
        }
        var history = conversation.sentMessages
        var questionItem: Item?
        switch question {
        case .draft(let text):
            if conversation.asksEachQuestionAlone { history = [] }
            questionItem = Item(id: .draft, message: .user(text), part: .question)
        case .lastUserMessage:
            if let last = history.last, last.role == .user {
                history.removeLast()
                questionItem = Item(id: last.id, message: last.templateMessage, part: .question)
            }
        case .continueLastReply:
            if let last = history.last, last.role == .assistant {
                history.removeLast()
                var message = last.templateMessage
                message.prefix = true
                questionItem = Item(id: last.id, message: message, part: .question)
            }
        }
        items += history.map { Item(id: $0.id, message: $0.templateMessage, part: .history) }
        if let questionItem { items.append(questionItem) }
        self.items = items
        settings = conversation.settings(options)
        self.conversation = conversation.id
        fewShot = conversation.fewShot.map {
            FewShotReference(name: $0.name, version: $0.contentVersion, mode: conversation.fewShotMode)
        }
        attachments = conversation.attachments
        historyStart = conversation.asksEachQuestionAlone ? 1 : conversation.historyStart
        prompt = renderer.render(items.map(\.message), settings: settings)
    }

    /// The reply this plan continues (chat prefix completion): its id and its text so far.
    public var continuedReply: (id: TranscriptID, message: TemplateMessage)? {
        guard let last = items.last, last.message.prefix else { return nil }
        return (last.id, last.message)
    }

    /// The messages in request order.
    public var messages: [TemplateMessage] { items.map(\.message) }

    /// How many leading items are the pinned prefix (system prompt, few-shot set, attachments).
    public var pinnedCount: Int { items.prefix { $0.part.isPinnedPrefix }.count }

    /// The item indices of the attached documents (contiguous, after the pinned set).
    public var documentItems: Range<Int> {
        guard let first = items.firstIndex(where: { $0.part == .attachment }) else { return 0..<0 }
        return first..<(first + attachments.count)
    }

    /// The index of the item with `id`.
    public func index(of id: TranscriptID) -> Int? { items.firstIndex { $0.id == id } }

    /// Tokens of each item's span (template tokens included), and the tokens that belong
    /// to no item (the generation prompt).
    public var itemTokens: (items: [Int], overhead: Int) {
        var tokens = [Int](repeating: 0, count: items.count)
        var overhead = 0
        for span in prompt.spans {
            if span.isGenerationPrompt || span.messageIndex >= tokens.count {
                overhead += span.tokenCount
            } else {
                tokens[span.messageIndex] += span.tokenCount
            }
        }
        return (tokens, overhead)
    }

    /// The same plan with the predictor's expectation for its prompt.
    public func predicted(by predictor: CachePredictor, now: Double, hashes: [PrefixHash]? = nil) -> RequestPlan {
        var copy = self
        copy.prediction = hashes.map { predictor.predict(prefixHashes: $0, now: now) }
            ?? predictor.predict(promptIDs: prompt.ids, now: now)
        return copy
    }

    /// What this request leaves in the server's cache once `reply` came back: the prompt
    /// followed by the reply as the next request will carry it (`HistoryMessage`'s rule:
    /// reasoning whenever there is any). The one definition the client records and the
    /// emulator stores (docs/DECISIONS.md 9).
    public func cacheSequence(replyContent: String, reasoning: String?, template: ChatTemplate) -> CacheSequence {
        let reply = TemplateMessage.assistant(replyContent, reasoning: reasoning.flatMap { $0.isEmpty ? nil : $0 })
        // A continued reply (`replyContent` is the whole reply) replaces the prefix it grew from,
        // as the emulator records it.
        let history = continuedReply == nil ? messages : Array(messages.dropLast())
        return template.continuation(of: prompt, messages: history, reply: reply, family: settings.template.family,
                                     thinking: settings.effectiveThinking, reasoningEffort: settings.renderedEffort)
    }
}
