@testable import CursesTerminal
import Testing
import TerminalUI

@Suite("Colour depth detection")
struct ColorSupportTests {
    @Test func followsTerminfoColours() {
        let env = ["TERM": "xterm-256color"]
        #expect(ColorSupport.depth(environment: env, hasColors: true, colors: 256) == .indexed256)
        #expect(ColorSupport.depth(environment: env, hasColors: true, colors: 16) == .ansi16)
        #expect(ColorSupport.depth(environment: env, hasColors: true, colors: 8) == .ansi8)
        #expect(ColorSupport.depth(environment: env, hasColors: true, colors: 1 << 24) == .trueColor)
        #expect(ColorSupport.depth(environment: env, hasColors: true, colors: 2) == .monochrome)
        #expect(ColorSupport.depth(environment: env, hasColors: false, colors: 0) == .monochrome)
    }

    @Test func noColorForcesMonochromeUnlessEmpty() {
        #expect(ColorSupport.depth(environment: ["NO_COLOR": "1"], hasColors: true, colors: 256) == .monochrome)
        #expect(ColorSupport.depth(environment: ["NO_COLOR": ""], hasColors: true, colors: 256) == .indexed256)
    }

    @Test func colortermAloneCannotExceedTerminfo() {
        let env = ["COLORTERM": "truecolor"]
        #expect(ColorSupport.emulatorClaimsTrueColor(environment: env))
        #expect(ColorSupport.emulatorClaimsTrueColor(environment: ["COLORTERM": "24bit"]))
        #expect(!ColorSupport.emulatorClaimsTrueColor(environment: [:]))
        #expect(ColorSupport.depth(environment: env, hasColors: true, colors: 256) == .indexed256)
        #expect(ColorSupport.depth(environment: env, hasColors: true, colors: 1 << 24) == .trueColor)
    }
}
