import ChatCore
import ChatWire
import Emulator
import Foundation
import Testing

/// A prompt (plus `max_tokens`) over the model's window gets DeepSeek's 400, word for word:
/// "This model's maximum context length is W tokens. However, you requested N tokens
/// (P in the messages, C in the completion). Please reduce the length of the messages or
/// completion." Nothing is generated, cached or billed.
@Suite("Emulator context window")
struct ContextWindowTests {
    static let key = "Bearer sk-context-window-test"
    static let messages: [ChatMessage] = [.system("Answer briefly."), .user("How long may a prompt be?")]

    static func body(_ messages: [ChatMessage], model: String = "deepseek-chat", maxTokens: Int? = nil) -> [UInt8] {
        var request = ChatRequest(model: model, messages: messages)
        request.maxTokens = maxTokens
        return Array(try! JSONEncoder().encode(request))
    }

    static func message(window: Int, prompt: Int, completion: Int) -> String {
        "This model's maximum context length is \(window) tokens. However, you requested \(prompt + completion) tokens "
            + "(\(prompt) in the messages, \(completion) in the completion). Please reduce the length of the messages or completion."
    }

    /// The status and the error object of a response (nil for a reply).
    static func error(_ response: EmulatorResponse) throws -> (status: Int, error: [String: Any])? {
        guard case .error(let status, let body, _) = response else { return nil }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        return (status, try #require(object["error"] as? [String: Any]))
    }

    /// The boundary on deepseek-chat (131,072 tokens): prompt + max_tokens == window is
    /// served; one more is refused with the exact body, and leaves no cache and no charge.
    @Test func promptPlusMaxTokensOverTheWindow() throws {
        let engine = EmulatorEngine(configuration: EmulatorConfiguration(tokensPerSecond: 0, replyTokens: 5))
        let prompt = PromptMath.ids(Self.messages).count
        let window = ModelCatalog.builtIn.model("deepseek-chat").contextWindow
        #expect(window == 131_072)

        let over = engine.complete(body: Self.body(Self.messages, maxTokens: window - prompt + 1), authorization: Self.key)
        let (status, error) = try #require(try Self.error(over))
        #expect(status == 400)
        #expect(error["message"] as? String == Self.message(window: window, prompt: prompt, completion: window - prompt + 1))
        #expect(error["type"] as? String == "invalid_request_error")
        #expect(error["code"] as? String == "invalid_request_error")
        #expect(error["param"] is NSNull)
        #expect(engine.cacheEntryCount(apiKey: "sk-context-window-test") == 0)

        let fits = engine.complete(body: Self.body(Self.messages, maxTokens: window - prompt), authorization: Self.key)
        guard case .reply(let reply, _) = fits else { Issue.record("expected a reply, got \(fits)"); return }
        #expect(reply.usage.promptTokens == prompt)
    }

    /// The reviewer's case: a prompt alone over the window, no max_tokens ("0 in the
    /// completion"), seen through the real client stack as a 400 that quotes DeepSeek.
    @Test func promptAloneOverTheWindow() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(tokensPerSecond: 0, replyTokens: 5))
        let long: [ChatMessage] = [.user(String(repeating: "cache prefix tokens ", count: 45_000))]
        let prompt = PromptMath.ids(long).count
        #expect(prompt > 131_072)
        let outcome = harness.send(EmulatorHarness.request(long, model: "deepseek-chat"))
        let error = try #require(outcome.error)
        #expect(error.kind == .badRequest)
        #expect(error.status == 400)
        #expect(error.serverMessage == Self.message(window: 131_072, prompt: prompt, completion: 0))
        #expect(error.message.contains("maximum context length is 131072 tokens"))
        #expect(outcome.reply.content.isEmpty)

        // The same prompt fits a 1M-token model.
        let v4 = harness.send(EmulatorHarness.request(long, model: "deepseek-v4-flash", thinking: false))
        #expect(v4.error == nil)
        #expect(v4.usage.promptTokens == PromptMath.ids(long, model: "deepseek-v4-flash", thinking: false).count)
    }
}

/// One request whose messages merge into one turn (consecutive user, tool or system
/// messages) costs time linear in its messages: the emulator renders ids without spans.
@Suite("Emulator merged turns")
struct MergedTurnTests {
    static func messages(_ count: Int, role: String) -> [[String: String]] {
        (1...count).map { n in
            role == "tool" ? ["role": "tool", "content": "m\(n)", "tool_call_id": "call_\(n)"] : ["role": role, "content": "m\(n)"]
        } + [["role": "user", "content": "end"]]
    }

    /// Thousands of messages in one turn are served, with the full render's token count
    /// (checked on a small case). That the work is linear is RenderIDsTests' count of the
    /// text encoded (no clock: an encode per boundary was O(n²), 24.6M scalars for 2,000
    /// messages against 12.9K now).
    @Test(arguments: ["user", "tool", "system"])
    func aLongMergedTurnIsLinear(_ role: String) throws {
        let engine = EmulatorEngine(configuration: EmulatorConfiguration(tokensPerSecond: 0, replyTokens: 5))
        func complete(_ count: Int) throws -> Usage {
            let object: [String: Any] = ["model": "deepseek-v4-flash", "thinking": ["type": "disabled"],
                                         "messages": Self.messages(count, role: role)]
            let body = Array(try JSONSerialization.data(withJSONObject: object))
            let response = engine.complete(body: body, authorization: "Bearer sk-merged-\(role)")
            guard case .reply(let reply, _) = response else { throw EmulatorFailure("no reply: \(response)") }
            return reply.usage
        }
        let small = try complete(300)
        let chat: [ChatMessage] = Self.messages(300, role: role).map { message in
            var chat = ChatMessage(role: Role(rawValue: message["role"]!), content: message["content"]!)
            chat.toolCallID = message["tool_call_id"]
            return chat
        }
        #expect(small.promptTokens == PromptMath.template.render(
            messages: chat.map(TemplateMessage.init(chat:)), family: .v4, thinking: false).ids.count)
        let large = try complete(5_000)
        #expect((large.promptTokens ?? 0) > 5_000)
    }
}

/// A message whose content is a string that is not valid text is refused as that, not as
/// "expected an array" (the second way content may be written).
@Suite("Emulator content that is not text")
struct InvalidContentTests {
    @Test func aLoneSurrogateIsNamedAsSuch() throws {
        let engine = EmulatorEngine(configuration: EmulatorConfiguration(tokensPerSecond: 0, replyTokens: 5))
        let body = Array(#"{"model":"deepseek-v4-flash","messages":[{"role":"user","content":"\ud800"}]}"#.utf8)
        let response = engine.complete(body: body, authorization: "Bearer sk-surrogate")
        guard case .error(let status, let text, _) = response else { Issue.record("expected an error, got \(response)"); return }
        #expect(status == 400)
        #expect(text.contains("Failed to deserialize the JSON body"), "\(text)")
        #expect(!text.contains("Array"), "\(text)")
        // Content written as parts still works.
        let parts = Array(#"{"model":"deepseek-v4-flash","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}"#.utf8)
        guard case .reply = engine.complete(body: parts, authorization: "Bearer sk-surrogate") else {
            Issue.record("parts were refused"); return
        }
    }
}
