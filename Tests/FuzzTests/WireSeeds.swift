/// Valid DeepSeek bodies the wire fuzzers start from.
enum WireSeeds {
    static let head = #""id":"2f1c8a52","object":"chat.completion.chunk","created":1790000000,"model":"deepseek-v4-flash","system_fingerprint":"fp_1""#
    static let usage = #"{"prompt_tokens":1200,"completion_tokens":57,"total_tokens":1257,"prompt_tokens_details":{"cached_tokens":1152},"prompt_cache_hit_tokens":1152,"prompt_cache_miss_tokens":48,"completion_tokens_details":{"reasoning_tokens":20}}"#

    static func chunk(_ delta: String, finish: String? = nil, usage: String = "null") -> String {
        let reason = finish.map { "\"\($0)\"" } ?? "null"
        return #"data: {\#(head),"choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(reason)}],"usage":\#(usage)}"#
            + "\n\n"
    }

    static let streams: [String] = [
        ": keep-alive\n\n" + chunk(#"{"role":"assistant","content":null,"reasoning_content":"Let me think"}"#)
            + chunk(#"{"content":"答案 🤔","reasoning_content":null}"#)
            + chunk(#"{"content":" is 42.\u001b[31m"}"#, finish: "stop", usage: usage) + "data: [DONE]\n\n",
        chunk(#"{"role":"assistant","content":""}"#) + chunk(#"{"content":"Hello"}"#).replacingOccurrences(of: "data: ", with: "data:")
            + chunk(#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get","arguments":"{\"a\":"}}]}"#)
            + chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}"#, finish: "tool_calls") + "data: [DONE]\r\n\r\n",
        "\u{FEFF}data: {\"choices\":[]}\r\rdata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n",
        "\n\n" + #"{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi","reasoning_content":"r"},"finish_reason":"stop"}],"usage":\#(usage)}"#,
        "data: line one\ndata: line two\nid: 7\nretry: 10\n\n: comment\n\ndata: [DONE]",
    ]

    static let requests: [String] = [
        #"{"model":"deepseek-v4-flash","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello","reasoning_content":"r"}],"stream":true,"stream_options":{"include_usage":true},"temperature":0.7,"max_tokens":100,"stop":["\n\n"],"thinking":{"type":"enabled"},"response_format":{"type":"json_object"}}"#,
        #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"42"}],"stop":"x","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}"#,
    ]

    static let errors: [String] = [
        #"{"error":{"message":"Authentication Fails (no such user)","type":"authentication_error","param":null,"code":"invalid_request_error"}}"#,
        "<html><body><h1>502 Bad Gateway</h1>\u{1B}]0;pwned\u{07}</body></html>",
        #"{"detail":"Rate limit reached for sk-abcdefghijklmnop1234"}"#, "",
    ]
}
