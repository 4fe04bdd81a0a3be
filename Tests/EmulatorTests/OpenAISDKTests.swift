import Emulator
import Foundation
import Testing

/// The official OpenAI Python SDK, a real third-party client, against the emulator.
/// `scripts/test` installs it into `.venv-test`; CACHECHAT_TEST_PYTHON overrides the interpreter.
@Suite("OpenAI Python SDK against the emulator")
struct OpenAISDKTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var python: String? {
        if let custom = ProcessInfo.processInfo.environment["CACHECHAT_TEST_PYTHON"] { return custom }
        let venv = root.appendingPathComponent(".venv-test/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    @Test func streamsAndReadsUsageFields() throws {
        let python = try #require(Self.python, "No Python with the openai package: run scripts/test (it creates .venv-test) or set CACHECHAT_TEST_PYTHON.")
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.root.appendingPathComponent("scripts/openai_probe.py").path, harness.baseURL]
        var environment = ProcessInfo.processInfo.environment
        environment["NO_PROXY"] = "127.0.0.1,localhost"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errorText)")
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])

        let whole = try #require(result["whole"] as? [String: Any])
        let wholeUsage = try #require(whole["usage"] as? [String: Any])
        #expect((whole["content"] as? String)?.isEmpty == false)
        #expect(whole["finish_reason"] as? String == "stop")
        #expect(wholeUsage["prompt_cache_hit_tokens"] as? Int == 0)
        let prompt = try #require(wholeUsage["prompt_tokens"] as? Int)
        #expect(wholeUsage["prompt_cache_miss_tokens"] as? Int == prompt)

        // The same prompt again, streamed: its whole 64-token units are now a hit.
        let stream = try #require(result["stream"] as? [String: Any])
        let streamUsage = try #require(stream["usage"] as? [String: Any])
        #expect(stream["content"] as? String == whole["content"] as? String)
        #expect(stream["finish_reason"] as? String == "stop")
        #expect(streamUsage["prompt_tokens"] as? Int == prompt)
        #expect(streamUsage["prompt_cache_hit_tokens"] as? Int == prompt / 64 * 64)
        #expect(streamUsage["cached_tokens"] as? Int == prompt / 64 * 64)
        #expect(streamUsage["prompt_cache_miss_tokens"] as? Int == prompt - prompt / 64 * 64)
        #expect((stream["chunks"] as? Int ?? 0) > 3)

        let thinking = try #require(result["thinking"] as? [String: Any])
        #expect((thinking["reasoning"] as? String)?.isEmpty == false)
        #expect((result["models"] as? [String])?.contains("deepseek-v4-pro") == true)
    }
}
