import Foundation
import TestSupport
import Testing

/// `cachechat serve` against clients that misbehave on purpose (hardening II 16, 18):
/// garbage, requests that never finish arriving, more connections than it holds, bodies
/// larger than it reads. Every wait is for a state (the server closing, a count reached);
/// nothing compares with a time.
@Suite("cachechat serve under abuse")
struct ServeAbuseTests {
    /// Lines of `/proc/PID/status` such as VmHWM, in KiB.
    static func status(_ pid: pid_t, _ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
    }

    /// Sockets the process holds (its connections plus the listener).
    static func sockets(_ pid: pid_t) -> Int {
        let folder = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + $0))?.hasPrefix("socket:") == true }.count
    }

    /// Polls `condition` until it holds or the safety limit passes (a state, not a time).
    static func eventually(safetyLimit: Double = 60, _ condition: () -> Bool) -> Bool {
        Poll.until(timeout: safetyLimit, condition)
    }

    /// Ordinary words, about `bytes` long (a run of one letter is a pathological case
    /// for the tokenizer, not for the server).
    static func words(_ bytes: Int) -> String {
        var text = ""
        var i = 0
        while text.utf8.count < bytes {
            text += "word\(i) "
            i += 1
        }
        return text
    }

    static func goodRequest(_ server: EmulatorProcess) throws -> AbuseClient.Outcome {
        try AbuseClient.exchange(port: server.port, AbuseClient.chatRequest(body: AbuseClient.chatBody()))
    }

    @Test func aMalformedRequestGets400AndTheSocketIsClosed() throws {
        let server = try EmulatorProcess()
        defer { server.stop() }
        for garbage in ["GARBAGE\u{1}\u{2} nonsense\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
                        "POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"] {
            let outcome = try AbuseClient.exchange(port: server.port, Array(garbage.utf8))
            #expect(outcome.status == 400, "\(outcome.text)")
            #expect(outcome.text.lowercased().contains("connection: close"))
            #expect(outcome.closedByServer, "the socket stayed open after: \(outcome.text)")
            #expect(outcome.responseCount == 1)
            #expect(outcome.body.contains("\"error\""))
        }
        #expect(try Self.goodRequest(server).status == 200)
    }

    @Test func aRequestHeadThatNeverEndsIsAnsweredAndClosed() throws {
        let server = try EmulatorProcess(arguments: ["--header-timeout", "1s", "--idle-timeout", "1s"])
        defer { server.stop() }
        let slow = try AbuseClient.connect(port: server.port)
        defer { close(slow) }
        AbuseClient.send(slow, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        let outcome = AbuseClient.readUntilClosed(slow)
        #expect(outcome.closedByServer)
        #expect(outcome.status == 408, "\(outcome.text)")

        // A body that stalls half way is closed too.
        let stalled = try AbuseClient.connect(port: server.port)
        defer { close(stalled) }
        AbuseClient.send(stalled, Array(AbuseClient.chatRequest(body: AbuseClient.chatBody()).dropLast(10)))
        let second = AbuseClient.readUntilClosed(stalled)
        #expect(second.closedByServer)
        #expect(second.status == 408, "\(second.text)")
        #expect(try Self.goodRequest(server).status == 200)
    }

    @Test func slowClientsCannotStarveQuickOnes() throws {
        let limit = 8
        let server = try EmulatorProcess(arguments: ["--max-connections", String(limit), "--header-timeout", "10m"])
        defer { server.stop() }
        var slow: [Int32] = []
        defer { for fd in slow { close(fd) } }
        for _ in 0..<(limit * 3) {
            let fd = try AbuseClient.connect(port: server.port)
            AbuseClient.send(fd, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(fd)
        }
        // Each quick request takes the place of the oldest slow one.
        for _ in 0..<3 {
            let outcome = try Self.goodRequest(server)
            #expect(outcome.status == 200, "\(outcome.text)")
        }
        // Connections beyond the limit were closed: the server holds at most `limit` plus its listener.
        #expect(Self.eventually { Self.sockets(server.pid) <= limit + 1 }, "sockets held: \(Self.sockets(server.pid))")
    }

    @Test func aBodyOverTheLimitGets413AndIsNeitherKeptNorRead() throws {
        let server = try EmulatorProcess(arguments: ["--max-body", "64KiB"])
        defer { server.stop() }
        let body = AbuseClient.chatBody(Self.words(200 * 1024))
        // Announced by its length, and chunked with no length at all.
        let announced = try AbuseClient.exchange(port: server.port, AbuseClient.chatRequest(body: body))
        var chunked = Array("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-abuse\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for piece in stride(from: 0, to: body.utf8.count, by: 16 * 1024) {
            let bytes = Array(body.utf8)[piece..<min(piece + 16 * 1024, body.utf8.count)]
            chunked += Array(String(bytes.count, radix: 16).utf8) + [13, 10] + bytes + [13, 10]
        }
        chunked += Array("0\r\n\r\n".utf8)
        let streamed = try AbuseClient.exchange(port: server.port, chunked)
        for outcome in [announced, streamed] {
            #expect(outcome.status == 413, "\(outcome.text.prefix(300))")
            #expect(outcome.responseCount == 1)
            #expect(outcome.closedByServer)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.body.utf8)) as? [String: Any])
            let message = try #require((json["error"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("64 KiB") && message.contains("--max-body"), "\(message)")
        }
        // Just under the limit is answered.
        let fits = try AbuseClient.exchange(port: server.port, AbuseClient.chatRequest(body: AbuseClient.chatBody(Self.words(60 * 1024))))
        #expect(fits.status == 200, "\(fits.text.prefix(300))")
    }

    @Test func aRefusedBodyIsDroppedAsItArrives() throws {
        let server = try EmulatorProcess(arguments: ["--max-body", "1MiB"])
        defer { server.stop() }
        #expect(try Self.goodRequest(server).status == 200)
        let before = try #require(Self.status(server.pid, "VmHWM"))
        // 32 MiB offered against a 1 MiB limit: the peak may grow by about the limit, never by the offer.
        let fd = try AbuseClient.connect(port: server.port)
        defer { close(fd) }
        let total = 32 * 1024 * 1024
        AbuseClient.send(fd, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-abuse\r\nTransfer-Encoding: chunked\r\n\r\n")
        let piece = [UInt8](repeating: 0x61, count: 256 * 1024)
        var sent = 0
        while sent < total, AbuseClient.send(fd, Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10]) { sent += piece.count }
        AbuseClient.send(fd, "0\r\n\r\n")
        let outcome = AbuseClient.readUntilClosed(fd)
        #expect(outcome.status == 413)
        let after = try #require(Self.status(server.pid, "VmHWM"))
        #expect(after - before < 8 * 1024, "peak grew by \(after - before) KiB for a 32 MiB body refused at 1 MiB")
    }
}
