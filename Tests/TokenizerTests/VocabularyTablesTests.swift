import Foundation
import Testing
@testable import Tokenizer

/// The shipped tables file (`deepseek-v4.tables`, mapped and used in place) is exactly what
/// the source file (`deepseek-v4.vocab`, from scripts/make_vocab.py) builds, a tokenizer on
/// either gives the same ids, and a damaged tables file is refused before any lookup.
@Suite("Vocabulary tables")
struct VocabularyTablesTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/Tokenizer/Resources")
    static let source = resources.appendingPathComponent("deepseek-v4.vocab")
    static let tables = resources.appendingPathComponent("deepseek-v4.tables")

    /// `RECORD_VOCAB_TABLES=1 swift test --filter shippedTables` rewrites the file.
    @Test func shippedTablesAreTheOnesTheSourceBuilds() throws {
        let image = try Vocabulary.tablesImage(fromSourceAt: Self.source)
        if ProcessInfo.processInfo.environment["RECORD_VOCAB_TABLES"] == "1" {
            try Data(image).write(to: Self.tables)
        }
        let shipped = try Data(contentsOf: Self.tables)
        #expect(shipped.count == image.count)
        #expect(Array(shipped) == image,
                "deepseek-v4.tables is stale: RECORD_VOCAB_TABLES=1 swift test --filter shippedTables, then rebuild")
    }

    @Test func theSharedTokenizerUsesTheMappedTables() {
        #expect(DeepSeekTokenizer.shared.vocabularyIsMapped)
    }

    @Test func sourceAndTablesGiveTheSameIds() throws {
        let built = try DeepSeekTokenizer(vocabularyAt: Self.source)
        let mapped = try DeepSeekTokenizer(vocabularyAt: Self.tables)
        #expect(!built.vocabularyIsMapped && mapped.vocabularyIsMapped)
        let texts = ["Hello! 毕老师！1 + 1 = 2 <｜User｜>", String(repeating: "a", count: 300), "  \n\n\t x = f(y);  // 注释",
                     "🙂🙃 naïve café  ", "<｜begin▁of▁sentence｜>system<｜User｜>hi<｜Assistant｜></think>"]
        for text in texts {
            #expect(built.encode(text) == mapped.encode(text))
            #expect(mapped.decode(mapped.encode(text)) == text)
        }
        for id in stride(from: 0, to: mapped.vocabularySize, by: 97) {
            #expect(built.bytes(for: id) == mapped.bytes(for: id))
        }
    }

    @Test(arguments: [Damage.truncated, .offsetsDecrease, .idPastVocabulary, .capacityNotPowerOfTwo, .wrongMagic,
                      .emptyAddedToken, .addedTokenTwice])
    func aDamagedTablesFileIsRefused(_ damage: Damage) throws {
        var bytes = Array(try Data(contentsOf: Self.tables))
        let layout = try bytes.withUnsafeBytes { try VocabularyTables.validated($0) }
        switch damage {
        case .truncated: bytes.removeLast(64)
        case .offsetsDecrease: bytes[layout.tokenOffsetsAt + 4 * 1000 + 2] = 0xFF
        case .idPastVocabulary: bytes.replaceSubrange(layout.mergedIDsAt..<layout.mergedIDsAt + 4, with: [0xFF, 0xFF, 0x0F, 0])
        case .capacityNotPowerOfTwo: bytes[8 + 4 * 4] &+= 1
        case .wrongMagic: bytes[7] = UInt8(ascii: "9")
        case .emptyAddedToken:
            // The first added token's bytes move into the one before it: it becomes empty.
            let id = Int(UInt32(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: layout.addedIDsAt, as: UInt32.self) }))
            let next = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: layout.tokenOffsetsAt + 4 * (id + 1), as: UInt32.self) }
            bytes.withUnsafeMutableBytes { $0.storeBytes(of: next, toByteOffset: layout.tokenOffsetsAt + 4 * id, as: UInt32.self) }
        case .addedTokenTwice:
            bytes.replaceSubrange(layout.addedIDsAt + 4..<layout.addedIDsAt + 8, with: bytes[layout.addedIDsAt..<layout.addedIDsAt + 4])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID()).tables")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            _ = try DeepSeekTokenizer(vocabularyAt: file)
            Issue.record("a damaged tables file (\(damage)) loaded")
        } catch let error as TokenizerError {
            #expect("\(error)".contains(file.path))
        }
    }

    enum Damage: Sendable {
        case truncated, offsetsDecrease, idPastVocabulary, capacityNotPowerOfTwo, wrongMagic, emptyAddedToken, addedTokenTwice
    }

    /// Hash tables with no empty slot (a hostile file) make lookups miss after one round of
    /// the table instead of probing forever.
    @Test func fullTablesEndTheirProbes() throws {
        var bytes = Array(try Data(contentsOf: Self.tables))
        let layout = try bytes.withUnsafeBytes { try VocabularyTables.validated($0) }
        for index in 0..<layout.pieceCapacity { bytes.replaceSubrange(layout.pieceSlotsAt + 4 * index..<layout.pieceSlotsAt + 4 * index + 4, with: [0xFF, 0xFF, 0xFF, 0xFF]) }
        for index in 0..<layout.mergeCapacity {
            bytes.replaceSubrange(layout.mergeSlotsAt + 8 * index..<layout.mergeSlotsAt + 8 * index + 8, with: [0xFE] + Array(repeating: 0xFF, count: 7))
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("full-\(UUID()).tables")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let tokenizer = try DeepSeekTokenizer(vocabularyAt: file)
        // No merges and no whole pieces: one token per byte, and it returns.
        #expect(tokenizer.encode("Hi there").count == "Hi there".utf8.count)
    }

    @Test func aFIFOIsRefusedWithoutWaitingForAWriter() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID()).tables").path
        try #require(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        #expect(throws: TokenizerError.self) { try DeepSeekTokenizer(vocabularyAt: URL(fileURLWithPath: path)) }
    }

    @Test func aDirectoryOrEmptyFileIsNotAVocabulary() throws {
        let folder = FileManager.default.temporaryDirectory
        #expect(throws: TokenizerError.self) { try DeepSeekTokenizer(vocabularyAt: folder) }
        let empty = folder.appendingPathComponent("empty-\(UUID()).tables")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: TokenizerError.self) { try DeepSeekTokenizer(vocabularyAt: empty) }
    }
}
