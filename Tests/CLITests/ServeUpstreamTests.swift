import Foundation
import TestSupport
import Testing

@Suite("cachechat serve --upstream")
struct ServeUpstreamTests {
    /// Starts `cachechat serve` and returns the process and its URL.
    func serve(_ arguments: [String], environment: [String: String], speed: String = "0") throws -> (Process, String) {
        let process = Process()
        process.executableURL = CachechatProcess.binary
        process.arguments = ["serve", "--port", "0", "--memory", "--speed", speed] + arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var banner = Data()
        let deadline = Date().addingTimeInterval(20)
        while !banner.contains(UInt8(ascii: "\n")) && Date() < deadline { banner.append(output.fileHandleForReading.availableData) }
        let line = String(decoding: banner, as: UTF8.self)
        let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init), "no URL in: \(line)")
        return (process, url)
    }

    /// `cachechat ask --no-save Hi` against `url`, running, its standard output piped.
    func startAsk(_ url: String, key: String, home: URL) throws -> (process: Process, output: Pipe) {
        let process = Process()
        process.executableURL = CachechatProcess.binary
        process.arguments = ["ask", "--no-save", "Hi"]
        process.environment = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": url, "DEEPSEEK_API_KEY": key])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, output)
    }

    /// Reads `output` until the reply's first text has arrived (or the pipe closed).
    func firstText(_ output: Pipe) -> Data {
        var received = Data()
        _ = Poll.until(timeout: 30) {
            let chunk = output.fileHandleForReading.availableData
            received.append(chunk)
            return !received.isEmpty || chunk.isEmpty
        }
        return received
    }

    /// The port of `url` ("http://127.0.0.1:PORT").
    func port(_ url: String) -> Int { Int(url.split(separator: ":").last ?? "") ?? 0 }

    @Test func generationComesFromUpstreamAndTheCacheIsCountedHere() throws {
        let home = try CachechatProcess.temporaryHome()
        let base = CachechatProcess.environment(home: home)
        let (upstream, upstreamURL) = try serve(["--reply-tokens", "25"], environment: base)
        defer { upstream.terminate() }
        var environment = base
        environment["CACHECHAT_UPSTREAM_API_KEY"] = "sk-upstream-key-1234"
        let (front, frontURL) = try serve(["--cache-model", "v3", "--upstream", upstreamURL, "--api-key", "sk-front"],
                                          environment: environment)
        defer { front.terminate() }

        let question = String(repeating: "Context that repeats so the prefix is cached. ", count: 12) + "Question?"
        func ask(_ url: String) throws -> [String: Any] {
            let result = try CachechatProcess.run(["ask", "--json", "--no-save", "--model", "deepseek-chat", question],
                                                  environment: CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": url, "DEEPSEEK_API_KEY": "sk-front"]))
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        let direct = try ask(upstreamURL)
        let first = try ask(frontURL)
        let second = try ask(frontURL)
        // The text is the upstream's (its 25-token replies), the accounting the front's (v3, 64-token units).
        #expect(first["content"] as? String == direct["content"] as? String)
        let usage = try #require(second["usage"] as? [String: Any])
        let prompt = try #require(usage["prompt_tokens"] as? Int)
        #expect(usage["prompt_cache_hit_tokens"] as? Int == prompt / 64 * 64)
        #expect((first["usage"] as? [String: Any])?["prompt_cache_hit_tokens"] as? Int == 0)
    }

    @Test func anUnreachableUpstreamIsA502WithItsReason() throws {
        let home = try CachechatProcess.temporaryHome()
        let (front, frontURL) = try serve(["--upstream", "http://127.0.0.1:9", "--api-key", "sk-front"],
                                          environment: CachechatProcess.environment(home: home))
        defer { front.terminate() }
        let result = try CachechatProcess.run(["ask", "--json", "--no-save", "Hi"],
                                              environment: CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": frontURL, "DEEPSEEK_API_KEY": "sk-front"]))
        #expect(result.status == 6)
        #expect(result.stdout.contains("upstream"))
    }

    @Test func aSignalDoesNotWaitLongForARequestThatDoesNotEnd() throws {
        // An upstream that takes the request and never answers: the request being answered
        // would hold `serve`'s graceful stop for the upstream's 300 s idle timeout.
        let silent = try ScriptedHTTPServer { _, _ in [.pause(600)] }
        defer { silent.stop() }
        let home = try CachechatProcess.temporaryHome()
        let (front, frontURL) = try serve(["--upstream", silent.baseURL, "--api-key", "sk-front-key"],
                                          environment: CachechatProcess.environment(home: home))
        defer { if front.isRunning { front.terminate() } }
        let asking = try startAsk(frontURL, key: "sk-front-key", home: home).process
        defer { if asking.isRunning { asking.terminate() } }
        #expect(Poll.until(timeout: 30) { !silent.requests.isEmpty }, "the request never reached the upstream")

        let signalled = Date()
        front.terminate()
        #expect(Poll.until(timeout: 60) { !front.isRunning }, "serve still runs 60 s after SIGTERM")
        let took = Date().timeIntervalSince(signalled)
        #expect(took < 30, "serve took \(took) s to stop")
        #expect(took >= 4, "serve stopped after \(took) s, before the request had its grace")
        #expect(front.terminationStatus == 130, "a stop that cut a request off is not a clean one")
    }

    @Test func aSecondSignalCutsAStreamOffAtOnce() throws {
        let home = try CachechatProcess.temporaryHome()
        // 200 tokens at 20 a second: ten seconds of stream, longer than the grace.
        let (server, url) = try serve(["--reply-tokens", "200"], environment: CachechatProcess.environment(home: home), speed: "20")
        defer { if server.isRunning { server.terminate() } }
        let (asking, output) = try startAsk(url, key: "sk-anything-1", home: home)
        defer { if asking.isRunning { asking.terminate() } }
        #expect(!firstText(output).isEmpty, "no reply text arrived")
        kill(server.processIdentifier, SIGTERM)
        // A second signal sent while the first is still pending merges with it (the kernel
        // keeps one of each): it is sent once the first was taken — the listener is closed.
        #expect(Poll.until(timeout: 30) { (try? AbuseClient.connect(port: port(url))).map { close($0) } == nil },
                "serve still accepts connections after SIGTERM")
        let signalled = Date()
        kill(server.processIdentifier, SIGTERM)
        #expect(Poll.until(timeout: 30) { !server.isRunning })
        #expect(Date().timeIntervalSince(signalled) < 3, "the second signal did not cut the grace short")
        #expect(server.terminationStatus == 130)
    }

    @Test func aSignalLetsAStreamingReplyFinish() throws {
        let home = try CachechatProcess.temporaryHome()
        // 60 tokens at 30 a second: two seconds of stream, inside the five-second grace.
        let (server, url) = try serve(["--reply-tokens", "60"], environment: CachechatProcess.environment(home: home), speed: "30")
        defer { if server.isRunning { server.terminate() } }
        let (asking, output) = try startAsk(url, key: "sk-anything-1", home: home)
        defer { if asking.isRunning { asking.terminate() } }
        var received = firstText(output)
        #expect(!received.isEmpty, "no reply text arrived")
        server.terminate()
        received.append(output.fileHandleForReading.readDataToEndOfFile())
        asking.waitUntilExit()
        #expect(asking.terminationStatus == 0, "the reply was cut off by the stop: \(String(decoding: received, as: UTF8.self))")
        #expect(Poll.until(timeout: 30) { !server.isRunning })
        #expect(server.terminationStatus == 0)
    }

    // MARK: - Hardening II 10: serve is no open relay

    /// Forwarding to an upstream, or listening beyond loopback, without keys of its own.
    @Test(arguments: [(["--upstream", "http://127.0.0.1:9"], "--api-key KEY"), (["--host", "0.0.0.0"], "--keys-file")])
    func servingOthersWithoutItsOwnKeysIsRefused(_ flags: [String], _ says: String) throws {
        let home = try CachechatProcess.temporaryHome()
        let result = try CachechatProcess.run(["serve", "--port", "0", "--memory"] + flags,
                                              environment: CachechatProcess.environment(home: home), timeout: 30)
        #expect(result.status == 2)
        #expect(result.stderr.contains(says), "\(result.stderr)")
        #expect(!result.stdout.contains("listening"))
    }

    @Test func onlyAcceptedKeysAreForwardedAndAnEchoedUpstreamKeyIsRedacted() throws {
        let upstreamKey = "upstream-secret-0123456789"
        // A hostile upstream that puts the key it was sent into its reply and its error.
        let hostile = try ScriptedHTTPServer { request, _ in
            let echoed = request.headers["authorization"] ?? ""
            if request.bodyText.contains("fail please") {
                return HTTPScript.response(status: 400, body: DeepSeekEvents.error("bad request from \(echoed)"))
            }
            return HTTPScript.response(status: 200, body: DeepSeekEvents.completion("You called me with \(echoed)."))
        }
        let home = try CachechatProcess.temporaryHome()
        let keys = home.appendingPathComponent("keys")
        try "# who may use the relay\nsk-relay-alice-0001\n\nsk-relay-bob-00002\n".write(to: keys, atomically: true, encoding: .utf8)
        let (front, frontURL) = try serve(["--upstream", hostile.baseURL, "--keys-file", keys.path, "--api-key", "sk-relay-carol-03"],
                                          environment: CachechatProcess.environment(home: home, extra: ["CACHECHAT_UPSTREAM_API_KEY": upstreamKey]))
        defer { front.terminate() }
        let port = try #require(Int(frontURL.split(separator: ":").last ?? ""))

        // Wrong and missing keys: DeepSeek's 401, and nothing reaches the upstream.
        for key in ["sk-relay-alice-0002", "sk-relay-alice-000", nil] as [String?] {
            let outcome = try AbuseClient.exchange(port: port, AbuseClient.chatRequest(body: AbuseClient.chatBody(), key: key))
            #expect(outcome.status == 401)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(outcome.body.utf8)) as? [String: Any])
            let error = try #require(body["error"] as? [String: Any])
            #expect(error["type"] as? String == "authentication_error")
            #expect(error["message"] as? String != nil)
        }
        #expect(hostile.requests.isEmpty)
        let refused = try CachechatProcess.run(["ask", "--no-save", "Hi"], environment: CachechatProcess.environment(
            home: home, extra: ["DEEPSEEK_BASE_URL": frontURL, "DEEPSEEK_API_KEY": "sk-someone-else-99"]))
        #expect(refused.status == 3)
        #expect(hostile.requests.isEmpty)

        // Accepted keys from both sources are forwarded; the echoed upstream key never comes back.
        for key in ["sk-relay-bob-00002", "sk-relay-carol-03"] {
            let result = try CachechatProcess.run(["ask", "--json", "--no-save", "Hi"], environment: CachechatProcess.environment(
                home: home, extra: ["DEEPSEEK_BASE_URL": frontURL, "DEEPSEEK_API_KEY": key]))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("You called me with Bearer [redacted key]"), "\(result.stdout)")
            #expect(!result.stdout.contains(upstreamKey) && !result.stderr.contains(upstreamKey))
        }
        let failed = try CachechatProcess.run(["ask", "--json", "--no-save", "fail please"], environment: CachechatProcess.environment(
            home: home, extra: ["DEEPSEEK_BASE_URL": frontURL, "DEEPSEEK_API_KEY": "sk-relay-alice-0001"]))
        #expect(failed.status == 6)
        #expect(!failed.stdout.contains(upstreamKey) && !failed.stderr.contains(upstreamKey), "\(failed.stdout)")
        #expect(hostile.requests.count == 3)
    }
}
