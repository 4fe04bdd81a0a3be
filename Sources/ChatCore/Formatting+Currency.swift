@_exported import Numbers

extension Formatting {
    /// Money in `currency`: `"$0.000123"`, `"¥12.35"`.
    public static func money(_ amount: Double, currency: Currency) -> String {
        money(amount, symbol: currency.symbol)
    }
}
