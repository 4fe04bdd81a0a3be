import Foundation
import TestSupport
import Testing

@Suite("cachechat stats and history")
struct StatsHistoryCommandTests {
    @Test func statsAddUpTheLedgerAndHistoryShowsConversations() throws {
        let home = try CachechatProcess.temporaryHome()
        let env = CachechatProcess.environment(home: home)
        let system = String(repeating: "Shared context that stays the same across requests. ", count: 20)
        var hit = 0, miss = 0, completion = 0
        // V4 rules: the second question misses (A+B, A+C), the third hits the common prefix.
        for question in ["First question?", "Second question?", "Third question?"] {
            let result = try CachechatProcess.run(["ask", "--json", "--model", "deepseek-chat", "--system", system, question],
                                                  environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            let usage = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["usage"] as? [String: Any])
            hit += usage["prompt_cache_hit_tokens"] as! Int
            miss += usage["prompt_cache_miss_tokens"] as! Int
            completion += usage["completion_tokens"] as! Int
        }
        #expect(hit > 0)
        let stats = try CachechatProcess.run(["stats", "--json"], environment: env)
        #expect(stats.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(object["requests"] as? Int == 3)
        #expect(object["prompt_cache_hit_tokens"] as? Int == hit)
        #expect(object["prompt_cache_miss_tokens"] as? Int == miss)
        #expect(object["completion_tokens"] as? Int == completion)

        let csv = try CachechatProcess.run(["stats", "--by", "model", "--csv"], environment: env)
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("group,requests,prompt_tokens,prompt_cache_hit_tokens,prompt_cache_miss_tokens,completion_tokens") == true)
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("deepseek-chat,3,"))

        let text = try CachechatProcess.run(["stats"], environment: env)
        #expect(text.stdout.contains("cache hit"))
        #expect(text.stdout.contains("saved"))
        let future = try CachechatProcess.run(["stats", "--since", "2999-01-01"], environment: env)
        #expect(future.stdout.contains("No requests"))
        #expect(try CachechatProcess.run(["stats", "--since", "yesterday"], environment: env).status == 2)

        let list = try CachechatProcess.run(["history", "list"], environment: env)
        #expect(list.stdout.contains("First question?"))
        #expect(list.stdout.contains("Second question?"))
        let id = try #require(list.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init))
        let shown = try CachechatProcess.run(["history", "show", id], environment: env)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("cache hit"))
        let exported = try CachechatProcess.run(["history", "export", id, "--format", "json"], environment: env)
        #expect(try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) is [String: Any])
        let markdown = try CachechatProcess.run(["history", "export", id, "--format", "md"], environment: env)
        #expect(markdown.stdout.hasPrefix("# "))
        #expect(try CachechatProcess.run(["history", "show", "999"], environment: env).status == 2)
    }
}
