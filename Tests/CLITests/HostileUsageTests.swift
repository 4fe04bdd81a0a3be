import Foundation
import TestSupport
import Testing

/// Usage numbers no request can have (hardening II, items 1, 2 and 5): the reply is kept
/// and printed, the request recorded as "usage not understood", and nothing later crashes.
@Suite("Usage that makes no sense")
struct HostileUsageTests {
    static func reply(usage: String) -> [String] {
        [DeepSeekEvents.chunk("{\"role\":\"assistant\",\"content\":\"\"}"),
         DeepSeekEvents.chunk("{\"content\":\"Still a good answer.\"}"),
         DeepSeekEvents.chunk("{\"content\":\"\"}", finish: "stop", usage: usage),
         "data: [DONE]\n\n"]
    }

    func run(_ arguments: [String], home: URL, server: ScriptedHTTPServer? = nil) throws -> CachechatProcess.Result {
        var extra: [String: String] = [:]
        if let server {
            extra["DEEPSEEK_BASE_URL"] = server.baseURL
            extra["DEEPSEEK_API_KEY"] = "sk-test-0123456789abcd"
        }
        return try CachechatProcess.run(arguments, environment: CachechatProcess.environment(home: home, extra: extra))
    }

    @Test func overflowingAndNegativeCountsKeepTheReplyAndNeverReachATotal() throws {
        let home = try CachechatProcess.temporaryHome()
        let overflowing = #"{"prompt_tokens":9223372036854775807,"completion_tokens":3,"prompt_cache_hit_tokens":-1,"prompt_cache_miss_tokens":0}"#
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(Self.reply(usage: overflowing)) }
        let result = try run(["ask", "--json", "Hi"], home: home, server: server)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["content"] as? String == "Still a good answer.")
        #expect(object["usage"] is NSNull)
        #expect((object["usage_problem"] as? String)?.contains("prompt_tokens is 9223372036854775807") == true)

        // Three replies claiming 4e18 prompt tokens each: stored, never summed.
        let huge = #"{"prompt_tokens":4000000000000000000,"completion_tokens":3,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":4000000000000000000}"#
        let hugeServer = try ScriptedHTTPServer { _, _ in HTTPScript.stream(Self.reply(usage: huge)) }
        for _ in 0..<3 {
            let text = try run(["ask", "Hi again"], home: home, server: hugeServer)
            #expect(text.status == 0)
            #expect(text.stdout == "Still a good answer.\n")
            #expect(text.stderr.contains("usage not understood"), "\(text.stderr)")
        }
        let stats = try run(["stats", "--json"], home: home)
        #expect(stats.status == 0, "stats must not trap: \(stats.stderr)")
        #expect(stats.stdout.contains("\"usage_not_understood\" : 4") || stats.stdout.contains("\"usage_not_understood\":4"), "\(stats.stdout)")
        #expect(!stats.stdout.contains("4000000000000000000"))
        let history = try run(["history", "list"], home: home)
        #expect(history.status == 0)
    }

    @Test func aHitLargerThanThePromptIsNotShownAsAPercentage() throws {
        let home = try CachechatProcess.temporaryHome()
        let nonsense = #"{"prompt_tokens":10,"completion_tokens":3,"prompt_cache_hit_tokens":1000000,"prompt_cache_miss_tokens":0}"#
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(Self.reply(usage: nonsense)) }
        let result = try run(["ask", "Hi"], home: home, server: server)
        #expect(result.status == 0)
        #expect(!result.stderr.contains("% cached"), "\(result.stderr)")
        #expect(result.stderr.contains("prompt_cache_hit_tokens (1000000) is larger than prompt_tokens (10)"))
    }
}
