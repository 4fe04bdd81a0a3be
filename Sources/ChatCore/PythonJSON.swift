/// A JSON value that prints like Python's `json.dumps(value, ensure_ascii=False)`.
///
/// DeepSeek's V4 encoder round-trips tool-call arguments through `json.loads` /
/// `json.dumps`, so the prompt contains Python's formatting (", " and ": " separators,
/// Python float repr, key order kept), not the client's. Only what that needs is here.
/// The same parser, `strict`, reads state.json without `JSONDecoder` (`RememberedStateReader`).
public indirect enum PythonJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Integer literal, kept as text (Python ints are unbounded).
    case int(String)
    case float(Double)
    case string(String)
    case array([PythonJSON])
    /// Keys in first-seen order; a repeated key keeps its slot and takes the last value.
    case object([(String, PythonJSON)])

    public static func == (a: PythonJSON, b: PythonJSON) -> Bool { a.pythonDumps() == b.pythonDumps() }

    /// Parses JSON as Python's `json.loads` reads it (a repeated key takes the last value,
    /// a lone surrogate escape becomes U+FFFD); nil when the text is not JSON.
    static func parse(_ text: String) -> PythonJSON? { parse(bytes: Array(text.utf8), strict: false) }

    /// Parses JSON; `strict` also refuses what Foundation's `JSONDecoder` reads differently or
    /// not at all: a repeated key (it keeps the first), a lone surrogate escape, bytes that
    /// are not UTF-8. Either way nested no deeper than `maxDepth` (a recursive parser on a
    /// hostile document must not run out of stack).
    public static func parse(bytes: [UInt8], strict: Bool) -> PythonJSON? {
        var parser = Parser(bytes: bytes, strict: strict)
        guard let value = parser.value() else { return nil }
        parser.skipSpace()
        return parser.index == parser.bytes.count ? value : nil
    }

    /// Arrays and objects nested deeper than this are not parsed (Python itself stops near 1,000).
    public static let maxDepth = 512

    /// The number this is (an integer literal read as a Double), or nil.
    public var number: Double? {
        switch self {
        case .int(let text): Double(text)
        case .float(let value): value
        default: nil
        }
    }

    /// The string this is, or nil.
    public var string: String? { if case .string(let text) = self { text } else { nil } }

    func pythonDumps() -> String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let digits): return digits == "-0" ? "0" : digits
        case .float(let d): return Self.pythonRepr(d)
        case .string(let s): return Self.quoted(s)
        case .array(let items): return "[" + items.map { $0.pythonDumps() }.joined(separator: ", ") + "]"
        case .object(let fields):
            return "{" + fields.map { Self.quoted($0.0) + ": " + $0.1.pythonDumps() }.joined(separator: ", ") + "}"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Python's `repr(float)`: shortest round-trip digits, scientific notation when the
    /// decimal exponent is below -4 or at least 16.
    static func pythonRepr(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        let sign = d.sign == .minus ? "-" : ""
        if d == 0 { return sign + "0.0" }
        // Swift's description is also shortest round-trip; take its digits and exponent.
        var digits = "", exponent = 0, seenPoint = false, fractionDigits = 0
        let text = d.magnitude.description
        var mantissa = Substring(text)
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            mantissa = text[..<e]
        }
        for ch in mantissa {
            if ch == "." { seenPoint = true; continue }
            digits.append(ch)
            if seenPoint { fractionDigits += 1 }
        }
        // value = 0.digits * 10^decimalPoint after stripping zeros.
        var decimalPoint = digits.count - fractionDigits + exponent
        while digits.hasPrefix("0") { digits.removeFirst(); decimalPoint -= 1 }
        while digits.hasSuffix("0") { digits.removeLast() }
        let exp10 = decimalPoint - 1
        if exp10 < -4 || exp10 >= 16 {
            var out = String(digits.first!)
            if digits.count > 1 { out += "." + digits.dropFirst() }
            let magnitude = String(abs(exp10))
            return sign + out + "e" + (exp10 < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        if decimalPoint <= 0 {
            return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits
        }
        if decimalPoint >= digits.count {
            return sign + digits + String(repeating: "0", count: decimalPoint - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: decimalPoint)
        return sign + digits[..<split] + "." + digits[split...]
    }

    private struct Parser {
        let bytes: [UInt8]
        let strict: Bool
        var index = 0
        var depth = 0

        init(bytes: [UInt8], strict: Bool) {
            self.bytes = bytes
            self.strict = strict
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value() -> PythonJSON? {
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string().map(PythonJSON.string)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        mutating func literal(_ word: String, _ value: PythonJSON) -> PythonJSON? {
            let w = Array(word.utf8)
            guard bytes.count - index >= w.count, Array(bytes[index..<index + w.count]) == w else { return nil }
            index += w.count
            return value
        }

        mutating func object() -> PythonJSON? {
            depth += 1
            defer { depth -= 1 }
            guard depth <= PythonJSON.maxDepth else { return nil }
            index += 1
            var fields: [(String, PythonJSON)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(fields) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let v = value() else { return nil }
                if let slot = fields.firstIndex(where: { $0.0 == key }) {
                    if strict { return nil }
                    fields[slot].1 = v
                } else {
                    fields.append((key, v))
                }
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(fields) }
                return nil
            }
        }

        mutating func array() -> PythonJSON? {
            depth += 1
            defer { depth -= 1 }
            guard depth <= PythonJSON.maxDepth else { return nil }
            index += 1
            var items: [PythonJSON] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                guard let v = value() else { return nil }
                items.append(v)
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                return nil
            }
        }

        mutating func number() -> PythonJSON? {
            let start = index
            var isFloat = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let intStart = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            let intDigits = index - intStart
            guard intDigits > 0, !(intDigits > 1 && bytes[intStart] == 0x30) else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isFloat = true
                index += 1
                let f = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > f else { return nil }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isFloat = true
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                let e = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > e else { return nil }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if !isFloat { return .int(text) }
            return Double(text).map(PythonJSON.float)
        }

        mutating func string() -> String? {
            index += 1
            var runStart = index
            var out = ""
            var valid = true
            func flush(_ end: Int) {
                if strict, String(validating: bytes[runStart..<end], as: UTF8.self) == nil { valid = false }
                out += String(decoding: bytes[runStart..<end], as: UTF8.self)
            }
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    flush(index)
                    guard valid else { return nil }
                    index += 1
                    return out
                }
                if b < 0x20 { return nil }
                if b != UInt8(ascii: "\\") { index += 1; continue }
                flush(index)
                index += 1
                guard index < bytes.count else { return nil }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out += "\""
                case UInt8(ascii: "\\"): out += "\\"
                case UInt8(ascii: "/"): out += "/"
                case UInt8(ascii: "b"): out += "\u{08}"
                case UInt8(ascii: "f"): out += "\u{0C}"
                case UInt8(ascii: "n"): out += "\n"
                case UInt8(ascii: "r"): out += "\r"
                case UInt8(ascii: "t"): out += "\t"
                case UInt8(ascii: "u"):
                    guard var unit = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(unit), index + 1 < bytes.count,
                        bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    {
                        let save = index
                        index += 2
                        if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            index = save
                        }
                    }
                    guard let scalar = Unicode.Scalar(unit) else {
                        if strict { return nil }
                        out.unicodeScalars.append("\u{FFFD}")
                        runStart = index
                        continue
                    }
                    out.unicodeScalars.append(scalar)
                default: return nil
                }
                runStart = index
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard bytes.count - index >= 4 else { return nil }
            let text = String(decoding: bytes[index..<index + 4], as: UTF8.self)
            guard let v = UInt32(text, radix: 16) else { return nil }
            index += 4
            return v
        }
    }
}
