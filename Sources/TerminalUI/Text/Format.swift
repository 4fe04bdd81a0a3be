/// Locale-independent number formatting for the UI (golden snapshots must not depend on
/// the machine's locale, so Foundation's formatters are not used).
public enum Format {
    /// `1234567` → `"1,234,567"`.
    public static func thousands(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// `12_345` → `"12.3k"`, `4_200_000` → `"4.2M"`; below 10,000 as ``thousands(_:)``.
    public static func compact(_ value: Int) -> String {
        let magnitude = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        if magnitude < 10_000 { return thousands(value) }
        if magnitude < 1_000_000 { return sign + fixed(magnitude / 1000, decimals: magnitude < 100_000 ? 1 : 0) + "k" }
        return sign + fixed(magnitude / 1_000_000, decimals: magnitude < 100_000_000 ? 1 : 0) + "M"
    }

    /// A fixed-point decimal: `fixed(3.14159, decimals: 2)` → `"3.14"`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "—" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard decimals > 0 else { return sign + thousands(whole) }
        let fractionText = String(fraction)
        return sign + thousands(whole) + "." + String(repeating: "0", count: decimals - fractionText.count) + fractionText
    }

    /// A ratio 0…1 as a whole percentage: `0.873` → `"87%"`; nil → `"—"`.
    public static func percent(_ ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return "—" }
        return fixed(ratio * 100, decimals: 0) + "%"
    }

    /// Money with enough decimals to be useful for small amounts; nil (unknown price) → `"—"`.
    public static func cost(_ value: Double?, symbol: String = "$") -> String {
        guard let value, value.isFinite else { return "—" }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 2 : magnitude >= 1 ? 3 : 4
        return (value < 0 ? "-" : "") + symbol + fixed(magnitude, decimals: decimals)
    }

    /// Seconds: `0.412` → `"412 ms"`, `2.5` → `"2.5 s"`; nil → `"—"`.
    public static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "—" }
        if seconds < 1 { return fixed(seconds * 1000, decimals: 0) + " ms" }
        return fixed(seconds, decimals: 1) + " s"
    }
}
