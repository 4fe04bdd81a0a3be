import Foundation
import TestSupport
import Testing

/// How an `ask` reply ends on stdout (its last line) and what the usage line says about a
/// reply that stopped early or came back empty, against the built-in emulator, a real
/// `cachechat serve` or a scripted server.
@Suite("cachechat ask: how a reply ends")
struct AskReplyEndingTests {
    func ask(_ arguments: [String], baseURL: String? = nil) throws -> CachechatProcess.Result {
        let extra = baseURL.map { ["DEEPSEEK_BASE_URL": $0, "DEEPSEEK_API_KEY": AskCommandTests.key] } ?? [:]
        return try CachechatProcess.run(["ask"] + arguments,
                                        environment: CachechatProcess.environment(home: try CachechatProcess.temporaryHome(), extra: extra))
    }

    func usageLine(_ result: CachechatProcess.Result) -> String {
        result.stderr.split(separator: "\n").last.map(String.init) ?? ""
    }

    @Test func aPipedReplyEndsWithOneNewline() throws {
        // The built-in emulator's replies end without one.
        let result = try ask(["--thinking", "off", "hi"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasSuffix("\n") && !result.stdout.hasSuffix("\n\n"), "stdout: \(result.stdout.debugDescription)")
        #expect(usageLine(result).hasPrefix("cachechat: "))

        let json = try ask(["--json", "--thinking", "off", "hi"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let content = try #require(object["content"] as? String)
        #expect(!content.hasSuffix("\n"), "--json carries the reply exactly as it arrived")
        #expect(result.stdout == content + "\n")
    }

    @Test(arguments: ["line\n", "windows line\r\n", "two\n\n"])
    func aReplyThatEndsALineGetsNoSecondNewline(_ reply: String) throws {
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply([String(reply.dropLast()), String(reply.last!)])) }
        let result = try ask(["hi"], baseURL: server.baseURL)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == reply)
    }

    @Test func aThinkingReplyCutByMaxTokensSaysSo() throws {
        // All five tokens go to reasoning: no text at all.
        let result = try ask(["--thinking", "on", "--max-tokens", "5", "hi"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        let line = usageLine(result)
        #expect(line.hasPrefix("cachechat: ") && line.contains("prompt tokens"), "\(line)")
        #expect(line.hasSuffix(" · the reply was empty, cut at max_tokens (5) while still reasoning: raise --max-tokens"), "\(line)")

        let json = try ask(["--json", "--thinking", "on", "--max-tokens", "5", "hi"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(json.status == 0)
        #expect(object["finish_reason"] as? String == "length")
        #expect(object["content"] as? String == "")
        #expect((object["reasoning_content"] as? String)?.isEmpty == false)
    }

    @Test func aTextReplyCutByMaxTokensSaysSo() throws {
        let result = try ask(["--thinking", "off", "--max-tokens", "5", "hi"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(!result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(usageLine(result).hasSuffix(" · cut at max_tokens (5): raise --max-tokens"), "\(usageLine(result))")

        let whole = try ask(["--thinking", "off", "hi"])
        #expect(!whole.stderr.contains("max_tokens") && !whole.stderr.contains("empty"), "\(whole.stderr)")
    }

    @Test func anEmptyReplySaysSo() throws {
        let server = try EmulatorProcess(arguments: ["--reply-tokens", "0"])
        defer { server.stop() }
        let result = try ask(["--thinking", "off", "hi"], baseURL: server.baseURL)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(usageLine(result).hasSuffix(" · the reply was empty"), "\(usageLine(result))")
    }

    @Test func aCutWithoutAMaxTokensFlagNamesTheServersLimit() throws {
        let events = DeepSeekEvents.reply(["cut"]).map { $0.replacingOccurrences(of: "\"finish_reason\":\"stop\"", with: "\"finish_reason\":\"length\"") }
        #expect(events.contains { $0.contains("\"length\"") })
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(events) }
        let result = try ask(["hi"], baseURL: server.baseURL)
        #expect(result.status == 0)
        #expect(result.stdout == "cut\n")
        #expect(usageLine(result).hasSuffix(" · cut at the server's default max_tokens: raise --max-tokens"), "\(usageLine(result))")
    }
}
