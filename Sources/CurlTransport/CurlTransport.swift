import CCurlShim
import ChatWire
import Foundation
import Synchronization

/// ``HTTPTransport`` over libcurl's multi interface.
///
/// Everything happens on the thread that calls ``poll(timeout:extraFD:)``: curl's
/// callbacks only append to the transfer's buffers, and events are delivered after
/// `curl_multi_perform` returns, so a handler may cancel or start transfers freely.
/// libcurl honours `http_proxy`, `https_proxy`, `all_proxy` and `no_proxy` from the
/// environment; TLS peer and host verification stay on.
///
/// libcurl is opened (dlopen) when the first transfer starts: until then `poll` waits on
/// the caller's descriptors with poll(2), so a screen that sends nothing never loads it.
/// A plain `http://` request to a loopback address (the built-in endpoint, a local
/// server) goes over a socket of its own instead (``PlainConnection``), so a session on
/// the built-in endpoint never loads libcurl at all (docs/DECISIONS.md, 94).
public final class CurlTransport: HTTPTransport {
    private var multiHandle: UnsafeMutableRawPointer?
    private var transfers: [TransferID: Transfer] = [:]
    private var byHandle: [UnsafeMutableRawPointer: TransferID] = [:]
    private var pendingRetries: [(due: Double, id: TransferID)] = []
    private var nextID = 1
    private let userAgent: String
    private let now: () -> Double
    private let plainLoopback: Bool
    private let environment: [String: String]

    /// `plainLoopback` false sends every request through libcurl (the tests of both paths).
    public init(userAgent: String = "cachechat", plainLoopback: Bool = true) {
        self.userAgent = userAgent
        self.now = { ProcessInfo.processInfo.systemUptime }
        self.plainLoopback = plainLoopback
        environment = ProcessInfo.processInfo.environment
    }

    /// Whether a request to `url` needs libcurl (anything but plain HTTP to this machine
    /// without a proxy): a command that will make one starts loading it early.
    public static func needsLibcurl(for url: String) -> Bool {
        target(for: url, environment: ProcessInfo.processInfo.environment) == nil
    }

    private static let inProcess = Mutex<[String]>([])

    /// Marks `baseURL` (plain HTTP on a loopback address) as served by this process, the
    /// built-in endpoint: requests to it always go over the plain socket, whatever proxy
    /// variables say — no proxy can reach an endpoint inside the process.
    public static func servedInProcess(_ baseURL: String) {
        inProcess.withLock { $0.append(baseURL) }
    }

    static func target(for url: String, environment: [String: String]) -> PlainTarget? {
        let own = inProcess.withLock { bases in bases.contains { url == $0 || url.hasPrefix($0 + "/") } }
        return PlainTarget(url: url, environment: environment, inProcess: own)
    }

    deinit {
        for transfer in transfers.values { detach(transfer) }
        if let multiHandle { cc_multi_cleanup(multiHandle) }
    }

    /// The multi handle, libcurl loaded first; or why libcurl cannot be used.
    private func multi() -> Result<UnsafeMutableRawPointer, TransportError> {
        if let multiHandle { return .success(multiHandle) }
        var buffer = [CChar](repeating: 0, count: 512)
        guard cc_load(&buffer, buffer.count) == 0 else {
            let detail = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(TransportError(kind: .other, detail: detail, receivedResponse: false))
        }
        guard let handle = cc_multi_init() else {
            return .failure(TransportError(kind: .other, detail: "curl_multi_init failed: out of memory", receivedResponse: false))
        }
        multiHandle = handle
        return .success(handle)
    }

    public var activeTransfers: Int { transfers.count }

    /// Starts loading libcurl on another thread, for a command about to make a request
    /// (the load overlaps what the command does before its first transfer).
    public static func preload() { cc_preload() }

    /// Waits for a `preload()` still loading (before the process exits; an exit handler
    /// waits too, this makes it explicit on the usual paths).
    public static func waitForPreload() { cc_wait_for_preload() }

    /// The libcurl version line, for `cachechat --version` and bug reports (nil when
    /// libcurl cannot be loaded).
    public static var curlVersion: String? { cc_load(nil, 0) == 0 ? String(cString: cc_version()) : nil }

    @discardableResult
    public func start(_ request: HTTPRequest, onEvent: @escaping (TransportEvent) -> Void) -> TransferID {
        let id = TransferID(nextID)
        nextID += 1
        let transfer = Transfer(id: id, request: request, handler: onEvent)
        transfers[id] = transfer
        attach(transfer)
        return id
    }

    public func cancel(_ id: TransferID) {
        guard let transfer = transfers.removeValue(forKey: id) else { return }
        pendingRetries.removeAll { $0.id == id }
        detach(transfer)
    }

    public func wakeup() { if let multiHandle { _ = cc_multi_wakeup(multiHandle) } }

    @discardableResult
    public func poll(timeout: Double, extraFD: Int32?) -> Bool {
        guard let extraFD else { return !poll(timeout: timeout, extraFDs: []).isEmpty }
        return poll(timeout: timeout, extraFDs: [extraFD]).contains(extraFD)
    }

    @discardableResult
    public func poll(timeout: Double, extraFDs: [Int32]) -> Set<Int32> {
        var wait = max(0, timeout)
        if let due = pendingRetries.map(\.due).min() { wait = min(wait, max(0, due - now())) }
        if let idle = transfers.values.compactMap(\.idleDeadline).min() { wait = min(wait, max(0, idle - now()) + 0.001) }
        let sockets = transfers.values.filter { $0.plain != nil }.sorted { $0.id.rawValue < $1.id.rawValue }
        if let connect = sockets.compactMap({ $0.plain?.deadline }).min() { wait = min(wait, max(0, connect - now()) + 0.001) }
        // The caller's descriptors, then the sockets of plain transfers.
        var fds = extraFDs.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        fds += sockets.map { pollfd(fd: $0.plain!.fd, events: $0.plain!.pollEvents, revents: 0) }
        let milliseconds = Int32(min(wait * 1000, 86_400_000).rounded(.up))
        if let multi = multiHandle {
            if !transfers.isEmpty || !fds.isEmpty || wait > 0 {
                var descriptors = fds.map(\.fd)
                var events = fds.map(\.events)
                var revents = [Int16](repeating: 0, count: max(1, fds.count))
                _ = cc_multi_poll_events(multi, &descriptors, &events, Int32(fds.count), milliseconds, &revents)
                for index in fds.indices { fds[index].revents = revents[index] }
            }
        } else if !fds.isEmpty || milliseconds > 0 {
            // libcurl is not loaded: these descriptors are all there is to wait for.
            _ = Glibc.poll(&fds, nfds_t(fds.count), milliseconds)
        }
        var readable = Set<Int32>()
        for entry in fds.prefix(extraFDs.count) where entry.revents != 0 { readable.insert(entry.fd) }
        if let multi = multiHandle {
            var running: Int32 = 0
            _ = cc_multi_perform(multi, &running)
            collectFinished()
        }
        stepSockets(sockets, revents: fds.dropFirst(extraFDs.count).map(\.revents))
        failIdleTransfers()
        deliverPendingEvents()
        startDueRetries()
        return readable
    }

    /// Moves each plain transfer on whose socket is ready or whose connection ran out of time.
    private func stepSockets(_ sockets: [Transfer], revents: [Int16]) {
        let current = now()
        for (transfer, events) in zip(sockets, revents) {
            guard let connection = transfer.plain, transfers[transfer.id] === transfer else { continue }
            guard events != 0 || (connection.deadline.map { $0 <= current } ?? false) else { continue }
            switch connection.step(revents: events, now: current, transfer: transfer) {
            case nil:
                continue
            case .finished(let status)?:
                detachHandle(of: transfer)
                complete(transfer, status: status, error: nil)
            case .failed(let error)?:
                let status = transfer.status
                detachHandle(of: transfer)
                complete(transfer, status: status, error: error)
            }
        }
    }

    // MARK: - Attempts

    private func attach(_ transfer: Transfer) {
        if plainLoopback, let target = Self.target(for: transfer.request.url, environment: environment) {
            let connection = PlainConnection(target: target, request: transfer.request, userAgent: userAgent, now: now())
            transfer.beginAttempt(easy: nil, plain: connection, now: now())
            if let outcome = connection.start(), case .failed(let error) = outcome {
                detachHandle(of: transfer)
                complete(transfer, status: 0, error: error)
            }
            return
        }
        let multi: UnsafeMutableRawPointer
        switch self.multi() {
        case .success(let handle): multi = handle
        case .failure(let error):
            finish(transfer, with: .failed(error))
            return
        }
        guard let easy = cc_easy_init() else {
            finish(transfer, with: .failed(TransportError(kind: .other, detail: "curl_easy_init failed", receivedResponse: false)))
            return
        }
        transfer.beginAttempt(easy: easy, now: now())
        configure(easy, for: transfer)
        byHandle[easy] = transfer.id
        let rc = cc_multi_add(multi, easy)
        if rc != 0 {
            let detail = String(cString: cc_multi_strerror(rc))
            detachHandle(of: transfer)
            finish(transfer, with: .failed(TransportError(kind: .other, detail: detail, receivedResponse: false)))
        }
    }

    private func configure(_ easy: UnsafeMutableRawPointer, for transfer: Transfer) {
        let request = transfer.request
        let opaque = Unmanaged.passUnretained(transfer).toOpaque()
        _ = cc_set_url(easy, request.url)
        _ = cc_set_nosignal(easy, 1)
        _ = cc_set_verify_tls(easy, 1)
        _ = cc_set_tcp_keepalive(easy, 1)
        _ = cc_set_user_agent(easy, userAgent)
        _ = cc_set_connect_timeout_ms(easy, Int(request.connectTimeout * 1000))
        _ = cc_set_error_buffer(easy, transfer.errorBuffer)
        if let caFile = ProcessInfo.processInfo.environment["CACHECHAT_CA_FILE"] { _ = cc_set_ca_info(easy, caFile) }
        if let body = request.body {
            // COPYPOSTFIELDS copies the bytes, so the buffer need not outlive this call.
            var bytes = body.map { CChar(bitPattern: $0) }
            bytes.append(0)
            _ = cc_set_post_body(easy, bytes, body.count)
        }
        if request.method != "GET" && request.method != "POST" { _ = cc_set_method(easy, request.method) }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        // An empty `Expect:` stops curl from waiting for `100 Continue` on large bodies.
        for line in Self.sendableHeaders(request.headers).map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            list = cc_slist_append(list, line)
        }
        transfer.headerList = list
        _ = cc_set_headers(easy, list)
        _ = cc_set_write_callback(easy, curlWriteCallback, opaque)
        _ = cc_set_header_callback(easy, curlHeaderCallback, opaque)
    }

    /// The headers that can be sent as they are: a line break in a name or value would
    /// split the request (a key pasted with one, say), a colon in a name too. Left out.
    static func sendableHeaders(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        headers.filter { header in
            !header.name.isEmpty && !header.name.utf8.contains { $0 == 13 || $0 == 10 || $0 == UInt8(ascii: ":") }
                && !header.value.utf8.contains { $0 == 13 || $0 == 10 }
        }
    }

    private func collectFinished() {
        var easy: UnsafeMutableRawPointer? = nil
        var result: Int32 = 0
        guard let multi = multiHandle else { return }
        while cc_multi_next_done(multi, &easy, &result) != 0 {
            guard let easy, let id = byHandle[easy], let transfer = transfers[id] else { continue }
            let status = Int(cc_get_response_code(easy))
            let error = result == 0 ? nil : transportError(code: result, transfer: transfer)
            detachHandle(of: transfer)
            complete(transfer, status: status, error: error)
        }
    }

    private func complete(_ transfer: Transfer, status: Int, error: TransportError?) {
        // We stopped an error body at its cap: the response is complete as far as we care.
        let error = transfer.errorBodyCapped ? nil : error
        if let error {
            if error.isConnectFailure, let delay = transfer.request.retry.delay(afterAttempt: transfer.attempt, retryAfter: nil) {
                scheduleRetry(transfer, delay: delay, reason: error.detail)
                return
            }
            if !transfer.streaming { transfer.flushBufferedResponse(status: status) }
            finish(transfer, with: .failed(error))
            return
        }
        if !transfer.streaming {
            let retryAfter = transfer.responseHeaders["retry-after"].flatMap { APIError.parseRetryAfter($0, now: Date()) }
            if transfer.request.retry.retryStatuses.contains(status),
               let delay = transfer.request.retry.delay(afterAttempt: transfer.attempt, retryAfter: retryAfter)
            {
                scheduleRetry(transfer, delay: delay, reason: "HTTP \(status)")
                return
            }
            transfer.flushBufferedResponse(status: status)
        }
        finish(transfer, with: .finished)
    }

    /// curl's low-speed check averages over a window, so a stall right after a burst is
    /// noticed late; measuring the silence ourselves makes the idle timeout exact.
    private func failIdleTransfers() {
        let current = now()
        for transfer in transfers.values where transfer.hasHandle {
            guard let deadline = transfer.idleDeadline, deadline <= current else { continue }
            let seconds = transfer.request.idleTimeout
            let connected = transfer.connected || transfer.plain?.connected == true
                || transfer.easy.map { cc_get_connect_time($0) > 0 } ?? false
            detachHandle(of: transfer)
            if !transfer.streaming { transfer.flushBufferedResponse(status: transfer.status) }
            finish(transfer, with: .failed(TransportError(
                kind: connected ? .idleTimeout : .connectTimeout,
                detail: "no data from the server for \(Int(seconds)) s", receivedResponse: transfer.receivedAnyByte)))
        }
    }

    private func scheduleRetry(_ transfer: Transfer, delay: Double, reason: String) {
        transfer.pending.append(.retrying(attempt: transfer.attempt, delay: delay, reason: reason))
        pendingRetries.append((due: now() + delay, id: transfer.id))
    }

    private func startDueRetries() {
        let current = now()
        let due = pendingRetries.filter { $0.due <= current }
        pendingRetries.removeAll { $0.due <= current }
        for entry in due {
            guard let transfer = transfers[entry.id] else { continue }
            attach(transfer)
        }
    }

    private func finish(_ transfer: Transfer, with event: TransportEvent) {
        transfer.pending.append(event)
        transfer.isDone = true
    }

    private func deliverPendingEvents() {
        // Handlers may start or cancel transfers, so work on a snapshot and re-check membership.
        for id in transfers.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let transfer = transfers[id] else { continue }
            let events = transfer.takeEvents()
            if transfer.isDone && !transfer.hasHandle { transfers[id] = nil }
            for event in events {
                guard transfers[id] != nil || transfer.isDone else { break }
                if transfer.isCancelled { break }
                transfer.handler(event)
            }
        }
    }

    private func detach(_ transfer: Transfer) {
        transfer.isCancelled = true
        detachHandle(of: transfer)
    }

    private func detachHandle(of transfer: Transfer) {
        if let easy = transfer.easy {
            if let multiHandle { _ = cc_multi_remove(multiHandle, easy) }
            byHandle[easy] = nil
        }
        transfer.endAttempt()
    }

    private func transportError(code: Int32, transfer: Transfer) -> TransportError {
        let detail = transfer.errorMessage(orCode: code)
        let received = transfer.receivedAnyByte
        let kind: TransportError.Kind
        switch Int(code) {
        case CC_COULDNT_RESOLVE_HOST, CC_COULDNT_RESOLVE_PROXY: kind = .resolve
        case CC_COULDNT_CONNECT: kind = .connect
        case CC_SSL_CONNECT_ERROR, CC_PEER_FAILED_VERIFICATION: kind = .tls
        case CC_OPERATION_TIMEDOUT: kind = transfer.connected ? .idleTimeout : .connectTimeout
        case CC_GOT_NOTHING, CC_RECV_ERROR, CC_SEND_ERROR,
             CC_PARTIAL_FILE:
            kind = .dropped
        default: kind = .other
        }
        return TransportError(kind: kind, detail: detail, receivedResponse: received)
    }
}

private let curlWriteCallback: cc_data_callback = { data, size, count, userdata in
    let length = size * count
    guard let userdata, let data else { return length }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: length)
    // Returning less than `length` makes curl stop the transfer (an error body at its cap).
    return transfer.receiveBody(bytes) ? length : 0
}

private let curlHeaderCallback: cc_data_callback = { data, size, count, userdata in
    let length = size * count
    guard let userdata, let data else { return length }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
