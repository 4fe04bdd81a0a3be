import Foundation

/// Builders for ``ScriptedHTTPServer`` scripts: whole responses, chunked SSE streams
/// and DeepSeek-shaped stream events.
public enum HTTPScript {
    public typealias Action = ScriptedHTTPServer.Action

    /// A complete response with a Content-Length.
    public static func response(status: Int, headers: [String: String] = [:], body: String,
                                contentType: String = "application/json") -> [Action] {
        let bytes = Array(body.utf8)
        var head = "HTTP/1.1 \(status) \(reason(status))\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return [.write(Array(head.utf8) + bytes)]
    }

    /// The head of a chunked `text/event-stream` response.
    public static func streamHead(status: Int = 200) -> Action {
        .write(Array("HTTP/1.1 \(status) \(reason(status))\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8))
    }

    /// One HTTP chunk holding `bytes`.
    public static func chunk(_ bytes: [UInt8]) -> Action {
        .write(Array(String(bytes.count, radix: 16).utf8) + [13, 10] + bytes + [13, 10])
    }

    public static func chunk(_ text: String) -> Action { chunk(Array(text.utf8)) }

    /// The terminating zero-length chunk.
    public static let endOfChunks = Action.write(Array("0\r\n\r\n".utf8))

    /// A whole streamed reply, one HTTP chunk per SSE event.
    public static func stream(_ events: [String], pause: Double = 0) -> [Action] {
        var actions = [streamHead()]
        for event in events {
            actions.append(chunk(event))
            if pause > 0 { actions.append(.pause(pause)) }
        }
        actions.append(endOfChunks)
        return actions
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// SSE events shaped like DeepSeek's real traffic.
public enum DeepSeekEvents {
    public static let model = "deepseek-v4-flash"

    public static func chunk(_ delta: String, finish: String? = nil, usage: String? = nil) -> String {
        let finishJSON = finish.map { "\"\($0)\"" } ?? "null"
        return "data: {\"id\":\"7f9a1c2e-0000-4000-8000-000000000001\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"\(model)\",\"system_fingerprint\":\"fp_test\",\"choices\":[{\"index\":0,\"delta\":\(delta),\"logprobs\":null,\"finish_reason\":\(finishJSON)}],\"usage\":\(usage ?? "null")}\n\n"
    }

    public static func usage(prompt: Int, hit: Int, completion: Int, reasoning: Int? = nil) -> String {
        let details = reasoning.map { ",\"completion_tokens_details\":{\"reasoning_tokens\":\($0)}" } ?? ""
        return "{\"prompt_tokens\":\(prompt),\"completion_tokens\":\(completion),\"total_tokens\":\(prompt + completion),\"prompt_tokens_details\":{\"cached_tokens\":\(hit)},\"prompt_cache_hit_tokens\":\(hit),\"prompt_cache_miss_tokens\":\(prompt - hit)\(details)}"
    }

    /// A reply streamed the way the real API does: role first, text deltas, then the
    /// finish chunk carrying usage, then `[DONE]`.
    public static func reply(_ pieces: [String], prompt: Int = 100, hit: Int = 64, completion: Int? = nil) -> [String] {
        var events = [chunk("{\"role\":\"assistant\",\"content\":\"\"}")]
        for piece in pieces { events.append(chunk("{\"content\":\(jsonString(piece))}")) }
        events.append(chunk("{\"content\":\"\"}", finish: "stop",
                            usage: usage(prompt: prompt, hit: hit, completion: completion ?? pieces.count)))
        events.append("data: [DONE]\n\n")
        return events
    }

    /// A non-streaming completion body.
    public static func completion(_ content: String, prompt: Int = 100, hit: Int = 64, completion: Int = 5) -> String {
        "{\"id\":\"7f9a1c2e-0000-4000-8000-000000000002\",\"object\":\"chat.completion\",\"created\":1764000000,\"model\":\"\(model)\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\(jsonString(content))},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":\(usage(prompt: prompt, hit: hit, completion: completion)),\"system_fingerprint\":\"fp_test\"}"
    }

    public static func error(_ message: String, type: String = "invalid_request_error") -> String {
        "{\"error\":{\"message\":\(jsonString(message)),\"type\":\"\(type)\",\"param\":null,\"code\":\"invalid_request_error\"}}"
    }

    public static func jsonString(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }
}
