/// The author of a chat message.
///
/// Unknown roles from other servers decode as `.other` instead of failing the whole body.
/// DeepSeek V4 rejects `.developer`; it exists for other endpoints.
public enum Role: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    case system
    case user
    case assistant
    case tool
    case developer
    case other(String)

    public init(rawValue: String) {
        switch rawValue {
        case "system": self = .system
        case "user": self = .user
        case "assistant": self = .assistant
        case "tool": self = .tool
        case "developer": self = .developer
        default: self = .other(rawValue)
        }
    }

    /// The role as written on the wire.
    public var rawValue: String {
        switch self {
        case .system: "system"
        case .user: "user"
        case .assistant: "assistant"
        case .tool: "tool"
        case .developer: "developer"
        case .other(let value): value
        }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
