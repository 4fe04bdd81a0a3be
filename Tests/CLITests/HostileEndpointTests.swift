import Foundation
import TestSupport
import Testing

/// Endpoints that send without end (hardening II, items 3 and 4): an error body or an SSE
/// line with no end is read up to its cap, then the request ends with its error.
@Suite("Endpoints that never stop sending")
struct HostileEndpointTests {
    func ask(_ arguments: [String], server: ScriptedHTTPServer) throws -> CachechatProcess.Result {
        let home = try CachechatProcess.temporaryHome()
        return try CachechatProcess.run(["ask"] + arguments, environment: CachechatProcess.environment(home: home, extra: [
            "DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": "sk-test-0123456789abcd",
        ]))
    }

    @Test func anEndlessErrorBodyIsCutAtItsCapAndReported() throws {
        // A 500 whose chunked body would go on for 2 GiB: the old client buffered it all.
        let message = #"{"error":{"message":"upstream exploded","type":"server_error"}}"#
        let filler = HTTPScript.chunk(Array(repeating: UInt8(ascii: " "), count: 64 * 1024))
        let server = try ScriptedHTTPServer { _, _ in
            [.write(Array("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)),
             HTTPScript.chunk(message)] + Array(repeating: filler, count: 32_768)
        }
        let result = try ask(["--json", "Hi"], server: server)
        #expect(result.status != 0)
        #expect(result.stdout.contains("upstream exploded"), "the first 64 KiB carry the message: \(result.stdout.prefix(300))")
        #expect(server.requests.count == 1, "a 500 is not retried")
        #expect(Self.largestChildRSS() < 400 << 20, "the body was not buffered: \(Self.largestChildRSS() >> 20) MiB")
    }

    /// The largest resident set of any child process waited for so far, in bytes (a bound,
    /// not a time: 2 GiB buffered would be far above it).
    static func largestChildRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    @Test func anSSELineWithNoEndEndsTheRequestAtTheCap() throws {
        let filler = HTTPScript.chunk(Array(repeating: UInt8(ascii: "x"), count: 256 * 1024))
        let server = try ScriptedHTTPServer { _, _ in
            [HTTPScript.streamHead(), HTTPScript.chunk(DeepSeekEvents.chunk("{\"role\":\"assistant\",\"content\":\"Partial \"}")),
             HTTPScript.chunk("data: {\"choices\":[{\"delta\":{\"content\":\"")] + Array(repeating: filler, count: 8_192)
        }
        let result = try ask(["Hi"], server: server)
        #expect(result.status != 0)
        #expect(result.stdout.hasPrefix("Partial"), "what arrived before the runaway line is kept")
        #expect(result.stderr.contains("exceeded"), "\(result.stderr)")
    }
}

/// A key of any shape, echoed back by a server, never reaches a person or a file (item 7).
@Suite("Keys echoed by servers")
struct EchoedKeyTests {
    @Test(arguments: [401, 502])
    func theExactKeyIsRedactedEverywhere(status: Int) throws {
        let key = "corp-gateway.Zq81-not-an-sk-key"
        let echo = #"{"error":{"message":"key corp-gateway.Zq81-not-an-sk-key (Authorization: Bearer corp-gateway.Zq81-not-an-sk-key) refused","type":"auth"}}"#
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.response(status: status, body: echo) }
        let home = try CachechatProcess.temporaryHome()
        let environment = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": key])
        for arguments in [["ask", "Hi"], ["ask", "--json", "Hi"]] {
            let result = try CachechatProcess.run(arguments, environment: environment)
            #expect(result.status != 0)
            #expect(!result.stdout.contains(key) && !result.stderr.contains(key), "\(arguments): \(result.stderr) \(result.stdout)")
            #expect((result.stdout + result.stderr).contains("[redacted key]"))
        }
        // Nothing under HOME holds it either (the history, exports).
        let enumerator = FileManager.default.enumerator(at: home, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            #expect(data.range(of: Data(key.utf8)) == nil, "\(url.path) holds the key")
        }
    }
}

/// `ask --json` prints no character a terminal would act on or hide (item 24).
@Suite("ask --json and invisible characters")
struct JSONInvisiblesTests {
    @Test func c1ControlsAndBidiMarksAreEscapedAndTheValueIsExact() throws {
        let content = "safe\u{85}next \u{202E}reversed\u{202C} \u{9B}31m end"
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply([content], prompt: 10, hit: 0, completion: 3)) }
        let home = try CachechatProcess.temporaryHome()
        let result = try CachechatProcess.run(["ask", "--json", "Hi"], environment: CachechatProcess.environment(home: home, extra: [
            "DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": "sk-test-0123456789abcd",
        ]))
        #expect(result.status == 0)
        #expect(!result.stdout.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || $0.value == 0x202E })
        #expect(result.stdout.contains("\\u0085") && result.stdout.contains("\\u202e") && result.stdout.contains("\\u009b"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["content"] as? String == content)
    }
}

/// A server that keeps a request alive with keep-alives for ever (item 6).
@Suite("An overall deadline")
struct OverallDeadlineTests {
    @Test func keepAlivesForEverEndAtTheTimeoutWithThePartKept() throws {
        let keepAlive = HTTPScript.chunk(": keep-alive\n\n")
        let server = try ScriptedHTTPServer { _, _ in
            [HTTPScript.streamHead(), HTTPScript.chunk(DeepSeekEvents.chunk("{\"role\":\"assistant\",\"content\":\"So far \"}"))]
                + Array(repeating: [keepAlive, .pause(0.05)], count: 100_000).flatMap { $0 }
        }
        let home = try CachechatProcess.temporaryHome()
        let result = try CachechatProcess.run(["ask", "--timeout", "1", "Hi"], environment: CachechatProcess.environment(home: home, extra: [
            "DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": "sk-test-0123456789abcd",
        ]))
        #expect(result.status != 0)
        #expect(result.stdout.hasPrefix("So far"))
        #expect(result.stderr.contains("took longer than 1 s"), "\(result.stderr)")
    }
}

/// Output that cannot be written (item 12): the reply is stored, the failure has its own code.
@Suite("Standard output that fails")
struct OutputFailureTests {
    @Test func aFullDiskOnStdoutStoresTheReplyAndExitsEleven() throws {
        let home = try CachechatProcess.temporaryHome()
        let environment = CachechatProcess.environment(home: home)
        let (status, _, stderr) = try Spawn.run("/bin/sh", ["-c", "\"$0\" ask 'Tell me about caches' > /dev/full", CachechatProcess.binary.path],
                                                environment: environment)
        #expect(status == 11, "\(stderr)")
        #expect(stderr.contains("could not be written to standard output"))
        let shown = try CachechatProcess.run(["history", "show", "1"], environment: environment)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("Tell me about caches"))
        #expect(shown.stdout.components(separatedBy: "\n").count > 6, "the reply is stored: \(shown.stdout)")
    }

    @Test(arguments: [["models"], ["prices"], ["stats"], ["history", "list"], ["tokenize", "--ids", "/etc/passwd"]])
    func everyCommandSaysSoAndExitsEleven(_ arguments: [String]) throws {
        let home = try CachechatProcess.temporaryHome()
        let (status, _, stderr) = try Spawn.run("/bin/sh", ["-c", "\"$0\" \"$@\" > /dev/full", CachechatProcess.binary.path] + arguments,
                                                environment: CachechatProcess.environment(home: home))
        #expect(status == 11, "\(arguments): \(stderr)")
        #expect(stderr.contains("could not be written to standard output"), "\(arguments): \(stderr)")
    }
}
