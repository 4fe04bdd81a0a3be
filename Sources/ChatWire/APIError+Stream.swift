extension APIError {
    /// An `{"error":...}` object that arrived with a 2xx status: inside a stream
    /// (`midReply`) or instead of a non-stream body.
    ///
    /// The kind comes from a numeric `code` when it is an HTTP status (OpenRouter sends
    /// `502`), else from words in `type`, `code` or `message` (rate limit, overloaded,
    /// balance), else `.serverError`.
    public static func fromStreamError(_ body: APIErrorBody, midReply: Bool) -> APIError {
        let kind = streamErrorKind(body)
        let text = (body.message ?? body.code ?? body.type).map { sanitize($0, limit: 300) }
        let detail = (text?.isEmpty == false) ? " (\(text!))." : "."
        let message =
            midReply
            ? "The server stopped the reply with an error\(detail) The text received before it is kept."
            : "The server returned an error instead of a reply\(detail)"
        return APIError(kind: kind, serverMessage: text?.isEmpty == false ? text : nil, message: message)
    }

    private static func streamErrorKind(_ body: APIErrorBody) -> Kind {
        if let code = body.code.flatMap({ Int($0) }), (400...599).contains(code) {
            return kind(forStatus: code)
        }
        let words = [body.type, body.code, body.message].compactMap { $0 }.joined(separator: " ").lowercased()
        if words.contains("rate_limit") || words.contains("rate limit") { return .rateLimited }
        if words.contains("overload") { return .overloaded }
        if words.contains("balance") || words.contains("quota") { return .insufficientBalance }
        if words.contains("auth") { return .authentication }
        return .serverError
    }
}
