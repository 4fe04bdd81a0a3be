import Foundation

/// The body of `POST /chat/completions`.
///
/// Encodes snake_case keys and omits nil fields; decoding ignores unknown fields, so the
/// emulator can read requests from any client with this type.
public struct ChatRequest: Sendable, Equatable, Codable {
    public var model: String
    public var messages: [ChatMessage]
    public var stream: Bool?
    public var streamOptions: StreamOptions?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var stop: StopSequences?
    public var responseFormat: ResponseFormat?
    /// DeepSeek V4: `{"type":"enabled"|"disabled"}`; thinking is on by default on V4 ids.
    public var thinking: Thinking?
    /// DeepSeek V4: `"high"` or `"max"`.
    public var reasoningEffort: String?
    /// Scopes DeepSeek's context cache to one end user.
    public var userID: String?
    /// Tool definitions, passed through unchanged.
    public var tools: [JSONValue]?
    /// `"auto"`, `"none"`, `"required"` or an object; passed through unchanged.
    public var toolChoice: JSONValue?

    /// The `temperature` values DeepSeek accepts (the OpenAI-compatible range).
    public static let temperatureRange: ClosedRange<Double> = 0...2

    /// Creates a request; only `model` and `messages` are required.
    public init(
        model: String,
        messages: [ChatMessage],
        stream: Bool? = nil,
        streamOptions: StreamOptions? = nil,
        temperature: Double? = nil,
        topP: Double? = nil,
        maxTokens: Int? = nil,
        presencePenalty: Double? = nil,
        frequencyPenalty: Double? = nil,
        stop: StopSequences? = nil,
        responseFormat: ResponseFormat? = nil,
        thinking: Thinking? = nil,
        reasoningEffort: String? = nil,
        userID: String? = nil,
        tools: [JSONValue]? = nil,
        toolChoice: JSONValue? = nil
    ) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.streamOptions = streamOptions
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.stop = stop
        self.responseFormat = responseFormat
        self.thinking = thinking
        self.reasoningEffort = reasoningEffort
        self.userID = userID
        self.tools = tools
        self.toolChoice = toolChoice
    }

    private enum CodingKeys: String, CodingKey {
        case model, messages, stream, temperature, stop, thinking, tools
        case streamOptions = "stream_options"
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case responseFormat = "response_format"
        case reasoningEffort = "reasoning_effort"
        case userID = "user_id"
        case toolChoice = "tool_choice"
    }

    /// The JSON body bytes, with sorted keys so equal requests are byte-identical.
    public func encodedBody() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(self))
    }

    /// Decodes a request body (used by the emulator and tests).
    public static func decode(_ body: [UInt8]) throws -> ChatRequest {
        try JSONDecoder().decode(ChatRequest.self, from: Data(body))
    }
}

/// `stream_options`: ask for a usage object at the end of a stream.
public struct StreamOptions: Sendable, Equatable, Codable {
    public var includeUsage: Bool?

    public init(includeUsage: Bool? = true) { self.includeUsage = includeUsage }

    private enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
}

/// `response_format`: `{"type":"text"}` or `{"type":"json_object"}`.
public struct ResponseFormat: Sendable, Equatable, Codable {
    public var type: String

    public init(type: String) { self.type = type }

    public static let text = ResponseFormat(type: "text")
    public static let jsonObject = ResponseFormat(type: "json_object")
}

/// DeepSeek's top-level `thinking` switch. Unknown types decode as-is.
public struct Thinking: Sendable, Equatable, Codable {
    public var type: String

    public init(type: String) { self.type = type }

    public static let enabled = Thinking(type: "enabled")
    public static let disabled = Thinking(type: "disabled")

    /// True for `"enabled"`.
    public var isEnabled: Bool { type == "enabled" }
}

/// `stop`: one string or a list of strings.
public enum StopSequences: Sendable, Equatable, Codable {
    case single(String)
    case multiple([String])

    /// The sequences as a list.
    public var sequences: [String] {
        switch self {
        case .single(let value): [value]
        case .multiple(let values): values
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(String.self) {
            self = .single(value)
        } else {
            self = .multiple(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .single(let value): try container.encode(value)
        case .multiple(let values): try container.encode(values)
        }
    }
}
