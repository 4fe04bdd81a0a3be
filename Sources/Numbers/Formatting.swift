/// Number formats shared by the CLI, the TUI and the cores: the same number is written
/// the same way in the panel, `/stats`, `cachechat stats` and `ask`'s usage line.
///
/// Locale-independent on purpose (golden snapshots and logs must not depend on the
/// machine's locale), so Foundation's formatters are not used.
public enum Formatting {
    /// `1234567` → `"1,234,567"`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// `12_345` → `"12.3k"`, `4_200_000` → `"4.2M"`; below 10,000 as ``grouped(_:)``.
    public static func compact(_ value: Int) -> String {
        let magnitude = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        if magnitude < 10_000 { return grouped(value) }
        if magnitude < 1_000_000 { return sign + fixed(magnitude / 1000, decimals: magnitude < 100_000 ? 1 : 0) + "k" }
        return sign + fixed(magnitude / 1_000_000, decimals: magnitude < 100_000_000 ? 1 : 0) + "M"
    }

    /// A fixed-point decimal with grouped thousands: `fixed(1234.567, decimals: 2)` → `"1,234.57"`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "—" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return value < 0 ? "-∞" : "∞" }
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard decimals > 0 else { return sign + grouped(whole) }
        let fractionText = String(fraction)
        return sign + grouped(whole) + "." + String(repeating: "0", count: decimals - fractionText.count) + fractionText
    }

    /// A ratio 0…1 as a whole percentage: `0.873` → `"87%"`; nil → `"—"`.
    public static func percent(_ ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return "—" }
        return fixed(ratio * 100, decimals: 0) + "%"
    }

    /// Money: two decimals from 1 up; below 1, enough decimals for three significant
    /// digits, so a small amount is never shown as zero (`"$0.0421"`, `"$0.000123"`,
    /// `"$0.0000012"`); exactly zero is `"$0.00"`; nil (unknown price) is `"—"`.
    public static func money(_ amount: Double?, symbol: String = "$") -> String {
        guard let amount, amount.isFinite else { return "—" }
        let magnitude = abs(amount)
        let decimals: Int
        if magnitude == 0 || magnitude >= 1 {
            decimals = 2
        } else {
            // Leading zeros after the point, then three significant digits (at most 12).
            var leading = 0
            var scaled = magnitude
            while scaled < 0.1 && leading < 9 {
                scaled *= 10
                leading += 1
            }
            decimals = min(12, max(2, leading + 3))
        }
        var text = fixed(magnitude, decimals: decimals)
        if magnitude < 1, decimals > 2 {
            // Trailing zeros of the significant part add nothing: "0.0420" → "0.042".
            while text.hasSuffix("0") && text.count > 4 && !text.hasSuffix(".00") { text.removeLast() }
        }
        return (amount < 0 ? "-" : "") + symbol + text
    }

    /// Seconds: `0.412` → `"412 ms"`, `2.5` → `"2.5 s"`; nil → `"—"`.
    public static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "—" }
        if seconds < 1 { return fixed(seconds * 1000, decimals: 0) + " ms" }
        return fixed(seconds, decimals: 1) + " s"
    }
    /// `value` with exactly `decimals` digits after the point and no grouping, as C's
    /// `printf("%.*f")` writes it: the exact binary value rounded to nearest, ties to even,
    /// every digit of a large value, `-` kept on a negative that rounds to zero, `nan`,
    /// `inf`. Foundation's `String(format:)` gives the same text at the cost of a first use
    /// that scanned the binary's conformance records (0.3 ms of the first frame with a
    /// balance on it). `decimals` is clamped to 0...40 (printf would write every digit
    /// asked for, and take a negative precision as 6); the callers ask for 2 to 12.
    public static func printfFixed(_ value: Double, decimals: Int) -> String {
        let sign = value.sign == .minus ? "-" : ""
        if value.isNaN { return sign + "nan" }
        if value.isInfinite { return sign + "inf" }
        let decimals = min(max(decimals, 0), 40)
        // value = significand × 2^exponent, exactly.
        let magnitude = value.magnitude
        var significand = magnitude.significandBitPattern
        var exponent = Int(magnitude.exponentBitPattern)
        if exponent == 0 { exponent = 1 } else { significand |= 1 << 52 }
        exponent = significand == 0 ? 0 : exponent - 1075
        // Its digits, as a decimal integer in base-10^9 limbs (least significant first),
        // and how many of them are after the point: m × 2^e for e ≥ 0, or m × 5^k / 10^k.
        var limbs: [UInt32] = significand == 0 ? [] : [UInt32(significand % 1_000_000_000),
                                                         UInt32(significand / 1_000_000_000 % 1_000_000_000),
                                                         UInt32(significand / 1_000_000_000_000_000_000)]
        func multiply(by factor: UInt64, times: Int) {
            for _ in 0..<times {
                var carry: UInt64 = 0
                for index in limbs.indices {
                    let product = UInt64(limbs[index]) * factor + carry
                    limbs[index] = UInt32(product % 1_000_000_000)
                    carry = product / 1_000_000_000
                }
                if carry > 0 { limbs.append(UInt32(carry)) }
            }
        }
        let fractionDigits = max(0, -exponent)
        multiply(by: exponent >= 0 ? 2 : 5, times: abs(exponent))
        var digits: [UInt8] = []  // most significant first, no leading zeros
        for limb in limbs.reversed() {
            var chunk = [UInt8](repeating: 0, count: 9)
            var rest = limb
            for position in (0..<9).reversed() {
                chunk[position] = UInt8(rest % 10)
                rest /= 10
            }
            for digit in chunk where !(digits.isEmpty && digit == 0) { digits.append(digit) }
        }
        // At least one digit before the point and `decimals` after it.
        if digits.count <= fractionDigits {
            digits = [UInt8](repeating: 0, count: fractionDigits - digits.count + 1) + digits
        }
        let keep = digits.count - fractionDigits + decimals
        if keep < digits.count {
            // Round the dropped tail: above half up, exactly half to even.
            let first = digits[keep]
            let restIsZero = digits[(keep + 1)...].allSatisfy { $0 == 0 }
            let odd = keep > 0 && digits[keep - 1] % 2 == 1
            digits.removeLast(digits.count - keep)
            if first > 5 || (first == 5 && (!restIsZero || odd)) {
                var index = digits.count - 1
                while index >= 0 && digits[index] == 9 {
                    digits[index] = 0
                    index -= 1
                }
                if index >= 0 { digits[index] += 1 } else { digits.insert(1, at: 0) }
            }
        } else {
            digits += [UInt8](repeating: 0, count: keep - digits.count)
        }
        let whole = digits.count - decimals
        var text = String.UnicodeScalarView()
        for (index, digit) in digits.enumerated() {
            if index == whole { text.append(".") }
            text.append(Unicode.Scalar(48 + digit))
        }
        return sign + String(text)
    }
}
