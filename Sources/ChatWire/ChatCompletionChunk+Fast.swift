// A reader for the usual streamed chunk, without Foundation's JSONDecoder (DECISIONS 108).
//
// While a reply streams at 2,000 tokens a second, decoding each chunk with JSONDecoder
// (its JSON map, keyed containers and `Data` copy) was the largest part of the client's
// own work per token. The chunks DeepSeek and the emulator send have one shape: strings,
// integers and nulls in `id`, `object`, `created`, `model`, `system_fingerprint`, one or
// more choices with `index`, a `delta` of `role`/`content`/`reasoning_content` strings,
// `logprobs`, `finish_reason`, and `"usage": null`. `fast(_:)` reads exactly that, checking
// the whole text is valid JSON, and answers nil for anything else — another value type, a
// duplicate key, a usage object, tool calls, an escape it does not take, bytes that are not
// UTF-8 — so that JSONDecoder reads it as before, with the same results and the same errors.
// A test compares the two on generated, escaped and mutated chunks.

extension ChatCompletionChunk {
    /// The chunk in `bytes`, when it has the usual shape; nil: decode it with JSONDecoder.
    public static func fast(_ bytes: [UInt8]) -> ChatCompletionChunk? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = FastJSONReader(buffer)
            guard let chunk = reader.chunk(), reader.atEndAfterSpace() else { return nil }
            return chunk
        }
    }
}

/// A forward-only reader over one JSON text. Every method answers nil (or false) for what
/// it does not take; the caller then gives up on the whole text.
struct FastJSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private enum Scalar { case string(String), integer(Int), null }

    // MARK: The chunk's shape

    mutating func chunk() -> ChatCompletionChunk? {
        var chunk = ChatCompletionChunk(object: nil, choices: [])
        var choices: [ChatCompletionChunk.Choice]?
        let read = members { reader, key in
            switch key {
            case "id", "object", "model", "system_fingerprint":
                guard let text = reader.stringOrNull() else { return false }
                switch key {
                case "id": chunk.id = text
                case "object": chunk.object = text
                case "model": chunk.model = text
                default: chunk.systemFingerprint = text
                }
            case "created":
                guard let number = reader.integerOrNull() else { return false }
                chunk.created = number
            case "usage":
                return reader.literal("null")
            case "choices":
                var list: [ChatCompletionChunk.Choice] = []
                guard reader.elements({ reader in
                    guard let choice = reader.choice() else { return false }
                    list.append(choice)
                    return true
                }) else { return false }
                choices = list
            default:
                return reader.skipValue()
            }
            return true
        }
        guard read, let choices else { return nil }
        chunk.choices = choices
        return chunk
    }

    private mutating func choice() -> ChatCompletionChunk.Choice? {
        var choice = ChatCompletionChunk.Choice(index: nil, delta: nil)
        let read = members { reader, key in
            switch key {
            case "index":
                guard let number = reader.integerOrNull() else { return false }
                choice.index = number
            case "finish_reason":
                guard let reason = reader.stringOrNull() else { return false }
                choice.finishReason = reason
            case "delta":
                if reader.literal("null") {
                    choice.delta = nil
                } else {
                    guard let delta = reader.delta() else { return false }
                    choice.delta = delta
                }
            default:
                return reader.skipValue()
            }
            return true
        }
        return read ? choice : nil
    }

    private mutating func delta() -> ChatCompletionChunk.Delta? {
        var delta = ChatCompletionChunk.Delta()
        var reasoning: String?
        let read = members { reader, key in
            switch key {
            case "role", "content", "reasoning_content", "reasoning":
                guard let text = reader.stringOrNull() else { return false }
                switch key {
                case "role": delta.role = text.map(Role.init(rawValue:))
                case "content": delta.content = text
                case "reasoning_content": delta.reasoningContent = text
                default: reasoning = text
                }
            case "tool_calls":
                return reader.literal("null")
            default:
                return reader.skipValue()
            }
            return true
        }
        guard read else { return nil }
        // OpenRouter's `reasoning` when `reasoning_content` is absent or null.
        if delta.reasoningContent == nil { delta.reasoningContent = reasoning }
        return delta
    }

    // MARK: JSON

    mutating func atEndAfterSpace() -> Bool {
        skipSpace()
        return position == bytes.count
    }

    private mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        skipSpace()
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] { return false }
        position += count
        return true
    }

    /// An object's members, `member` reading each value after its key; false for anything
    /// malformed, a duplicate key, or a value `member` refuses.
    private mutating func members(_ member: (inout FastJSONReader, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        var seen: Set<String> = []
        repeat {
            skipSpace()
            guard let key = string(), take(UInt8(ascii: ":")), seen.insert(key).inserted, member(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// An array's elements, `element` reading each.
    private mutating func elements(_ element: (inout FastJSONReader) -> Bool) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        if take(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]"))
    }

    /// A string, or null as `.some(nil)`; nil for anything else.
    private mutating func stringOrNull() -> String?? {
        switch scalar() {
        case .string(let text)?: return .some(text)
        case .null?: return .some(nil)
        default: return nil
        }
    }

    /// An integer, or null as `.some(nil)`; nil for anything else.
    private mutating func integerOrNull() -> Int?? {
        switch scalar() {
        case .integer(let number)?: return .some(number)
        case .null?: return .some(nil)
        default: return nil
        }
    }

    /// A string, an integer that fits an `Int` (no fraction or exponent), or null.
    private mutating func scalar() -> Scalar? {
        skipSpace()
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "\""): return string().map(Scalar.string)
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return integer().map(Scalar.integer)
        default: return nil
        }
    }

    private mutating func integer() -> Int? {
        let start = position
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else { return nil }
        // JSON has no leading zeros: "0" alone, or a digit from 1.
        if bytes[position] == UInt8(ascii: "0"), position + 1 < bytes.count,
           (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position + 1]) { return nil }
        var value = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let digit = Int(bytes[position] - UInt8(ascii: "0"))
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            position += 1
        }
        // A fraction or an exponent: JSONDecoder's business.
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            position = start
            return nil
        }
        return value
    }

    /// A string: the bytes between the quotes checked as UTF-8, escapes `\" \\ \/ \b \f \n
    /// \r \t` and `\uXXXX` (a surrogate only as a pair); control characters refused.
    private mutating func string() -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        position += 1
        let start = position
        // The usual case: no escape.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { return nil }
            position += 1
        }
        guard position < bytes.count else { return nil }
        var out: [UInt8] = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { return nil }
                    var scalarValue = UInt32(unit)
                    if (0xD800...0xDBFF).contains(unit) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                              bytes[position + 1] == UInt8(ascii: "u") else { return nil }
                        position += 2
                        guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                        scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(unit) {
                        return nil
                    }
                    guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    return nil
                }
            default:
                if byte < 0x20 { return nil }
                out.append(byte)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt16? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt16
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt16(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt16(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt16(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// Any JSON value, checked and dropped (a key the chunk does not use, like `logprobs`).
    /// Only null, booleans, strings, integers and shallow containers of them: anything else
    /// is left to JSONDecoder.
    private mutating func skipValue(depth: Int = 0) -> Bool {
        skipSpace()
        guard position < bytes.count, depth < 8 else { return false }
        switch bytes[position] {
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return scalar() != nil
        case UInt8(ascii: "["): return elements { $0.skipValue(depth: depth + 1) }
        case UInt8(ascii: "{"): return members { reader, _ in reader.skipValue(depth: depth + 1) }
        default: return false
        }
    }
}
