import Foundation

/// Turns a file's bytes into the exact text a request carries, or says why it cannot.
///
/// UTF-8 is taken as it is, a leading byte-order mark included: the server tokenizes the
/// U+FEFF it receives, so dropping it (as `String(data:encoding:)` does) would make our
/// count one token short. UTF-16 with a byte-order mark is decoded (the mark is an
/// encoding marker there, not text). Anything else with a NUL byte is binary; bytes that
/// are not valid UTF-8 are refused, with the offset of the first bad one.
public enum AttachmentText {
    /// Bytes inspected for a NUL when telling text from binary (git looks at 8,000).
    static let binaryProbe = 8000

    public static func decode(_ data: Data, name: String) throws(AttachmentError) -> String {
        let bytes = [UInt8](data)
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            return try decodeUTF16(bytes, bigEndian: bytes[0] == 0xFE, name: name)
        }
        if let nul = bytes.prefix(binaryProbe).firstIndex(of: 0) {
            if looksLikeUTF16(bytes.prefix(binaryProbe)) { throw .utf16WithoutBOM(name: name) }
            throw .binary(name: name, offset: nul)
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        throw .notUTF8(name: name, offset: firstInvalidUTF8(bytes))
    }

    private static func decodeUTF16(_ bytes: [UInt8], bigEndian: Bool, name: String) throws(AttachmentError) -> String {
        guard bytes.count % 2 == 0 else { throw .notUTF8(name: name, offset: bytes.count - 1) }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2 - 1)
        var i = 2
        while i < bytes.count {
            units.append(bigEndian ? UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) : UInt16(bytes[i + 1]) << 8 | UInt16(bytes[i]))
            i += 2
        }
        guard let text = String(validating: units, as: UTF16.self) else { throw .notUTF8(name: name, offset: nil) }
        if text.unicodeScalars.contains("\u{0}") { throw .binary(name: name, offset: nil) }
        return text
    }

    /// Text in UTF-16 without a byte-order mark: every other byte (nearly) zero.
    static func looksLikeUTF16(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= 4 else { return false }
        var zeros = [0, 0]
        for (offset, byte) in bytes.enumerated() where byte == 0 { zeros[offset % 2] += 1 }
        let pairs = bytes.count / 2
        return zeros.contains { $0 * 10 >= pairs * 9 } && zeros.min()! * 10 < pairs
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let length = sequenceLength(bytes, at: i)
            if length == 0 { return i }
            i += length
        }
        return nil
    }

    private static func sequenceLength(_ bytes: [UInt8], at i: Int) -> Int {
        let lead = bytes[i]
        let length = switch lead {
        case 0x00...0x7F: 1
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 0
        }
        guard length > 0, i + length <= bytes.count else { return 0 }
        return String(validating: bytes[i..<(i + length)], as: UTF8.self) == nil ? 0 : length
    }
}

/// Why a file cannot be attached, in words naming the file.
public enum AttachmentError: Error, Equatable, Sendable, CustomStringConvertible {
    case binary(name: String, offset: Int?)
    case notUTF8(name: String, offset: Int?)
    case unreadable(name: String, reason: String)
    /// The request would not fit the model's context window.
    case tooLarge(name: String, tokens: Int, requestTokens: Int, limit: Int, model: String)
    case emptyFolder(name: String)
    case utf16WithoutBOM(name: String)
    /// Several of the files named cannot be attached (nothing is): each, in order.
    case several([AttachmentError])

    public var description: String {
        switch self {
        case .several(let problems):
            "\(problems.count) of the files cannot be attached (nothing was): "
                + problems.map(\.description).joined(separator: "; ")
        case .binary(let name, let offset):
            "\(name) is not a text file" + (offset.map { " (a NUL byte at offset \($0))" } ?? "")
                + ": only UTF-8 or UTF-16 text can be attached"
        case .notUTF8(let name, let offset):
            "\(name) is not UTF-8 text" + (offset.map { " (invalid byte at offset \($0))" } ?? "")
                + ": convert it first, e.g. iconv -f latin1 -t utf-8"
        case .unreadable(let name, let reason):
            "\(name) cannot be read: \(reason)"
        case .tooLarge(let name, let tokens, let requestTokens, let limit, let model):
            "\(name) is \(Formatting.grouped(tokens)) tokens; the request would be \(Formatting.grouped(requestTokens)), "
                + "over \(model)'s context window of \(Formatting.grouped(limit)) tokens. Nothing was sent"
        case .emptyFolder(let name):
            "\(name) holds no text files to attach"
        case .utf16WithoutBOM(let name):
            "\(name) looks like UTF-16 without a byte-order mark: convert it first, e.g. iconv -f utf-16le -t utf-8"
        }
    }
}
