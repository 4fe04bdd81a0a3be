import ChatCore
import Foundation

/// One `data:` event of a streamed chat-completions response.
///
/// With `include_usage`, DeepSeek sends `"usage": null` on every chunk and the counts on the
/// chunk carrying `finish_reason`; the documented alternative is a final chunk with
/// `choices: []`. Both decode here; `ChatStreamParser` lets the last usage win.
public struct ChatCompletionChunk: Sendable, Equatable, Codable {
    public var id: String?
    public var object: String?
    public var created: Int?
    public var model: String?
    public var choices: [Choice]
    public var usage: Usage?
    public var systemFingerprint: String?

    /// The change to one alternative reply.
    public struct Choice: Sendable, Equatable, Codable {
        public var index: Int?
        public var delta: Delta?
        public var finishReason: String?

        public init(index: Int? = 0, delta: Delta?, finishReason: String? = nil) {
            self.index = index
            self.delta = delta
            self.finishReason = finishReason
        }

        private enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }
    }

    /// Text and tool-call fragments to append. Thinking models fill `reasoningContent`
    /// first and `content` afterwards, the other one being null.
    public struct Delta: Sendable, Equatable, Codable {
        public var role: Role?
        public var content: String?
        public var reasoningContent: String?
        public var toolCalls: [ToolCallDelta]?

        public init(
            role: Role? = nil, content: String? = nil, reasoningContent: String? = nil,
            toolCalls: [ToolCallDelta]? = nil
        ) {
            self.role = role
            self.content = content
            self.reasoningContent = reasoningContent
            self.toolCalls = toolCalls
        }

        private enum CodingKeys: String, CodingKey {
            case role, content, reasoning
            case reasoningContent = "reasoning_content"
            case toolCalls = "tool_calls"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decodeIfPresent(Role.self, forKey: .role)
            content = try container.decodeIfPresent(String.self, forKey: .content)
            // OpenRouter and some proxies name the field `reasoning`.
            reasoningContent =
                try container.decodeIfPresent(String.self, forKey: .reasoningContent)
                ?? (try? container.decodeIfPresent(String.self, forKey: .reasoning))
            toolCalls = try container.decodeIfPresent([ToolCallDelta].self, forKey: .toolCalls)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(role, forKey: .role)
            try container.encodeIfPresent(content, forKey: .content)
            try container.encodeIfPresent(reasoningContent, forKey: .reasoningContent)
            try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
        }
    }

    /// Creates a chunk (used by the emulator and tests).
    public init(
        id: String? = nil, object: String? = "chat.completion.chunk", created: Int? = nil,
        model: String? = nil, choices: [Choice], usage: Usage? = nil,
        systemFingerprint: String? = nil
    ) {
        self.id = id
        self.object = object
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.systemFingerprint = systemFingerprint
    }

    private enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage
        case systemFingerprint = "system_fingerprint"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        object = try container.decodeIfPresent(String.self, forKey: .object)
        created = container.lenientInt(.created)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        choices = try container.decodeIfPresent([Choice].self, forKey: .choices) ?? []
        usage = container.decodeUsageIfPresent(forKey: .usage)
        systemFingerprint = try? container.decodeIfPresent(String.self, forKey: .systemFingerprint)
    }

    /// Encodes like DeepSeek does: `"usage": null` is written out when there is none, so
    /// the emulator's chunks match real traffic.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(object, forKey: .object)
        try container.encodeIfPresent(created, forKey: .created)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encode(choices, forKey: .choices)
        if let usage {
            try container.encode(WireUsage(usage), forKey: .usage)
        } else {
            try container.encodeNil(forKey: .usage)
        }
        try container.encodeIfPresent(systemFingerprint, forKey: .systemFingerprint)
    }
}
