import ChatCore
@testable import ChatWire

/// Real-shaped DeepSeek reply bodies, written inline so each test shows its data.
enum StreamFixtures {
    static let head = #""id":"2f1c8a52-9b0e-4c4f-8f7e-3d2b1a0c9e8d","object":"chat.completion.chunk","created":1790000000,"model":"deepseek-v4-flash","system_fingerprint":"fp_8802369eaa_prod0623_fp8_kvcache""#

    static func chunk(_ delta: String, finish: String? = nil, usage: String = "null") -> String {
        let reason = finish.map { "\"\($0)\"" } ?? "null"
        return #"data: {\#(head),"choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(reason)}],"usage":\#(usage)}"#
            + "\n\n"
    }

    static let usageA = #"{"prompt_tokens":1200,"completion_tokens":57,"total_tokens":1257,"prompt_tokens_details":{"cached_tokens":1152},"prompt_cache_hit_tokens":1152,"prompt_cache_miss_tokens":48,"completion_tokens_details":{"reasoning_tokens":20}}"#
    static let usageB = #"{"prompt_tokens":1200,"completion_tokens":60,"total_tokens":1260,"prompt_cache_hit_tokens":1024,"prompt_cache_miss_tokens":176}"#

    /// Thinking mode: reasoning deltas first (with a 4-byte emoji), then content (CJK), usage
    /// on the finish chunk, keep-alive comments in between.
    static let thinking =
        ": keep-alive\n\n"
        + chunk(#"{"role":"assistant","content":null,"reasoning_content":""}"#)
        + chunk(#"{"content":null,"reasoning_content":"Let me think"}"#)
        + ": keep-alive\n\n"
        + chunk(#"{"content":null,"reasoning_content":" 🤔 hard."}"#)
        + chunk(#"{"content":"答案","reasoning_content":null}"#)
        + chunk(#"{"content":" is 42.","reasoning_content":null}"#)
        + chunk(#"{"content":"","reasoning_content":null}"#, finish: "stop", usage: usageA)
        + "data: [DONE]\n\n"

    /// Non-thinking mode, `data:` without a space on one line, usage on the finish chunk.
    static let nonThinking =
        chunk(#"{"role":"assistant","content":""}"#)
        + chunk(#"{"content":"Hello"}"#).replacingOccurrences(of: "data: ", with: "data:")
        + chunk(#"{"content":", world"}"#)
        + chunk(#"{"content":"!"}"#, finish: "stop", usage: usageB)
        + "data: [DONE]\n\n"

    /// The documented shape: usage only on a trailing chunk with `choices: []`.
    static let trailingUsage =
        chunk(#"{"role":"assistant","content":""}"#)
        + chunk(#"{"content":"Hi"}"#)
        + chunk(#"{"content":""}"#, finish: "length")
        + #"data: {\#(head),"choices":[],"usage":\#(usageB)}"# + "\n\n"
        + "data: [DONE]\n\n"

    /// Usage on the finish chunk AND on a trailing chunk: the last one wins.
    static let bothUsages =
        chunk(#"{"role":"assistant","content":"Hi"}"#)
        + chunk(#"{"content":""}"#, finish: "stop", usage: usageA)
        + #"data: {\#(head),"choices":[],"usage":\#(usageB)}"# + "\n\n"
        + "data: [DONE]\n\n"

    /// Streamed tool call in fragments.
    static let toolCall =
        chunk(#"{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_0_abc","type":"function","function":{"name":"get_weather","arguments":""}}]}"#)
        + chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}"#)
        + chunk(#"{"tool_calls":[{"index":1,"id":"call_1_def","type":"function","function":{"name":"get_time","arguments":"{}"}}]}"#)
        + chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}"#)
        + chunk(#"{}"#, finish: "tool_calls", usage: usageB)
        + "data: [DONE]\n\n"

    /// A non-streaming body after the blank lines DeepSeek sends while the request queues.
    static let nonStreamBody =
        "\n\n\n" + #"""
        {"id":"5c0e","object":"chat.completion","created":1790000000,"model":"deepseek-v4-pro",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital. 🇫🇷",
         "reasoning_content":"The user asks about France."},"logprobs":null,"finish_reason":"stop"}],
         "usage":\#(usageA),"system_fingerprint":"fp_x"}
        """# + "\n"

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}

/// Feeds `parts` through a fresh parser and returns every event, `finish()` included.
func parse(_ parts: [ArraySlice<UInt8>]) -> [ChatStreamEvent] {
    var parser = ChatStreamParser()
    var events: [ChatStreamEvent] = []
    for part in parts { events += parser.feed(part) }
    events += parser.finish()
    return events
}

func parse(_ text: String) -> [ChatStreamEvent] {
    parse([ArraySlice(Array(text.utf8))])
}

func accumulate(_ events: [ChatStreamEvent]) -> Reply {
    var accumulator = ReplyAccumulator()
    accumulator.apply(events)
    return accumulator.reply
}

func failures(_ events: [ChatStreamEvent]) -> [APIError] {
    events.compactMap { if case .failure(let error) = $0 { error } else { nil } }
}
