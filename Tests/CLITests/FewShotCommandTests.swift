import Foundation
import TestSupport
import Testing

/// `cachechat fewshot …` and `ask --fewshot` end to end: the real binary, a private home.
@Suite("cachechat fewshot")
struct FewShotCommandTests {
    let home: URL
    init() throws { home = try CachechatProcess.temporaryHome() }

    var setsFolder: URL { home.appendingPathComponent("config/cachechat/fewshot") }

    func run(_ arguments: [String], stdin: String? = nil) throws -> CachechatProcess.Result {
        try CachechatProcess.run(arguments, environment: CachechatProcess.environment(home: home), stdin: stdin)
    }

    func write(_ text: String, to name: String) throws -> String {
        let url = home.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let setTOML = """
        name = "reviews"
        description = "Classify reviews"
        model = "deepseek-chat"
        system = \"\"\"
        Classify the sentiment of product reviews as positive, negative or mixed, with a short reason in lower case.
        Weigh durability, price, support and design equally; ignore shipping delays unless the review is only about shipping. Answer on one line: the label, a colon, and the reason in at most eight words; never add greetings, apologies or anything else.
        \"\"\"

        [[shots]]
        user = "The battery lasts two full days and charging is quick."
        assistant = "positive: battery life and charging"

        [[shots]]
        user = \"\"\"
        屏幕一周就裂了，
        客服也不回复。
        \"\"\"
        assistant = "negative: durability and support"

        [[shots]]
        user = "Great camera, but the app crashes every other day."
        assistant = "mixed: camera good, software unstable"
        """

    @Test func samplesListInstallAndLintClean() throws {
        let empty = try run(["fewshot", "list"])
        #expect(empty.status == 0)
        #expect(empty.stdout.contains("No few-shot sets"))
        #expect(empty.stdout.contains("sentiment") && empty.stdout.contains("fewshot samples --install"))
        let install = try run(["fewshot", "samples", "--install"])
        #expect(install.status == 0, "\(install.stderr)")
        for name in ["commit-messages", "sentiment", "sql-from-question", "translate-en-zh"] {
            #expect(FileManager.default.fileExists(atPath: setsFolder.appendingPathComponent("\(name).toml").path))
            let lint = try run(["fewshot", "lint", name])
            #expect(lint.status == 0, "\(name): \(lint.stdout)")
        }
        let list = try run(["fewshot", "list"])
        let row = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix("sentiment ") })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true)[1] == "5")
        #expect(!list.stdout.contains("Sample sets you can install"))
    }

    @Test func importShowExportRoundTripWithCJK() throws {
        let path = try write(Self.setTOML, to: "reviews.toml")
        let imported = try run(["fewshot", "import", path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("Imported `reviews` (3 shots"))
        #expect(try run(["fewshot", "import", path]).status == 2)  // exists

        let show = try run(["fewshot", "show", "reviews"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("shot 2 (") && show.stdout.contains("屏幕一周就裂了，"))
        #expect(show.stdout.contains("cacheable in v3-era 64-token units") && show.stdout.contains("V4-era 128-token units"))
        let version = try #require(show.stdout.split(separator: "\n").first { $0.hasPrefix("version: ") }).dropFirst(9)

        let json = try run(["fewshot", "export", "reviews", "--format", "json"])
        #expect(json.status == 0)
        let messages = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]])
        #expect(messages.map { $0["role"]! } == ["system", "user", "assistant", "user", "assistant", "user", "assistant"])
        #expect(messages[3]["content"] == "屏幕一周就裂了，\n客服也不回复。\n")

        let jsonPath = try write(json.stdout, to: "copy.json")
        #expect(try run(["fewshot", "import", jsonPath, "--name", "from-json"]).status == 0)
        let toml = try run(["fewshot", "export", "from-json"])
        let tomlPath = try write(toml.stdout, to: "again.toml")
        #expect(try run(["fewshot", "import", tomlPath]).status == 0)
        let again = try run(["fewshot", "show", "again"])
        #expect(again.stdout.contains("version: \(version)"))
    }

    @Test func brokenFilesAndBadNamesAreUsageErrors() throws {
        let broken = try write("system = \"s\"\n[[shots]]\nuser = \"u\"\nanswer = \"a\"\n", to: "broken.toml")
        let result = try run(["fewshot", "import", broken])
        #expect(result.status == 2)
        #expect(result.stderr.contains("broken.toml:4: unknown key `answer` in shot 1"), "\(result.stderr)")
        let json = try write("[{\"role\": \"user\", \"content\": \"u\"}]", to: "bad.json")
        let fromJSON = try run(["fewshot", "import", json])
        #expect(fromJSON.status == 2 && fromJSON.stderr.contains("where \"system\" belongs"))
        #expect(try run(["fewshot", "show", "nope"]).stderr.contains("There is no few-shot set `nope`"))
        #expect(try run(["fewshot", "new", "../escape"]).status == 2)
    }

    @Test func newCreatesASkeletonAndLintWarnsWithLines() throws {
        let created = try run(["fewshot", "new", "draft"])
        #expect(created.status == 0)
        #expect(created.stdout == setsFolder.appendingPathComponent("draft.toml").path + "\n")
        let lint = try run(["fewshot", "lint", "draft"])
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("shorter than one cache unit"))

        let busy = Self.setTOML.replacingOccurrences(of: "charging is quick.", with: "charging is quick.  ")
            .replacingOccurrences(of: "Great camera", with: "On 2026-04-24 great camera")
        let path = try write(busy, to: "busy.toml")
        let warned = try run(["fewshot", "lint", path])
        #expect(warned.status == 1)
        #expect(warned.stdout.contains("busy.toml:21: shot 3 user: `2026-04-24` looks like a date"), "\(warned.stdout)")
        #expect(warned.stdout.contains("busy.toml:10: shot 1 user: trailing spaces"))
        #expect(warned.stdout.contains("2 warnings."))
    }

    @Test func askSendsTheSetAndTheQuestionToTheBuiltInEmulator() throws {
        let path = try write(Self.setTOML, to: "reviews.toml")
        #expect(try run(["fewshot", "import", path]).status == 0)
        var hits: [Int] = []
        for (index, question) in ["Battery died after an hour.", "Lovely colour, sturdy case.", "Noisy fan, otherwise fine."].enumerated() {
            let arguments = ["ask", "--json", "--fewshot", "reviews"] + (index == 2 ? ["--pinned"] : []) + [question]
            let result = try run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["model"] as? String == "deepseek-chat")  // the set's model
            let usage = try #require(object["usage"] as? [String: Any])
            hits.append(try #require(usage["prompt_cache_hit_tokens"] as? Int))
        }
        // V4-era cache: A+B, then A+C misses and stores A, so A+D hits the set's prefix.
        #expect(hits[0] == 0 && hits[1] == 0)
        #expect(hits[2] > 0 && hits[2] % 128 == 0)

        let both = try run(["ask", "--fewshot", "reviews", "--system", "x", "q"])
        #expect(both.status == 2 && both.stderr.contains("--system and --fewshot"))
        #expect(try run(["ask", "--pinned", "q"]).status == 2)
        #expect(try run(["ask", "--fewshot", "missing", "q"]).status == 2)
    }
}
