import Foundation
import TestSupport
import Testing

@Suite("cachechat serve --upstream")
struct ServeUpstreamTests {
    /// Starts `cachechat serve` and returns the process and its URL.
    func serve(_ arguments: [String], environment: [String: String]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = CachechatProcess.binary
        process.arguments = ["serve", "--port", "0", "--memory", "--speed", "0"] + arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var banner = Data()
        let deadline = Date().addingTimeInterval(20)
        while !banner.contains(UInt8(ascii: "\n")) && Date() < deadline { banner.append(output.fileHandleForReading.availableData) }
        let line = String(decoding: banner, as: UTF8.self)
        let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init), "no URL in: \(line)")
        return (process, url)
    }

    @Test func generationComesFromUpstreamAndTheCacheIsCountedHere() throws {
        let home = try CachechatProcess.temporaryHome()
        let base = CachechatProcess.environment(home: home)
        let (upstream, upstreamURL) = try serve(["--reply-tokens", "25"], environment: base)
        defer { upstream.terminate() }
        var environment = base
        environment["CACHECHAT_UPSTREAM_API_KEY"] = "sk-upstream-key-1234"
        let (front, frontURL) = try serve(["--cache-model", "v3", "--upstream", upstreamURL], environment: environment)
        defer { front.terminate() }

        let question = String(repeating: "Context that repeats so the prefix is cached. ", count: 12) + "Question?"
        func ask(_ url: String) throws -> [String: Any] {
            let result = try CachechatProcess.run(["ask", "--json", "--no-save", "--model", "deepseek-chat", question],
                                                  environment: CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": url, "DEEPSEEK_API_KEY": "sk-front"]))
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        let direct = try ask(upstreamURL)
        let first = try ask(frontURL)
        let second = try ask(frontURL)
        // The text is the upstream's (its 25-token replies), the accounting the front's (v3, 64-token units).
        #expect(first["content"] as? String == direct["content"] as? String)
        let usage = try #require(second["usage"] as? [String: Any])
        let prompt = try #require(usage["prompt_tokens"] as? Int)
        #expect(usage["prompt_cache_hit_tokens"] as? Int == prompt / 64 * 64)
        #expect((first["usage"] as? [String: Any])?["prompt_cache_hit_tokens"] as? Int == 0)
    }

    @Test func anUnreachableUpstreamIsA502WithItsReason() throws {
        let home = try CachechatProcess.temporaryHome()
        let (front, frontURL) = try serve(["--upstream", "http://127.0.0.1:9"], environment: CachechatProcess.environment(home: home))
        defer { front.terminate() }
        let result = try CachechatProcess.run(["ask", "--json", "--no-save", "Hi"],
                                              environment: CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": frontURL, "DEEPSEEK_API_KEY": "sk-front"]))
        #expect(result.status == 6)
        #expect(result.stdout.contains("upstream"))
    }
}
