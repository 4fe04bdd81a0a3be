import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for transport and CLI tests.
///
/// Each connection reads one request and then plays the script the handler returns:
/// bytes written in separate `send` calls, pauses, and how the connection ends.
/// This lets tests produce split UTF-8 characters, stalls and mid-stream drops that
/// a real server library would smooth over.
public final class ScriptedHTTPServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        /// Every header's name, lower-cased, in the order sent (repeats kept).
        public var headerNames: [String] = []
        public var body: [UInt8]
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    public enum Action: Sendable {
        case write([UInt8])
        case pause(Double)
        /// Close at once with a TCP reset instead of an orderly shutdown.
        case reset
    }

    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let handler: @Sendable (Request, Int) -> [Action]
    private struct State {
        var received: [Request] = []
        var stopped = false
    }
    private let state = Mutex(State())

    /// `handler` gets the request and its 1-based sequence number.
    public init(handler: @escaping @Sendable (Request, Int) -> [Action]) throws {
        self.handler = handler
        let (fd, port) = try loopbackSocket(listening: 256, reuseAddress: true)
        listener = fd
        self.port = port
        // The loop holds the server weakly: when the test lets go of it, deinit closes the
        // listener, accept fails, and the thread ends.
        let thread = Thread { [weak self, fd] in Self.acceptLoop(fd) { self } }
        thread.start()
    }

    deinit { stop() }

    /// Requests received so far, in arrival order.
    public var requests: [Request] { state.withLock { $0.received } }

    public func stop() {
        let wasStopped = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return state.stopped
        }
        if !wasStopped {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private static func acceptLoop(_ listener: Int32, _ server: @escaping () -> ScriptedHTTPServer?) {
        while true {
            let client = accept(listener, nil, nil)
            guard let current = server() else {
                if client >= 0 { close(client) }
                return
            }
            if client < 0 {
                if current.state.withLock({ $0.stopped }) { return }
                continue
            }
            let thread = Thread { current.serve(client) }
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        guard let request = readRequest(client) else {
            close(client)
            return
        }
        let sequence = state.withLock { state -> Int in
            state.received.append(request)
            return state.received.count
        }
        for action in handler(request, sequence) {
            switch action {
            case .write(let bytes):
                if !writeAll(client, bytes) {
                    close(client)
                    return
                }
            case .pause(let seconds):
                Thread.sleep(forTimeInterval: seconds)
            case .reset:
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                close(client)
                return
            }
        }
        shutdown(client, Int32(SHUT_WR))
        close(client)
    }

    private func readRequest(_ client: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int? = nil
        while headerEnd == nil {
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
            headerEnd = Self.find([13, 10, 13, 10], in: buffer)
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        var names: [String] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            names.append(line[..<colon].lowercased())
        }
        var body = Array(buffer[(headerEnd! + 4)...])
        let expected = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < expected {
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { break }
            body.append(contentsOf: chunk[0..<n])
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, headerNames: names, body: body)
    }

    private func writeAll(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
