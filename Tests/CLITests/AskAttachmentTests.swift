import ChatCore
import Foundation
import TestSupport
import Testing

/// `ask -f` and `ask --questions` through the real binary: input honesty (binary,
/// undecodable, too large, unreadable, UTF-16 and BOM files), and the cache pattern of
/// many questions about one document against `cachechat serve --construct-delay 1s`.
@Suite("cachechat ask: attached files")
struct AskAttachmentTests {
    static let document: String = (1...360).map { i in
        "Rule \(i): a request whose first \(i * 11) tokens match an earlier one is billed at the hit price for unit \(i % 17)."
    }.joined(separator: "\n")
    static let questions = ["What is rule 3?", "Which rule mentions unit 5?", "Summarise rule 10.",
                            "How many rules are there?", "What is billed at the hit price?"]

    func run(_ arguments: [String], in folder: URL, baseURL: String? = nil, extra: [String: String] = [:],
             stdin: String? = nil) throws -> CachechatProcess.Result {
        var environment = extra
        if let baseURL { environment.merge(["DEEPSEEK_BASE_URL": baseURL, "DEEPSEEK_API_KEY": AskCommandTests.key]) { $1 } }
        return try CachechatProcess.run(arguments, environment: CachechatProcess.environment(home: folder, extra: environment),
                                        stdin: stdin)
    }

    func write(_ data: Data, _ name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    func lines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test(arguments: [("v3", "4"), ("v4", "4"), ("v3", "1"), ("v4", "1")])
    func manyQuestionsAboutOneDocumentHitItAfterTheWarmUp(_ cacheModel: String, _ parallel: String) throws {
        let server = try EmulatorProcess(arguments: ["--cache-model", cacheModel, "--construct-delay", "1s", "--reply-tokens", "20"])
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        let doc = try write(Data(Self.document.utf8), "rules.md", in: home)
        let questions = try write(Data(Self.questions.joined(separator: "\n").utf8), "q.txt", in: home)
        // The document's tokens with the template around it, from our own renderer.
        let count = try run(["tokenize", doc], in: home)
        let documentTokens = try #require(Int(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(documentTokens > 8000 && documentTokens < 10_000, "a 9k-token document: \(documentTokens)")

        let result = try run(["ask", "-f", doc, "--questions", questions, "--json", "--thinking", "off", "--model", "deepseek-v4-flash",
                              "--cache-model", cacheModel, "--warmup-wait", "1", "--parallel", parallel], in: home, baseURL: server.baseURL)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try lines(result.stdout)
        try #require(objects.count == 6, "\(result.stdout)")
        #expect(objects.prefix(5).map { $0["question"] as? String } == Self.questions, "answers in question order")
        let hits = objects.prefix(5).map { (($0["usage"] as? [String: Any])?["prompt_cache_hit_tokens"] as? Int) ?? -1 }
        let unit = cacheModel == "v3" ? 64 : 128
        let whole = documentTokens / unit * unit
        #expect(hits[0] == 0, "the first request misses: \(hits)")
        let warmups = cacheModel == "v3" ? 1 : 2
        for hit in hits.dropFirst(warmups) { #expect(hit >= whole, "every later one hits the whole document: \(hits), document \(documentTokens)") }
        if cacheModel == "v4" { #expect(hits[1] > 0, "the second warm-up hits v4's interval units: \(hits)") }
        let summary = objects[5]
        #expect(summary["summary"] as? Bool == true && summary["requests"] as? Int == 5 && summary["failed"] as? Int == 0)
        #expect(summary["prompt_cache_hit_tokens"] as? Int == hits.reduce(0, +))
        let cost = try #require(summary["cost"] as? Double), without = try #require(summary["cost_without_cache"] as? Double)
        #expect(cost < without)
    }

    @Test func aFailedQuestionIsReportedInItsPlaceAndTheOthersAreAnswered() throws {
        let server = try EmulatorProcess(faults: ["status=400,every=2,times=1"], arguments: ["--reply-tokens", "5"])
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        let doc = try write(Data("A short note.".utf8), "note.md", in: home)
        let result = try run(["ask", "-f", doc, "--questions", "-", "--json", "--parallel", "1"], in: home, baseURL: server.baseURL,
                             stdin: "One?\nTwo?\n\nThree?\n")
        let objects = try lines(result.stdout)
        try #require(objects.count == 4, "\(result.stdout) \(result.stderr)")
        #expect(objects.prefix(3).map { $0["question"] as? String } == ["One?", "Two?", "Three?"])
        #expect(objects[0]["error"] is NSNull && objects[2]["error"] is NSNull)
        #expect((objects[1]["error"] as? [String: Any])?["status"] as? Int == 400)
        #expect(objects[3]["failed"] as? Int == 1)
        #expect(result.status == 9, "the failure sets the exit code: \(result.stderr)")
    }

    @Test func filesThatAreNotTextAreRefusedNamingThem() throws {
        let home = try CachechatProcess.temporaryHome()
        let png = try write(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]), "image.png", in: home)
        let latin1 = try write(Data([0x63, 0x61, 0x66, 0xE9, 0x0A]), "latin1.txt", in: home)
        let binary = try run(["ask", "-f", png, "hi"], in: home)
        #expect(binary.status == 2)
        #expect(binary.stderr.contains("image.png is not a text file (a NUL byte at offset 8)"), "\(binary.stderr)")
        let invalid = try run(["ask", "-f", latin1, "hi"], in: home)
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("latin1.txt is not UTF-8 text (invalid byte at offset 3)"), "\(invalid.stderr)")
        let missing = try run(["ask", "-f", home.appendingPathComponent("nope.md").path, "hi"], in: home)
        #expect(missing.status == 2 && missing.stderr.contains("nope.md cannot be read: no such file or folder"), "\(missing.stderr)")
        if getuid() != 0 {  // root reads any file
            let locked = try write(Data("secret".utf8), "locked.md", in: home)
            chmod(locked, 0)
            let unreadable = try run(["ask", "-f", locked, "hi"], in: home)
            #expect(unreadable.status == 2 && unreadable.stderr.contains("locked.md cannot be read: permission denied"), "\(unreadable.stderr)")
        }
    }

    @Test func aFileOverTheContextWindowIsReportedWithItsTokensBeforeSending() throws {
        let home = try CachechatProcess.temporaryHome()
        let doc = try write(Data(Self.document.utf8), "rules.md", in: home)
        // No server: the request must never be sent (a base URL nothing listens on).
        let result = try run(["ask", "-f", doc, "hi"], in: home, baseURL: "http://127.0.0.1:9", extra: ["CACHECHAT_CONTEXT_LIMIT": "4000"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("rules.md is ") && result.stderr.contains("over deepseek-flash's context window of 4,000 tokens. Nothing was sent"),
                "\(result.stderr)")
    }

    @Test func byteOrderMarksAndUTF16AreCountedAsTheServerSeesThem() throws {
        let home = try CachechatProcess.temporaryHome()
        let text = "Grüße aus dem Cache.\n"
        let plain = try write(Data(text.utf8), "plain.txt", in: home)
        let bom = try write(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8), "bom.txt", in: home)
        let utf16 = try write(Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!, "utf16.txt", in: home)
        func count(_ path: String) throws -> Int {
            let result = try run(["tokenize", path], in: home)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let base = try count(plain)
        #expect(try count(bom) == base + 1, "the U+FEFF the server receives is one more token")
        #expect(try count(utf16) == base, "UTF-16 with a BOM is decoded to the same text")
    }

    @Test func aFolderAttachesItsTextFilesInSortedOrderSkippingHiddenAndBinary() throws {
        let home = try CachechatProcess.temporaryHome()
        let folder = home.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        _ = try write(Data("b".utf8), "notes/b.md", in: home)
        _ = try write(Data("a".utf8), "notes/sub/a.md", in: home)
        _ = try write(Data("hidden".utf8), "notes/.secret", in: home)
        _ = try write(Data([0, 1, 2]), "notes/blob.bin", in: home)
        let server = try EmulatorProcess(arguments: ["--reply-tokens", "3"])
        defer { server.stop() }
        let result = try run(["ask", "-f", folder.path, "--thinking", "off", "Which files?"], in: home, baseURL: server.baseURL)
        #expect(result.status == 0, "\(result.stderr)")
        let attached = result.stderr.split(separator: "\n").filter { $0.hasPrefix("cachechat: attached ") }.map { $0.split(separator: " ")[2] }
        #expect(attached == ["notes/b.md", "notes/sub/a.md"], "\(result.stderr)")
        #expect(result.stderr.contains("cachechat: skipped notes/blob.bin is not a text file"), "\(result.stderr)")
    }
}
