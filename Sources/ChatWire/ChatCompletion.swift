import ChatCore
import Foundation

/// A non-streaming chat-completions response.
///
/// `id` and `system_fingerprint` are opaque strings (their formats change). A missing
/// `choices` decodes as empty; `usage` is read through `WireUsage`.
public struct ChatCompletion: Sendable, Equatable, Codable {
    public var id: String?
    public var object: String?
    public var created: Int?
    public var model: String?
    public var choices: [Choice]
    public var usage: Usage?
    public var systemFingerprint: String?

    /// One alternative reply; cachechat only reads the first.
    public struct Choice: Sendable, Equatable, Codable {
        public var index: Int?
        public var message: ChatMessage?
        /// `stop`, `length`, `content_filter`, `tool_calls`, `insufficient_system_resource`.
        public var finishReason: String?

        public init(index: Int? = 0, message: ChatMessage?, finishReason: String?) {
            self.index = index
            self.message = message
            self.finishReason = finishReason
        }

        private enum CodingKeys: String, CodingKey {
            case index, message
            case finishReason = "finish_reason"
        }
    }

    /// Creates a response (used by the emulator and tests).
    public init(
        id: String? = nil, object: String? = "chat.completion", created: Int? = nil,
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

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(object, forKey: .object)
        try container.encodeIfPresent(created, forKey: .created)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encode(choices, forKey: .choices)
        try container.encodeUsageIfPresent(usage, forKey: .usage)
        try container.encodeIfPresent(systemFingerprint, forKey: .systemFingerprint)
    }
}
