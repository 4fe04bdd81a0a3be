import ChatCore
import Foundation

// Row <-> model mapping, as plain initializers: ChatCore's types know nothing of SQLite.

extension Conversation {
    static let selectColumns = """
        c.id, c.title, c.created_at, c.updated_at, c.model, c.endpoint_name, c.system_prompt,
        c.few_shot_set, c.few_shot_version, c.few_shot_mode, c.history_start, c.thinking, c.archived, c.forked_from_id, c.forked_at_ordinal
        """

    init(row: SQLRow) throws {
        var fork: ForkOrigin?
        if let source: Int64 = try row.decode(forColumn: "forked_from_id"),
           let ordinal: Int = try row.decode(forColumn: "forked_at_ordinal") {
            fork = ForkOrigin(conversation: ConversationID(source), ordinal: ordinal)
        }
        self.init(
            id: ConversationID(try row.decode(forColumn: "id")),
            title: try row.decode(forColumn: "title"),
            created: try StoredDate.decode(row, "created_at"),
            updated: try StoredDate.decode(row, "updated_at"),
            model: try row.decode(forColumn: "model"),
            endpointName: try row.decode(forColumn: "endpoint_name"),
            systemPrompt: try row.decode(forColumn: "system_prompt"),
            fewShotSetName: try row.decode(forColumn: "few_shot_set"),
            fewShotVersion: try row.decode(forColumn: "few_shot_version"),
            fewShotMode: (try row.decode(String?.self, forColumn: "few_shot_mode")).flatMap(FewShotMode.init(rawValue:)),
            historyStart: try row.decode(forColumn: "history_start"),
            thinking: try row.decode(forColumn: "thinking"),
            archived: try row.decode(forColumn: "archived"),
            forkedFrom: fork)
    }
}

extension StoredMessage.State {
    init(column: String, detail: String?) throws {
        switch column {
        case "complete": self = .complete
        case "streaming": self = .streaming
        case "interrupted": self = .interrupted(reason: detail ?? "")
        case "failed": self = .failed(message: detail ?? "")
        default: throw SQLiteError(message: "unknown message state \(column)")
        }
    }
}

extension StoredMessage {
    static let selectColumns = """
        m.id, m.conversation_id, m.ordinal, m.role, m.content, m.reasoning_content, m.created_at,
        m.state, m.state_detail, m.model, m.parent_id
        """

    init(row: SQLRow) throws {
        let roleName: String = try row.decode(forColumn: "role")
        guard let role = Role(rawValue: roleName) else {
            throw SQLiteError(message: "unknown message role \(roleName)")
        }
        let parent: Int64? = try row.decode(forColumn: "parent_id")
        self.init(
            id: MessageID(try row.decode(forColumn: "id")),
            conversation: ConversationID(try row.decode(forColumn: "conversation_id")),
            ordinal: try row.decode(forColumn: "ordinal"),
            role: role,
            content: try row.decode(forColumn: "content"),
            reasoningContent: try row.decode(forColumn: "reasoning_content"),
            created: try StoredDate.decode(row, "created_at"),
            state: try State(column: try row.decode(forColumn: "state"), detail: try row.decode(forColumn: "state_detail")),
            model: try row.decode(forColumn: "model"),
            parentID: parent.map(MessageID.init(rawValue:)))
    }
}

extension LedgerEntry.Outcome {
    init(column: String, detail: String?) throws {
        switch column {
        case "ok": self = .ok
        case "interrupted": self = .interrupted(reason: detail ?? "")
        case "error": self = .error(kind: detail ?? "")
        default: throw SQLiteError(message: "unknown request outcome \(column)")
        }
    }
}

extension LedgerEntry {
    init(row: SQLRow) throws {
        let conversation: Int64? = try row.decode(forColumn: "conversation_id")
        let message: Int64? = try row.decode(forColumn: "message_id")
        self.init(
            id: try row.decode(forColumn: "id"),
            time: try StoredDate.decode(row, "time"),
            endpointHost: try row.decode(forColumn: "endpoint_host"),
            endpointName: try row.decode(forColumn: "endpoint_name"),
            model: try row.decode(forColumn: "model"),
            conversation: conversation.map(ConversationID.init(rawValue:)),
            message: message.map(MessageID.init(rawValue:)),
            promptTokens: try row.decode(forColumn: "prompt_tokens"),
            hitTokens: try row.decode(forColumn: "cache_hit_tokens"),
            missTokens: try row.decode(forColumn: "cache_miss_tokens"),
            completionTokens: try row.decode(forColumn: "completion_tokens"),
            reasoningTokens: try row.decode(forColumn: "reasoning_tokens"),
            cost: try row.decode(forColumn: "cost"),
            costWithoutCache: try row.decode(forColumn: "cost_without_cache"),
            currency: try row.decode(forColumn: "currency"),
            predictedHitTokens: try row.decode(forColumn: "predicted_hit_tokens"),
            localPromptTokens: try row.decode(forColumn: "local_prompt_tokens"),
            secondsToFirstToken: try row.decode(forColumn: "seconds_to_first_token"),
            totalSeconds: try row.decode(forColumn: "total_seconds"),
            outcome: try Outcome(column: try row.decode(forColumn: "outcome"), detail: try row.decode(forColumn: "outcome_detail")),
            estimated: try row.decode(forColumn: "estimated"),
            plan: (try row.decode(String?.self, forColumn: "plan")).flatMap(PlanRecord.decodedJSON),
            usageProblem: try row.decode(String?.self, forColumn: "usage_problem"))
    }
}
