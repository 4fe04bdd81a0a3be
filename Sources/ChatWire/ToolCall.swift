/// A complete tool call inside an assistant message (`tool_calls[]`).
///
/// Decoding is lenient: a missing `id`, `type`, `name` or `arguments` becomes an empty string
/// (`type` defaults to `"function"`), so a sloppy server cannot fail a whole reply.
public struct ToolCall: Sendable, Equatable, Hashable, Codable {
    /// Server-assigned call id, echoed back in the `tool` message's `tool_call_id`.
    public var id: String
    /// Always `"function"` today.
    public var type: String
    /// Name of the function to call.
    public var name: String
    /// Arguments as the model wrote them: a JSON text, possibly invalid.
    public var arguments: String

    /// Creates a tool call.
    public init(id: String, type: String = "function", name: String, arguments: String) {
        self.id = id
        self.type = type
        self.name = name
        self.arguments = arguments
    }

    private enum CodingKeys: String, CodingKey { case id, type, function }
    private enum FunctionKeys: String, CodingKey { case name, arguments }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "function"
        if container.contains(.function), try !container.decodeNil(forKey: .function) {
            let function = try container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
            name = try function.decodeIfPresent(String.self, forKey: .name) ?? ""
            arguments = try function.decodeIfPresent(String.self, forKey: .arguments) ?? ""
        } else {
            name = ""
            arguments = ""
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        try function.encode(name, forKey: .name)
        try function.encode(arguments, forKey: .arguments)
    }
}

/// One fragment of a streamed tool call (`delta.tool_calls[]`).
///
/// The first fragment of a call carries `id`, `type` and `name`; later ones append to
/// `arguments`. Fragments belong together by `index` (some servers omit it; see
/// `ReplyAccumulator`).
public struct ToolCallDelta: Sendable, Equatable, Hashable, Codable {
    /// Position of the call this fragment belongs to.
    public var index: Int?
    public var id: String?
    public var type: String?
    /// Function name (normally only on the first fragment).
    public var name: String?
    /// Text to append to the call's arguments.
    public var arguments: String?

    /// Creates a fragment.
    public init(
        index: Int?, id: String? = nil, type: String? = nil, name: String? = nil,
        arguments: String? = nil
    ) {
        self.index = index
        self.id = id
        self.type = type
        self.name = name
        self.arguments = arguments
    }

    private enum CodingKeys: String, CodingKey { case index, id, type, function }
    private enum FunctionKeys: String, CodingKey { case name, arguments }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        index = try container.decodeIfPresent(Int.self, forKey: .index)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        if container.contains(.function), try !container.decodeNil(forKey: .function) {
            let function = try container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
            name = try function.decodeIfPresent(String.self, forKey: .name)
            arguments = try function.decodeIfPresent(String.self, forKey: .arguments)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(index, forKey: .index)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(type, forKey: .type)
        if name != nil || arguments != nil {
            var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
            try function.encodeIfPresent(name, forKey: .name)
            try function.encodeIfPresent(arguments, forKey: .arguments)
        }
    }
}
