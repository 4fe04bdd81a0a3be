import ChatCore
import ChatWire
import CurlTransport
import Emulator
import EmulatorServer
import Foundation
import NIOConcurrencyHelpers
import TestSupport
import Testing

/// The emulator's HTTP face: endpoints, errors, streams, faults, persistence.
@Suite("Emulator server")
struct EmulatorServerTests {
    static let question: [ChatMessage] = [.system(String(repeating: "You answer questions about caching. ", count: 20)),
                                          .user("Why do repeated prefixes get cheaper? 为什么前缀缓存更便宜？")]

    func raw(_ harness: EmulatorHarness, path: String, method: String = "POST", body: String? = nil,
             key: String? = "sk-raw-test-key") -> (status: Int, body: String) {
        let transport = CurlTransport()
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let key { headers.append(HTTPHeader("Authorization", "Bearer \(key)")) }
        var status = 0, bytes: [UInt8] = [], done = false
        transport.start(HTTPRequest(method: method, url: harness.baseURL + path, headers: headers,
                                    body: body.map { Array($0.utf8) }, retry: .none)) { event in
            switch event {
            case .head(let code, _): status = code
            case .body(let chunk): bytes += chunk
            case .finished, .failed: done = true
            case .retrying: break
            }
        }
        let started = Date()
        while !done && Date().timeIntervalSince(started) < 120 { transport.poll(timeout: 0.05, extraFD: nil) }
        return (status, String(decoding: bytes, as: UTF8.self))
    }

    @Test func requiresABearerKey() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(dataDirectory: nil, tokensPerSecond: 0))
        let response = raw(harness, path: "/chat/completions", body: "{}", key: nil)
        #expect(response.status == 401)
        #expect(response.body.contains("\"error\""))
        #expect(response.body.contains("Authentication Fails"))
    }

    @Test func invalidBodiesGetDeepSeeks400() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(tokensPerSecond: 0))
        let garbage = raw(harness, path: "/chat/completions", body: "{\"model\": ")
        #expect(garbage.status == 400)
        #expect(garbage.body.contains("Failed to deserialize the JSON body"))
        let missing = raw(harness, path: "/v1/chat/completions", body: "{\"model\":\"deepseek-chat\"}")
        #expect(missing.status == 400)
        #expect(missing.body.contains("messages"))
        let unknown = raw(harness, path: "/chat/completions", body: "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
        #expect(unknown.status == 400)
        #expect(unknown.body.contains("Model Not Exist"))
        let developer = raw(harness, path: "/chat/completions", body: "{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"developer\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"hi\"}]}")
        #expect(developer.status == 400)
        #expect(raw(harness, path: "/nope", method: "GET").status == 404)
    }

    @Test func modelsAndAFallingBalance() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(tokensPerSecond: 0))
        let models = raw(harness, path: "/models", method: "GET")
        let list = try JSONDecoder().decode(ModelList.self, from: Data(models.body.utf8))
        #expect(list.ids.contains("deepseek-v4-flash"))
        func balance() throws -> Decimal {
            let body = raw(harness, path: "/user/balance", method: "GET", key: "sk-balance-key").body
            return try #require(try JSONDecoder().decode(Balance.self, from: Data(body.utf8)).balanceInfos.first?.total)
        }
        let before = try balance()
        #expect(harness.send(EmulatorHarness.request(Self.question), key: "sk-balance-key").error == nil)
        #expect(try balance() < before)
    }

    @Test func streamedAndWholeRepliesCarryConsistentUsage() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(tokensPerSecond: 0))
        for stream in [true, false] {
            let outcome = harness.send(EmulatorHarness.request(Self.question, stream: stream))
            #expect(outcome.error == nil)
            #expect(outcome.reply.isComplete)
            #expect(outcome.reply.content.contains("前缀") || outcome.reply.content.contains("キャッシュ"))
            let usage = outcome.usage
            #expect(usage.promptTokens == PromptMath.ids(Self.question).count)
            #expect(usage.cacheHitTokens! + usage.cacheMissTokens! == usage.promptTokens!)
            #expect(usage.totalTokens == usage.promptTokens! + usage.completionTokens!)
        }
        let raw = raw(harness, path: "/chat/completions", body: String(decoding: try EmulatorHarness.request(Self.question).encodedBody(), as: UTF8.self))
        #expect(raw.body.contains("\"usage\":null"))
        #expect(raw.body.hasSuffix("data: [DONE]\n\n"))
        #expect(raw.body.contains("\"prompt_cache_hit_tokens\""))
        #expect(raw.body.contains("\"prompt_tokens_details\":{\"cached_tokens\""))
    }

    @Test func trailingUsageChunkAsDocumented() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(tokensPerSecond: 0, usagePlacement: .trailing))
        let body = String(decoding: try EmulatorHarness.request(Self.question).encodedBody(), as: UTF8.self)
        let response = raw(harness, path: "/chat/completions", body: body)
        #expect(response.body.contains("\"choices\":[]"))
        let outcome = harness.send(EmulatorHarness.request(Self.question))
        #expect(outcome.usage.promptTokens != nil)
    }

    @Test func eachKeyHasItsOwnCache() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0))
        let request = EmulatorHarness.request(Self.question)
        #expect(harness.send(request, key: "sk-alice-000001").hit == 0)
        #expect(harness.send(request, key: "sk-alice-000001").hit > 0)
        #expect(harness.send(request, key: "sk-bob-00000002").hit == 0)
        var withUser = request
        withUser.userID = "customer-7"
        #expect(harness.send(withUser, key: "sk-alice-000001").hit == 0)
    }

    @Test func restartKeepsTheCacheOnDisk() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachechat-emu-\(UUID().uuidString)").path
        let request = EmulatorHarness.request(Self.question)
        let expected: Int
        do {
            let first = try EmulatorHarness(EmulatorConfiguration(cacheModel: .v3, dataDirectory: directory, tokensPerSecond: 0))
            #expect(first.send(request).hit == 0)
            expected = PromptMath.roundDown(PromptMath.ids(Self.question).count, 64)
        }
        let second = try EmulatorHarness(EmulatorConfiguration(cacheModel: .v3, dataDirectory: directory, tokensPerSecond: 0))
        #expect(second.send(request).hit == expected)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(!files.isEmpty)
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            #expect(!String(decoding: bytes, as: UTF8.self).contains("sk-emulator-test-key"))
            #expect(!file.contains("sk-"))
        }
    }

    @Test func ttlExpiryDropsUnits() throws {
        let clock = ManualClock()
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: .v3, ttl: 0.3, tokensPerSecond: 0), clock: clock)
        let request = EmulatorHarness.request(Self.question)
        _ = harness.send(request)
        #expect(harness.send(request).hit > 0)
        clock.advance(by: 0.5)
        #expect(harness.send(request).hit == 0)
    }

    @Test func queuedRequestsGetKeepAlivesThenTheirReply() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(tokensPerSecond: 100, replyTokens: 80, maxConcurrent: 1,
                                                                keepAliveInterval: 0.2))
        let body = String(decoding: try EmulatorHarness.request(Self.question).encodedBody(), as: UTF8.self)
        let group = DispatchGroup()
        let first = NIOLockedValueBox<String?>(nil)
        group.enter()
        DispatchQueue.global().async {
            let body = raw(harness, path: "/chat/completions", body: body).body
            first.withLockedValue { $0 = body }
            group.leave()
        }
        // The first request holds the only slot before the second is sent.
        try waitUntil("the first request generates") { harness.server.activeRequests == 1 }
        let second = raw(harness, path: "/chat/completions", body: body)
        group.wait()
        #expect(second.status == 200)
        #expect(second.body.hasPrefix(": keep-alive\n\n"))
        #expect(second.body.hasSuffix("data: [DONE]\n\n"))
        #expect(first.withLockedValue { $0 }?.contains(": keep-alive") == false)

        // A queued non-streaming request receives blank lines, then its body, which the client parses.
        var whole = EmulatorHarness.request(Self.question, stream: false)
        whole.stream = false
        try waitUntil("the earlier requests to finish") { harness.server.activeRequests == 0 }
        DispatchQueue.global().async { _ = raw(harness, path: "/chat/completions", body: body) }
        try waitUntil("another request generates") { harness.server.activeRequests == 1 }
        let waited = harness.send(whole)
        #expect(waited.error == nil)
        #expect(waited.events.contains { if case .stream(.keepAlive) = $0 { return true } else { return false } })
    }

    @Test func speedPacesTheStream() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(tokensPerSecond: 200, replyTokens: 100))
        let started = Date()
        let outcome = harness.send(EmulatorHarness.request(Self.question, model: "deepseek-chat"))
        let seconds = Date().timeIntervalSince(started)
        #expect(outcome.error == nil)
        #expect(seconds > 0.4)
        let contentEvents = outcome.events.filter { if case .stream(.content) = $0 { return true } else { return false } }
        #expect(contentEvents.count > 5)
    }

    @Test func requestLogMarksTheEndOfEachResponse() throws {
        let lines = NIOLockedValueBox<[String]>([])
        let log = RequestLog { line in lines.withLockedValue { $0.append(line) } }
        let server = EmulatorServer(engine: EmulatorEngine(configuration: EmulatorConfiguration(tokensPerSecond: 500, replyTokens: 60)),
                                    requestLog: log)
        try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let harness = try EmulatorHarness(server: server)
        let before = RequestLog.monotonicNow()
        let outcome = harness.send(EmulatorHarness.request(Self.question, model: "deepseek-chat"))
        let received = RequestLog.monotonicNow()
        #expect(outcome.error == nil)
        #expect(raw(harness, path: "/v1/chat/completions", body: "{}", key: nil).status == 401)

        try waitUntil("two log lines") { lines.withLockedValue { $0.count } >= 2 }
        let logged = RequestLog.monotonicNow()
        let entries = try lines.withLockedValue { $0 }.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        try #require(entries.count == 2)
        let stream = entries[0]
        #expect(stream["path"] as? String == "/chat/completions")
        #expect(stream["method"] as? String == "POST")
        #expect(stream["status"] as? Int == 200)
        #expect(stream["stream"] as? Bool == true)
        #expect(stream["outcome"] as? String == "complete")
        #expect(stream["model"] as? String == "deepseek-chat")
        #expect(stream["completion_tokens"] as? Int == outcome.usage.completionTokens)
        let tail = try #require(stream["reply_tail"] as? String)
        #expect(tail.count == min(400, outcome.reply.content.count))
        #expect(outcome.reply.content.hasSuffix(tail))
        let started = try #require(stream["started_mono"] as? Double), ended = try #require(stream["ended_mono"] as? Double)
        // 60 tokens at 500/s: the end is logged at least ~0.1 s after the start, once the
        // last write completed (a moment after the client may have read it, before the line
        // reached the test).
        #expect(started >= before && ended >= started + 0.1 && ended <= logged)
        _ = received
        #expect(abs((stream["ended_unix"] as? Double ?? 0) - Date().timeIntervalSince1970) < 60)
        #expect((stream["bytes"] as? Int ?? 0) > tail.utf8.count)
        let refused = entries[1]
        #expect(refused["path"] as? String == "/v1/chat/completions")
        #expect(refused["status"] as? Int == 401)
        #expect(refused["reply_tail"] == nil)
    }

    @Test func requestLogFileAppendsLines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("emulator-log-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = EmulatorServer(engine: EmulatorEngine(configuration: EmulatorConfiguration(tokensPerSecond: 0)),
                                    requestLog: try RequestLog.file(path))
        try server.start(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let harness = try EmulatorHarness(server: server)
        #expect(raw(harness, path: "/models", method: "GET").status == 200)
        #expect(raw(harness, path: "/nope", method: "GET").status == 404)
        var text = ""
        try waitUntil("two lines in the log file") {
            text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").count >= 2
        }
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("\"path\":\"/models\"") == true)
        #expect(lines.last?.contains("\"status\":404") == true)
        #expect(throws: RequestLogError.self) { try RequestLog.file("/nonexistent-dir/x/log.jsonl") }
    }
}

/// Polls `condition` (a state, never a duration); the timeout only turns a hang into a failure.
func waitUntil(_ what: String, timeout: Double = 60, _ condition: () -> Bool) throws {
    guard Poll.until(timeout: timeout, condition) else { throw WaitTimeout(description: "timed out waiting for \(what)") }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var description: String
}
