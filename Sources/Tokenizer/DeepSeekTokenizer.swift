import Foundation

/// Exact DeepSeek V4 byte-level BPE tokenizer: produces the ids Hugging Face `tokenizers`
/// produces for DeepSeek's tokenizer.json with `add_special_tokens=False`.
///
/// Pipeline: added tokens are matched literally (`AddedTokenMatcher`), the text between
/// them is cut into pieces (`PreTokenizer`), and each piece is merged (`BytePairEncoder`).
/// Instances are immutable and safe to share across threads.
public final class DeepSeekTokenizer: Sendable {
    private let vocabulary: Vocabulary
    private let preTokenizer: PreTokenizer
    private let encoder: BytePairEncoder

    private static let bundled: DeepSeekTokenizer = {
        guard let url = tablesBesideExecutable() ?? tablesInBundle() else {
            fatalError("Tokenizer: the bundled resource deepseek-v4.tables is missing from \(Bundle.module.bundlePath); "
                       + "regenerate it with RECORD_VOCAB_TABLES=1 swift test --filter shippedTables, and rebuild.")
        }
        do {
            return try DeepSeekTokenizer(vocabularyAt: url)
        } catch {
            fatalError("Tokenizer: \(error)")
        }
    }()

    /// `cachechat_Tokenizer.resources/deepseek-v4.tables` beside the running executable,
    /// where SwiftPM builds it and scripts/build-release copies it, found without Foundation's
    /// `Bundle` (resolving the main bundle lists the executable's folder, and the resource
    /// lookup searches localisations: about 0.4 ms of every `ask`); nil when it is not there,
    /// and `Bundle.module` looks (its other place is the build folder).
    static func tablesBesideExecutable() -> URL? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let executable = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = executable.lastIndex(of: "/") else { return nil }
        let path = String(executable[..<slash]) + "/cachechat_Tokenizer.resources/deepseek-v4.tables"
        guard access(path, R_OK) == 0 else { return nil }
        return URL(fileURLWithPath: path)
        #else
        return nil
        #endif
    }

    /// The tables where `Bundle.module` finds them.
    static func tablesInBundle() -> URL? { Bundle.module.url(forResource: "deepseek-v4", withExtension: "tables") }

    /// The bundled DeepSeek V4 vocabulary, mapped once per process (thread-safe lazy) from
    /// its tables file and used in place.
    public static var shared: DeepSeekTokenizer { bundled }

    /// Loads a vocabulary: a `.vocab` source file written by scripts/make_vocab.py (the
    /// tables are built in memory) or a `.tables` file (mapped and used in place).
    public init(vocabularyAt url: URL) throws {
        vocabulary = try Vocabulary(contentsOf: url)
        preTokenizer = PreTokenizer()
        encoder = BytePairEncoder(vocabulary: vocabulary)
    }

    /// Token ids of `text`, with added tokens such as `<｜User｜>` matched literally, as HF.
    public func encode(_ text: String) -> [Int] {
        var text = text
        return text.withUTF8 { utf8 in
            var output: [Int] = []
            output.reserveCapacity(utf8.count / 3 + 8)
            withScratch { scratch in
                vocabulary.addedTokens.forEachSegment(in: utf8) { segment in
                    switch segment {
                    case let .token(id): output.append(id)
                    case let .text(range): encodePlain(utf8, range, into: &output, scratch: scratch)
                    }
                }
            }
            return output
        }
    }

    /// Token ids of `text` treated as plain text: no added-token matching.
    public func encodeOrdinary(_ text: String) -> [Int] {
        var text = text
        return text.withUTF8 { utf8 in
            var output: [Int] = []
            output.reserveCapacity(utf8.count / 3 + 8)
            withScratch { encodePlain(utf8, 0..<utf8.count, into: &output, scratch: $0) }
            return output
        }
    }

    /// Number of tokens `encode(text)` returns.
    public func count(_ text: String) -> Int {
        encode(text).count
    }

    /// The text of `ids`; bytes that do not form valid UTF-8 (ids that split a character)
    /// become U+FFFD. Unknown ids are skipped, as HF does.
    public func decode(_ ids: [Int]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }

    /// The raw bytes of `ids`, concatenated. Unknown ids are skipped.
    public func decodeBytes(_ ids: [Int]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids where id >= 0 && id < vocabulary.totalCount {
            bytes.append(contentsOf: vocabulary.bytes(of: id))
        }
        return bytes
    }

    /// The token's text as HF shows it (byte-level form, e.g. "Ġthe"; added tokens as
    /// their content), or nil for an unknown id.
    public func piece(for id: Int) -> String? {
        guard id >= 0 && id < vocabulary.totalCount else { return nil }
        let bytes = vocabulary.bytes(of: id)
        if vocabulary.flags[id] & Vocabulary.Flag.added != 0 { return String(decoding: bytes, as: UTF8.self) }
        guard vocabulary.flags[id] & Vocabulary.Flag.model != 0 else { return nil }
        return ByteLevel.string(for: bytes)
    }

    /// The raw bytes of one token, or nil for an unknown id.
    public func bytes(for id: Int) -> [UInt8]? {
        guard id >= 0 && id < vocabulary.totalCount else { return nil }
        return Array(vocabulary.bytes(of: id))
    }

    /// The id of an added token by its exact content (byte for byte), e.g. "<｜User｜>".
    public func id(forAddedToken content: String) -> Int? {
        var content = content
        return content.withUTF8 { vocabulary.addedTokens.id(of: $0) }
    }

    /// Whether the tables are used in place from a mapped file (the bundled vocabulary) or
    /// were built in memory from a source file.
    public var vocabularyIsMapped: Bool { vocabulary.isMapped }

    /// Total number of ids, including added tokens.
    public var vocabularySize: Int { vocabulary.totalCount }

    @inline(__always)
    private func encodePlain(_ utf8: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into output: inout [Int],
                             scratch: UnsafeMutablePointer<UInt32>) {
        guard let base = utf8.baseAddress else { return }
        let encoder = encoder
        preTokenizer.forEachPiece(in: base, range: range) { start, end in
            encoder.encode(base + start, end - start, into: &output, scratch: scratch)
        }
    }

    private func withScratch<R>(_ body: (UnsafeMutablePointer<UInt32>) -> R) -> R {
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: 2 * BytePairEncoder.linearLimit)
        defer { scratch.deallocate() }
        return body(scratch)
    }

    /// Both merge strategies on the same bytes, so tests can check they agree.
    func mergeBothWays(_ bytes: [UInt8]) -> (linear: [Int], heap: [Int]) {
        var linear: [Int] = []
        var heap: [Int] = []
        bytes.withUnsafeBufferPointer { buffer in
            withScratch { encoder.mergeLinear(buffer.baseAddress!, buffer.count, into: &linear, scratch: $0) }
            encoder.mergeWithHeap(buffer.baseAddress!, buffer.count, into: &heap)
        }
        return (linear, heap)
    }
}
