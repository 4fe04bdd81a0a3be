import ChatWire
import CurlTransport
import Foundation
import TestSupport
import Testing

typealias TestSupportServer = ScriptedHTTPServer

@Suite("CurlTransport against a loopback server, through libcurl and through its own socket")
struct CurlTransportTests {
    @Test(arguments: Route.allCases) func streamsChunksAsTheyArrive(route: Route) throws {
        let events = DeepSeekEvents.reply(["Hel", "lo", " 世界"])
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(events, pause: 0.02) }
        let driver = TransportDriver(route)
        driver.start(request(server.baseURL))
        driver.run()
        #expect(driver.status == 200)
        #expect(driver.failure == nil)
        #expect(String(decoding: driver.body, as: UTF8.self) == events.joined())
        // Paused writes arrive as separate events: the body is streamed, not buffered.
        #expect(driver.events.filter { if case .body = $0 { return true } else { return false } }.count > 1)
        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.path == "/chat/completions")
        #expect(sent.bodyText == "{\"model\":\"m\"}")
    }

    @Test(arguments: Route.allCases) func cancelMidStreamReturnsPromptly(route: Route) throws {
        let server = try ScriptedHTTPServer { _, _ in
            [HTTPScript.streamHead(), HTTPScript.chunk(DeepSeekEvents.chunk("{\"content\":\"a\"}")), .pause(10),
             HTTPScript.endOfChunks]
        }
        let driver = TransportDriver(route)
        driver.start(request(server.baseURL))
        driver.run(until: { !driver.body.isEmpty })
        #expect(!driver.body.isEmpty)
        let before = driver.events.count
        // Cancel is immediate: the transfer is gone at once, while the server is still
        // inside its 10 s pause, and nothing more is reported.
        driver.transport.cancel(driver.id!)
        #expect(driver.transport.activeTransfers == 0)
        driver.transport.poll(timeout: 0, extraFD: nil)
        #expect(driver.events.count == before)
    }

    @Test(arguments: Route.allCases) func retriesAfter429HonouringRetryAfter(route: Route) throws {
        let server = try ScriptedHTTPServer { _, n in
            n == 1
                ? HTTPScript.response(status: 429, headers: ["Retry-After": "1"], body: DeepSeekEvents.error("Rate Limit Reached"))
                : HTTPScript.stream(DeepSeekEvents.reply(["ok"]))
        }
        let driver = TransportDriver(route)
        driver.start(request(server.baseURL))
        let seconds = driver.run()
        #expect(driver.retries.count == 1)
        #expect(driver.retries.first?.delay == 1)
        #expect(seconds >= 0.9)
        #expect(driver.status == 200)
        #expect(server.requests.count == 2)
    }

    @Test(arguments: Route.allCases) func retriesAfter503WithHTTPDate(route: Route) throws {
        let date = Date().addingTimeInterval(2)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let server = try ScriptedHTTPServer { _, n in
            n == 1
                ? HTTPScript.response(status: 503, headers: ["Retry-After": formatter.string(from: date)], body: DeepSeekEvents.error("Server overloaded"))
                : HTTPScript.stream(DeepSeekEvents.reply(["ok"]))
        }
        let driver = TransportDriver(route)
        driver.start(request(server.baseURL))
        driver.run()
        let delay = try #require(driver.retries.first?.delay)
        #expect(delay > 0 && delay <= 2.01)
        #expect(driver.status == 200)
    }

    @Test(arguments: Route.allCases) func givesUpAfterMaxAttemptsAndDeliversTheLastErrorBody(route: Route) throws {
        let server = try ScriptedHTTPServer { _, _ in
            HTTPScript.response(status: 503, body: DeepSeekEvents.error("Server overloaded, please retry shortly."))
        }
        let driver = TransportDriver(route)
        driver.start(request(server.baseURL, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01)))
        driver.run()
        #expect(driver.retries.map(\.attempt) == [1, 2])
        #expect(server.requests.count == 3)
        #expect(driver.status == 503)
        #expect(String(decoding: driver.body, as: UTF8.self).contains("overloaded"))
    }

    @Test(arguments: Route.allCases, [400, 401, 402, 422, 500])
    func nonRetryableStatusesAreDeliveredOnce(route: Route, status: Int) throws {
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.response(status: status, body: DeepSeekEvents.error("nope")) }
        let driver = TransportDriver(route)
        driver.start(request(server.baseURL))
        driver.run()
        #expect(driver.status == status)
        #expect(driver.retries.isEmpty)
        #expect(server.requests.count == 1)
        #expect(String(decoding: driver.body, as: UTF8.self) == DeepSeekEvents.error("nope"))
    }

    @Test(arguments: Route.allCases) func connectionRefusedIsRetriedThenReported(route: Route) throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        let driver = TransportDriver(route)
        driver.start(request("http://127.0.0.1:\(port)", retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01)))
        driver.run()
        #expect(driver.retries.count == 2)
        let failure = try #require(driver.failure)
        #expect(failure.kind == .connect)
        #expect(!failure.receivedResponse)
        #expect(driver.status == nil)
    }

    @Test(arguments: Route.allCases) func serverClosingMidStreamIsNotRetried(route: Route) throws {
        let server = try ScriptedHTTPServer { _, _ in
            [HTTPScript.streamHead(), HTTPScript.chunk(DeepSeekEvents.chunk("{\"content\":\"partial\"}")), .pause(0.05), .reset]
        }
        let driver = TransportDriver(route)
        driver.start(request(server.baseURL))
        driver.run()
        let failure = try #require(driver.failure)
        #expect(failure.receivedResponse)
        #expect(failure.kind == .dropped)
        #expect(String(decoding: driver.body, as: UTF8.self).contains("partial"))
        #expect(server.requests.count == 1)
        #expect(driver.retries.isEmpty)
    }

    @Test(arguments: Route.allCases) func idleTimeoutFailsAStalledReply(route: Route) throws {
        let server = try ScriptedHTTPServer { _, _ in [HTTPScript.streamHead(), .pause(5), HTTPScript.endOfChunks] }
        let driver = TransportDriver(route)
        driver.start(request(server.baseURL, idle: 1))
        _ = driver.run()
        // Failing at all proves the timeout fired during the server's 5 s pause: after it,
        // the stream ends cleanly.
        let failure = try #require(driver.failure)
        #expect(failure.kind == .idleTimeout)
    }

    @Test(arguments: Route.allCases) func keepAliveCommentsKeepAStreamAlive(route: Route) throws {
        var actions: [ScriptedHTTPServer.Action] = [HTTPScript.streamHead()]
        for _ in 0..<6 { actions += [HTTPScript.chunk(": keep-alive\n\n"), .pause(0.4)] }
        actions += DeepSeekEvents.reply(["late"]).map { HTTPScript.chunk($0) } + [HTTPScript.endOfChunks]
        let script = actions
        let server = try ScriptedHTTPServer { _, _ in script }
        let driver = TransportDriver(route)
        driver.start(request(server.baseURL, idle: 1))
        driver.run()
        #expect(driver.failure == nil)
        #expect(String(decoding: driver.body, as: UTF8.self).contains("late"))
    }
}

/// libcurl is opened at the first transfer, not linked: a screen that sends nothing does not
/// pay for it (docs/BENCHMARKS.md, "Start-up and memory").
@Suite("libcurl, loaded when first used")
struct LazyCurlTests {
    @Test func theBinaryDoesNotLinkLibcurl() throws {
        let result = try Spawn.run("/usr/bin/env", ["readelf", "-d", CachechatProcess.binary.path], environment: ProcessInfo.processInfo.environment)
        try #require(result.status == 0, "readelf: \(result.stderr)")
        #expect(result.stdout.contains("NEEDED"))
        #expect(!result.stdout.contains("libcurl"), "libcurl must be opened with dlopen, not linked")
    }

    /// A request to this machine over plain HTTP goes over cachechat's own socket: `ask`
    /// never opens libcurl for it (the dynamic loader's own log says what was opened).
    @Test func askOnALoopbackEndpointNeverOpensLibcurl() throws {
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(["Hello", " there"])) }
        let home = try TemporaryFolder()
        let environment = CachechatProcess.environment(home: home.url, extra: ["LD_DEBUG": "files"])
        let plain = try CachechatProcess.run(["ask", "--base-url", server.baseURL, "--api-key", "sk-test", "Hi"], environment: environment)
        #expect(plain.status == 0, "\(plain.stderr.suffix(500))")
        #expect(plain.stdout.contains("Hello there"))
        #expect(plain.stderr.contains("file="), "LD_DEBUG=files printed nothing: the check would prove nothing")
        #expect(!plain.stderr.contains("libcurl"))
        // The endpoint from the environment, as `serve` suggests: the same.
        var fromVariable = environment
        fromVariable["DEEPSEEK_BASE_URL"] = server.baseURL
        let variable = try CachechatProcess.run(["ask", "--api-key", "sk-test", "Hi"], environment: fromVariable)
        #expect(variable.status == 0, "\(variable.stderr.suffix(500))")
        #expect(!variable.stderr.contains("libcurl"))
        // Through a proxy (the same server) libcurl sends it, as before.
        var proxied = environment
        proxied["http_proxy"] = server.baseURL
        proxied["NO_PROXY"] = nil
        let viaCurl = try CachechatProcess.run(["ask", "--base-url", "http://127.0.0.1:9", "--api-key", "sk-test", "Hi"], environment: proxied)
        #expect(viaCurl.status == 0, "\(viaCurl.stderr.suffix(500))")
        #expect(viaCurl.stderr.contains("libcurl"))
        #expect(server.requests.last?.path.hasPrefix("http://127.0.0.1:9/") == true)
        // The built-in endpoint answers whatever the proxy variables say (it is in this
        // process; the proxy, here a closed port, could never reach it).
        var builtIn = environment
        builtIn["http_proxy"] = "http://127.0.0.1:9"
        builtIn["NO_PROXY"] = nil
        let local = try CachechatProcess.run(["ask", "--no-save", "Hi"], environment: builtIn)
        #expect(local.status == 0, "\(local.stderr.suffix(500))")
    }

    /// A reply that is not HTTP says so, with the reader's reason, not "closed without a reply".
    @Test func aReplyThatIsNotHTTPIsNamed() throws {
        let server = try ScriptedHTTPServer { _, _ in [.write(Array("SSH-2.0-OpenSSH_9.6\r\n".utf8))] }
        let home = try TemporaryFolder()
        let result = try CachechatProcess.run(["ask", "--no-save", "--base-url", server.baseURL, "--api-key", "sk-test", "Hi"],
                                              environment: CachechatProcess.environment(home: home.url))
        #expect(result.status != 0)
        #expect(result.stderr.contains("could not be read as HTTP"), "\(result.stderr)")
        #expect(result.stderr.contains("did not answer in HTTP/1"))
    }

    @Test func pollWithoutTransfersWaitsOnTheCallersDescriptors() throws {
        let transport = CurlTransport()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        #expect(transport.poll(timeout: 0, extraFDs: [fds[0]]).isEmpty)
        #expect(write(fds[1], "x", 1) == 1)
        #expect(transport.poll(timeout: 5, extraFDs: [fds[0]]) == [fds[0]])
    }
}
