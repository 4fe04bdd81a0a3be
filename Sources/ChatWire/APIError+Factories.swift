import Foundation

extension APIError {
    /// What timed out.
    public enum TimeoutPhase: Sendable, Equatable {
        /// The connection (TCP + TLS) was not established in time.
        case connect(seconds: Double)
        /// The server sent nothing for this long after connecting.
        case idle(seconds: Double)
        /// The whole request took longer than this (`--timeout`), keep-alives or not.
        case overall(seconds: Double)
    }

    /// The connection failed (refused, DNS, TLS, reset); `detail` is e.g. curl's message.
    public static func network(detail: String, url: String?) -> APIError {
        let host = hostName(url)
        let detailText = sanitize(detail, limit: 300)
        let where_ = host.map { "Could not reach \($0)" } ?? "The connection failed"
        let suffix = detailText.isEmpty ? "" : ": \(detailText)"
        return APIError(
            kind: .network, serverMessage: nil,
            message: "\(where_)\(suffix). Check the network connection and the base URL, then retry.")
    }

    /// The connection or the reply timed out.
    public static func timeout(_ phase: TimeoutPhase, url: String?, detail: String? = nil) -> APIError {
        let host = hostName(url) ?? "The server"
        var text: String
        switch phase {
        case .connect(let seconds):
            text = "\(host) did not accept a connection within \(formatSeconds(seconds))."
        case .idle(let seconds):
            text = "\(host) sent nothing for \(formatSeconds(seconds)); the request was abandoned."
        case .overall(let seconds):
            text = "The request took longer than \(formatSeconds(seconds)) (--timeout, or `timeout =` in config.toml); "
                + "it was stopped and the part received is kept."
            return APIError(kind: .timeout, message: text)
        }
        if let detail, !sanitize(detail, limit: 200).isEmpty {
            text += " (\(sanitize(detail, limit: 200)))"
        }
        return APIError(kind: .timeout, message: text + " Retry, or check the network and the base URL.")
    }

    /// The user cancelled the request.
    public static func cancelled() -> APIError {
        APIError(kind: .cancelled, message: "The request was cancelled.")
    }

    /// The reply ended before `[DONE]`.
    public static func truncated(receivedAnything: Bool) -> APIError {
        let text =
            receivedAnything
            ? "The reply was cut off: the connection closed before the server finished it. The text so far is kept; send again for a complete reply."
            : "The server closed the connection without sending a reply. Retry in a moment."
        return APIError(kind: .truncated, message: text)
    }

    /// A body or stream chunk that could not be understood.
    public static func malformed(_ what: String, excerpt: [UInt8]? = nil) -> APIError {
        var text = what
        if let excerpt {
            let shown = sanitize(String(decoding: excerpt.prefix(200), as: UTF8.self), limit: 80)
            text += shown.isEmpty ? " (empty)" : ": `\(shown)`"
        }
        return APIError(kind: .malformedResponse, message: text)
    }

    /// The host part of a URL string, or nil.
    static func hostName(_ url: String?) -> String? {
        guard let url, !url.isEmpty else { return nil }
        if let host = URLComponents(string: url)?.host, !host.isEmpty { return host }
        if let host = URLComponents(string: "https://" + url)?.host, !host.isEmpty { return host }
        return nil
    }

    /// "3 s", "1.5 s", "2 min".
    /// `%.0f`, not `Int(_:)`: a hostile `Retry-After: 99999999999999999999` is past Int.max.
    static func formatSeconds(_ seconds: Double) -> String {
        if seconds >= 120, seconds.truncatingRemainder(dividingBy: 60) == 0 {
            return String(format: "%.0f min", seconds / 60)
        }
        if seconds.rounded() == seconds { return String(format: "%.0f s", seconds) }
        return String(format: "%.1f s", seconds)
    }

    /// Strips control characters, collapses whitespace, redacts keys and truncates to
    /// `limit` characters (with "…").
    static func sanitize(_ text: String, limit: Int) -> String {
        var cleaned = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace
            if isSpace || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .format
            {
                if isSpace, !lastWasSpace { cleaned.append(" ") }
                lastWasSpace = lastWasSpace || isSpace
                continue
            }
            cleaned.append(scalar)
            lastWasSpace = false
        }
        var result = KeySource.redactKeys(in: String(cleaned))
        while result.last == " " { result.removeLast() }
        if result.count > limit {
            result = String(result.prefix(limit - 1)) + "…"
        }
        return result
    }
}

extension APIError {
    /// JSON output (`response_format: json_object`) came back empty or as whitespace only:
    /// what DeepSeek returns when the model produced no JSON.
    public static func emptyJSONReply() -> APIError {
        APIError(kind: .malformedResponse,
                 message: "The reply is empty (whitespace only): in JSON mode DeepSeek answers that when the model produced no JSON. "
                    + "Say \"json\" in the prompt and show the object you expect, then retry.")
    }
}
