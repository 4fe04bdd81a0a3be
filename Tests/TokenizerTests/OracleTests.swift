import Testing
import Tokenizer

/// Every id must equal what Hugging Face `tokenizers` produced for the same text.
@Suite("Ids match the Hugging Face oracle")
struct OracleTests {
    static let corpus = (try? Fixtures.load(OracleFile.self, from: "corpus.json").items) ?? []
    static let random = (try? Fixtures.load(OracleFile.self, from: "random.json").items) ?? []

    @Test func fixturesArePresent() {
        #expect(Self.corpus.count > 80)
        #expect(Self.random.count >= 400)
    }

    @Test("Hand-made corpus", arguments: corpus)
    func corpusText(_ item: OracleCase) {
        let ids = DeepSeekTokenizer.shared.encode(item.text)
        #expect(firstDifference(ids, item.ids) == nil, "\(firstDifference(ids, item.ids) ?? "")")
    }

    @Test("Seeded random strings")
    func randomStrings() {
        var failures: [String] = []
        for (index, item) in Self.random.enumerated() {
            if let difference = firstDifference(DeepSeekTokenizer.shared.encode(item.text), item.ids) {
                failures.append("random #\(index) \(item.text.debugDescription.prefix(60)): \(difference)")
            }
        }
        if !failures.isEmpty {
            Issue.record("\(failures.count) of \(Self.random.count) random strings differ:\n\(failures.prefix(5).joined(separator: "\n"))")
        }
    }

    @Test("count equals the number of oracle ids")
    func countMatches() {
        for item in Self.corpus {
            #expect(DeepSeekTokenizer.shared.count(item.text) == item.ids.count, "\(item.testDescription)")
        }
    }
}
