/// Number formats shared by the CLI and the TUI. Locale-independent on purpose:
/// the same numbers in tests, logs and screenshots everywhere.
public enum Formatting {
    /// 1234567 -> "1,234,567".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// A money amount with enough significant digits to be useful for fractions of a cent:
    /// "$0.000123", "$0.0421", "$12.35".
    public static func money(_ amount: Double, currency: Currency) -> String {
        currency.symbol + decimal(amount)
    }

    static func decimal(_ amount: Double) -> String {
        let magnitude = abs(amount)
        let places: Int
        switch magnitude {
        case 0: return "0"
        case 1...: places = 2
        case 0.01...: places = 4
        default: places = 6
        }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (magnitude * scale).rounded()
        let whole = Int(rounded / scale)
        let fraction = Int(rounded - Double(whole) * scale)
        var fractionText = String(fraction)
        while fractionText.count < places { fractionText = "0" + fractionText }
        return (amount < 0 ? "-" : "") + "\(whole).\(fractionText)"
    }

    /// 0.9312 -> "93%".
    public static func percent(_ ratio: Double) -> String {
        "\(Int((ratio * 100).rounded()))%"
    }
}
