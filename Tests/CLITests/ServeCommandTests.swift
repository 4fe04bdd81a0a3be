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

    @Test func logFileGetsALinePerResponse() throws {
        let home = try CachechatProcess.temporaryHome()
        let logPath = home.appendingPathComponent("requests.jsonl").path
        let process = Process()
        process.executableURL = CachechatProcess.binary
        process.arguments = ["serve", "--port", "0", "--memory", "--speed", "0", "--reply-tokens", "30", "--log-file", logPath]
        process.environment = CachechatProcess.environment(home: home)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        var banner = Data()
        let deadline = Date().addingTimeInterval(20)
        while !banner.contains(UInt8(ascii: "\n")) && Date() < deadline {
            banner.append(output.fileHandleForReading.availableData)
        }
        let line = String(decoding: banner, as: UTF8.self)
        let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        let env = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": url, "DEEPSEEK_API_KEY": "sk-serve-log-1234"])
        let asked = try CachechatProcess.run(["ask", "--json", "--model", "deepseek-chat", "Why log?"], environment: env)
        #expect(asked.status == 0)
        let log = Poll.until { () -> String? in
            (try? String(contentsOfFile: logPath, encoding: .utf8)).flatMap { $0.contains("\n") ? $0 : nil }
        } ?? ""
        let entry = try #require(JSONSerialization.jsonObject(with: Data(log.utf8.prefix { $0 != 10 })) as? [String: Any])
        #expect(entry["status"] as? Int == 200)
        #expect(entry["outcome"] as? String == "complete")
        #expect(entry["completion_tokens"] as? Int == 31)
        #expect(entry["ended_mono"] is Double)
        #expect(asked.stdout.contains("\"completion_tokens\":31"))

        let bad = try CachechatProcess.run(["serve", "--log-file", home.appendingPathComponent("missing/dir/log").path],
                                           environment: CachechatProcess.environment(home: home))
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--log-file"))
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

@Suite("cachechat serve storage")
struct ServeStorageTests {
    @Test func anUnwritableCacheFolderIsSaidToBeMemoryOnly() throws {
        let home = try CachechatProcess.temporaryHome()
        let blocker = home.appendingPathComponent("a-file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = CachechatProcess.binary
        process.arguments = ["serve", "--port", "0", "--data-dir", blocker.appendingPathComponent("emu").path]
        process.environment = CachechatProcess.environment(home: home)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var banner = Data()
        while !banner.contains(UInt8(ascii: "\n")) {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            banner.append(data)
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let line = String(decoding: banner, as: UTF8.self)
        #expect(line.contains("cache in memory only: \(blocker.path)/emu cannot be written"), "\(line)")
    }
}
