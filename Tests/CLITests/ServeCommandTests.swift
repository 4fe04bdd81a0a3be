import Foundation
import TestSupport
import Testing

@Suite("cachechat serve")
struct ServeCommandTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func printsWhereItListensServesAndStopsCleanly(signal: Int32) throws {
        let home = try CachechatProcess.temporaryHome()
        let process = Process()
        process.executableURL = CachechatProcess.binary
        process.arguments = ["serve", "--port", "0", "--cache-model", "v3", "--data-dir", home.appendingPathComponent("emu").path]
        process.environment = CachechatProcess.environment(home: home)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var banner = Data()
        let deadline = Date().addingTimeInterval(20)
        while !banner.contains(UInt8(ascii: "\n")) && Date() < deadline {
            banner.append(output.fileHandleForReading.availableData)
        }
        let line = String(decoding: banner, as: UTF8.self)
        #expect(line.contains("listening on http://127.0.0.1:"))
        #expect(line.contains("cache model v3"))
        let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))

        let question = String(repeating: "Long shared context for the cache. ", count: 20) + "Question?"
        let env = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": url, "DEEPSEEK_API_KEY": "sk-serve-test-1234"])
        _ = try CachechatProcess.run(["ask", "--json", question], environment: env)
        let again = try CachechatProcess.run(["ask", "--json", question], environment: env)
        #expect(again.status == 0)
        #expect(again.stdout.contains("\"prompt_cache_hit_tokens\":"))
        #expect(!again.stdout.contains("\"prompt_cache_hit_tokens\":0,"))

        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("stopped"))
    }

    @Test func badFlagsAreUsageErrors() throws {
        let home = try CachechatProcess.temporaryHome()
        let result = try CachechatProcess.run(["serve", "--fault", "explode=1"], environment: CachechatProcess.environment(home: home))
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown fault"))
        let ttl = try CachechatProcess.run(["serve", "--ttl", "soon"], environment: CachechatProcess.environment(home: home))
        #expect(ttl.status == 2)
        #expect(ttl.stderr.contains("--ttl"))
    }
}
