/// Reads an HTTP/1.x response from bytes as they arrive, in pieces of any size: the
/// head's lines as they are (the way libcurl's header callback hands them over) and the
/// body without its framing (`Content-Length`, `chunked`, or until the server closes).
///
/// Used by ``PlainConnection`` for requests to a loopback address, which do not need
/// libcurl (docs/DECISIONS.md, 94). Interim `1xx` responses are passed on and followed by
/// the final one, as libcurl does. Anything else unexpected is an error, never a guess.
struct HTTPResponseParser {
    enum Output: Equatable {
        /// One line of a head, its line break included; a head ends with an empty line.
        case headerLine([UInt8])
        case body([UInt8])
        /// The response is complete; bytes after it are ignored.
        case end
    }

    struct Failure: Error, Equatable {
        var message: String
    }

    /// Limits that keep a broken or hostile server from filling memory with a head.
    static let maxLineLength = 64 * 1024
    static let maxHeadLength = 256 * 1024

    private enum State: Equatable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailer
        case untilClose
        case done
    }

    /// A request whose response has no body whatever its headers say (`HEAD`).
    private let bodiless: Bool
    private var state = State.head
    private var line: [UInt8] = []
    private var headLength = 0
    private(set) var status = 0
    private var contentLength: Int?
    private var chunked = false
    /// Whether any byte of a response arrived.
    private(set) var receivedAnyByte = false

    init(method: String) {
        bodiless = method == "HEAD"
    }

    var isComplete: Bool { state == .done }

    /// The body has no length and ends when the server closes.
    var readsUntilClose: Bool { state == .untilClose }

    /// Takes the next bytes; returns what they completed, in order.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> [Output] {
        var outputs: [Output] = []
        var index = 0
        if !bytes.isEmpty { receivedAnyByte = true }
        while index < bytes.count {
            switch state {
            case .done:
                return outputs
            case .fixed(let remaining):
                let take = min(remaining, bytes.count - index)
                append(.body(Array(bytes[index..<(index + take)])), to: &outputs)
                index += take
                state = remaining == take ? .done : .fixed(remaining: remaining - take)
                if state == .done { outputs.append(.end) }
            case .chunkData(let remaining):
                let take = min(remaining, bytes.count - index)
                append(.body(Array(bytes[index..<(index + take)])), to: &outputs)
                index += take
                state = remaining == take ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .untilClose:
                append(.body(Array(bytes[index...])), to: &outputs)
                index = bytes.count
            case .head, .chunkSize, .chunkDataEnd, .trailer:
                // Line-oriented states: gather up to a line feed.
                let byte = bytes[index]
                index += 1
                line.append(byte)
                if state == .head {
                    headLength += 1
                    if headLength > Self.maxHeadLength { throw Failure(message: "the server's response head is over 256 KiB") }
                }
                if byte != UInt8(ascii: "\n") {
                    if line.count > Self.maxLineLength { throw Failure(message: "a line of the server's response is over 64 KiB") }
                    continue
                }
                let complete = line
                line = []
                try takeLine(complete, into: &outputs)
            }
        }
        return outputs
    }

    /// The server closed the connection: the end of a body read until then, else an error.
    mutating func finish() throws(Failure) -> [Output] {
        switch state {
        case .done:
            return []
        case .untilClose:
            state = .done
            return [.end]
        case .head where !receivedAnyByte:
            throw Failure(message: "the server closed the connection without a reply")
        case .head:
            throw Failure(message: "the server closed the connection in the middle of the reply's head")
        default:
            throw Failure(message: "the server closed the connection before the reply ended")
        }
    }

    private func append(_ output: Output, to outputs: inout [Output]) {
        if case .body(let bytes) = output, bytes.isEmpty { return }
        outputs.append(output)
    }

    private mutating func takeLine(_ bytes: [UInt8], into outputs: inout [Output]) throws(Failure) {
        let text = Self.trimmedLine(bytes)
        switch state {
        case .head:
            outputs.append(.headerLine(bytes))
            if status == 0 {
                status = try Self.statusCode(of: text)
                return
            }
            if text.isEmpty {
                try endOfHead(into: &outputs)
                return
            }
            // An obsolete folded line continues the header before it (libcurl reads them).
            if text.first == UInt8(ascii: " ") || text.first == UInt8(ascii: "\t") { return }
            try takeHeader(text)
        case .chunkSize:
            // Extensions after `;` are allowed and ignored.
            let digits = text.prefix { $0 != UInt8(ascii: ";") }
            guard let size = Self.hexValue(Self.trimmed(Array(digits))) else {
                throw Failure(message: "the server sent a malformed chunk size")
            }
            state = size == 0 ? .trailer : .chunkData(remaining: size)
        case .chunkDataEnd:
            guard text.isEmpty else { throw Failure(message: "the server sent a chunk longer than its size") }
            state = .chunkSize
        case .trailer:
            if text.isEmpty {
                state = .done
                outputs.append(.end)
            }
        default:
            break
        }
    }

    private mutating func endOfHead(into outputs: inout [Output]) throws(Failure) {
        if (100..<200).contains(status) {
            guard status != 101 else { throw Failure(message: "the server switched protocols (HTTP 101), which was not asked for") }
            // An interim response: the final one follows.
            status = 0
            contentLength = nil
            chunked = false
            return
        }
        if bodiless || status == 204 || status == 304 {
            state = .done
        } else if chunked {
            state = .chunkSize
        } else if let contentLength {
            state = contentLength == 0 ? .done : .fixed(remaining: contentLength)
        } else {
            state = .untilClose
        }
        if state == .done { outputs.append(.end) }
    }

    private mutating func takeHeader(_ text: [UInt8]) throws(Failure) {
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else {
            throw Failure(message: "the server sent a malformed header line")
        }
        let name = String(decoding: text[..<colon], as: UTF8.self).lowercased()
        let value = Self.trimmed(Array(text[(colon + 1)...]))
        switch name {
        case "content-length":
            // `N, N` (a header repeated by a proxy) is one length; differing ones are not.
            let values = value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { Self.decimalValue(Self.trimmed(Array($0))) }
            guard let length = values.first ?? nil, values.allSatisfy({ $0 == length }),
                  contentLength == nil || contentLength == length else {
                throw Failure(message: "the server sent an invalid Content-Length")
            }
            contentLength = length
        case "transfer-encoding":
            // As libcurl without decoding asked for: chunked framing is taken off when it
            // is the last coding; other codings (`identity`, a `gzip` it did not ask for)
            // pass through as they are.
            let codings = String(decoding: value, as: UTF8.self).lowercased()
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if codings.last == "chunked" { chunked = true }
        default:
            break
        }
    }

    static func statusCode(of line: [UInt8]) throws(Failure) -> Int {
        // "HTTP/1.1 200 OK": the version (`1.x`, or `2`/`2.0` as some servers say over
        // plain HTTP/1), a space, three digits, then anything.
        let prefix = Array("HTTP/".utf8)
        let versions = [Array("1.0".utf8), Array("1.1".utf8), Array("2".utf8), Array("2.0".utf8)]
        let space = line.firstIndex(of: UInt8(ascii: " ")) ?? line.count
        guard line.count > prefix.count, Array(line.prefix(prefix.count)) == prefix,
              versions.contains(Array(line[prefix.count..<space])), line.count >= space + 4,
              let code = decimalValue(Array(line[(space + 1)..<(space + 4)])), code >= 100,
              line.count == space + 4 || line[space + 4] == UInt8(ascii: " ")
        else {
            let shown = String(decoding: line.prefix(40), as: UTF8.self)
            throw Failure(message: "the server did not answer in HTTP/1 (it began: \(shown.debugDescription))")
        }
        return code
    }

    private static func trimmedLine(_ bytes: [UInt8]) -> [UInt8] {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return Array(bytes[..<end])
    }

    private static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return []
        }
        return Array(bytes[first...last])
    }

    /// Leading zeros are allowed; a value of 2^50 or more is not (no body is that long).
    private static func decimalValue(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            if value >= 1 << 50 { return nil }
        }
        return value
    }

    private static func hexValue(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value * 16 + Int(digit)
            if value >= 1 << 50 { return nil }
        }
        return value
    }
}
