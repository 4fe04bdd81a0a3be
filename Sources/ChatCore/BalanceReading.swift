import Foundation

/// One reading of an account's balance (`GET /user/balance`), kept in the history so that
/// the drop between two readings can be compared with the ledger's cost in between.
public struct BalanceReading: Sendable, Equatable, Codable {
    public var id: Int64?
    public var time: Date
    /// The endpoint's host: readings of different accounts are never compared.
    public var endpointHost: String
    /// `"USD"`, `"CNY"`, as the server names it.
    public var currency: String
    public var total: Double
    public var granted: Double?
    public var toppedUp: Double?
    /// The smallest step the server's amounts show (0.01 for "110.00").
    public var resolution: Double

    public init(id: Int64? = nil, time: Date, endpointHost: String, currency: String, total: Double,
                granted: Double? = nil, toppedUp: Double? = nil, resolution: Double = 0.01) {
        self.id = id
        self.time = time
        self.endpointHost = endpointHost
        self.currency = currency
        self.total = total
        self.granted = granted
        self.toppedUp = toppedUp
        self.resolution = resolution
    }

    /// The step of a decimal amount as written: "110.00" -> 0.01, "3.140000" -> 0.000001;
    /// at most twelve decimals ("1." and 400 zeros made it 0, and the panel trapped).
    public static func resolution(of text: String) -> Double {
        guard let dot = text.firstIndex(of: ".") else { return 1 }
        let decimals = text[text.index(after: dot)...].prefix { $0.isNumber }.count
        return pow(10, -Double(min(decimals, maxDecimals)))
    }

    static let maxDecimals = 12

    /// "$110.00 (granted $10.00 · topped up $100.00)"; other currencies by code.
    public func text() -> String {
        func money(_ amount: Double) -> String {
            // Whatever a stored reading says (state.json, the history): 2 to 12 decimals.
            let decimals = -log10(resolution)
            let digits = decimals.isFinite ? min(max(2, Int(decimals.rounded())), Self.maxDecimals) : 2
            let number = Formatting.printfFixed(amount, decimals: digits)
            switch currency.uppercased() {
            case "USD": return "$" + number
            case "CNY": return "¥" + number
            default: return number + " " + currency
            }
        }
        var parts: [String] = []
        if let granted { parts.append("granted " + money(granted)) }
        if let toppedUp { parts.append("topped up " + money(toppedUp)) }
        return money(total) + (parts.isEmpty ? "" : " (" + parts.joined(separator: " · ") + ")")
    }
}

/// The balance's drop between two readings against the ledger's cost of the requests in
/// between: more than 5% apart means the price table (or the ledger) is wrong.
public struct BalanceCheck: Sendable, Equatable {
    public var from: BalanceReading
    public var to: BalanceReading
    /// What the account was charged: the drop of the total.
    public var charged: Double
    /// The ledger's cost of the requests between the readings in the account's currency;
    /// nil when some of them have no cost in it (a currency mismatch, an unknown price).
    public var ledgerCost: Double?
    public var requests: Int

    public static let tolerance = 0.05

    /// Compares `to` with the previous reading `from` (same endpoint and currency) over
    /// `ledger` (any rows; those of the endpoint sent between the readings count).
    public init(from: BalanceReading, to: BalanceReading, ledger: [LedgerEntry]) {
        self.from = from
        self.to = to
        charged = from.total - to.total
        let between = ledger.filter { $0.endpointHost == from.endpointHost && $0.time >= from.time && $0.time < to.time }
        requests = between.count
        let costs = between.filter { $0.cost != nil || $0.promptTokens != nil }
        if costs.allSatisfy({ $0.cost != nil && $0.currency?.uppercased() == from.currency.uppercased() }) {
            ledgerCost = costs.compactMap(\.cost).reduce(0, +)
        } else {
            ledgerCost = nil
        }
    }

    /// Whether the two differ by more than 5% of the ledger's figure, and by more than the
    /// balance's own rounding (two steps of its last decimal). A rise (a top-up) is never
    /// compared.
    public var isMismatch: Bool {
        guard let ledgerCost, requests > 0, charged >= 0 else { return false }
        let difference = abs(charged - ledgerCost)
        return difference > Self.tolerance * ledgerCost && difference > 2 * max(from.resolution, to.resolution)
    }

    /// "account charged $0.0140, ledger says $0.0121 — prices may be out of date".
    public var message: String? {
        guard isMismatch, let ledgerCost else { return nil }
        let currency = Currency(rawValue: from.currency.uppercased())
        func money(_ amount: Double) -> String {
            currency.map { Formatting.money(amount, currency: $0) } ?? Formatting.printfFixed(amount, decimals: 4) + " " + from.currency
        }
        // More charged than the ledger knows can also be spending the ledger never saw: the
        // same account used with another key, elsewhere, or by `ask --no-save`.
        return "account charged \(money(charged)), ledger says \(money(ledgerCost)) — prices may be out of date"
            + (charged > ledgerCost ? ", or the account was used elsewhere (another key, --no-save)" : "")
    }
}

extension BalanceCheck {
    /// For each reading (oldest first), the check against the previous reading of the same
    /// endpoint and currency; nil for the first of each.
    public static func checks(_ readings: [BalanceReading], ledger: [LedgerEntry]) -> [BalanceCheck?] {
        var last: [String: BalanceReading] = [:]
        return readings.map { reading in
            let key = reading.endpointHost + "\u{0}" + reading.currency
            defer { last[key] = reading }
            return last[key].map { BalanceCheck(from: $0, to: reading, ledger: ledger) }
        }
    }
}
