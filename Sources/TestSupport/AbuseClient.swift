import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Raw TCP clients that misbehave on purpose against `cachechat serve`: requests sent a
/// byte at a time or never finished, garbage instead of HTTP, bodies too large to accept.
/// Every wait is for a state (bytes, the server closing) with a generous safety limit, so
/// nothing here depends on how fast the machine is.
public enum AbuseClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// What a connection saw before it ended or the safety limit passed.
    public struct Outcome: Sendable {
        public var bytes: [UInt8]
        /// The server closed (FIN or reset) rather than the safety limit passing.
        public var closedByServer: Bool
        public var text: String { String(decoding: bytes, as: UTF8.self) }
        /// The status of the first response line, if any arrived.
        public var status: Int? {
            guard text.hasPrefix("HTTP/1.1 ") else { return nil }
            return Int(text.dropFirst(9).prefix(3))
        }
        /// The body after the first blank line.
        public var body: String {
            guard let range = text.range(of: "\r\n\r\n") else { return "" }
            return String(text[range.upperBound...])
        }
        /// How many response status lines arrived (one request must get one response).
        public var responseCount: Int { text.components(separatedBy: "HTTP/1.1 ").count - 1 }
    }

    /// A connected loopback socket, or nil when the server refused or reset at once.
    public static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw Failure(description: "connect to port \(port) failed: errno \(code)")
        }
        return fd
    }

    /// Sends all of `bytes`; false when the server has closed the connection.
    @discardableResult
    public static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    public static func send(_ fd: Int32, _ text: String) -> Bool { send(fd, Array(text.utf8)) }

    /// Reads until the server closes the connection or `safetyLimit` seconds pass with
    /// nothing arriving (a safety net against hanging the suite, not a measurement).
    public static func readUntilClosed(_ fd: Int32, safetyLimit: Double = 60) -> Outcome {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(safetyLimit * 1000))
            if ready <= 0 { return Outcome(bytes: bytes, closedByServer: false) }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return Outcome(bytes: bytes, closedByServer: true) }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    /// One request on a fresh connection, read until the server closes it.
    public static func exchange(port: Int, _ request: [UInt8], safetyLimit: Double = 60) throws -> Outcome {
        let fd = try connect(port: port)
        defer { close(fd) }
        send(fd, request)
        return readUntilClosed(fd, safetyLimit: safetyLimit)
    }

    /// A `POST /v1/chat/completions` with `body`, optionally with a bearer key.
    public static func chatRequest(body: String, key: String? = "sk-abuse-client", extraHeaders: [String] = []) -> [UInt8] {
        let bytes = Array(body.utf8)
        var head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        if let key { head += "Authorization: Bearer \(key)\r\n" }
        for header in extraHeaders { head += header + "\r\n" }
        head += "Content-Length: \(bytes.count)\r\n\r\n"
        return Array(head.utf8) + bytes
    }

    /// A small valid chat request body.
    public static func chatBody(_ question: String = "Hello", userID: String? = nil) -> String {
        let user = userID.map { ",\"user_id\":\(DeepSeekEvents.jsonString($0))" } ?? ""
        return "{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":\(DeepSeekEvents.jsonString(question))}]\(user)}"
    }
}
