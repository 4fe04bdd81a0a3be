import Foundation
import TestSupport
import Testing

/// `cachechat tokenize` against the reference ids generated with Hugging Face tokenizers.
@Suite("cachechat tokenize")
struct TokenizeCommandTests {
    struct Item: Decodable { var name: String; var text: String; var ids: [Int] }
    struct Corpus: Decodable { var items: [Item] }

    static let corpus: Corpus = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TokenizerTests/Fixtures/corpus.json")
        return try! JSONDecoder().decode(Corpus.self, from: Data(contentsOf: url))
    }()

    func run(_ arguments: [String], stdin: String? = nil) throws -> CachechatProcess.Result {
        try CachechatProcess.run(["tokenize"] + arguments,
                                 environment: CachechatProcess.environment(home: try CachechatProcess.temporaryHome()), stdin: stdin)
    }

    @Test func idsAndCountMatchTheReference() throws {
        let items = Self.corpus.items.filter { ["english", "chinese", "code-swift", "emoji"].contains($0.name) || $0.name.hasPrefix("added") }
        #expect(!items.isEmpty)
        for item in items.prefix(6) {
            let ids = try run(["--ids"], stdin: item.text)
            #expect(ids.status == 0)
            #expect(ids.stdout.split(separator: "\n").map { Int($0)! } == item.ids, "\(item.name)")
            let count = try run(["--count", "-"], stdin: item.text)
            #expect(count.stdout == "\(item.ids.count)\n")
        }
    }

    @Test func fileArgumentAndPieces() throws {
        let home = try CachechatProcess.temporaryHome()
        let file = home.appendingPathComponent("text.txt")
        try "Hello 世界\n".write(to: file, atomically: true, encoding: .utf8)
        let pieces = try run(["--pieces", file.path])
        #expect(pieces.status == 0)
        let rows = pieces.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.first == ["19923", "Hello", "\"Hello\""])
        #expect(rows.map { $0[2] }.joined().contains("世界"))
        let missing = try run([home.appendingPathComponent("nope.txt").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("Cannot read"))
    }

    @Test func chatSpansAsJSON() throws {
        let request = """
            {"model":"deepseek-chat","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},
             {"role":"assistant","content":"Hello!"},{"role":"user","content":"Bye"}]}
            """
        let result = try run(["--chat", "-"], stdin: request)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["template"] as? String == "v4")
        #expect(object["thinking"] as? Bool == false)
        let messages = try #require(object["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user", "assistant", "user"])
        // Spans tile the prompt without gaps, and the generation prompt closes it.
        var position = 0
        for message in messages {
            #expect(message["start"] as? Int == position)
            position = message["end"] as! Int
        }
        let generation = try #require(object["generation_prompt"] as? [String: Any])
        #expect(generation["start"] as? Int == position)
        #expect(generation["end"] as? Int == object["prompt_tokens"] as? Int)

        let thinking = try run(["--chat", "-", "--thinking", "--template", "v3"], stdin: request)
        let v3 = try #require(try JSONSerialization.jsonObject(with: Data(thinking.stdout.utf8)) as? [String: Any])
        #expect(v3["template"] as? String == "v3")
        let bad = try run(["--chat", "-"], stdin: "{\"messages\": 3}")
        #expect(bad.status == 2)
    }
}
