@testable import CursesTerminal
import Testing
import TerminalUI

@Suite("Style to curses mapping")
struct StyleMappingTests {
    func resolved(_ fg: Color, _ bg: Color = .default, _ attributes: TextAttributes = []) -> ResolvedStyle {
        // ResolvedStyle has no public initialiser: resolve through a one-slot palette.
        Palette(depth: .trueColor, slots: [.text: SlotStyle(fg, background: bg, attributes: attributes)]).resolve(Style(.text))
    }

    @Test func colourNumbersPerDepth() {
        let c256 = CursesColorMapping(colors: 256, defaultColors: true, depth: .indexed256)
        #expect(c256.colorNumber(.default) == -1)
        #expect(c256.colorNumber(.ansi(9)) == 9)
        #expect(c256.colorNumber(.indexed(208)) == 208)
        #expect(c256.colorNumber(.rgb(255, 0, 0)) == 196)
        let c16 = CursesColorMapping(colors: 16, defaultColors: true, depth: .ansi16)
        #expect(c16.colorNumber(.ansi(9)) == 9)
        #expect(c16.colorNumber(.rgb(255, 0, 0)) == 9)
        #expect(c16.colorNumber(.indexed(196)) == 9)
        let c8 = CursesColorMapping(colors: 8, defaultColors: true, depth: .ansi8)
        #expect(c8.colorNumber(.ansi(9)) == 1)
        #expect(c8.colorNumber(.rgb(0, 0, 238)) == 4)
        let direct = CursesColorMapping(colors: 1 << 24, defaultColors: true, depth: .trueColor)
        #expect(direct.colorNumber(.rgb(0x12, 0x34, 0x56)) == 0x123456)
        #expect(direct.colorNumber(.rgb(0, 0, 3)) == 8, "values 0-7 mean ANSI colours in direct-colour terminfo")
        #expect(direct.colorNumber(.ansi(2)) == 2)
    }

    @Test func monochromeKeepsOnlyBoldDimUnderlineReverse() {
        let mono = CursesColorMapping(colors: 256, defaultColors: true, depth: .monochrome)
        let style = mono.cellStyle(resolved(.red, .blue, [.bold, .italic, .reverse, .underline, .dim]))
        #expect(style == CursesCellStyle(attributes: [.bold, .reverse, .underline, .dim], foreground: -1, background: -1))
        #expect(style.usesDefaultColors)
    }

    @Test func withoutDefaultColoursPairsNameRealColours() {
        let mapping = CursesColorMapping(colors: 8, defaultColors: false, depth: .ansi8)
        #expect(mapping.cellStyle(resolved(.default)) == CursesCellStyle(attributes: [], foreground: 7, background: 0))
        #expect(mapping.cellStyle(resolved(.green, .default, .bold)) == CursesCellStyle(attributes: .bold, foreground: 2, background: 0))
    }

    @Test func paletteSlotsResolveThroughToPairs() {
        let palette = Palette.dark.degraded(to: .indexed256)
        let mapping = CursesColorMapping(colors: 256, defaultColors: true, depth: .indexed256)
        var pairs = ColorPairTable(capacity: 256)
        var seen: [ColorPairTable.Key: Int32] = [:]
        for slot in ColorSlot.allCases {
            let cell = mapping.cellStyle(palette.resolve(Style(slot)))
            let (number, _) = pairs.pair(foreground: cell.foreground, background: cell.background)
            let key = ColorPairTable.Key(foreground: cell.foreground, background: cell.background)
            if let earlier = seen[key] { #expect(earlier == number, "one pair per colour combination") }
            seen[key] = number
            #expect(cell.usesDefaultColors ? number == 0 : number > 0, "\(slot)")
        }
    }

    @Test func pairsAreAllocatedOnceAndInOrder() {
        var table = ColorPairTable(capacity: 4)
        #expect(table.pair(foreground: -1, background: -1) == (0, false))
        #expect(table.pair(foreground: 1, background: -1) == (1, true))
        #expect(table.pair(foreground: 2, background: 4) == (2, true))
        #expect(table.pair(foreground: 1, background: -1) == (1, false))
        #expect(table.pair(foreground: 3, background: -1) == (3, true))
        // COLOR_PAIRS exhausted: default colours rather than a redefined pair.
        #expect(table.pair(foreground: 5, background: -1) == (0, false))
        #expect(table.pair(foreground: 2, background: 4) == (2, false))
        var none = ColorPairTable(capacity: 0)
        #expect(none.pair(foreground: 1, background: 2) == (0, false))
    }
}

@Suite("Glyph plans")
struct GlyphPlanTests {
    /// A stand-in for glibc's wcwidth: CJK and emoji 2, combining marks, ZWJ, VS16 and
    /// skin tones 0 (skin tones are 2 in glibc; see the ZWJ case), controls -1.
    static func wcwidth(_ v: UInt32) -> Int {
        switch v {
        case 0..<0x20: -1
        case 0x300..<0x370, 0x200D, 0xFE0F: 0
        case 0x4E00...0x9FFF, 0x1F300...0x1FAFF: 2
        default: 1
        }
    }

    @Test func plainAndWideCells() {
        #expect(GlyphPlan(text: "a", cellWidth: 1, wcwidth: Self.wcwidth) == GlyphPlan(scalars: [0x61], padding: 0))
        #expect(GlyphPlan(text: "中", cellWidth: 2, wcwidth: Self.wcwidth) == GlyphPlan(scalars: [0x4E2D], padding: 0))
        #expect(GlyphPlan(text: "e\u{301}", cellWidth: 1, wcwidth: Self.wcwidth) == GlyphPlan(scalars: [0x65, 0x301], padding: 0))
        #expect(GlyphPlan(text: "", cellWidth: 1, wcwidth: Self.wcwidth) == GlyphPlan(scalars: [0x20], padding: 0))
    }

    @Test func aBaseWithMarksCursesCanAttachGoesThroughCurses() {
        #expect(GlyphPlan(text: "e\u{301}\u{302}", cellWidth: 1, wcwidth: Self.wcwidth) == GlyphPlan(scalars: [0x65, 0x301, 0x302], padding: 0))
    }

    @Test func widerInLibcOrUnprintableIsReplaced() {
        #expect(GlyphPlan(text: "中", cellWidth: 1, wcwidth: Self.wcwidth) == GlyphPlan(scalars: [0x3F], padding: 0))
        #expect(GlyphPlan(text: "\u{1}", cellWidth: 1, wcwidth: Self.wcwidth) == GlyphPlan(scalars: [0x3F], padding: 0))
        #expect(GlyphPlan(text: "\u{301}", cellWidth: 2, wcwidth: Self.wcwidth) == GlyphPlan(scalars: [0x3F], padding: 1))
    }

    @Test func clustersCursesCannotHoldAreOverlaidWhole() {
        // curses gets blanks of the cell's width; the terminal gets the whole cluster.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
        let plan = GlyphPlan(text: family, cellWidth: 2, wcwidth: Self.wcwidth)
        #expect(plan == GlyphPlan(scalars: [0x20], padding: 1, overlay: true, overflow: 4))
        // A skin tone (2 wide in glibc), a flag, a keycap, a heart with VS16.
        for (text, overflow) in [("\u{1F44D}\u{1F3FD}", 2), ("\u{1F1FA}\u{1F1F8}", 0), ("1\u{FE0F}\u{20E3}", 0), ("\u{2764}\u{FE0F}", 0)] {
            let plan = GlyphPlan(text: text, cellWidth: 2, wcwidth: { $0 == 0x1F3FD ? 2 : Self.wcwidth($0) })
            #expect(plan.overlay, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(plan.scalars == [0x20] && plan.padding == 1)
            #expect(plan.overflow == overflow)
        }
        // Six combining marks: more than curses keeps, so the cluster is overlaid whole.
        let marks = "a" + String(repeating: "\u{301}", count: 6)
        #expect(GlyphPlan(text: marks, cellWidth: 1, maxScalars: 5, wcwidth: Self.wcwidth).overlay)
    }

    @Test func overlayBytesPlaceAndStyleTheCell() {
        #expect(OverlayText.cell("👍🏽", x: 4, y: 2, sgr: "") == "\u{1B}[3;5H👍🏽")
        #expect(OverlayText.sgr(attributes: [.bold, .reverse], foreground: -1, background: 4) == "\u{1B}[0;1;7;39;44m")
        #expect(OverlayText.sgr(attributes: [], foreground: 9, background: 200) == "\u{1B}[0;91;48;5;200m")
        #expect(OverlayText.sgr(attributes: [.underline], foreground: 0x10_20_30, background: -1) == "\u{1B}[0;4;38;2;16;32;48;49m")
    }
}

@Suite("Terminal modes and locale")
struct TerminalModesTests {
    @Test func enableAndDisableAreSymmetric() {
        let modes = TerminalModes(term: "xterm-256color")
        #expect(modes.modifyOtherKeys)
        #expect(modes.enable == "\u{1B}[?2004h\u{1B}[?1000h\u{1B}[?1006h\u{1B}[>4;1m")
        #expect(modes.disable == "\u{1B}[>4;0m\u{1B}[?1006l\u{1B}[?1000l\u{1B}[?2004l")
        #expect(modes.emergencyReset.hasSuffix("\u{1B}[?25h\u{1B}[?1049l"))
        #expect(modes.emergencyReset.contains(modes.disable))
    }

    @Test func consolesGetNoModifyOtherKeys() {
        for term in ["linux", "dumb", "vt100", "", "cons25"] {
            #expect(!TerminalModes(term: term).modifyOtherKeys, "\(term)")
            #expect(!TerminalModes(term: term).enable.contains(">4"), "\(term)")
        }
        #expect(!TerminalModes(term: nil).modifyOtherKeys)
        #expect(TerminalModes(term: "tmux-256color").modifyOtherKeys)
    }

    @Test func utf8CodesetNames() {
        #expect(LocaleSetup.isUTF8(codeset: "UTF-8"))
        #expect(LocaleSetup.isUTF8(codeset: "utf8"))
        #expect(!LocaleSetup.isUTF8(codeset: "ANSI_X3.4-1968"))
        #expect(!LocaleSetup.isUTF8(codeset: "ISO-8859-1"))
    }
}
