import ChatCore
import Foundation
import Testing

/// `Formatting.printfFixed` writes what C's `%.*f` writes (Foundation's `String(format:)`
/// is the oracle here): every digit, rounding on the exact binary value, ties to even.
@Suite("Fixed-point text as printf writes it")
struct PrintfFixedTests {
    static func printf(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

    @Test func awkwardValues() {
        let values: [Double] = [
            0, -0.0, 1, -1, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1.005, 2.675, 0.045, 1e-7, 123.456, 110, 99.995,
            9.999_999_999_999, 0.1, 0.2, 0.3, 1e15 + 0.3, 4_503_599_627_370_495.5, 9_007_199_254_740_993,
            1e22, 1e23, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, -1e-300, 100.000_000_5,
            .nan, .infinity, -.infinity,
        ]
        for value in values {
            for decimals in 0...12 {
                #expect(Formatting.printfFixed(value, decimals: decimals) == Self.printf(value, decimals),
                        "\(value) with \(decimals) decimals")
            }
        }
    }

    @Test func randomBitPatternsAndAmounts() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<6_000 {
            let value: Double
            switch round % 4 {
            case 0: value = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
            case 1: value = Double(Int.random(in: -10_000_000...10_000_000, using: &generator)) / 1000  // "123.456"
            case 2: value = Double(Int.random(in: 0...1_000_000, using: &generator)) / 8                // exact ties
            default: value = Double.random(in: -1e6...1e6, using: &generator)
            }
            let decimals = Int.random(in: 0...12, using: &generator)
            #expect(Formatting.printfFixed(value, decimals: decimals) == Self.printf(value, decimals),
                    "\(value.bitPattern) with \(decimals) decimals")
        }
    }

    @Test func aBalanceReadsAsBefore() {
        let reading = BalanceReading(time: Date(timeIntervalSince1970: 0), endpointHost: "h", currency: "USD", total: 110,
                                     granted: 10, toppedUp: 100, resolution: 0.01)
        #expect(reading.text() == "$110.00 (granted $10.00 · topped up $100.00)")
        let fine = BalanceReading(time: Date(timeIntervalSince1970: 0), endpointHost: "h", currency: "EUR", total: 3.14,
                                  resolution: 1e-6)
        #expect(fine.text() == "3.140000 EUR")
    }
}
