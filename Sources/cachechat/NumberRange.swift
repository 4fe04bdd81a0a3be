import ArgumentParser
import ChatWire

/// The values a numeric option or argument accepts: one definition for its parsing, its
/// error and its help text.
///
/// Options that take one use `parsing: .unconditional`, so the word after the flag is
/// always its value: otherwise argument-parser reads the `-5` of `--max-tokens -5` as an
/// option and reports a missing value instead of a value out of range.
struct NumberRange<Value: Comparable & LosslessStringConvertible & Sendable>: Sendable, CustomStringConvertible {
    let lower: Value
    let upper: Value?

    init(_ range: ClosedRange<Value>) {
        lower = range.lowerBound
        upper = range.upperBound
    }

    init(_ range: PartialRangeFrom<Value>) {
        lower = range.lowerBound
        upper = nil
    }

    /// "0 to 65535" or "1 or more", for help texts.
    var description: String {
        upper.map { "\(Self.show(lower)) to \(Self.show($0))" } ?? "\(Self.show(lower)) or more"
    }

    /// "a whole number from 0 to 65535", "a number, 0 or more".
    var allowed: String {
        let kind = Value.self is any BinaryInteger.Type ? "a whole number" : "a number"
        return upper == nil ? "\(kind), \(description)" : "\(kind) from \(description)"
    }

    func contains(_ value: Value) -> Bool {
        if let number = value as? Double, !number.isFinite { return false }
        return value >= lower && upper.map { value <= $0 } ?? true
    }

    /// The value of `text`, or an error saying what is allowed; argument-parser puts the
    /// option's name and the value in front of it and ends with a usage error (exit 2).
    func parse(_ text: String) throws -> Value {
        guard let value = Value(text), contains(value) else { throw OutOfRange(description: "allowed: \(allowed)") }
        return value
    }

    /// The parsing closure for `@Option(transform:)` and `@Argument(transform:)`.
    var transform: @Sendable (String) throws -> Value {
        let range = self
        return { try range.parse($0) }
    }

    /// Whole doubles without ".0": "0 to 2", not "0.0 to 2.0".
    private static func show(_ value: Value) -> String {
        if let number = value as? Double, number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return String(value)
    }

    struct OutOfRange: Error, CustomStringConvertible {
        let description: String
    }
}

/// The ranges of the numeric flags and arguments, each named once.
enum NumberRanges {
    /// Any endpoint needs at least one token; the upper bound is the server's (DeepSeek's
    /// V4 models allow 393,216), and its error says so.
    static let maxTokens = NumberRange<Int>(1...)
    static let temperature = NumberRange<Double>(ChatRequest.temperatureRange)
    static let conversationID = NumberRange<Int64>(1...)
    static let limit = NumberRange<Int>(1...)
    static let port = NumberRange<Int>(0...65_535)
    static let unit = NumberRange<Int>(1...)
    static let speed = NumberRange<Double>(0...)
    static let replyTokens = NumberRange<Int>(0...)
    static let maxConcurrent = NumberRange<Int>(1...)
    static let maxConnections = NumberRange<Int>(1...)
    static let parallel = NumberRange<Int>(1...64)
    static let warmupWait = NumberRange<Double>(0...600)
    static let timeout = NumberRange<Double>(1...86_400)
    static let chargeFactor = NumberRange<Double>(0...100)
    static let maxCost = NumberRange<Double>(0...1_000_000)
}
