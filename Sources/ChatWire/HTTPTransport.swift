/// One HTTP request as the chat layer describes it to a transport.
///
/// The transport owns sockets, TLS, proxies, timeouts and retries; the chat
/// layer above it only sees the events of ``TransportEvent``.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    /// Seconds allowed to establish the connection (TCP + TLS).
    public var connectTimeout: Double
    /// Seconds without a single byte from the server before the transfer fails.
    /// SSE keep-alive comments count as bytes, so a queued stream stays alive.
    public var idleTimeout: Double
    public var retry: RetryPolicy

    public init(
        method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
        connectTimeout: Double = 10, idleTimeout: Double = 300, retry: RetryPolicy = RetryPolicy()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.retry = retry
    }
}

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Identifies a transfer so that it can be cancelled.
public struct TransferID: Hashable, Sendable {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
}

/// What a transport reports about one transfer, in order:
/// `retrying`*, then `head`, `body`*, and exactly one of `finished` or `failed`.
/// After ``HTTPTransport/cancel(_:)`` nothing more is reported.
public enum TransportEvent: Sendable {
    /// The previous attempt failed in a way worth retrying; the next starts after `delay` seconds.
    case retrying(attempt: Int, delay: Double, reason: String)
    /// The final response's status and headers (names lower-cased).
    case head(status: Int, headers: [String: String])
    /// Body bytes as they arrive. For a status outside 200–299 the whole body comes at once.
    case body([UInt8])
    case finished
    case failed(TransportError)
}

/// A failure below HTTP: no connection, no answer, a dropped or stalled connection.
public struct TransportError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case resolve, connect, tls, connectTimeout, idleTimeout, dropped, other
        /// The server's reply could not be read as HTTP (the transport's reader says why).
        case protocolViolation
    }
    public var kind: Kind
    /// The transport's own words (for libcurl, its error buffer).
    public var detail: String
    /// Whether any byte of a response had arrived before the failure.
    public var receivedResponse: Bool

    public init(kind: Kind, detail: String, receivedResponse: Bool) {
        self.kind = kind
        self.detail = detail
        self.receivedResponse = receivedResponse
    }

    /// Failures where the request never reached the server, so retrying cannot duplicate work.
    public var isConnectFailure: Bool {
        switch kind {
        case .resolve, .connect, .connectTimeout: return !receivedResponse
        default: return false
        }
    }
}

/// An HTTP client driven by the caller's event loop.
///
/// One thread owns a transport. `poll` waits for network activity, the optional
/// extra file descriptor (stdin in the TUI), a `wakeup`, or the timeout, and then
/// delivers events to the handlers given to `start`, on the calling thread.
public protocol HTTPTransport: AnyObject {
    @discardableResult
    func start(_ request: HTTPRequest, onEvent: @escaping (TransportEvent) -> Void) -> TransferID
    /// Stops a transfer at once; its handler is not called again.
    func cancel(_ id: TransferID)
    /// Returns true when `extraFD` became readable.
    @discardableResult
    func poll(timeout: Double, extraFD: Int32?) -> Bool
    /// Waits on several extra descriptors (stdin, a signal pipe, ...); returns the readable ones.
    @discardableResult
    func poll(timeout: Double, extraFDs: [Int32]) -> Set<Int32>
    /// Makes a `poll` in progress return early; safe to call from any thread or a signal handler's helper thread.
    func wakeup()
    var activeTransfers: Int { get }
}
