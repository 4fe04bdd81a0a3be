import Testing
@testable import Tokenizer

/// The compiled table must agree, for every code point, with the classes the oracle
/// showed (fixture from scripts/make_unicode_tables.py), plus the literal ASCII/range bits.
@Suite("Unicode class table")
struct ScalarClassTableTests {
    @Test func everyCodePointMatchesTheOracleFixture() throws {
        let file = try Fixtures.load(UnicodeClassFile.self, from: "unicode-classes.json")
        let table = ScalarClassTable.shared
        var covered = 0
        var mismatches: [String] = []
        for range in file.ranges {
            for scalar in range[0]...range[1] {
                let expected = UInt8(range[2]) | ScalarClass.fixedBits(of: UInt32(scalar))
                let actual = table.bits(of: UInt32(scalar))
                if actual != expected && mismatches.count < 10 {
                    mismatches.append("U+\(String(scalar, radix: 16, uppercase: true)): table \(actual), oracle \(expected)")
                }
                covered += 1
            }
        }
        #expect(covered == 0x110000)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "; "))")
    }

    @Test func spotChecks() {
        let table = ScalarClassTable.shared
        #expect(table.bits(of: 0x41) == ScalarClass.letterOrMark | ScalarClass.asciiLetter)
        #expect(table.bits(of: 0x0A) == ScalarClass.whitespace | ScalarClass.newline)
        #expect(table.bits(of: 0x3000) == ScalarClass.whitespace)
        #expect(table.bits(of: 0x0085) == ScalarClass.whitespace)
        #expect(table.bits(of: 0x001C) == 0)   // Python calls it space; onig's \s does not
        #expect(table.bits(of: 0x4E00) == ScalarClass.letterOrMark | ScalarClass.cjk)
        #expect(table.bits(of: 0x0661) == ScalarClass.number)
        #expect(table.bits(of: 0x0301) == ScalarClass.letterOrMark)
        #expect(table.bits(of: 0x1F600) == ScalarClass.punctuationOrSymbol)
        #expect(table.bits(of: 0xE000) == 0)
    }
}
