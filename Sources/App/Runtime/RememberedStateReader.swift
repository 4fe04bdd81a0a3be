import ChatCore
import Foundation

/// Reads state.json as `FileRememberedStateStore` writes it, without `JSONDecoder`:
/// decoding it through `Codable` cost 1.7 ms of every launch, almost all of it the first
/// use of each type's conformances (looked up one record at a time in a binary with 8,000
/// of them), before the first frame (DECISIONS 89). The JSON is `PythonJSON`'s strict
/// parse (what JSONDecoder reads differently — a repeated key, a lone surrogate, bytes that
/// are not UTF-8, a number out of range — is refused). Anything this reader does not expect —
/// a hand edit, a date in another ISO form, a field of the wrong kind — makes it return
/// nil, and `JSONDecoder` reads the file as before (with its error message when it fails
/// too). Unknown keys are skipped, as `Codable` skips them.
enum RememberedStateReader {
    static func decode(_ data: Data) -> RememberedState? {
        guard case .object(let fields)? = PythonJSON.parse(bytes: [UInt8](data), strict: true) else { return nil }
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

    private static func stamped<Value>(_ value: PythonJSON, _ read: (PythonJSON) -> Value?) -> RememberedState.Stamped<Value>?? {
        if case .null = value { return .some(nil) }
        guard case .object(let fields) = value, let inner = field("value", fields).flatMap(read),
              let changed = field("changed", fields)?.string.flatMap(UTCDay.parseISO8601) else { return nil }
        return .some(RememberedState.Stamped(inner, changed: changed))
    }

    private static func balance(_ value: PythonJSON) -> BalanceReading? {
        guard case .object(let fields) = value,
              let time = field("time", fields)?.string.flatMap(UTCDay.parseISO8601),
              let host = field("endpointHost", fields)?.string, let currency = field("currency", fields)?.string,
              let total = finite(field("total", fields)), let resolution = finite(field("resolution", fields)) else { return nil }
        var id: Int64?
        if let raw = field("id", fields), raw != .null {
            guard let number = finite(raw), number == number.rounded(), abs(number) < 9e15 else { return nil }
            id = Int64(number)
        }
        func optionalNumber(_ key: String) -> Double?? {
            guard let raw = field(key, fields), raw != .null else { return .some(nil) }
            return finite(raw).map { .some($0) }
        }
        guard let granted = optionalNumber("granted"), let toppedUp = optionalNumber("toppedUp") else { return nil }
        return BalanceReading(id: id, time: time, endpointHost: host, currency: currency, total: total,
                              granted: granted, toppedUp: toppedUp, resolution: resolution)
    }

    /// A finite number (JSONDecoder refuses "1e400" for a Double).
    private static func finite(_ value: PythonJSON?) -> Double? {
        value?.number.flatMap { $0.isFinite ? $0 : nil }
    }

    /// The value of `key` (the strict parser refuses objects with a key twice).
    private static func field(_ key: String, _ fields: [(String, PythonJSON)]) -> PythonJSON? {
        fields.first { $0.0 == key }?.1
    }
}
