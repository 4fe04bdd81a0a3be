import Foundation
import CCurlShim
import ChatWire

/// The state of one logical request across its attempts. Curl's callbacks write
/// into it; ``CurlTransport`` turns that into events after `curl_multi_perform`.
final class Transfer {
    let id: TransferID
    let request: HTTPRequest
    let handler: (TransportEvent) -> Void
    private(set) var attempt = 0
    private(set) var easy: UnsafeMutableRawPointer?
    /// The attempt's own socket when the request goes to a loopback address without libcurl.
    private(set) var plain: PlainConnection?
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// curl writes its human-readable error here (CURL_ERROR_SIZE bytes).
    let errorBuffer: UnsafeMutablePointer<CChar>

    private(set) var status = 0
    private(set) var responseHeaders: [String: String] = [:]
    /// True once a 2xx response started delivering its body: from then on no retry.
    private(set) var streaming = false
    private(set) var receivedAnyByte = false
    private(set) var connected = false
    private var bufferedBody: [UInt8] = []
    private var lastActivity = 0.0
    private let clock: () -> Double = { ProcessInfo.processInfo.systemUptime }

    /// When the transfer fails for silence, unless another byte arrives first.
    var idleDeadline: Double? { hasHandle ? lastActivity + request.idleTimeout : nil }
    var pending: [TransportEvent] = []
    var isDone = false
    var isCancelled = false

    init(id: TransferID, request: HTTPRequest, handler: @escaping (TransportEvent) -> Void) {
        self.id = id
        self.request = request
        self.handler = handler
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        endAttempt()
        errorBuffer.deallocate()
    }

    var hasHandle: Bool { easy != nil || plain != nil }

    /// Starts an attempt on a libcurl handle or on a socket of its own (one of the two).
    func beginAttempt(easy: UnsafeMutableRawPointer?, plain: PlainConnection? = nil, now: Double) {
        attempt += 1
        lastActivity = now
        self.easy = easy
        self.plain = plain
        status = 0
        responseHeaders = [:]
        bufferedBody = []
        receivedAnyByte = false
        connected = false
        errorBuffer[0] = 0
    }

    func endAttempt() {
        if let easy {
            if cc_get_connect_time(easy) > 0 { connected = true }
            cc_easy_cleanup(easy)
        }
        easy = nil
        if let plain, plain.connected { connected = true }
        plain?.close()
        plain = nil
        if let headerList { cc_slist_free_all(headerList) }
        headerList = nil
    }

    func markConnected() { connected = true }

    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        lastActivity = clock()
        receivedAnyByte = true
        connected = true
        guard var line = String(bytes: bytes, encoding: .utf8) else { return }
        line = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new response (e.g. after `100 Continue`): forget the previous headers.
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            responseHeaders = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        responseHeaders[name] = value
    }

    /// An error body is read up to this size (64 KiB holds any real error message); then
    /// reading stops, so a server cannot fill memory with one.
    static let maxErrorBody = 64 * 1024
    /// The error body reached `maxErrorBody` and the transfer was stopped on purpose.
    private(set) var errorBodyCapped = false

    /// Takes body bytes; false asks curl to stop the transfer (an error body at its cap).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        lastActivity = clock()
        receivedAnyByte = true
        connected = true
        guard (200..<300).contains(status) else {
            let room = Self.maxErrorBody - bufferedBody.count
            bufferedBody.append(contentsOf: bytes.prefix(max(0, room)))
            if bytes.count >= room {
                errorBodyCapped = true
                return false
            }
            return true
        }
        if !streaming {
            streaming = true
            pending.append(.head(status: status, headers: responseHeaders))
        }
        // Coalesce the chunks of one perform round into one event.
        if case .body(var previous)? = pending.last {
            pending.removeLast()
            previous.append(contentsOf: bytes)
            pending.append(.body(previous))
        } else {
            pending.append(.body(Array(bytes)))
        }
        return true
    }

    /// Delivers a response that was held back because it might have been retried.
    func flushBufferedResponse(status finalStatus: Int) {
        guard !streaming, finalStatus != 0 || status != 0 else { return }
        pending.append(.head(status: status != 0 ? status : finalStatus, headers: responseHeaders))
        if !bufferedBody.isEmpty { pending.append(.body(bufferedBody)) }
        bufferedBody = []
    }

    func takeEvents() -> [TransportEvent] {
        defer { pending = [] }
        return pending
    }

    func errorMessage(orCode code: Int32) -> String {
        let text = String(cString: errorBuffer)
        return text.isEmpty ? String(cString: cc_easy_strerror(code)) : text
    }
}
