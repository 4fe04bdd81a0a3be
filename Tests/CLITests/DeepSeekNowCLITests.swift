import Foundation
import TestSupport
import Testing

/// Late-2026 DeepSeek from the command line: the default model, `--effort`,
/// `--json-object` and its exit code, the peak/off-peak and CNY notes of the usage line,
/// `cachechat prices` and `cachechat models`.
@Suite("cachechat and DeepSeek as it is now")
struct DeepSeekNowCLITests {
    static let key = "sk-test-0123456789abcd"

    func run(_ arguments: [String], server: ScriptedHTTPServer?, config: String? = nil, home given: URL? = nil) throws -> CachechatProcess.Result {
        let home = try given ?? CachechatProcess.temporaryHome()
        if let config {
            let folder = home.appendingPathComponent("config/cachechat")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try config.write(to: folder.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        }
        var extra: [String: String] = [:]
        if let server {
            extra["DEEPSEEK_BASE_URL"] = server.baseURL
            extra["DEEPSEEK_API_KEY"] = Self.key
        }
        return try CachechatProcess.run(arguments, environment: CachechatProcess.environment(home: home, extra: extra))
    }

    func body(_ server: ScriptedHTTPServer) throws -> [String: Any] {
        let request = try #require(server.requests.last)
        return try #require(try JSONSerialization.jsonObject(with: Data(request.bodyText.utf8)) as? [String: Any])
    }

    static func replying(_ text: String) throws -> ScriptedHTTPServer {
        try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply([text], prompt: 300, hit: 256, completion: 4)) }
    }

    @Test func theDefaultModelIsDeepSeekFlash() throws {
        let server = try Self.replying("Hi.")
        let result = try run(["ask", "Hello"], server: server)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try body(server)["model"] as? String == "deepseek-flash")
    }

    @Test func effortIsSentAsReasoningEffortWithDeepSeeksNames() throws {
        let server = try Self.replying("Hi.")
        #expect(try run(["ask", "--effort", "max", "Hello"], server: server).status == 0)
        #expect(try body(server)["reasoning_effort"] as? String == "max")
        #expect(try run(["ask", "--effort", "minimal", "Hello"], server: server).status == 0)
        #expect(try body(server)["reasoning_effort"] as? String == "low")
        #expect(try run(["ask", "Hello"], server: server, config: "effort = \"high\"\n").status == 0)
        #expect(try body(server)["reasoning_effort"] as? String == "high")
        let refused = try run(["ask", "--effort", "extreme", "Hello"], server: server)
        #expect(refused.status == 2)
        #expect(server.requests.count == 3)
        let broken = try run(["ask", "Hello"], server: server, config: "effort = \"extreme\"\n")
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("`effort` must be \"low\", \"high\" or \"max\""))
    }

    @Test func jsonObjectSendsResponseFormatAndAnEmptyReplyExits12() throws {
        let server = try Self.replying("   \n ")
        let result = try run(["ask", "--json-object", "List three colours as json"], server: server)
        #expect(result.status == 12)
        #expect(result.stderr.contains("The reply is empty (whitespace only)"))
        #expect((try body(server)["response_format"] as? [String: Any])?["type"] as? String == "json_object")
        // --json says so in its one object.
        let json = try run(["ask", "--json", "--json-object", "List three colours as json"], server: server)
        #expect(json.status == 12)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(((object["error"] as? [String: Any])?["message"] as? String)?.contains("The reply is empty") == true)
        // Without the flag an empty reply is not an error, and no response_format is sent.
        #expect(try run(["ask", "Hello"], server: server).status == 0)
        #expect(try body(server)["response_format"] == nil)
    }

    @Test func builtInEmulatorAnswersJSONModeLikeDeepSeek() throws {
        let notAsked = try run(["ask", "--json-object", "Tell me about caching"], server: nil)
        #expect(notAsked.status == 12, "\(notAsked.stderr)")
        let asked = try run(["ask", "--json-object", "Answer in json: what is caching?"], server: nil)
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout.hasPrefix("{\"answer\":"))
    }

    @Test func theUsageLineSaysPeakOrOffPeakAndWhenItChanges() throws {
        let server = try Self.replying("Hi.")
        let result = try run(["ask", "--model", "deepseek-flash", "Hello"], server: server)
        #expect(result.status == 0)
        // The time of day decides which; the line always names both states and a duration.
        let pattern = #"· (peak|off-peak)( \([^)]*\))? · (off-peak|peak) in \d+ (d|h|m)"#
        #expect(result.stderr.range(of: pattern, options: .regularExpression) != nil, "\(result.stderr)")
    }

    @Test func inCNYTheUsageLineSaysNoPriceWasPublished() throws {
        let server = try Self.replying("Hi.")
        let result = try run(["ask", "--model", "deepseek-flash", "Hello"], server: server, config: "currency = \"CNY\"\n")
        #expect(result.status == 0)
        #expect(result.stderr.contains("no CNY price published for deepseek-flash since 2026-09-01"), "\(result.stderr)")
    }

    @Test func pricesAndModelsCommands() throws {
        let prices = try run(["prices"], server: nil)
        #expect(prices.status == 0)
        #expect(prices.stdout.hasPrefix("Now: "))
        #expect(prices.stdout.contains("deepseek-v4-pro"))
        let markdown = try run(["prices", "--markdown"], server: nil)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        #expect(markdown.stdout == (try String(contentsOf: root.appendingPathComponent("docs/PRICES.md"), encoding: .utf8)))
        let models = try run(["models"], server: nil, config: "[models.\"my-finetune\"]\ncontext = 32768\n")
        #expect(models.status == 0)
        #expect(models.stdout.contains("deepseek-flash     1,048,576  393,216"))
        #expect(models.stdout.contains("my-finetune        32,768"))
        #expect(models.stdout.contains("Any other id: not in cachechat's model table"))
        let broken = try run(["models"], server: nil, config: "[models.\"x\"]\ncontext = \"big\"\n")
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("config.toml:2"))
    }

    @Test func maxCostRefusesAnExpensiveRequestWithExit13() throws {
        let server = try Self.replying("Hi.")
        let long = String(repeating: "Prefix caching bills repeated prompt prefixes at a fraction of the price. ", count: 40)
        let refused = try run(["ask", "--model", "deepseek-flash", "--max-cost", "0.00001", long], server: server)
        #expect(refused.status == 13)
        #expect(refused.stderr.contains("above --max-cost $0.00001 (no cache hit assumed; output not counted without --max-tokens)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("miss the cache (cold cache)"))
        #expect(refused.stderr.contains("Nothing was sent."))
        #expect(server.requests.isEmpty)
        // With --json the refusal is the one object on stdout, as an error of its own kind.
        let refusedJSON = try run(["ask", "--json", "--model", "deepseek-flash", "--max-cost", "0.00001", long], server: server)
        #expect(refusedJSON.status == 13)
        let object = try JSONSerialization.jsonObject(with: Data(refusedJSON.stdout.utf8)) as? [String: Any]
        let error = object?["error"] as? [String: Any]
        #expect(error?["kind"] as? String == "over_budget", "\(refusedJSON.stdout)")
        #expect((error?["message"] as? String)?.contains("above --max-cost $0.00001") == true)
        #expect(object?["content"] as? String == "" && object?["usage"] is NSNull)
        #expect(server.requests.isEmpty)
        // --max-tokens counts toward it: 1,000 output tokens at $1.2 per 1M (peak) or $0.6 is more than $0.0005.
        let withOutput = try run(["ask", "--model", "deepseek-flash", "--max-cost", "0.0005", "--max-tokens", "1000", "Hi"], server: server)
        #expect(withOutput.status == 13)
        let allowed = try run(["ask", "--model", "deepseek-flash", "--max-cost", "1", "Hi"], server: server)
        #expect(allowed.status == 0)
        #expect(server.requests.count == 1)
    }

    @Test func switchingAConversationToMaxEffortSaysWhatItMissesBeforeSending() throws {
        let server = try Self.replying("Hi.")
        let home = try CachechatProcess.temporaryHome()
        #expect(try run(["ask", "--model", "deepseek-flash", "First question"], server: server, home: home).status == 0)
        let same = try run(["ask", "--continue", "Second question"], server: server, home: home)
        #expect(!same.stderr.contains("changes the prompt"))
        let switched = try run(["ask", "--continue", "--effort", "max", "Third question"], server: server, home: home)
        #expect(switched.status == 0)
        let pattern = #"warning: reasoning effort default → max changes the prompt from its first token: all [0-9,]+ prompt tokens miss the cache \(about \$"#
        #expect(switched.stderr.range(of: pattern, options: .regularExpression) != nil, "\(switched.stderr)")
    }

    @Test func continueReplyCarriesOnACutReplyAsOneStoredReply() throws {
        let home = try CachechatProcess.temporaryHome()
        let long = String(repeating: "Prefix caching bills repeated prompt prefixes at a fraction of the price. ", count: 20) + "Explain."
        let first = try run(["ask", "--json", "--thinking", "off", "--max-tokens", "8", long], server: nil, home: home)
        #expect(first.status == 0, "\(first.stderr)")
        let cut = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(cut["finish_reason"] as? String == "length")
        let cutText = try #require(cut["content"] as? String)
        let more = try run(["ask", "--json", "--continue-reply", "--thinking", "off", "--max-tokens", "8"], server: nil, home: home)
        #expect(more.status == 0, "\(more.stderr)")
        let joined = try #require(try JSONSerialization.jsonObject(with: Data(more.stdout.utf8)) as? [String: Any])
        let whole = try #require(joined["content"] as? String)
        #expect(whole.hasPrefix(cutText) && whole.count > cutText.count)
        #expect(((joined["usage"] as? [String: Any])?["prompt_cache_hit_tokens"] as? Int ?? 0) > 0)
        let stats = try run(["stats", "--json"], server: nil, home: home)
        let totals = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(totals["requests"] as? Int == 2)
        let refused = try run(["ask", "--continue-reply", "A prompt"], server: nil, home: home)
        #expect(refused.status == 2)
    }

    @Test func continueReplyRefusesAWholeReplyAndHonoursMaxCost() throws {
        let home = try CachechatProcess.temporaryHome()
        let whole = try run(["ask", "--thinking", "off", "Hello there"], server: nil, home: home)
        #expect(whole.status == 0, "\(whole.stderr)")
        let refused = try run(["ask", "--continue-reply"], server: nil, home: home)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("ended as the model meant it to"), "\(refused.stderr)")
        let cut = try run(["ask", "--thinking", "off", "--max-tokens", "8", "Explain prefix caching at length"], server: nil, home: home)
        #expect(cut.status == 0, "\(cut.stderr)")
        let tooDear = try run(["ask", "--continue-reply", "--max-cost", "0"], server: nil, home: home)
        #expect(tooDear.status == 13, "\(tooDear.stderr)")
        let stats = try run(["stats", "--json"], server: nil, home: home)
        let totals = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(totals["requests"] as? Int == 2, "nothing was sent for the refused continuations")
    }
}
