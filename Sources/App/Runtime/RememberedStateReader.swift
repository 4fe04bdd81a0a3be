import ChatCore
import Foundation

/// Reads state.json as `FileRememberedStateStore` writes it, without `JSONDecoder`:
/// decoding it through `Codable` cost 1.7 ms of every launch, almost all of it the first
/// use of each type's conformances (looked up one record at a time in a binary with 8,000
/// of them), before the first frame (DECISIONS 89). Anything this reader does not expect —
/// a hand edit, a date in another ISO form, a field of the wrong kind — makes it return
/// nil, and `JSONDecoder` reads the file as before (with its error message when it fails
/// too). Unknown keys are skipped, as `Codable` skips them.
enum RememberedStateReader {
    static func decode(_ data: Data) -> RememberedState? {
        let bytes = [UInt8](data)
        var parser = JSONParser(bytes: bytes)
        guard let root = parser.document(), case .object(let fields) = root else { return nil }
        var state = RememberedState()
        var sawDrafts = false
        for (key, value) in fields {
            switch key {
            case "theme":
                guard let stamped = stamped(value, { $0.string }) else { return nil }
                state.theme = stamped
            case "thinking":
                guard let stamped = stamped(value, { if case .bool(let flag) = $0 { flag } else { nil } }) else { return nil }
                state.thinking = stamped
            case "model":
                guard let stamped = stamped(value, { $0.string }) else { return nil }
                state.model = stamped
            case "endpointModels":
                if case .null = value { state.endpointModels = nil; continue }
                guard case .object(let entries) = value else { return nil }
                var models: [String: [String]] = [:]
                for (identity, list) in entries {
                    guard case .array(let items) = list else { return nil }
                    let ids = items.compactMap(\.string)
                    guard ids.count == items.count else { return nil }
                    models[identity] = ids
                }
                state.endpointModels = models
            case "drafts":
                guard case .object(let entries) = value else { return nil }
                var drafts: [String: String] = [:]
                for (conversation, text) in entries {
                    guard let text = text.string else { return nil }
                    drafts[conversation] = text
                }
                state.drafts = drafts
                sawDrafts = true
            case "balances":
                if case .null = value { state.balances = nil; continue }
                guard case .object(let entries) = value else { return nil }
                var balances: [String: BalanceReading] = [:]
                for (account, reading) in entries {
                    guard let reading = balance(reading) else { return nil }
                    balances[account] = reading
                }
                state.balances = balances
            default:
                continue
            }
        }
        return sawDrafts ? state : nil
    }

    private static func stamped<Value>(_ value: JSON, _ read: (JSON) -> Value?) -> RememberedState.Stamped<Value>?? {
        if case .null = value { return .some(nil) }
        guard case .object(let fields) = value, let inner = field("value", fields).flatMap(read),
              let changed = field("changed", fields)?.string.flatMap(UTCDay.parseISO8601) else { return nil }
        return .some(RememberedState.Stamped(inner, changed: changed))
    }

    private static func balance(_ value: JSON) -> BalanceReading? {
        guard case .object(let fields) = value,
              let time = field("time", fields)?.string.flatMap(UTCDay.parseISO8601),
              let host = field("endpointHost", fields)?.string, let currency = field("currency", fields)?.string,
              let total = field("total", fields)?.number, let resolution = field("resolution", fields)?.number else { return nil }
        var id: Int64?
        if let raw = field("id", fields), raw != .null {
            guard let number = raw.number, number == number.rounded(), abs(number) < 9e15 else { return nil }
            id = Int64(number)
        }
        func optionalNumber(_ key: String) -> Double?? {
            guard let raw = field(key, fields), raw != .null else { return .some(nil) }
            return raw.number.map { .some($0) }
        }
        guard let granted = optionalNumber("granted"), let toppedUp = optionalNumber("toppedUp") else { return nil }
        return BalanceReading(id: id, time: time, endpointHost: host, currency: currency, total: total,
                              granted: granted, toppedUp: toppedUp, resolution: resolution)
    }

    /// The value of `key` (the parser refuses objects with a key twice).
    private static func field(_ key: String, _ fields: [(String, JSON)]) -> JSON? {
        fields.first { $0.0 == key }?.1
    }
}

/// A JSON value, for `RememberedStateReader`.
indirect enum JSON: Equatable {
    case object([(String, JSON)])
    case array([JSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    var string: String? { if case .string(let text) = self { text } else { nil } }
    var number: Double? { if case .number(let value) = self { value } else { nil } }

    static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }
}

/// A strict RFC 8259 parser over bytes (depth-limited); nil on anything malformed.
struct JSONParser {
    let bytes: [UInt8]
    var position = 0
    private var depth = 0
    static let maxDepth = 64

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// One value and nothing after it but whitespace.
    mutating func document() -> JSON? {
        guard let value = value() else { return nil }
        skipWhitespace()
        return position == bytes.count ? value : nil
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func value() -> JSON? {
        skipWhitespace()
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSON.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func literal(_ word: String, _ value: JSON) -> JSON? {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count, Array(bytes[position..<position + expected.count]) == expected else { return nil }
        position += expected.count
        return value
    }

    private mutating func object() -> JSON? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        position += 1
        var fields: [(String, JSON)] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(fields) }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
            position += 1
            // JSONDecoder keeps the first of two equal keys; the store never writes two, so
            // a file that has them is left to JSONDecoder.
            guard let value = value(), !fields.contains(where: { $0.0 == key }) else { return nil }
            fields.append((key, value))
            skipWhitespace()
            guard position < bytes.count else { return nil }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            guard bytes[position] == UInt8(ascii: "}") else { return nil }
            position += 1
            return .object(fields)
        }
    }

    private mutating func array() -> JSON? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        position += 1
        var items: [JSON] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            guard let item = value() else { return nil }
            items.append(item)
            skipWhitespace()
            guard position < bytes.count else { return nil }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            guard bytes[position] == UInt8(ascii: "]") else { return nil }
            position += 1
            return .array(items)
        }
    }

    private mutating func string() -> String? {
        position += 1
        var out: [UInt8] = []
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
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                        else { return nil }
                        position += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                out.append(byte)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func number() -> JSON? {
        let start = position
        func digits() -> Int {
            let from = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - from
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let whole = position
        guard digits() > 0, !(bytes[whole] == UInt8(ascii: "0") && position - whole > 1) else { return nil }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { return nil }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { return nil }
        }
        guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)), value.isFinite else { return nil }
        return .number(value)
    }
}
