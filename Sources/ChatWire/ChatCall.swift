import Foundation

/// What one chat call reports to its owner, in order: any `retrying`, then `stream`
/// events as the reply arrives, then exactly one of `completed` or `failed`.
public enum ChatCallEvent: Sendable {
    case retrying(attempt: Int, delay: Double, reason: String)
    case stream(ChatStreamEvent)
    case completed(Reply)
    /// The reply received so far is in `partial`; it is kept, never thrown away.
    case failed(APIError, partial: Reply)
}

/// One chat completion request over an ``HTTPTransport``: builds the HTTP request,
/// decodes the streamed or whole reply, and maps every failure to an ``APIError``.
///
/// It is driven by the transport's `poll`, on the transport's thread.
public final class ChatCall {
    public let endpoint: Endpoint
    public let request: ChatRequest
    public private(set) var transferID: TransferID?
    public private(set) var isFinished = false
    /// The reply as far as it has arrived.
    public var reply: Reply { accumulator.reply }

    private let transport: HTTPTransport
    private let onEvent: (ChatCallEvent) -> Void
    private var parser = ChatStreamParser()
    private var accumulator = ReplyAccumulator()
    private var status = 0
    private var retryAfterHeader: String?
    private var errorBody: [UInt8] = []
    private var failure: APIError?
    private let connectTimeout: Double
    private let idleTimeout: Double

    /// Starts the request at once.
    public init(
        request: ChatRequest, endpoint: Endpoint, transport: HTTPTransport,
        connectTimeout: Double = 10, idleTimeout: Double = 300, retry: RetryPolicy = RetryPolicy(),
        onEvent: @escaping (ChatCallEvent) -> Void
    ) throws {
        self.request = request
        self.endpoint = endpoint
        self.transport = transport
        self.onEvent = onEvent
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        let http = HTTPRequest(
            method: "POST", url: endpoint.url("/chat/completions"), headers: endpoint.headers,
            body: try request.encodedBody(), connectTimeout: connectTimeout, idleTimeout: idleTimeout, retry: retry)
        transferID = transport.start(http) { [weak self] event in self?.handle(event) }
    }

    /// Stops the reply at once. The partial reply is reported as failed with `.cancelled`.
    public func cancel() {
        guard !isFinished else { return }
        if let transferID { transport.cancel(transferID) }
        finish(.failed(.cancelled(), partial: accumulator.reply))
    }

    private func handle(_ event: TransportEvent) {
        guard !isFinished else { return }
        switch event {
        case .retrying(let attempt, let delay, let reason):
            onEvent(.retrying(attempt: attempt, delay: delay, reason: reason))
        case .head(let status, let headers):
            self.status = status
            retryAfterHeader = headers["retry-after"]
        case .body(let bytes):
            if (200..<300).contains(status) {
                deliver(parser.feed(bytes))
                if parser.isFinished, let failure {
                    // A cap fired (a line or body too large): stop reading at once, or an
                    // endless line would keep the transfer, and the CPU, busy forever.
                    if let transferID { transport.cancel(transferID) }
                    finish(.failed(failure, partial: accumulator.reply))
                }
            } else {
                errorBody.append(contentsOf: bytes)
            }
        case .finished:
            if (200..<300).contains(status) {
                deliver(parser.finish())
                if let failure {
                    finish(.failed(failure, partial: accumulator.reply))
                } else {
                    finish(.completed(accumulator.reply))
                }
            } else {
                let error = APIError.fromHTTP(
                    status: status, body: errorBody, retryAfterHeader: retryAfterHeader,
                    keySource: endpoint.keySource, now: Date())
                finish(.failed(error, partial: accumulator.reply))
            }
        case .failed(let error):
            if (200..<300).contains(status) { deliver(parser.finish(), reportTruncation: false) }
            finish(.failed(apiError(for: error), partial: accumulator.reply))
        }
    }

    private func deliver(_ events: [ChatStreamEvent], reportTruncation: Bool = true) {
        for event in events {
            accumulator.apply(event)
            if case .failure(let error) = event {
                if !reportTruncation && error.kind == .truncated { continue }
                if failure == nil { failure = error }
                continue
            }
            onEvent(.stream(event))
        }
    }

    private func apiError(for error: TransportError) -> APIError {
        let url = endpoint.baseURL
        switch error.kind {
        case .connectTimeout:
            return .timeout(.connect(seconds: connectTimeout), url: url, detail: error.detail)
        case .idleTimeout:
            return .timeout(.idle(seconds: idleTimeout), url: url, detail: error.detail)
        case .protocolViolation:
            return .malformed("The server's reply could not be read as HTTP: \(error.detail). "
                + "Check that the base URL (\(url)) is an OpenAI-compatible HTTP endpoint")
        case .dropped where error.receivedResponse, .other where error.receivedResponse:
            return .truncated(receivedAnything: parser.hasReceivedReplyData)
        default:
            return .network(detail: error.detail, url: url)
        }
    }

    private func finish(_ event: ChatCallEvent) {
        guard !isFinished else { return }
        isFinished = true
        if case .failed(let error, let partial) = event {
            onEvent(.failed(error.redacting(endpoint.apiKey), partial: partial))
            return
        }
        onEvent(event)
    }
}
