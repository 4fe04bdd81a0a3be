import ChatCore
import ChatWire
import Foundation

/// The `ask --json` object. Every key is always present; unknown values are null.
struct AskJSON: Encodable {
    let reply: Reply
    let model: String
    let cost: Cost?
    let error: APIError?
    let conversation: ConversationID?
    /// Set when the server's usage made no sense: `usage` is then null.
    var usageProblem: String? = nil
    /// The question, in `ask --questions --json` lines only.
    var question: String? = nil
    /// Why nothing was sent when it was cachechat that refused (`--max-cost`): written as
    /// the `error` object, with this kind, when there is no API error.
    var refusal: (kind: String, message: String)? = nil

    private enum Keys: String, CodingKey {
        case question, model, content, reasoningContent = "reasoning_content", finishReason = "finish_reason", usage, cost,
             costWithoutCache = "cost_without_cache", currency, error, conversation, usageProblem = "usage_problem"
    }

    private enum UsageKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens",
             hit = "prompt_cache_hit_tokens", miss = "prompt_cache_miss_tokens", reasoning = "reasoning_tokens"
    }

    private enum ErrorKeys: String, CodingKey { case kind, status, message }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(question, forKey: .question)
        try container.encode(model, forKey: .model)
        try container.encode(reply.content, forKey: .content)
        try container.encode(reply.reasoningContent.isEmpty ? nil : reply.reasoningContent, forKey: .reasoningContent)
        try container.encode(reply.finishReason, forKey: .finishReason)
        if let problem = usageProblem {
            try container.encodeNil(forKey: .usage)
            try container.encode(problem, forKey: .usageProblem)
        } else if let usage = reply.usage {
            var nested = container.nestedContainer(keyedBy: UsageKeys.self, forKey: .usage)
            try nested.encode(usage.resolvedPromptTokens, forKey: .promptTokens)
            try nested.encode(usage.completionTokens, forKey: .completionTokens)
            try nested.encode(usage.resolvedCacheHitTokens, forKey: .hit)
            try nested.encode(usage.resolvedCacheMissTokens, forKey: .miss)
            try nested.encode(usage.reasoningTokens, forKey: .reasoning)
        } else {
            try container.encodeNil(forKey: .usage)
        }
        try container.encode(cost?.amount, forKey: .cost)
        try container.encode(cost?.withoutCache, forKey: .costWithoutCache)
        try container.encode(cost?.currency.rawValue, forKey: .currency)
        try container.encode(conversation?.rawValue, forKey: .conversation)
        if let error {
            var nested = container.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error)
            try nested.encode(error.kindName, forKey: .kind)
            try nested.encode(error.status, forKey: .status)
            try nested.encode(error.message, forKey: .message)
        } else if let refusal {
            var nested = container.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error)
            try nested.encode(refusal.kind, forKey: .kind)
            try nested.encodeNil(forKey: .status)
            try nested.encode(refusal.message, forKey: .message)
        } else {
            try container.encodeNil(forKey: .error)
        }
    }

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return Self.escapingInvisibles(String(decoding: data, as: UTF8.self))
    }

    /// The JSON with C1 controls, bidi and zero-width marks and DEL written as `\uXXXX`:
    /// the same JSON value, but nothing a terminal would act on or hide (JSONEncoder
    /// escapes only C0 controls).
    static func escapingInvisibles(_ json: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            let v = scalar.value
            let invisible = v == 0x7F || (0x80...0x9F).contains(v) || (0x200B...0x200F).contains(v)
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0xFEFF || v == 0x061C
                || (0x2028...0x2029).contains(v)
            if invisible {
                out.append(contentsOf: String(format: "\\u%04x", v).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}

extension APIError {
    /// A stable, machine-readable name for `--json` output.
    var kindName: String {
        switch kind {
        case .badRequest: "bad_request"
        case .authentication: "authentication"
        case .insufficientBalance: "insufficient_balance"
        case .invalidParameters: "invalid_parameters"
        case .rateLimited: "rate_limited"
        case .serverError: "server_error"
        case .overloaded: "overloaded"
        case .httpStatus: "http_status"
        case .network: "network"
        case .timeout: "timeout"
        case .malformedResponse: "malformed_response"
        case .truncated: "truncated"
        case .cancelled: "cancelled"
        }
    }
}
