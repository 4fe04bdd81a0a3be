import ChatCore
import ChatWire
import CurlTransport
import Emulator
import EmulatorServer
import Foundation
import Tokenizer

/// An emulator on a free loopback port, and a way to send it requests through the
/// real client stack (ChatCall over CurlTransport).
final class EmulatorHarness: Sendable {
    let server: EmulatorServer
    var baseURL: String { server.baseURL }

    private let ownsServer: Bool

    /// - Parameter clock: the engine's clock (cache lifetimes, construction delays); the
    ///   system's when nil.
    init(_ configuration: EmulatorConfiguration, clock: ManualClock? = nil) throws {
        let engine = clock.map { clock in
            EmulatorEngine(configuration: configuration, clock: { clock.now().timeIntervalSince1970 })
        } ?? EmulatorEngine(configuration: configuration)
        server = EmulatorServer(engine: engine)
        ownsServer = true
        try server.start(host: "127.0.0.1", port: 0)
    }

    /// A harness over a server the test started (and stops) itself.
    init(server: EmulatorServer) throws {
        self.server = server
        ownsServer = false
    }

    deinit { if ownsServer { server.stop() } }

    struct Outcome {
        var reply: Reply
        var error: APIError?
        var events: [ChatCallEvent]
        var usage: Usage { reply.usage ?? Usage() }
        var hit: Int { reply.usage?.cacheHitTokens ?? -1 }
    }

    func send(_ request: ChatRequest, key: String = "sk-emulator-test-key", timeout: Double = 120,
              retry: RetryPolicy = .none) -> Outcome {
        let transport = CurlTransport()
        var events: [ChatCallEvent] = []
        var done = false
        let endpoint = Endpoint(baseURL: baseURL, apiKey: key, keySource: KeySource(origin: "test", key: key))
        let call = try! ChatCall(request: request, endpoint: endpoint, transport: transport, retry: retry) { event in
            events.append(event)
            switch event {
            case .completed, .failed: done = true
            default: break
            }
        }
        let started = Date()
        while !done && Date().timeIntervalSince(started) < timeout { transport.poll(timeout: 0.05, extraFD: nil) }
        var error: APIError? = nil
        if case .failed(let failure, _)? = events.last { error = failure }
        return Outcome(reply: call.reply, error: error, events: events)
    }

    static func request(_ messages: [ChatMessage], model: String = "deepseek-chat", stream: Bool = true,
                        thinking: Bool? = nil) -> ChatRequest {
        var request = ChatRequest(model: model, messages: messages)
        request.stream = stream
        if stream { request.streamOptions = StreamOptions(includeUsage: true) }
        if let thinking { request.thinking = thinking ? .enabled : .disabled }
        return request
    }
}

/// Prompt arithmetic done in the test, from the templates and plain token comparison,
/// independently of the emulator's hashing.
enum PromptMath {
    static let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)

    static func ids(_ messages: [ChatMessage], model: String = "deepseek-chat", thinking: Bool? = nil,
                    generationPrompt: Bool = true) -> [Int] {
        let entry = ModelTemplates.template(forModel: model)
        return template.render(messages: messages.map(templateMessage), family: entry.family,
                               thinking: thinking ?? entry.thinkingByDefault, addGenerationPrompt: generationPrompt).ids
    }

    static func commonPrefix(_ a: [Int], _ b: [Int]) -> Int { zip(a, b).prefix { $0 == $1 }.count }

    static func roundDown(_ value: Int, _ unit: Int) -> Int { value / unit * unit }

    static func templateMessage(_ message: ChatMessage) -> TemplateMessage {
        let role: TemplateRole = switch message.role.rawValue {
        case "system": .system
        case "assistant": .assistant
        case "tool": .tool
        default: .user
        }
        return TemplateMessage(role: role, content: message.content ?? "", reasoningContent: message.reasoningContent)
    }
}
