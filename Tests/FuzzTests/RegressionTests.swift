import ChatCore
@testable import ChatWire
import Foundation
@testable import Config
@testable import App
import Testing
@testable import TerminalUI

/// Inputs the fuzzers found, minimised, each with the invariant it broke.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// toml++ 3.4.0 asserted (debug) or assumed (release, undefined behaviour) on these.
    @Test(arguments: [
        ("[#rofiles]\n", 1), ("[[[1]]]", 1), ("a = 1\n[ =", 2), ("[\n", 1), ("[[ #x]]", 1),
        ("attrs = [\"bold\",}\"underline\"]", 1), ("a = [}]", 1), ("a = [ # c\n }]", 2), ("a=[[},]]", 1),
    ])
    func tomlThatCrashedTOMLKitIsAProblemWithALine(text: String, line: Int) {
        do {
            _ = try TOMLFile(path: "t.toml", text: text)
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.line == line)
            #expect(error.description.hasPrefix("t.toml:\(line):"))
        }
    }

    /// The same shapes inside strings, comments and values are valid TOML and must load.
    @Test(arguments: [
        "a = \"[#x]\"\n", "# [#x]\n", "a = [\n  [1, 2],\n  [3],\n]\n", "s = \"\"\"\n[#x]\na = [}]\n\"\"\"\n",
        "a = { b = [1, 2] }\n[t]\nc = 'x}'\n", "a = [ # c\n 1 ]\n", "[\"quoted key\"]\n[ 'lit' ]\n",
    ])
    func validTOMLStillLoads(text: String) throws {
        _ = try TOMLFile(path: "t.toml", text: text)
    }

    @Test func hugeRetryAfterDoesNotTrap() {
        let error = APIError.fromHTTP(status: 429, body: [], retryAfterHeader: "99999999999999999999",
                                      keySource: nil, now: Date(timeIntervalSince1970: 0))
        #expect(error.message.contains("Retry in"))
    }

    @Test func fileProblemsShowControlCharactersAsEscapes() {
        let problem = FileProblem(path: "t.toml", line: 3, column: nil, message: "bad colour \"#f6f8f\t\u{1B}]0;x\u{07}\u{202E}\"")
        #expect(problem.description == "t.toml:3: bad colour \"#f6f8f\\t\\u{1B}]0;x\\u{7}\\u{202E}\"")
    }

    @Test func keyCodesNeverBecomeControlCharactersOrTrap() {
        var decoder = KeyDecoder()
        // modifyOtherKeys with a C1 code, CSI-u with a C1 code and one past UInt32.
        #expect(decoder.feed("\u{1B}[27;5;137~\u{1B}[155u\u{1B}[99999999999u").isEmpty)
    }

    @Test func codeFenceLanguageLabelIsMeasuredInCells() {
        for width in 1...12 {
            for line in MarkdownRenderer.renderUncached("```中文中文\nx\n```", width: width) {
                #expect(line.width <= width)
            }
        }
    }

    @Test func quoteAtWidthOneOrTwoFits() {
        for width in 1...2 {
            let lines = MarkdownRenderer.renderUncached("> quote", width: width)
            #expect(lines.allSatisfy { $0.width <= width })
            #expect(!lines.isEmpty)
        }
    }
}
