import ChatCore

/// What the engine decided for one request; the server turns it into bytes.
public struct EmulatedReply: Sendable {
    public var id: String
    public var created: Int
    public var model: String
    /// Text pieces, one per generated token (a piece may be empty while a UTF-8
    /// character is completed by the next token).
    public var reasoningPieces: [String]
    public var contentPieces: [String]
    public var finishReason: String
    public var usage: Usage
    public var faults: [FaultPlan.Kind]

    public var reasoning: String { reasoningPieces.joined() }
    public var content: String { contentPieces.joined() }
}

/// Where usage goes in a stream.
public enum UsagePlacement: String, Sendable, CaseIterable {
    /// On the chunk that carries `finish_reason`, as real DeepSeek traffic does.
    case finish
    /// On a separate final chunk with `choices: []`, as DeepSeek's documentation describes.
    case trailing
}

/// The engine's answer: a reply to play, or an HTTP error in DeepSeek's shape.
public enum EmulatorResponse: Sendable {
    case reply(EmulatedReply, stream: Bool)
    case error(status: Int, body: String, headers: [(String, String)])
    case json(String)

    static func deepSeekError(_ status: Int, _ message: String, type: String = "invalid_request_error",
                              headers: [(String, String)] = []) -> EmulatorResponse {
        let escaped = message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return .error(status: status,
                      body: "{\"error\":{\"message\":\"\(escaped)\",\"type\":\"\(type)\",\"param\":null,\"code\":\"invalid_request_error\"}}",
                      headers: headers)
    }
}
