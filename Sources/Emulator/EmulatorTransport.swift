import ChatCore
import ChatWire

/// The emulator as an in-process transport: requests go to an `EmulatorEngine` and come
/// back as the exact bytes `cachechat serve` would send, paced on the transport's clock.
/// App tests run the real cache emulation this way, with no socket, no thread and no sleep.
public enum EmulatorTransport {
    /// An `InMemoryTransport` answered by `engine`.
    public static func make(engine: EmulatorEngine, clock: Clock) -> InMemoryTransport {
        InMemoryTransport(clock: clock) { request in steps(for: request, engine: engine) }
    }

    /// The transport steps of `request` as `engine` answers it.
    public static func steps(for request: HTTPRequest, engine: EmulatorEngine) -> [InMemoryTransport.Step] {
        let authorization = request.headers.first { $0.name.lowercased() == "authorization" }?.value
        var path = String(request.url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        if path.hasPrefix("/v1/") { path = String(path.dropFirst(3)) }
        let response: EmulatorResponse
        switch (request.method, path) {
        case ("POST", "/chat/completions"): response = engine.complete(body: request.body ?? [], authorization: authorization)
        case ("POST", "/beta/chat/completions"):
            response = engine.complete(body: request.body ?? [], authorization: authorization, beta: true)
        case ("GET", "/models"): response = engine.models()
        case ("GET", "/user/balance"): response = engine.balance(authorization: authorization)
        default: return InMemoryTransport.notFound
        }
        let configuration = engine.configuration
        let script = StreamScript(tokensPerSecond: configuration.tokensPerSecond, usagePlacement: configuration.usagePlacement,
                                  keepAliveInterval: configuration.keepAliveInterval)
        switch response {
        case .json(let text):
            return [.event(.head(status: 200, headers: ["content-type": "application/json"])),
                    .event(.body(Array(text.utf8))), .event(.finished)]
        case .error(let status, let body, let headers):
            var names: [String: String] = [:]
            for (name, value) in headers { names[name.lowercased()] = value }
            return [.event(.head(status: status, headers: names)), .event(.body(Array(body.utf8))), .event(.finished)]
        case .reply(let reply, let stream):
            var steps: [InMemoryTransport.Step] = [
                .event(.head(status: 200, headers: ["content-type": stream ? "text/event-stream" : "application/json"]))]
            for step in stream ? script.streamSteps(for: reply) : script.bodySteps(for: reply) {
                switch step {
                case .write(let bytes): steps.append(.event(.body(bytes)))
                case .wait(let seconds): steps.append(.wait(seconds))
                case .close(let reset):
                    // The response ends at the close (`Connection: close`, no length): an
                    // orderly close is its end, a reset is a dropped connection.
                    steps.append(.event(reset ? .failed(TransportError(kind: .dropped, detail: "connection reset by peer",
                                                                       receivedResponse: true)) : .finished))
                    return steps
                }
            }
            steps.append(.event(.finished))
            return steps
        }
    }
}
