import ChatCore
import Foundation
import Testing
@testable import ChatWire

@Suite struct RequestCodingTests {
    private func object(_ request: ChatRequest) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(request.encodedBody())) as! [String: Any]
    }

    @Test func minimalRequestOmitsNils() throws {
        let request = ChatRequest(model: "deepseek-v4-flash", messages: [.user("Hi")])
        let json = try object(request)
        #expect(Set(json.keys) == ["model", "messages"])
        let message = (json["messages"] as! [[String: Any]])[0]
        #expect(Set(message.keys) == ["role", "content"])
        #expect(!String(decoding: try request.encodedBody(), as: UTF8.self).contains("null"))
    }

    @Test func allFieldsUseSnakeCase() throws {
        let request = ChatRequest(
            model: "deepseek-v4-pro",
            messages: [
                .system("Be brief."),
                .user("Weather?"),
                ChatMessage(role: .assistant, content: nil, reasoningContent: "Need a tool.",
                            toolCalls: [ToolCall(id: "c1", name: "weather", arguments: "{}")]),
                ChatMessage(role: .tool, content: "sunny", toolCallID: "c1"),
            ],
            stream: true, streamOptions: StreamOptions(includeUsage: true), temperature: 0.7, topP: 0.9,
            maxTokens: 512, stop: .multiple(["END", "STOP"]), responseFormat: .jsonObject,
            thinking: .enabled, reasoningEffort: "max", userID: "user-42",
            tools: [["type": "function", "function": ["name": "weather", "parameters": ["type": "object"]]]],
            toolChoice: "auto")
        let json = try object(request)
        #expect(Set(json.keys) == [
            "model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens", "stop",
            "response_format", "thinking", "reasoning_effort", "user_id", "tools", "tool_choice",
        ])
        #expect((json["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect((json["thinking"] as? [String: Any])?["type"] as? String == "enabled")
        #expect(json["reasoning_effort"] as? String == "max")
        #expect(json["user_id"] as? String == "user-42")
        #expect(json["stop"] as? [String] == ["END", "STOP"])
        #expect(json["tool_choice"] as? String == "auto")
        let messages = json["messages"] as! [[String: Any]]
        #expect(messages[2]["reasoning_content"] as? String == "Need a tool.")
        #expect(messages[2]["content"] == nil)
        let call = (messages[2]["tool_calls"] as! [[String: Any]])[0]
        #expect((call["function"] as? [String: Any])?["name"] as? String == "weather")
        #expect(messages[3]["tool_call_id"] as? String == "c1")
        #expect(try ChatRequest.decode(request.encodedBody()) == request)
    }

    @Test func thinkingDisabledAndSingleStop() throws {
        let request = ChatRequest(model: "m", messages: [], stop: .single("\n\n"), thinking: .disabled)
        let json = try object(request)
        #expect(json["stop"] as? String == "\n\n")
        #expect((json["thinking"] as? [String: Any])?["type"] as? String == "disabled")
    }

    @Test func decodesRequestWithUnknownFieldsAndForeignShapes() throws {
        let body = #"""
        {"model":"deepseek-chat","frequency_penalty":0,"logprobs":false,"n":1,"seed":7,
         "messages":[
           {"role":"developer","content":"dev"},
           {"role":"critic","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"b"}]},
           {"role":"assistant","content":null,"reasoning_content":"r","extra":{"x":1}}
         ],
         "stream":true,"stream_options":{"include_usage":true,"other":1},
         "thinking":{"type":"enabled","budget_tokens":100},"tools":[{"type":"function"}],"tool_choice":{"type":"function","function":{"name":"f"}}}
        """#
        let request = try ChatRequest.decode(Array(body.utf8))
        #expect(request.model == "deepseek-chat")
        #expect(request.messages.map(\.role) == [.developer, .other("critic"), .assistant])
        #expect(request.messages[1].content == "ab")
        #expect(request.messages[2].content == nil)
        #expect(request.messages[2].reasoningContent == "r")
        #expect(request.streamOptions?.includeUsage == true)
        #expect(request.thinking?.isEnabled == true)
        #expect(request.frequencyPenalty == 0)
        #expect(request.toolChoice?["function"]?["name"] == "f")
    }

    @Test func unknownRoleRoundTrips() throws {
        let data = try JSONEncoder().encode(ChatMessage(role: .other("critic"), content: "x"))
        #expect(String(decoding: data, as: UTF8.self).contains(#""role":"critic""#))
        #expect(try JSONDecoder().decode(ChatMessage.self, from: data).role == .other("critic"))
    }

    @Test func jsonValueRoundTrip() throws {
        let value: JSONValue = ["a": [1, 2.5, "s", true, nil], "b": ["nested": false]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
        #expect(String(decoding: try JSONEncoder().encode(JSONValue.number(3)), as: UTF8.self) == "3")
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data("true".utf8)) == .bool(true))
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data("1".utf8)) == .number(1))
    }
}
