import Foundation
import TestSupport
import Testing

/// `CACHECHAT_TRACE_STARTUP`: the milestones file a start writes, read the way the README
/// and docs/BENCHMARKS.md describe it.
@Suite("start-up trace")
struct StartupTraceCLITests {
    @Test func askWritesEachMilestoneWithItsTimeAndPageFaults() throws {
        let home = try CachechatProcess.temporaryHome()
        let server = try ScriptedHTTPServer { _, _ in
            HTTPScript.stream(DeepSeekEvents.reply(["Traced."], prompt: 10, hit: 0, completion: 2))
        }
        let trace = home.appendingPathComponent("startup.trace").path
        let result = try CachechatProcess.run(
            ["ask", "Hello"],
            environment: CachechatProcess.environment(home: home, extra: [
                "DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": AskCommandTests.key,
                "CACHECHAT_TRACE_STARTUP": trace,
            ]))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("# cachechat start-up") == true)
        // "   12.34 (   15.6)    812  name": ms since main, ms since exec, page faults, the milestone.
        var marks: [(ms: Double, faults: Int, name: String)] = []
        for line in lines.dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            try #require(fields.count >= 5, "\(line)")
            let ms = try #require(Double(fields[0]), "\(line)")
            #expect(fields[1] == "(" || fields[1].hasPrefix("("), "\(line)")
            let rest = fields.drop { !$0.hasSuffix(")") }.dropFirst()
            let faults = try #require(rest.first.flatMap { Int($0) }, "\(line)")
            marks.append((ms, faults, rest.dropFirst().joined(separator: " ")))
        }
        #expect(marks.first?.name == "main")
        #expect(marks.first?.ms == 0)
        #expect(marks.contains { $0.name == "ask: reply ended" })
        #expect(marks.last?.name == "ask: done")
        // One thread marks them all: time and faults only grow, and starting a process
        // faults pages in.
        #expect(zip(marks, marks.dropFirst()).allSatisfy { $0.ms <= $1.ms && $0.faults <= $1.faults })
        #expect((marks.first?.faults ?? 0) > 0)
        #expect((marks.last?.faults ?? 0) > (marks.first?.faults ?? 0))
    }
}
