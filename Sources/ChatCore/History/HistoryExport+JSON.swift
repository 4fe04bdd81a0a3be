
import Foundation

// The JSON export's shape. Snake-case keys; usage keys are the API's own.

struct ExportDocument: Encodable {
    var formatVersion = 1
    var conversation: ExportConversation
    var messages: [ExportMessage]
    var totals: StatsSummary

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", conversation, messages, totals
    }
}

struct ExportConversation: Encodable {
    struct Fork: Encodable { var conversation: Int64; var ordinal: Int }

    var id: Int64, title: String, created: Date, updated: Date, model: String, endpoint: String
    var systemPrompt: String?, fewShotSet: String?, fewShotVersion: String?
    var thinking: Bool, archived: Bool, forkedFrom: Fork?
    /// Names and content hashes of the attached documents (and their text, when asked
    /// for); absent when there are none.
    var attachments: [ExportAttachment]?

    enum CodingKeys: String, CodingKey {
        case id, title, created, updated, model, endpoint, thinking, archived, attachments
        case systemPrompt = "system_prompt", fewShotSet = "few_shot_set", fewShotVersion = "few_shot_version"
        case forkedFrom = "forked_from"
    }

    init(_ c: Conversation) {
        id = c.id.rawValue; title = c.title; created = c.created; updated = c.updated
        model = c.model; endpoint = c.endpointName; systemPrompt = c.systemPrompt
        fewShotSet = c.fewShotSetName; fewShotVersion = c.fewShotVersion
        thinking = c.thinking; archived = c.archived
        forkedFrom = c.forkedFrom.map { Fork(conversation: $0.conversation.rawValue, ordinal: $0.ordinal) }
    }
}

struct ExportMessage: Encodable {
    var id: Int64, ordinal: Int, role: String, content: String, reasoningContent: String?
    var created: Date, state: String, stateDetail: String?, model: String?, copiedFrom: Int64?
    var usage: ExportUsage?, request: ExportRequest?

    enum CodingKeys: String, CodingKey {
        case id, ordinal, role, content, created, state, model, usage, request
        case reasoningContent = "reasoning_content", stateDetail = "state_detail", copiedFrom = "copied_from"
    }

    init(_ m: StoredMessage, entry: LedgerEntry?) {
        id = m.id.rawValue; ordinal = m.ordinal; role = m.role.rawValue; content = m.content
        reasoningContent = m.reasoningContent; created = m.created; model = m.model
        (state, stateDetail) = m.state.columns
        copiedFrom = m.parentID?.rawValue
        usage = entry.map(ExportUsage.init)
        request = entry.map(ExportRequest.init)
    }
}

struct ExportUsage: Encodable {
    struct CompletionDetails: Encodable {
        var reasoningTokens: Int
        enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
    }

    var promptTokens: Int?, completionTokens: Int?, hitTokens: Int?, missTokens: Int?
    var completionDetails: CompletionDetails?

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        case hitTokens = "prompt_cache_hit_tokens", missTokens = "prompt_cache_miss_tokens"
        case completionDetails = "completion_tokens_details"
    }

    init(_ e: LedgerEntry) {
        promptTokens = e.promptTokens; completionTokens = e.completionTokens
        hitTokens = e.hitTokens; missTokens = e.missTokens
        completionDetails = e.reasoningTokens.map(CompletionDetails.init)
    }
}

struct ExportRequest: Encodable {
    var time: Date, endpoint: String, endpointHost: String, model: String, outcome: String, outcomeDetail: String?
    var cost: Double?, costWithoutCache: Double?, currency: String?
    var predictedHitTokens: Int?, localPromptTokens: Int?, secondsToFirstToken: Double?, totalSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case time, endpoint, model, outcome, cost, currency
        case endpointHost = "endpoint_host", outcomeDetail = "outcome_detail", costWithoutCache = "cost_without_cache"
        case predictedHitTokens = "predicted_prompt_cache_hit_tokens", localPromptTokens = "local_prompt_tokens"
        case secondsToFirstToken = "seconds_to_first_token", totalSeconds = "total_seconds"
    }

    init(_ e: LedgerEntry) {
        time = e.time; endpoint = e.endpointName; endpointHost = e.endpointHost; model = e.model
        (outcome, outcomeDetail) = e.outcome.columns
        cost = e.cost; costWithoutCache = e.costWithoutCache; currency = e.currency
        predictedHitTokens = e.predictedHitTokens; localPromptTokens = e.localPromptTokens
        secondsToFirstToken = e.secondsToFirstToken; totalSeconds = e.totalSeconds
    }
}

struct ExportAttachment: Encodable {
    var name: String
    var hash: String
    /// The whole text, with `--documents`.
    var text: String?
}
