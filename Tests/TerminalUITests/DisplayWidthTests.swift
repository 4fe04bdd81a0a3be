import Testing
@testable import TerminalUI

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("a", 1), (" ", 1), ("中", 2), ("日", 2), ("ア", 2), ("ｱ", 1), ("한", 2), ("Ａ", 2),
        ("👍", 2), ("👍🏽", 2), ("👩‍👩‍👧‍👦", 2), ("🇯🇵", 2), ("❤", 1), ("❤️", 2), ("☺︎", 1), ("1️⃣", 2),
        ("e\u{301}", 1), ("\u{301}", 0), ("\u{200D}", 0), ("\u{FE0F}", 0), ("\u{7}", 0), ("\t", 0),
        ("é", 1), ("…", 1), ("─", 1), ("⠋", 1), ("\u{1100}\u{1161}", 2),
    ] as [(String, Int)])
    func clusterWidths(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width, "width of \(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func stringWidthIsSumOfClusters() {
        #expect(DisplayWidth.of("hello") == 5)
        #expect(DisplayWidth.of("中文abc") == 7)
        #expect(DisplayWidth.of("👩‍👩‍👧‍👦 ok 👍🏽") == 8)
        #expect(DisplayWidth.of("naïve e\u{301}") == 7)
    }

    @Test func scalarTable() {
        #expect(DisplayWidth.of(Unicode.Scalar(0x4E00)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x0300)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x1F600)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x00A0)!) == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0x3000)!) == 2)
        #expect(WidthTables.unicodeVersion.hasPrefix("1"))
    }

    @Test func tablesAreSortedPairs() {
        for table in [WidthTables.wide, WidthTables.zero, WidthTables.vs16NarrowToWide, WidthTables.extendedPictographic] {
            #expect(table.count % 2 == 0)
            for i in stride(from: 0, to: table.count, by: 2) {
                #expect(table[i] <= table[i + 1])
                if i + 2 < table.count { #expect(table[i + 1] < table[i + 2]) }
            }
        }
    }
}
