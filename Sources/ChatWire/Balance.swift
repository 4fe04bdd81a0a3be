import Foundation

/// The body of DeepSeek's `GET /user/balance`.
///
/// Amounts are decimal strings on the wire (`"110.00"`); numbers are accepted too and kept
/// as their text. `Decimal` accessors parse them for arithmetic.
public struct Balance: Sendable, Equatable, Codable {
    /// False when the balance cannot pay for a request.
    public var isAvailable: Bool?
    public var balanceInfos: [Info]

    /// The balance in one currency.
    public struct Info: Sendable, Equatable, Codable {
        /// `"CNY"` or `"USD"`.
        public var currency: String?
        public var totalBalance: String?
        public var grantedBalance: String?
        public var toppedUpBalance: String?

        public init(
            currency: String?, totalBalance: String?, grantedBalance: String? = nil,
            toppedUpBalance: String? = nil
        ) {
            self.currency = currency
            self.totalBalance = totalBalance
            self.grantedBalance = grantedBalance
            self.toppedUpBalance = toppedUpBalance
        }

        /// `totalBalance` parsed as a decimal number.
        public var total: Decimal? { totalBalance.flatMap { Decimal(string: $0) } }

        private enum CodingKeys: String, CodingKey {
            case currency
            case totalBalance = "total_balance"
            case grantedBalance = "granted_balance"
            case toppedUpBalance = "topped_up_balance"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            currency = try? container.decodeIfPresent(String.self, forKey: .currency)
            totalBalance = container.amount(.totalBalance)
            grantedBalance = container.amount(.grantedBalance)
            toppedUpBalance = container.amount(.toppedUpBalance)
        }
    }

    public init(isAvailable: Bool?, balanceInfos: [Info]) {
        self.isAvailable = isAvailable
        self.balanceInfos = balanceInfos
    }

    private enum CodingKeys: String, CodingKey {
        case isAvailable = "is_available"
        case balanceInfos = "balance_infos"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        isAvailable = try? container.decodeIfPresent(Bool.self, forKey: .isAvailable)
        balanceInfos = try container.decodeIfPresent([Info].self, forKey: .balanceInfos) ?? []
    }
}

extension KeyedDecodingContainer {
    /// A money amount written as a string or a number, kept as text.
    fileprivate func amount(_ key: Key) -> String? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text }
        if let number = try? decodeIfPresent(Decimal.self, forKey: key) { return "\(number)" }
        return nil
    }
}
