import Foundation

extension APIError {
    /// Maps a non-2xx response to an error with wording a person can act on.
    ///
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - body: the response body; DeepSeek's JSON error object, a proxy's HTML page, or empty.
    ///   - retryAfterHeader: the raw `Retry-After` value (delta-seconds or an HTTP date).
    ///   - keySource: where the key came from, named in the 401 message.
    ///   - now: the current time, for `Retry-After` dates.
    public static func fromHTTP(
        status: Int, body: [UInt8], retryAfterHeader: String?, keySource: KeySource?, now: Date
    ) -> APIError {
        let serverMessage = serverText(from: body)
        let retryAfter = retryAfterHeader.flatMap { parseRetryAfter($0, now: now) }
        let kind = kind(forStatus: status)
        let quoted = serverMessage.map { ": \($0)" } ?? ""
        let retryHint = retryAfter.map { "Retry in \(formatSeconds($0.rounded(.up)))." } ?? "Retry in a moment."
        let message: String
        switch kind {
        case .authentication:
            let detail = "401" + (serverMessage.map { ": \($0)" } ?? "")
            if let keySource {
                message =
                    "The server rejected the API key \(keySource.maskedKey) from \(keySource.origin) (\(detail)). "
                    + "Check the key or set another with --api-key / DEEPSEEK_API_KEY."
            } else {
                message =
                    "The server rejected the request for lack of a valid API key (\(detail)). "
                    + "Set one with --api-key / DEEPSEEK_API_KEY."
            }
        case .insufficientBalance:
            message =
                "Your DeepSeek balance is exhausted (402 Insufficient Balance). "
                + "Top up at platform.deepseek.com, then retry."
        case .badRequest:
            let unknownModel = serverMessage?.localizedCaseInsensitiveContains("model not exist") == true
            message = "The server rejected the request (400 Bad Request)\(quoted)"
                + (unknownModel ? ". Check the model name: the server does not serve this one." : "")
        case .invalidParameters:
            message = "The server rejected the request parameters (422)\(quoted)"
        case .rateLimited:
            message = "The server is rate-limiting this account (429\(quoted)). \(retryHint)"
        case .serverError:
            message = "The server had an internal error (\(status)\(quoted)). This is usually temporary. \(retryHint)"
        case .overloaded:
            message = "The server is overloaded (503) and cannot take the request now. \(retryHint)"
        default:
            switch status {
            case 404:
                message = "The server answered 404 Not Found\(quoted). Check the base URL and the model name."
            case 403:
                message = "The server refused the request (403 Forbidden)\(quoted)"
            default:
                message = "The server answered with HTTP status \(status)\(quoted)"
            }
        }
        return APIError(
            kind: kind, status: status, serverMessage: serverMessage, retryAfter: retryAfter,
            message: message)
    }

    /// The error kind for an HTTP status.
    public static func kind(forStatus status: Int) -> Kind {
        switch status {
        case 400: .badRequest
        case 401: .authentication
        case 402: .insufficientBalance
        case 422: .invalidParameters
        case 429: .rateLimited
        case 503: .overloaded
        case 500...599: .serverError
        default: .httpStatus(status)
        }
    }

    /// Seconds from a `Retry-After` value: delta-seconds (fractions tolerated) or an HTTP
    /// date (past dates give 0). Nil when unparseable.
    public static func parseRetryAfter(_ value: String, now: Date) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, trimmed.first?.isNumber == true {
            return max(0, seconds)
        }
        guard let date = HTTPDate.parse(trimmed, now: now) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// The human part of an error body: the JSON error message, or for non-JSON bodies
    /// (a proxy's HTML page) the page title or its text. Sanitised; nil when empty.
    static func serverText(from body: [UInt8]) -> String? {
        if let parsed = APIErrorBody.parse(body) {
            let text = parsed.message ?? parsed.code ?? parsed.type ?? ""
            let cleaned = sanitize(text, limit: 300)
            return cleaned.isEmpty ? nil : cleaned
        }
        let raw = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        let text = htmlTitle(raw) ?? stripTags(raw)
        let cleaned = sanitize(text, limit: 300)
        return cleaned.isEmpty ? nil : cleaned
    }

    private static func htmlTitle(_ html: String) -> String? {
        guard let open = html.range(of: "<title>", options: .caseInsensitive),
            let close = html.range(of: "</title>", options: .caseInsensitive, range: open.upperBound..<html.endIndex)
        else { return nil }
        let title = html[open.upperBound..<close.lowerBound]
        return title.isEmpty ? nil : String(title)
    }

    private static func stripTags(_ text: String) -> String {
        var result = ""
        var inTag = false
        for character in text {
            if character == "<" {
                inTag = true
            } else if character == ">", inTag {
                inTag = false
                result.append(" ")
            } else if !inTag {
                result.append(character)
            }
        }
        return result
    }
}

extension APIError {
    /// This error with every occurrence of `secret` (the API key, whatever its shape) taken
    /// out: servers echo keys in 401 pages and proxies' 502 pages, and the message goes to
    /// stderr, `--json`, the screen and the history.
    public func redacting(_ secret: String?) -> APIError {
        guard let secret, secret.count >= 4 else { return self }
        var copy = self
        copy.message = Self.redact(secret, in: message)
        copy.serverMessage = serverMessage.map { Self.redact(secret, in: $0) }
        return copy
    }

    /// `text` with every occurrence of `secret` replaced; used for errors and, by `serve
    /// --upstream`, for replies an upstream sends back with the operator's key in them.
    public static func redact(_ secret: String?, in text: String) -> String {
        guard let secret, secret.count >= 4, text.contains(secret) else { return text }
        return text.replacingOccurrences(of: secret, with: "[redacted key]")
    }
}
