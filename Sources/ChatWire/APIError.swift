/// A failed request or reply, with a message a person can act on.
///
/// Built by `fromHTTP(status:body:retryAfterHeader:keySource:now:)` for error statuses, by
/// the transport through `network(detail:url:)`, `timeout(_:url:detail:)` and `cancelled()`,
/// and by `ChatStreamParser` for malformed or truncated replies. `message` never contains a
/// full API key: server text is passed through `KeySource.redactKeys(in:)`.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, coarse enough to decide on retries and wording.
    public enum Kind: Sendable, Equatable, Hashable {
        /// 400: the request body was invalid.
        case badRequest
        /// 401: the key was rejected.
        case authentication
        /// 402: the account balance is exhausted.
        case insufficientBalance
        /// 422: invalid parameters (older DeepSeek responses).
        case invalidParameters
        /// 429: rate or concurrency limit.
        case rateLimited
        /// 500 and 5xx other than 503.
        case serverError
        /// 503: the server is overloaded.
        case overloaded
        /// Any other non-2xx status.
        case httpStatus(Int)
        /// Connection refused, DNS, TLS, connection reset.
        case network
        /// Connect timeout or no data for too long.
        case timeout
        /// A body that could not be understood.
        case malformedResponse
        /// The connection ended before the reply was complete (no `[DONE]`).
        case truncated
        /// The user cancelled the request.
        case cancelled
    }

    public var kind: Kind
    /// HTTP status, when the error came from one.
    public var status: Int?
    /// The server's own message, sanitised (control characters stripped, ~300 characters).
    public var serverMessage: String?
    /// Seconds to wait before retrying, from `Retry-After`.
    public var retryAfter: Double?
    /// A one-paragraph explanation with a next step.
    public var message: String

    /// Creates an error.
    public init(
        kind: Kind, status: Int? = nil, serverMessage: String? = nil, retryAfter: Double? = nil,
        message: String
    ) {
        self.kind = kind
        self.status = status
        self.serverMessage = serverMessage
        self.retryAfter = retryAfter
        self.message = message
    }

    public var description: String { message }

    /// Whether sending the same request again may succeed: network failures, timeouts,
    /// truncated replies, 429, 500, 503 and other 5xx. DeepSeek documents 500 as a
    /// transient server issue to retry after a brief wait, so it counts.
    ///
    /// This only classifies the error. The transport must never retry once any reply bytes
    /// were received (the user already saw them, and a retry is billed again).
    public var isRetryable: Bool {
        switch kind {
        case .network, .timeout, .truncated, .rateLimited, .serverError, .overloaded: true
        case .httpStatus(let status): status == 408 || (500...599).contains(status)
        case .badRequest, .authentication, .insufficientBalance, .invalidParameters,
            .malformedResponse, .cancelled:
            false
        }
    }
}
