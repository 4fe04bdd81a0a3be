import ChatWire
import Glibc

/// Where a plain-HTTP request to this machine goes: the addresses to try, in order, and
/// what the request line and `Host` header say.
///
/// Only `http://` to a loopback host (`127.x.x.x`, `[::1]`, `localhost`), without user
/// information in the URL and with no proxy variable that libcurl would apply, is sent
/// over a socket of cachechat's own: such a request needs none of libcurl's TLS, proxies,
/// name resolution or connection reuse, and libcurl's thirty libraries cost 4 ms to load
/// (docs/DECISIONS.md, 94). Everything else goes through libcurl.
struct PlainTarget: Equatable {
    enum Address: Equatable {
        case ipv4(UInt32)
        case ipv6Loopback
    }

    var addresses: [Address]
    var port: UInt16
    /// `Host` header value, as libcurl writes it (the port only when it is not 80).
    var host: String
    /// Path and query as given in the URL (never empty).
    var target: String

    /// The host as the URL names it, for messages (`localhost`, `127.0.0.1`, `[::1]`).
    var hostName: String

    /// `inProcess`: the URL is an endpoint this process serves itself (the built-in one),
    /// which no proxy can reach; proxy variables are not consulted for it.
    init?(url: String, environment: [String: String], inProcess: Bool = false) {
        let scheme = "http://"
        guard url.utf8.count > scheme.utf8.count, url.prefix(scheme.count).lowercased() == scheme else { return nil }
        var rest = Substring(url.dropFirst(scheme.count))
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if path.isEmpty { path = "/" } else if path.first == "?" { path = "/" + path }
        // Only printable ASCII without spaces: libcurl would escape or refuse the rest.
        guard !authority.contains("@"), path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        let hostPart: Substring
        var portPart: Substring? = nil
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            hostPart = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        var port: UInt16 = 80
        if let portPart {
            guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy(\.isASCII), portPart.allSatisfy(\.isNumber),
                  let value = Int(portPart), value > 0, value <= 65_535 else { return nil }
            port = UInt16(value)
        }
        let hostName = hostPart.lowercased()
        let addresses: [Address]
        if hostName == "localhost" {
            addresses = [.ipv4(0x7F00_0001), .ipv6Loopback]
        } else if hostName == "[::1]" {
            addresses = [.ipv6Loopback]
        } else if let ipv4 = Self.loopbackIPv4(hostName) {
            addresses = [.ipv4(ipv4)]
        } else {
            return nil
        }
        guard inProcess || !Self.proxyApplies(to: hostName, environment: environment) else { return nil }
        self.hostName = String(hostPart)
        self.addresses = addresses
        self.port = port
        self.host = port == 80 ? String(hostPart) : "\(hostPart):\(port)"
        self.target = path
    }

    /// `127.a.b.c` in four decimal parts (libcurl's other spellings go to libcurl).
    private static func loopbackIPv4(_ host: String) -> UInt32? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            // A leading zero is octal to libcurl (`127.0.0.010` is 127.0.0.8): its to read.
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0", let byte = UInt32(part), byte <= 255 else { return nil }
            value = value << 8 | byte
        }
        return value >> 24 == 127 ? value : nil
    }

    /// Whether libcurl would send a request to `host` through a proxy: `http_proxy` (only
    /// lower case, for `http://`), `all_proxy` or `ALL_PROXY`, unless `no_proxy` or
    /// `NO_PROXY` names the host or is `*`. When in doubt, libcurl decides.
    static func proxyApplies(to host: String, environment: [String: String]) -> Bool {
        let proxy = ["http_proxy", "all_proxy", "ALL_PROXY"].contains { !(environment[$0] ?? "").isEmpty }
        guard proxy else { return false }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        for name in ["no_proxy", "NO_PROXY"] {
            guard let list = environment[name], !list.isEmpty else { continue }
            let entries = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if entries.contains("*") || entries.contains(bare) || entries.contains(host) { return false }
            return true
        }
        return true
    }
}

/// One HTTP/1.1 request over a non-blocking socket to a ``PlainTarget``: connect, send,
/// read the response. ``CurlTransport`` polls its descriptor beside libcurl's and calls
/// ``step(readable:writable:now:)``; the response's head lines and body go to the
/// ``Transfer`` exactly as libcurl's callbacks would give them.
final class PlainConnection {
    enum Outcome {
        /// The response is complete (or its error body reached the cap).
        case finished(status: Int)
        case failed(TransportError)
    }

    private enum Phase {
        case connecting, sending, receiving
    }

    private let target: PlainTarget
    private var addressIndex = 0
    private(set) var fd: Int32 = -1
    private var phase = Phase.connecting
    private var request: [UInt8]
    private var sent = 0
    private var parser: HTTPResponseParser
    private var connectDeadline: Double
    /// What each `recv` reads into, allocated at the first.
    private var buffer: [UInt8] = []
    private(set) var connected = false

    init(target: PlainTarget, request: HTTPRequest, userAgent: String, now: Double) {
        self.target = target
        parser = HTTPResponseParser(method: request.method)
        connectDeadline = now + request.connectTimeout
        // libcurl's own headers, each unless the request gives its own (which then replaces it).
        let headers = CurlTransport.sendableHeaders(request.headers)
        let given = Set(headers.map { $0.name.lowercased() })
        var head = "\(request.method) \(target.target) HTTP/1.1\r\n"
        if !given.contains("host") { head += "Host: \(target.host)\r\n" }
        if !given.contains("user-agent") { head += "User-Agent: \(userAgent)\r\n" }
        if !given.contains("accept") { head += "Accept: */*\r\n" }
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        if let body = request.body {
            if !given.contains("content-length") { head += "Content-Length: \(body.count)\r\n" }
            if !given.contains("content-type") { head += "Content-Type: application/x-www-form-urlencoded\r\n" }
        }
        head += "Connection: close\r\n\r\n"
        self.request = Array(head.utf8) + (request.body ?? [])
    }

    deinit { close() }

    /// Opens the socket and starts connecting; an outcome when that failed at once.
    func start() -> Outcome? {
        while addressIndex < target.addresses.count {
            if let failure = openSocket() {
                addressIndex += 1
                if addressIndex < target.addresses.count { continue }
                return .failed(failure)
            }
            return nil
        }
        return .failed(TransportError(kind: .connect, detail: "no address to connect to", receivedResponse: false))
    }

    /// What to wait for on `fd`.
    var pollEvents: Int16 {
        switch phase {
        case .connecting: return Int16(POLLOUT)
        case .sending: return Int16(POLLOUT | POLLIN)
        case .receiving: return Int16(POLLIN)
        }
    }

    /// When a connection still being made gives up.
    var deadline: Double? { phase == .connecting ? connectDeadline : nil }

    /// Moves the request on after `poll` said the socket is ready (or its deadline passed);
    /// returns the outcome once there is one. Head lines and body bytes go to `transfer`.
    func step(revents: Int16, now: Double, transfer: Transfer) -> Outcome? {
        if phase == .connecting {
            if revents == 0 {
                guard now >= connectDeadline else { return nil }
                close()
                // `localhost`: the next address gets its own try (IPv6 when IPv4 hangs).
                addressIndex += 1
                if addressIndex < target.addresses.count {
                    connectDeadline = now + transfer.request.connectTimeout
                    if start() == nil { return nil }
                }
                return .failed(TransportError(
                    kind: .connectTimeout, detail: "Connection timed out after \(Int(transfer.request.connectTimeout * 1000)) milliseconds",
                    receivedResponse: false))
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 {
                let failure = connectFailure(error)
                close()
                addressIndex += 1
                if addressIndex < target.addresses.count, start() == nil { return nil }
                return .failed(failure)
            }
            connected = true
            transfer.markConnected()
            phase = .sending
        }
        if phase == .sending, let failure = send() { return failure }
        // Also while the request is still going out: a server may answer (a 401, a 413)
        // before reading it all, and then waits; its answer is read, not left to wake
        // every poll at once.
        if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            return receive(transfer: transfer)
        }
        return nil
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    // MARK: - Steps

    private func openSocket() -> TransportError? {
        let address = target.addresses[addressIndex]
        let family = address == .ipv6Loopback ? AF_INET6 : AF_INET
        fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            // Out of descriptors is passing: a connect failure, retried like libcurl's.
            let code = errno
            return TransportError(kind: code == EMFILE || code == ENFILE ? .connect : .other,
                                  detail: "socket() failed: \(String(cString: strerror(code)))", receivedResponse: false)
        }
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        switch address {
        case .ipv4(let value):
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = target.port.bigEndian
            socketAddress.sin_addr.s_addr = value.bigEndian
            result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .ipv6Loopback:
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = target.port.bigEndian
            socketAddress.sin6_addr = in6addr_loopback
            result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        if result == 0 || errno == EINPROGRESS { return nil }
        let failure = connectFailure(errno)
        close()
        return failure
    }

    private func connectFailure(_ code: Int32) -> TransportError {
        TransportError(kind: .connect,
                       detail: "Failed to connect to \(target.hostName) port \(target.port): \(String(cString: strerror(code)))",
                       receivedResponse: false)
    }

    private func send() -> Outcome? {
        while sent < request.count {
            let written = request.withUnsafeBytes { bytes in
                Glibc.send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                sent += written
                continue
            }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return nil }
            if written < 0 && errno == EINTR { continue }
            // The server may have answered and closed before reading everything (an error
            // for a body it refused): read what it said.
            if written < 0 && (errno == EPIPE || errno == ECONNRESET) { break }
            let reason = written < 0 ? String(cString: strerror(errno)) : "the connection closed"
            close()
            return .failed(TransportError(kind: .dropped, detail: "Failed sending the request: \(reason)", receivedResponse: false))
        }
        phase = .receiving
        request = []
        return nil
    }

    private func receive(transfer: Transfer) -> Outcome? {
        if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: 64 * 1024) }
        // A bounded number of reads per step, so one fast server cannot starve the others.
        for _ in 0..<16 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
                if errno == ECONNRESET, let outcome = ended(transfer: transfer, reset: true) { return outcome }
                let reason = String(cString: strerror(errno))
                close()
                return .failed(TransportError(kind: .dropped, detail: "Failed reading the reply: \(reason)",
                                              receivedResponse: parser.receivedAnyByte))
            }
            if count == 0 { return ended(transfer: transfer, reset: false) }
            var outputs: [HTTPResponseParser.Output] = []
            var failure: HTTPResponseParser.Failure?
            buffer.withUnsafeBytes { raw in
                do throws(HTTPResponseParser.Failure) {
                    outputs = try parser.feed(UnsafeRawBufferPointer(rebasing: raw[..<count]))
                } catch {
                    failure = error
                }
            }
            if let failure {
                close()
                return .failed(TransportError(kind: .protocolViolation, detail: failure.message, receivedResponse: true))
            }
            for output in outputs {
                switch output {
                case .headerLine(let line):
                    line.withUnsafeBytes { transfer.receiveHeaderLine($0) }
                case .body(let bytes):
                    let keep = bytes.withUnsafeBytes { transfer.receiveBody($0) }
                    if !keep {
                        close()
                        return .finished(status: parser.status)
                    }
                case .end:
                    close()
                    return .finished(status: parser.status)
                }
            }
        }
        return nil
    }

    /// The server closed its side (or reset it): the end of a body read until the close,
    /// or a reply cut short.
    private func ended(transfer: Transfer, reset: Bool) -> Outcome? {
        close()
        do throws(HTTPResponseParser.Failure) {
            // A body read until the close ends there, whether the close was orderly or a
            // reset (a server that never read the request resets it): libcurl's reading.
            let untilClose = parser.readsUntilClose
            let outputs = try parser.finish()
            if reset && !untilClose { throw HTTPResponseParser.Failure(message: "the connection was reset") }
            for case .body(let bytes) in outputs { _ = bytes.withUnsafeBytes { transfer.receiveBody($0) } }
            return .finished(status: parser.status)
        } catch {
            let message = error.message.prefix(1).uppercased() + error.message.dropFirst()
            return .failed(TransportError(kind: .dropped, detail: message, receivedResponse: parser.receivedAnyByte))
        }
    }
}
