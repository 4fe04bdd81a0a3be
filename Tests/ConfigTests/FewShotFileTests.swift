import ChatCore
import Foundation
import Testing
import TestSupport
@testable import Config

@Suite struct FewShotFileTests {
    func roundTrip(_ set: FewShotSet) throws -> FewShotSet {
        let text = FewShotFile.toml(set)
        return try FewShotFile.parse(TOMLFile(path: "x.toml", text: text), name: set.name)
    }

    func parse(_ text: String) -> FileProblem? {
        do {
            _ = try FewShotFile.parse(TOMLFile(path: "/sets/s.toml", text: text), name: "s")
            return nil
        } catch {
            return error
        }
    }

    static let tricky = [
        "plain", "", "multi\nline\n", "\nleading newline", "trailing spaces   \nand\ttabs\t",
        "quotes \" and \"\" and \"\"\" and \"\"\"\" end\"", "\"\"", "\"", "back\\slash\\\nline\\", "ends with backslash\\",
        "CRLF\r\nline\r\n", "lone\rCR", "中文多行\n第二行：缓存命中。\n", "日本語のテキスト、絵文字 👍🏽",
        "zero\u{200B}width, no\u{00A0}break, bom\u{FEFF}", "control \u{01} \u{7F} char", "'''literal''' and #hash",
        "[[shots]]\nuser = \"not a key\"", "trailing quote\n\"",
    ]

    @Test func roundTripsTextsByteForByte() throws {
        for (index, text) in Self.tricky.enumerated() {
            let set = FewShotSet(name: "t", description: text.replacingOccurrences(of: "\n", with: " "), model: "deepseek-chat",
                                 system: text, shots: [.init(user: text, assistant: Self.tricky[(index + 1) % Self.tricky.count])])
            let back = try roundTrip(set)
            #expect(back == set, "text \(index): \(text.debugDescription)\n\(FewShotFile.toml(set))")
            #expect(back.contentVersion == set.contentVersion)
        }
    }

    @Test func writesReadableMultiLineCJK() throws {
        let set = FewShotSet(name: "zh", description: "翻译", system: "把英文翻译成中文。\n只输出译文。\n",
                             shots: [.init(user: "Cache hit", assistant: "缓存命中")])
        let text = FewShotFile.toml(set)
        #expect(text.contains("system = \"\"\"\n把英文翻译成中文。\n只输出译文。\n\"\"\""))
        #expect(text.contains("assistant = \"缓存命中\""))
        #expect(try roundTrip(set) == set)
    }

    @Test func readsTheDocumentedFormat() throws {
        let set = try FewShotFile.parse(TOMLFile(path: "s.toml", text: """
            name = "sentiment"
            description = "Classify product reviews"
            model = "deepseek-v4-flash"     # optional
            system = \"\"\"
            You classify reviews.
            \"\"\"
            [[shots]]
            user = "Review: great"
            assistant = "positive"

            [[shots]]
            user = '''literal \\ text'''
            assistant = \"\"\"
            negative:
            broke\"\"\"
            """), name: "sentiment")
        #expect(set.system == "You classify reviews.\n")
        #expect(set.model == "deepseek-v4-flash")
        #expect(set.shots == [.init(user: "Review: great", assistant: "positive"), .init(user: "literal \\ text", assistant: "negative:\nbroke")])
    }

    @Test func brokenFilesNameFileLineAndProblem() throws {
        let head = "system = \"\"\"\nrules\n[[not a table]]\nuser = 1\n\"\"\"\n"
        #expect(parse(head + "colour = \"red\"\n[[shots]]\nuser = \"u\"\nassistant = \"a\"\n")?.description
                == "/sets/s.toml:6: unknown key `colour` (a few-shot set has `name`, `description`, `model`, `system` and `shots`)")
        #expect(parse("model = 4\n" + head)?.description == "/sets/s.toml:1: `model` must be a string, not an integer")
        #expect(parse("name = \"s\"\n[[shots]]\nuser = \"u\"\nassistant = \"a\"\n")?.description.hasPrefix("/sets/s.toml:1: no `system` prompt") == true)
        #expect(parse(head)?.description.hasPrefix("/sets/s.toml:1: no shots") == true)
        #expect(parse(head + "shots = []\n")?.description.hasPrefix("/sets/s.toml:6: `shots` is empty") == true)
        let shots = "[[shots]]\nuser = \"u\"\nassistant = \"a\"\n\n[[shots]]\nuser = \"\"\"\nmulti\nassistant = x\n\"\"\"\n"
        #expect(parse(head + shots)?.description == "/sets/s.toml:10: shot 2 has no `assistant`")
        #expect(parse(head + shots + "assistant = 3\n")?.description == "/sets/s.toml:15: `assistant` in shot 2 must be a string, not an integer")
        #expect(parse(head + shots + "assistant = \"a\"\nreply = \"x\"\n")?.description
                == "/sets/s.toml:16: unknown key `reply` in shot 2 (a shot has `user` and `assistant`)")
        #expect(parse(head + "[[shots]]\nuser = \"unterminated\n")?.description.hasPrefix("/sets/s.toml:7:") == true)
        #expect(parse(head + "shots = \"many\"\n")?.description == "/sets/s.toml:6: `shots` must be a list of [[shots]] tables, not a string")
    }

    /// Hardening II 21: loading grows with the number of shots, not with its square (2,000
    /// shots took 28 s). Four times the shots may cost about four times as much, never
    /// sixteen; the ratio is measured in one run, so the machine's speed cancels out.
    @Test func loadingIsLinearInTheNumberOfShots() throws {
        func text(_ count: Int) -> String {
            FewShotFile.toml(FewShotSet(name: "many", description: "", model: nil, system: "Classify.",
                                        shots: (0..<count).map { .init(user: "Review \($0): fine.", assistant: "positive \($0)") }))
        }
        let small = text(800), large = text(3200)
        // Interleaved, so a burst of load from other tests falls on both sizes alike; the
        // fastest of each is the closest to the work itself.
        var smallTime = Double.infinity, largeTime = Double.infinity
        for _ in 0..<5 {
            smallTime = min(smallTime, try Timing.seconds { _ = try FewShotFile.parse(TOMLFile(path: "s.toml", text: small), name: "s") })
            largeTime = min(largeTime, try Timing.seconds { _ = try FewShotFile.parse(TOMLFile(path: "l.toml", text: large), name: "l") })
        }
        #expect(largeTime / smallTime < 10, "4x the shots took \(largeTime / smallTime)x as long (quadratic: 16x)")
        // The last shot's problem still names its line.
        let broken = large + "\n[[shots]]\nuser = \"u\"\n"
        #expect(parse(broken)?.description.hasSuffix("shot 3201 has no `assistant`") == true)
    }
}

@Suite struct FewShotJSONTests {
    static let set = FewShotSet(name: "j", system: "Sys \"q\"\n", shots: [.init(user: "u1 中文", assistant: "a1\r\n"), .init(user: "u2", assistant: "a2\u{200B}")])

    @Test func roundTripsThroughTheMessagesArray() throws {
        let text = FewShotMessagesJSON.encode(Self.set)
        let back = try FewShotMessagesJSON.parse(Data(text.utf8), name: "j", path: "j.json")
        #expect(back == Self.set)
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]]
        #expect(decoded?.map { $0["role"]! } == ["system", "user", "assistant", "user", "assistant"])
        #expect(text.contains("\\u200b"))
    }

    @Test func acceptsARequestBody() throws {
        let body = #"{"model": "deepseek-chat", "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}]}"#
        let set = try FewShotMessagesJSON.parse(Data(body.utf8), name: "b", path: "b.json")
        #expect(set.model == "deepseek-chat" && set.shots.count == 1)
    }

    @Test(arguments: [
        ("[]", "is empty"),
        ("{\"a\": 1}", "must be the API's `messages` array"),
        ("[{\"role\": \"user\", \"content\": \"u\"}]", "message 1 has role \"user\" where \"system\" belongs"),
        ("[{\"role\": \"system\", \"content\": \"s\"}, {\"role\": \"user\", \"content\": \"u\"}]", "message 2 (user) has no assistant answer"),
        ("[{\"role\": \"system\", \"content\": \"s\"}, {\"role\": \"user\", \"content\": \"u\"}, {\"role\": \"user\", \"content\": \"v\"}]", "message 3 has role \"user\" where \"assistant\" belongs"),
        ("[{\"role\": \"system\", \"content\": null}]", "message 1 (system) must have a `content` string"),
        ("[{\"role\": \"system\", \"content\": \"s\"}]", "no user/assistant pair"),
        ("[1, 2", "is not valid JSON"),
    ])
    func invalidArraysHaveClearErrors(json: String, phrase: String) {
        #expect(throws: FileProblem.self) { try FewShotMessagesJSON.parse(Data(json.utf8), name: "x", path: "x.json") }
        do {
            _ = try FewShotMessagesJSON.parse(Data(json.utf8), name: "x", path: "x.json")
        } catch {
            #expect(error.description.hasPrefix("x.json: "))
            #expect(error.description.contains(phrase), "\(error)")
        }
    }
}

@Suite struct FewShotLibraryTests {
    @Test func savesAtomicallyListsAndArchivesVersions() throws {
        let folder = try TemporaryFolder()
        let library = FewShotLibrary(directory: folder.url.path + "/fewshot", versionsDirectory: folder.url.path + "/versions")
        var set = FewShotSet(name: "demo", system: "s", shots: [.init(user: "u", assistant: "a")])
        try library.save(set)
        let first = set.contentVersion
        set.shots[0].assistant = "b"
        try library.save(set)
        #expect(library.names() == ["demo"])
        #expect(try library.load("demo") == set)
        #expect(library.archivedVersion(name: "demo", version: first)?.shots[0].assistant == "a")
        #expect(library.archivedVersion(name: "demo", version: set.contentVersion) == set)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: library.directory)
        #expect(leftovers == ["demo.toml"])
    }

    @Test func namesAreSafeFileNames() {
        #expect(FewShotLibrary.nameProblem("sentiment-v2.en_US") == nil)
        for bad in ["", "../etc", "a/b", ".hidden", "-flag", "spa ce", String(repeating: "x", count: 65), "中文"] {
            #expect(FewShotLibrary.nameProblem(bad) != nil, "\(bad)")
        }
    }
}
