import ChatCore
import ChatWire
import Foundation
import Synchronization
import Tokenizer

/// The emulated DeepSeek account(s): validates requests, counts prompts with the real
/// chat templates and tokenizer, looks them up in each key's prefix cache, writes a
/// reply and bills it. Thread-safe: the server calls it from several threads.
public final class EmulatorEngine: Sendable {
    public let configuration: EmulatorConfiguration
    private let template: ChatTemplate
    private let tokenizer: DeepSeekTokenizer
    private let responder = Responder()
    private let clock: @Sendable () -> Double
    /// Everything that changes while the server runs, behind one lock.
    private let state: Mutex<Mutable>

    private struct Mutable {
        var accounts: [String: Account] = [:]
        var faults: FaultSchedule
        var faultFileText: String?
        /// Keys whose journal file is open, least recently used first.
        var openJournals: [String] = []
        /// The journals' total size on disk (all keys, loaded or not).
        var journalBytes = 0
    }

    final class Account {
        var cache: PrefixCache
        let journal: CacheJournal?
        var balance: Double
        init(cache: PrefixCache, journal: CacheJournal?, balance: Double) {
            self.cache = cache
            self.journal = journal
            self.balance = balance
        }
    }

    /// Writes replies instead of the built-in responder (`--upstream`): given the request,
    /// returns the reasoning and the content, or throws a message for a 502.
    public typealias Generator = @Sendable (ChatRequest) throws -> Responder.Output
    private let generator: Generator?

    public init(configuration: EmulatorConfiguration, tokenizer: DeepSeekTokenizer = .shared,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }, generator: Generator? = nil) {
        self.generator = generator
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.template = ChatTemplate(tokenizer: tokenizer)
        self.clock = clock
        var plans = configuration.faults
        var faultFileText: String?
        if let path = configuration.faultFile {
            // Plans in the file at start join `faults`; a later change replaces them all.
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            faultFileText = text
            plans += (try? Self.faultPlans(in: text)) ?? []
        }
        var mutable = Mutable(faults: FaultSchedule(plans), faultFileText: faultFileText)
        mutable.journalBytes = Self.journalFiles(in: configuration.dataDirectory).reduce(0) { $0 + $1.size }
        self.state = Mutex(mutable)
    }

    /// Rereads `configuration.faultFile` (under the lock); a changed text replaces the plans.
    private func reloadFaultFile(_ state: inout Mutable) throws {
        guard let path = configuration.faultFile else { return }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard text != state.faultFileText else { return }
        state.faultFileText = text
        state.faults = FaultSchedule(try Self.faultPlans(in: text))
    }

    /// One plan per line; blank lines and `#` comments are skipped.
    static func faultPlans(in text: String) throws -> [FaultPlan] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        return try lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }.map(FaultPlan.parse)
    }

    // MARK: - Endpoints

    /// `POST /chat/completions`.
    /// - Parameter beta: the request came to `/beta/chat/completions`, where chat prefix
    ///   completion (`prefix: true` on the last, assistant message) is allowed.
    public func complete(body: [UInt8], authorization: String?, beta: Bool = false) -> EmulatorResponse {
        guard let key = Self.bearerKey(authorization) else {
            return .deepSeekError(401, "Authentication Fails, Your api key: **** is invalid", type: "authentication_error")
        }
        let injected: [FaultPlan.Kind]
        do {
            injected = try state.withLock { state in
                try reloadFaultFile(&state)
                return state.faults.next()
            }
        } catch {
            return .deepSeekError(500, "Emulator fault file: \(error)")
        }
        for fault in injected {
            if case .status(let code, let retryAfter) = fault { return Self.statusFault(code, retryAfter: retryAfter, key: key) }
        }
        let request: ChatRequest
        do {
            request = try ChatRequest.decode(body)
        } catch {
            return .deepSeekError(400, "Failed to deserialize the JSON body into the target type: \(Self.describe(error))")
        }
        if let problem = validate(request) ?? validatePrefix(request, beta: beta) { return .deepSeekError(400, problem) }

        let model = ModelTemplates.template(forModel: request.model)
        let thinking = request.thinking.map(\.isEnabled) ?? model.thinkingByDefault
        let messages = request.messages.map(TemplateMessage.init(chat:))
        // DeepSeek maps the other names (minimal, medium, xhigh, ultra) onto its three.
        let effort = request.reasoningEffort.flatMap(ReasoningEffort.init(argument:))
        // Ids only: the emulator needs no per-message spans, and finding them costs an encode
        // per message boundary inside a merged turn (quadratic in its messages).
        let promptIDs = template.renderIDs(messages: messages, family: model.family, thinking: thinking, reasoningEffort: effort)
        if let problem = Self.contextOverflow(model: request.model, promptTokens: promptIDs.count, maxTokens: request.maxTokens) {
            return .deepSeekError(400, problem)
        }

        var output: Responder.Output
        if let generator {
            do {
                output = try generator(request)
            } catch {
                return .deepSeekError(502, "The upstream server failed: \(error)", type: "server_error")
            }
        } else {
            output = responder.reply(to: request.messages.map { ($0.role.rawValue, $0.content ?? "") }, thinking: thinking,
                                     minimumLength: configuration.replyTokens.map { $0 * 6 })
        }
        if request.responseFormat?.type == "json_object" { output.content = Self.jsonModeContent(output.content, request: request) }
        // Prefix completion continues the last message: its reasoning is over once it has content.
        let prefix = request.messages.last?.prefix == true ? messages.last : nil
        var reasoningIDs = thinking && (prefix?.content.isEmpty ?? true) ? tokenizer.encode(output.reasoning) : []
        var contentIDs = tokenizer.encode(output.content)
        if let fixed = configuration.replyTokens, contentIDs.count > fixed { contentIDs.removeLast(contentIDs.count - fixed) }
        var finishReason = "stop"
        if let limit = request.maxTokens {
            if reasoningIDs.count >= limit {
                reasoningIDs.removeLast(reasoningIDs.count - limit)
                contentIDs = []
                finishReason = "length"
            } else if reasoningIDs.count + contentIDs.count > limit {
                contentIDs.removeLast(reasoningIDs.count + contentIDs.count - limit)
                finishReason = "length"
            }
        }
        let reasoningText = tokenizer.decode(reasoningIDs)
        let contentText = tokenizer.decode(contentIDs)

        // What the next request will carry after this one: the prompt, then this turn
        // rendered as history (one definition shared with the client's CachePredictor).
        // After a prefix completion the next request carries the prefix and its continuation
        // as one assistant message.
        let sequence = template.continuation(
            ofPromptIDs: promptIDs, messages: prefix == nil ? messages : Array(messages.dropLast()),
            reply: TemplateMessage(role: .assistant, content: (prefix?.content ?? "") + contentText,
                                   reasoningContent: thinking ? (prefix?.reasoningContent ?? "") + reasoningText : nil),
            family: model.family, thinking: thinking, reasoningEffort: effort,
            generatedIDs: reasoningIDs + contentIDs).ids
        // Generated tokens: the template's closing tokens count too, except when the reply was
        // cut at max_tokens (nothing was generated past the limit).
        let generated = reasoningIDs.count + contentIDs.count
        let completionTokens = finishReason == "length" ? generated : max(sequence.count - promptIDs.count, generated)

        let cacheKey = key + "\u{0}" + (request.userID ?? "")
        let now = clock()
        // Each model has its own cache (docs/DEEPSEEK.md): prefixes are hashed from a start
        // of the model's own, so the same prompt on another model misses. One account (key
        // and user) still holds them all, with one balance and one journal.
        let hashes = PrefixHash.prefixes(of: sequence, continuing: Self.cacheStart(model: request.model))
        let promptHashes = Array(hashes[0...promptIDs.count])
        var usage = Usage(promptTokens: promptIDs.count, completionTokens: completionTokens,
                          totalTokens: promptIDs.count + completionTokens, cacheHitTokens: 0,
                          cacheMissTokens: promptIDs.count, reasoningTokens: thinking ? reasoningIDs.count : nil)
        state.withLock { state in
            let account = account(for: cacheKey, now: now, in: &state)
            let (hit, touched) = account.cache.lookup(promptHashes, now: now)
            let stored = account.cache.record(hashes, promptLength: promptIDs.count, hit: hit, now: now)
            if let journal = account.journal {
                state.journalBytes += journal.append(touched + stored)
                useJournal(of: cacheKey, in: &state)
                if state.journalBytes > configuration.maxCacheBytes { trimJournals(keeping: cacheKey, in: &state) }
            }
            usage.cacheHitTokens = hit
            usage.cacheMissTokens = promptIDs.count - hit
            if let price = PriceTable.builtIn.price(model: request.model, at: Date(timeIntervalSince1970: now),
                                                    currency: configuration.balanceCurrency),
               let cost = Cost(usage: usage, price: price) {
                account.balance = max(0, account.balance - cost.amount * configuration.chargeFactor)
            }
        }
        let reply = EmulatedReply(
            id: UUID().uuidString.lowercased(), created: Int(now), model: request.model,
            reasoningPieces: pieces(reasoningIDs), contentPieces: pieces(contentIDs), finishReason: finishReason,
            usage: usage, faults: injected)
        return .reply(reply, stream: request.stream ?? false)
    }

    /// The hash every prefix of `model`'s cache starts from: the empty prefix followed by a
    /// value no token id takes (negative), from the model id's FNV-1a.
    static func cacheStart(model: String) -> PrefixHash {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in model.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return PrefixHash.empty.appending(-1 - Int(hash & 0x3FFF_FFFF_FFFF))
    }

    /// The model's context window (`ModelCatalog`; an id the table lacks gets its assumed
    /// 128K), as `GET /models` lists it and as requests are held to.
    static func contextWindow(model: String) -> Int {
        ModelCatalog.builtIn.model(model).contextWindow
    }

    /// DeepSeek's 400 for a request whose prompt plus `max_tokens` (0 when absent) exceeds
    /// the model's window, word for word as the API sends it; nil when it fits. Nothing is
    /// generated, cached or billed.
    static func contextOverflow(model: String, promptTokens: Int, maxTokens: Int?) -> String? {
        let window = contextWindow(model: model)
        let completion = maxTokens ?? 0
        guard promptTokens + completion > window else { return nil }
        return "This model's maximum context length is \(window) tokens. However, you requested "
            + "\(promptTokens + completion) tokens (\(promptTokens) in the messages, \(completion) in the completion). "
            + "Please reduce the length of the messages or completion."
    }

    /// JSON mode: a JSON object when the messages ask for JSON (they say "json"), else
    /// spaces only, as DeepSeek answers when the model produced no JSON.
    static func jsonModeContent(_ text: String, request: ChatRequest) -> String {
        let asks = request.messages.contains { ($0.content ?? "").range(of: "json", options: .caseInsensitive) != nil }
        guard asks else { return "\n\n  " }
        let data = try? JSONEncoder().encode(["answer": text])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// `GET /models`, DeepSeek's shape plus `context_length` (as OpenRouter and vLLM send
    /// it; DeepSeek does not), from the model table: clients that do not know it ignore it.
    public func models() -> EmulatorResponse {
        let data = configuration.models.map {
            "{\"id\":\"\($0)\",\"object\":\"model\",\"owned_by\":\"deepseek\",\"context_length\":\(Self.contextWindow(model: $0))}"
        }
        return .json("{\"object\":\"list\",\"data\":[\(data.joined(separator: ","))]}")
    }

    /// `GET /user/balance`: the key's balance, down by the cost of every request so far.
    public func balance(authorization: String?) -> EmulatorResponse {
        guard let key = Self.bearerKey(authorization) else {
            return .deepSeekError(401, "Authentication Fails, Your api key: **** is invalid", type: "authentication_error")
        }
        let now = clock()
        let amount = state.withLock { account(for: key + "\u{0}", now: now, in: &$0).balance }
        // DeepSeek shows two decimals; six keep the cost of a single request visible.
        let total = String(format: "%.6f", amount)
        let currency = configuration.balanceCurrency.rawValue
        return .json("{\"is_available\":\(amount > 0),\"balance_infos\":[{\"currency\":\"\(currency)\",\"total_balance\":\"\(total)\",\"granted_balance\":\"0.00\",\"topped_up_balance\":\"\(total)\"}]}")
    }

    /// How many units a key's cache holds (tests and `serve` statistics).
    public func cacheEntryCount(apiKey: String, userID: String? = nil) -> Int {
        state.withLock { $0.accounts[apiKey + "\u{0}" + (userID ?? "")]?.cache.entryCount ?? 0 }
    }

    // MARK: - Helpers

    private func account(for cacheKey: String, now: Double, in state: inout Mutable) -> Account {
        if let account = state.accounts[cacheKey] { return account }
        var cache = PrefixCache(kind: configuration.cacheModel, settings: configuration.cache)
        var journal: CacheJournal? = nil
        if let directory = configuration.dataDirectory {
            let file = "\(directory)/cache-\(configuration.cacheModel.rawValue)-\(Self.keyID(cacheKey)).journal"
            let opened = CacheJournal(path: file)
            let before = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            if (try? opened.open(into: &cache, now: now)) != nil {
                journal = opened
                state.journalBytes += opened.size - before  // opening may compact it
            }
        }
        let account = Account(cache: cache, journal: journal, balance: configuration.startingBalance)
        state.accounts[cacheKey] = account
        if journal != nil { useJournal(of: cacheKey, in: &state) }
        return account
    }

    /// Marks `cacheKey`'s journal as just used and closes the least recently used ones
    /// beyond `maxOpenJournals`.
    private func useJournal(of cacheKey: String, in state: inout Mutable) {
        if let index = state.openJournals.lastIndex(of: cacheKey) { state.openJournals.remove(at: index) }
        state.openJournals.append(cacheKey)
        while state.openJournals.count > max(1, configuration.maxOpenJournals) {
            let oldest = state.openJournals.removeFirst()
            state.accounts[oldest]?.journal?.close()
        }
    }

    /// Over `maxCacheBytes`: forgets the least recently written keys' caches, files and
    /// memory both, until a quarter of the room is free (so this runs rarely), never
    /// `current`'s, which is being answered.
    private func trimJournals(keeping current: String, in state: inout Mutable) {
        let target = configuration.maxCacheBytes / 4 * 3
        let byPath = Dictionary(state.accounts.compactMap { key, account in account.journal.map { ($0.path, key) } },
                                uniquingKeysWith: { first, _ in first })
        let currentPath = state.accounts[current]?.journal?.path
        for file in Self.journalFiles(in: configuration.dataDirectory).sorted(by: { $0.modified < $1.modified }) {
            guard state.journalBytes > target else { break }
            guard file.path != currentPath else { continue }
            if let key = byPath[file.path] {
                state.accounts[key]?.journal?.close()
                state.accounts[key] = nil
                state.openJournals.removeAll { $0 == key }
            }
            if (try? FileManager.default.removeItem(atPath: file.path)) != nil { state.journalBytes -= file.size }
        }
    }

    /// The cache journals in `directory`, with their sizes and modification times.
    static func journalFiles(in directory: String?) -> [(path: String, size: Int, modified: Date)] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasPrefix("cache-") && $0.hasSuffix(".journal") }.compactMap { name in
            let path = directory + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            return (path, (attributes[.size] as? Int) ?? 0, (attributes[.modificationDate] as? Date) ?? .distantPast)
        }
    }

    /// Text per token; a character split over two tokens is emitted with the second.
    private func pieces(_ ids: [Int]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(ids.count)
        var pending: [UInt8] = []
        for id in ids {
            pending += tokenizer.decodeBytes([id])
            let complete = Self.completeUTF8Prefix(pending)
            result.append(String(decoding: pending[..<complete], as: UTF8.self))
            pending.removeFirst(complete)
        }
        if !pending.isEmpty, !result.isEmpty { result[result.count - 1] += String(decoding: pending, as: UTF8.self) }
        return result
    }

    static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
        var index = bytes.count
        var back = 0
        while index > 0 && back < 4 {
            let byte = bytes[index - 1]
            if byte & 0xC0 != 0x80 {
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                return back + 1 >= length ? bytes.count : index - 1
            }
            index -= 1
            back += 1
        }
        return bytes.count
    }

    /// Chat prefix completion: only on the beta path, only the last message, an assistant's.
    private func validatePrefix(_ request: ChatRequest, beta: Bool) -> String? {
        let marked = request.messages.indices.filter { request.messages[$0].prefix == true }
        guard !marked.isEmpty else { return nil }
        guard beta else {
            return "Chat prefix completion (`prefix: true`) is a beta feature: use the base URL https://api.deepseek.com/beta."
        }
        guard marked == [request.messages.count - 1], request.messages[marked[0]].role.rawValue == "assistant" else {
            return "Only the last message may have `prefix: true`, and it must be an assistant message."
        }
        return nil
    }

    private func validate(_ request: ChatRequest) -> String? {
        if !configuration.models.contains(request.model) { return "Model Not Exist" }
        if request.messages.isEmpty { return "The `messages` field must not be empty." }
        let family = ModelTemplates.template(forModel: request.model).family
        if family == .v4, request.messages.contains(where: { $0.role.rawValue == "developer" }) {
            return "The `developer` role is not supported by this model. Use `system`."
        }
        if let unknown = request.messages.first(where: { !["system", "user", "assistant", "tool"].contains($0.role.rawValue) }) {
            return "Unknown role `\(unknown.role.rawValue)` in messages."
        }
        if let maxTokens = request.maxTokens, !(1...393_216).contains(maxTokens) {
            return "Invalid max_tokens value, the valid range of max_tokens is [1, 393216]"
        }
        if let temperature = request.temperature, !ChatRequest.temperatureRange.contains(temperature) {
            let range = ChatRequest.temperatureRange
            return String(format: "Invalid temperature value, the valid range of temperature is [%g, %g]", range.lowerBound, range.upperBound)
        }
        if let effort = request.reasoningEffort, ReasoningEffort(argument: effort) == nil {
            return "Invalid reasoning_effort value `\(effort)`, use `low`, `high` or `max`."
        }
        return nil
    }

    static func bearerKey(_ authorization: String?) -> String? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let key = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }

    static func statusFault(_ code: Int, retryAfter: String?, key: String) -> EmulatorResponse {
        let headers = retryAfter.map { [("Retry-After", $0)] } ?? []
        switch code {
        case 401: return .deepSeekError(401, "Authentication Fails, Your api key: ****\(key.suffix(4)) is invalid", type: "authentication_error")
        case 402: return .deepSeekError(402, "Insufficient Balance", type: "unknown_error")
        case 422: return .deepSeekError(422, "Invalid request parameters (emulated fault)")
        case 429: return .deepSeekError(429, "Rate Limit Reached", type: "rate_limit_error", headers: headers)
        case 500: return .deepSeekError(500, "Server Error: the server had an error while processing your request", type: "server_error")
        case 503: return .deepSeekError(503, "Server Overloaded: the server is overloaded, please retry shortly", type: "server_error", headers: headers)
        default: return .deepSeekError(400, "Invalid request (emulated fault)")
        }
    }

    /// A short, stable file-name id for a key: the key itself never touches the disk.
    static func keyID(_ key: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(hash, radix: 16)
    }

    static func describe(_ error: Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, _): return "missing field `\(key.stringValue)`"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
            @unknown default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
