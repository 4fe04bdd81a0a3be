import Foundation
import TestSupport
import Testing

/// `cachechat ask` end to end: the real binary against a scripted loopback server.
@Suite("cachechat ask")
struct AskCommandTests {
    static let key = "sk-test-0123456789abcd"

    func ask(_ arguments: [String], server: ScriptedHTTPServer?, stdin: String? = nil,
             extraEnvironment: [String: String] = [:], home: URL? = nil) throws -> CachechatProcess.Result {
        let home = try home ?? CachechatProcess.temporaryHome()
        var extra = extraEnvironment
        if let server {
            extra["DEEPSEEK_BASE_URL"] = extra["DEEPSEEK_BASE_URL"] ?? server.baseURL
            extra["DEEPSEEK_API_KEY"] = extra["DEEPSEEK_API_KEY"] ?? Self.key
        }
        return try CachechatProcess.run(["ask"] + arguments, environment: CachechatProcess.environment(home: home, extra: extra),
                                        stdin: stdin)
    }

    func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func streamedReplyAsJSONHasExactContentAndUsage() throws {
        let pieces = ["Prefix ", "caching ", "saves ", "money. ", "前缀缓存 ", "👍🏽"]
        let server = try ScriptedHTTPServer { _, _ in
            HTTPScript.stream(DeepSeekEvents.reply(pieces, prompt: 1_000, hit: 896, completion: 7), pause: 0.01)
        }
        let result = try ask(["--json", "--model", "deepseek-v4-flash", "Why cache?"], server: server)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try json(result.stdout)
        #expect(object["content"] as? String == pieces.joined())
        #expect(object["finish_reason"] as? String == "stop")
        #expect(object["model"] as? String == "deepseek-v4-flash")
        #expect(object["reasoning_content"] is NSNull)
        let usage = try #require(object["usage"] as? [String: Any])
        #expect(usage["prompt_tokens"] as? Int == 1_000)
        #expect(usage["prompt_cache_hit_tokens"] as? Int == 896)
        #expect(usage["prompt_cache_miss_tokens"] as? Int == 104)
        #expect(usage["completion_tokens"] as? Int == 7)
        #expect(usage["reasoning_tokens"] is NSNull)
        #expect(object["cost"] is Double)
        #expect(object["error"] is NSNull)

        let request = try #require(server.requests.first)
        let body = try json(request.bodyText)
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect(request.headers["authorization"] == "Bearer \(Self.key)")
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.last?["content"] as? String == "Why cache?")
    }

    @Test func nonStreamedReplyWithLeadingBlankLines() throws {
        let body = "\n\n\n" + DeepSeekEvents.completion("Whole reply.", prompt: 300, hit: 256, completion: 3)
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.response(status: 200, body: body) }
        let result = try ask(["--json", "--no-stream", "Hi"], server: server)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try json(result.stdout)
        #expect(object["content"] as? String == "Whole reply.")
        let usage = try #require(object["usage"] as? [String: Any])
        #expect(usage["prompt_cache_hit_tokens"] as? Int == 256)
        #expect(usage["prompt_cache_miss_tokens"] as? Int == 44)
        let first = try #require(server.requests.first)
        #expect(try json(first.bodyText)["stream"] as? Bool == false)
    }

    @Test func textModePrintsExactlyTheReplyAndAUsageLine() throws {
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(["a\n", "b"], prompt: 200, hit: 128, completion: 2)) }
        let result = try ask(["--system", "Be brief."], server: server, stdin: "question from stdin\n")
        #expect(result.status == 0)
        #expect(result.stdout == "a\nb\n")
        #expect(result.stderr.contains("200 prompt tokens (128 cache hit, 72 miss, 64% cached)"))
        #expect(result.stderr.contains("2 completion"))
        let sent = try json(try #require(server.requests.first).bodyText)
        let messages = try #require(sent["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user"])
        #expect(messages[1]["content"] as? String == "question from stdin\n")
    }

    struct ErrorCase: Sendable, CustomStringConvertible {
        var status: Int
        var body: String
        var exitCode: Int32
        var phrase: String
        var description: String { "HTTP \(status)" }
    }

    static let errorCases = [
        ErrorCase(status: 400, body: DeepSeekEvents.error("Invalid request: messages must not be empty"), exitCode: 9, phrase: "messages must not be empty"),
        ErrorCase(status: 401, body: DeepSeekEvents.error("Authentication Fails (no such user)", type: "authentication_error"), exitCode: 3, phrase: "sk-…abcd from DEEPSEEK_API_KEY"),
        ErrorCase(status: 402, body: DeepSeekEvents.error("Insufficient Balance", type: "unknown_error"), exitCode: 4, phrase: "balance is exhausted"),
        ErrorCase(status: 422, body: DeepSeekEvents.error("Invalid temperature"), exitCode: 9, phrase: "Invalid temperature"),
        ErrorCase(status: 429, body: DeepSeekEvents.error("Rate Limit Reached"), exitCode: 5, phrase: "429"),
        ErrorCase(status: 500, body: DeepSeekEvents.error("Server Error"), exitCode: 6, phrase: "500"),
        ErrorCase(status: 503, body: DeepSeekEvents.error("Server Overloaded"), exitCode: 6, phrase: "503"),
    ]

    @Test(arguments: errorCases)
    func httpErrorsHaveTheirMessageAndExitCode(_ error: ErrorCase) throws {
        let server = try ScriptedHTTPServer { _, _ in
            HTTPScript.response(status: error.status, headers: ["Retry-After": "0"], body: error.body)
        }
        let result = try ask(["Hello"], server: server)
        #expect(result.status == error.exitCode, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(error.phrase), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains(Self.key) && !result.stdout.contains(Self.key))
        let retried = [429, 503].contains(error.status)
        #expect(server.requests.count == (retried ? 4 : 1))
        if retried { #expect(result.stderr.contains("retrying")) }

        let asJSON = try ask(["--json", "Hello"], server: server)
        #expect(asJSON.status == error.exitCode)
        let object = try json(asJSON.stdout)
        let reported = try #require(object["error"] as? [String: Any])
        #expect(reported["status"] as? Int == error.status)
        #expect((reported["message"] as? String)?.contains(error.phrase) == true)
        #expect(!asJSON.stdout.contains(Self.key))
    }

    @Test func connectionRefusedIsANetworkError() throws {
        let server = try ScriptedHTTPServer { _, _ in [] }
        let url = server.baseURL
        server.stop()
        let result = try ask(["--json", "Hello"], server: nil,
                             extraEnvironment: ["DEEPSEEK_BASE_URL": url, "DEEPSEEK_API_KEY": Self.key])
        #expect(result.status == 7, "stderr: \(result.stderr)")
        let object = try json(result.stdout)
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["kind"] as? String == "network")
        #expect((error["message"] as? String)?.contains("127.0.0.1") == true)
        #expect(result.stderr.contains("retrying"))
    }

    @Test func truncatedStreamKeepsThePartialReply() throws {
        let events = Array(DeepSeekEvents.reply(["kept ", "text"]).dropLast(2))  // no finish chunk, no [DONE]
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(events) }
        let result = try ask(["--json", "Hello"], server: server)
        #expect(result.status == 8)
        let object = try json(result.stdout)
        #expect(object["content"] as? String == "kept text")
        #expect((object["error"] as? [String: Any])?["kind"] as? String == "truncated")

        let text = try ask(["Hello"], server: server)
        #expect(text.status == 8)
        #expect(text.stdout == "kept text\n")
        #expect(text.stderr.contains("cut off"))
    }

    @Test func droppedConnectionMidStreamKeepsThePartialReply() throws {
        let server = try ScriptedHTTPServer { _, _ in
            [HTTPScript.streamHead()] + DeepSeekEvents.reply(["one ", "two"]).prefix(3).map { HTTPScript.chunk($0) } + [.pause(0.05), .reset]
        }
        let result = try ask(["--json", "Hello"], server: server)
        #expect(result.status == 8, "stderr: \(result.stderr)")
        #expect(try json(result.stdout)["content"] as? String == "one two")
        #expect(server.requests.count == 1)
    }

    @Test func malformedChunkIsReportedWithTheTextSoFar() throws {
        var script = DeepSeekEvents.reply(["good ", "bad"])
        script[2] = "data: {\"choices\":[{\"delta\":{\"content\":\"bro\n\n"
        let events = script
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(events) }
        let result = try ask(["--json", "Hello"], server: server)
        #expect(result.status == 10, "stdout: \(result.stdout) stderr: \(result.stderr)")
        let object = try json(result.stdout)
        #expect((object["content"] as? String)?.hasPrefix("good ") == true)
        #expect((object["error"] as? [String: Any])?["kind"] as? String == "malformed_response")
    }

    @Test func usageErrorsExitWith2() throws {
        let server = try ScriptedHTTPServer { _, _ in [] }
        let emptyPrompt = try ask([], server: server, stdin: "  \n")
        #expect(emptyPrompt.status == 2)
        #expect(emptyPrompt.stderr.contains("empty"))

        let badFlag = try ask(["--temperature", "warm", "Hi"], server: server)
        #expect(badFlag.status == 2)
    }

    @Test func withNothingConfiguredItUsesTheBuiltInEmulator() throws {
        let home = try CachechatProcess.temporaryHome()
        let system = String(repeating: "You explain networking ideas to beginners with small examples. ", count: 12)
        let first = try ask(["--model", "deepseek-chat", "--system", system, "What is a prompt cache? Answer for a beginner who knows HTTP."], server: nil, home: home)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stderr.contains("built-in local emulator"))
        #expect(!first.stdout.isEmpty)
        #expect(first.stderr.contains("prompt tokens"))
        // The emulator's cache lives in XDG_DATA_HOME, so a second run hits it.
        let second = try ask(["--json", "--model", "deepseek-chat", "--system", system, "What is a prompt cache? Answer for a beginner who knows HTTP."],
                             server: nil, home: home)
        #expect(second.status == 0)
        let usage = try #require(try json(second.stdout)["usage"] as? [String: Any])
        let hit = try #require(usage["prompt_cache_hit_tokens"] as? Int)
        let prompt = try #require(usage["prompt_tokens"] as? Int)
        #expect(hit > 0 && hit == prompt / 128 * 128)
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("data/cachechat/emulator").path))
    }

    @Test func configProfilesAndApiKeyCommand() throws {
        let home = try CachechatProcess.temporaryHome()
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(["ok"])) }
        let configDirectory = home.appendingPathComponent("config/cachechat")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        let config = configDirectory.appendingPathComponent("config.toml")
        try """
            profile = "local"

            [profiles.local]
            base_url = "\(server.baseURL)"
            api_key_command = "echo sk-from-command-9999"
            model = "deepseek-v4-pro"
            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try ask(["--json", "Hi"], server: nil, home: home)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let request = try #require(server.requests.first)
        #expect(request.headers["authorization"] == "Bearer sk-from-command-9999")
        #expect(try json(request.bodyText)["model"] as? String == "deepseek-v4-pro")

        // Flags beat the environment, which beats the file.
        let overridden = try ask(["--json", "--model", "deepseek-chat", "Hi"], server: nil,
                                 extraEnvironment: ["CACHECHAT_MODEL": "ignored-model"], home: home)
        #expect(overridden.status == 0)
        let last = try #require(server.requests.last)
        #expect(try json(last.bodyText)["model"] as? String == "deepseek-chat")
    }

    @Test func configuredPricesAndCurrencyPriceTheReply() throws {
        let home = try CachechatProcess.temporaryHome()
        // 100 prompt tokens (64 hit, 36 miss), 2 completion tokens.
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(["o", "k"])) }
        let configDirectory = home.appendingPathComponent("config/cachechat")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        try """
            currency = "CNY"

            [profiles.main]
            base_url = "\(server.baseURL)"
            api_key_command = "echo sk-test-1111"

            [prices."\(DeepSeekEvents.model)"]
            hit = 1000
            miss = 10000
            output = 100000
            currency = "CNY"
            """.write(to: configDirectory.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let result = try ask(["--json", "--profile", "main", "--model", DeepSeekEvents.model, "Hi"], server: nil, home: home)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try json(result.stdout)
        #expect(object["currency"] as? String == "CNY")
        let cost = try #require(object["cost"] as? Double)
        #expect(abs(cost - (64 * 1000.0 + 36 * 10000.0 + 2 * 100000.0) / 1_000_000) < 1e-9)
    }

    @Test func aKeyInAWorldReadableConfigIsWarnedAbout() throws {
        let home = try CachechatProcess.temporaryHome()
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(["ok"])) }
        let configDirectory = home.appendingPathComponent("config/cachechat")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        let config = configDirectory.appendingPathComponent("config.toml")
        try "[profiles.main]\nbase_url = \"\(server.baseURL)\"\napi_key = \"sk-secret-in-file-4321\"\n"
            .write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: config.path)
        let result = try ask(["--profile", "main", "Hi"], server: nil, home: home)
        #expect(result.status == 0)
        #expect(result.stderr.contains("readable by others"))
        #expect(result.stderr.contains("chmod 600"))
        #expect(!result.stderr.contains("sk-secret-in-file-4321"))

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config.path)
        let quiet = try ask(["--profile", "main", "Hi"], server: nil, home: home)
        #expect(!quiet.stderr.contains("readable by others"))
    }

    @Test func brokenConfigNamesFileAndLine() throws {
        let home = try CachechatProcess.temporaryHome()
        let configDirectory = home.appendingPathComponent("config/cachechat")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        try "[profiles.main]\nbase_url = \"http://x\"\nmodel = 42\n"
            .write(to: configDirectory.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let result = try ask(["Hi"], server: nil, home: home)
        #expect(result.status == 2)
        #expect(result.stderr.contains("config.toml:3"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("`model`"))
    }
}

@Suite("cachechat ask with history")
struct AskHistoryTests {
    @Test func recordsContinuesAndSkipsSaving() throws {
        let home = try CachechatProcess.temporaryHome()
        let server = try ScriptedHTTPServer { request, n in
            HTTPScript.stream(DeepSeekEvents.reply(["answer \(n)"], prompt: 300, hit: n == 1 ? 0 : 256, completion: 2))
        }
        let env = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": AskCommandTests.key])
        let first = try CachechatProcess.run(["ask", "--json", "--system", "Be terse.", "First question"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let firstObject = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let conversation = try #require(firstObject["conversation"] as? Int)

        let second = try CachechatProcess.run(["ask", "--continue", "Second question"], environment: env)
        #expect(second.status == 0)
        #expect(second.stderr.contains("conversation \(conversation)"))
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(server.requests[1].body)) as? [String: Any])
        let messages = try #require(sent["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user", "assistant", "user"])
        #expect(messages.map { $0["content"] as? String } == ["Be terse.", "First question", "answer 1", "Second question"])

        let third = try CachechatProcess.run(["ask", "--conversation", "\(conversation)", "Third"], environment: env)
        #expect(third.status == 0)
        let thirdSent = try #require(try JSONSerialization.jsonObject(with: Data(server.requests[2].body)) as? [String: Any])
        #expect((thirdSent["messages"] as? [[String: Any]])?.count == 6)

        let unsaved = try CachechatProcess.run(["ask", "--no-save", "--json", "Not kept"], environment: env)
        #expect(unsaved.status == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(unsaved.stdout.utf8)) is [String: Any])
        #expect(unsaved.stdout.contains("\"conversation\":null"))

        let missing = try CachechatProcess.run(["ask", "--conversation", "999", "x"], environment: env)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no conversation 999"))

        // The database holds the conversation and never the key.
        let database = home.appendingPathComponent("data/cachechat")
        for file in try FileManager.default.contentsOfDirectory(atPath: database.path) {
            let bytes = try Data(contentsOf: database.appendingPathComponent(file))
            #expect(bytes.range(of: Data(AskCommandTests.key.utf8)) == nil, "\(file) holds the key")
        }
    }
}

@Suite("cachechat ask with a few-shot set")
struct AskFewShotHistoryTests {
    @Test func aContinuedConversationKeepsItsSetVersion() throws {
        let home = try CachechatProcess.temporaryHome()
        let server = try ScriptedHTTPServer { _, n in HTTPScript.stream(DeepSeekEvents.reply(["label \(n)"])) }
        let env = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": AskCommandTests.key])
        #expect(try CachechatProcess.run(["fewshot", "samples", "--install"], environment: env).status == 0)
        let first = try CachechatProcess.run(["ask", "--fewshot", "sentiment", "Review: fine."], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        // Editing the set on disk must not change the continued conversation's prefix.
        let path = home.appendingPathComponent("config/cachechat/fewshot/sentiment.toml")
        var text = try String(contentsOf: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "system = ", with: "system = \"EDITED \" # was: ")
        try? text.write(to: path, atomically: true, encoding: .utf8)
        let second = try CachechatProcess.run(["ask", "--continue", "Review: bad."], environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        let firstBody = try #require(try JSONSerialization.jsonObject(with: Data(server.requests[0].body)) as? [String: Any])
        let secondBody = try #require(try JSONSerialization.jsonObject(with: Data(server.requests[1].body)) as? [String: Any])
        let firstMessages = try #require(firstBody["messages"] as? [[String: Any]])
        let secondMessages = try #require(secondBody["messages"] as? [[String: Any]])
        #expect(secondMessages.count == firstMessages.count + 2)
        for (a, b) in zip(firstMessages, secondMessages) {
            #expect(a["content"] as? String == b["content"] as? String)
        }
    }
}
