import Foundation

/// The error object servers send with a failing status (and sometimes inside a stream).
///
/// DeepSeek: `{"error":{"message","type","param","code"}}`. Also accepted: any of those parts
/// missing, `code`/`param` as numbers, `{"error":"plain text"}`, a top-level `message`
/// (vLLM: `{"object":"error","message":...}`) and a top-level `detail` string (FastAPI).
/// Encoding writes DeepSeek's shape.
public struct APIErrorBody: Sendable, Equatable, Codable {
    public var message: String?
    public var type: String?
    public var param: String?
    public var code: String?

    public init(message: String?, type: String? = nil, param: String? = nil, code: String? = nil) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    /// True when no part was recognised.
    public var isEmpty: Bool { message == nil && type == nil && param == nil && code == nil }

    private enum OuterKeys: String, CodingKey { case error, message, detail, type, code }
    private enum InnerKeys: String, CodingKey { case message, type, param, code }

    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: OuterKeys.self)
        if let inner = try? outer.nestedContainer(keyedBy: InnerKeys.self, forKey: .error) {
            message = inner.looseString(.message)
            type = inner.looseString(.type)
            param = inner.looseString(.param)
            code = inner.looseString(.code)
        } else {
            message = outer.looseString(.error)
            type = outer.looseString(.type)
            code = outer.looseString(.code)
        }
        if message == nil {
            message = outer.looseString(.message) ?? outer.looseString(.detail)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: OuterKeys.self)
        var inner = outer.nestedContainer(keyedBy: InnerKeys.self, forKey: .error)
        try inner.encode(message ?? "", forKey: .message)
        try inner.encodeIfPresent(type, forKey: .type)
        try inner.encode(param, forKey: .param)
        try inner.encodeIfPresent(code, forKey: .code)
    }

    /// Parses an error body; nil when the bytes are not JSON or carry no recognised part.
    public static func parse<C: Collection>(_ body: C) -> APIErrorBody? where C.Element == UInt8 {
        guard let parsed = try? JSONDecoder().decode(APIErrorBody.self, from: Data(body)),
            !parsed.isEmpty
        else { return nil }
        return parsed
    }
}

extension KeyedDecodingContainer {
    /// A string, or a number/bool rendered as text; nil when absent, null or structured.
    fileprivate func looseString(_ key: Key) -> String? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text }
        if let number = try? decodeIfPresent(Int.self, forKey: key) { return String(number) }
        if let number = try? decodeIfPresent(Double.self, forKey: key) { return String(number) }
        if let flag = try? decodeIfPresent(Bool.self, forKey: key) { return String(flag) }
        return nil
    }
}
