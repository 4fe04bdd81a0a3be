import ChatCore
import Foundation
import Testing
@testable import History

@Suite("History export")
struct ExportTests {
    /// A two-round thinking conversation with one interrupted reply, at fixed times.
    func sample() throws -> (StoreFixture, ConversationID) {
        let fixture = try StoreFixture()
        let conversation = try fixture.store.createConversation(ConversationSettings(
            title: "Why prefix caching", model: "deepseek-v4-flash", endpointName: "DeepSeek",
            systemPrompt: "Answer in one sentence.", fewShotSetName: "terse", fewShotVersion: "a1b2c3", thinking: true))
        fixture.clock.advance(10)
        try fixture.store.appendMessage(to: conversation.id, content: "Why does caching save money?")
        let reply = try fixture.store.beginReply(in: conversation.id, model: "deepseek-v4-flash")
        fixture.clock.advance(5)
        var entry = LedgerEntry.fixture("2026-05-01T10:00:10Z", hit: 1024, miss: 256, completion: 64, reasoning: 16,
                                        cost: 0.25, withoutCache: 0.5, predicted: 1024)
        entry.endpointName = "DeepSeek"
        try fixture.store.completeReply(reply, content: "Hits are billed at a tenth of the price.",
                                        reasoning: "Hit price is lower.", ledger: entry)
        fixture.clock.advance(60)
        try fixture.store.appendMessage(to: conversation.id, content: "And 前缀缓存?")
        let second = try fixture.store.beginReply(in: conversation.id, model: "deepseek-v4-flash")
        try fixture.store.appendReplyText(second, content: "The same thing in Chin")
        try fixture.store.interruptReply(second, reason: "cancelled")
        return (fixture, conversation.id)
    }

    @Test func eachRequestsSystemPromptAndTypedTextAsTyped() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.store.createConversation(ConversationSettings(
            title: "Rules", model: "deepseek-chat", endpointName: "DeepSeek", systemPrompt: "New rules.", thinking: false))
        for (question, system) in [("roses *are* red\n    indented code line\n# not a heading\n1. not a list", "Old rules."),
                                   ("Second", "New rules.")] {
            let asked = try fixture.store.appendMessage(to: conversation.id, content: question)
            let reply = try fixture.store.beginReply(in: conversation.id, model: "deepseek-chat")
            var entry = LedgerEntry.fixture("2026-05-01T10:00:10Z", hit: 0, miss: 10, completion: 5, reasoning: 0,
                                            cost: 0.1, withoutCache: 0.1, predicted: 0)
            entry.plan = PlanRecord(system: system, fewShot: nil, messages: [asked.id.rawValue], complete: true,
                                    historyStart: 1, thinking: false, effort: nil)
            try fixture.store.completeReply(reply, content: "A *reply* in Markdown.", reasoning: nil, ledger: entry)
        }
        let text = try fixture.store.export(conversation.id, format: .markdown)
        // Today's system prompt is "New rules.", but the first request carried the old one.
        #expect(text.contains("## System\n\nOld rules.\n\n## 1. User"))
        #expect(text.contains("## System prompt from here on\n\nNew rules.\n\n## 3. User"))
        #expect(text.contains("roses \\*are\\* red\\\n&nbsp;&nbsp;&nbsp;&nbsp;indented code line\\\n\\# not a heading\\\n1\\. not a list\n"))
        #expect(text.contains("A *reply* in Markdown."), "replies stay Markdown")
    }

    @Test func escapingKeepsPlainTextReadable() {
        #expect(HistoryExport.escaped("Hello, world. 3.5 > 2") == "Hello, world. 3.5 \\> 2")
        #expect(HistoryExport.escaped("a\n\nb") == "a\n\nb")
        #expect(HistoryExport.escaped("- item\n+ item") == "\\- item\\\n\\+ item")
        #expect(HistoryExport.escaped("C:\\path_name") == "C:\\\\path\\_name")
    }

    @Test func markdown() throws {
        let (fixture, id) = try sample()
        let text = try fixture.store.export(id, format: .markdown)
        #expect(text == ExportGolden.markdown)
    }

    @Test func json() throws {
        let (fixture, id) = try sample()
        let text = try fixture.store.export(id, format: .json)
        #expect(text == ExportGolden.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let messages = try #require(object["messages"] as? [[String: Any]])
        let usage = try #require(messages[1]["usage"] as? [String: Any])
        #expect(usage["prompt_cache_hit_tokens"] as? Int == 1024)
        #expect(usage["prompt_cache_miss_tokens"] as? Int == 256)
        #expect(usage["prompt_tokens"] as? Int == 1280)
        #expect(usage["completion_tokens"] as? Int == 64)
        #expect(messages[3]["usage"] == nil)
    }

    @Test func unknownConversation() throws {
        let fixture = try StoreFixture()
        #expect { try fixture.store.export(ConversationID(5), format: .markdown) } throws: {
            "\($0)" == "There is no conversation 5."
        }
    }
}

enum ExportGolden {
    static let markdown = """
        # Why prefix caching

        - Conversation: 1
        - Model: deepseek-v4-flash (thinking on)
        - Endpoint: DeepSeek
        - Started: 2026-05-01 10:00:00 UTC
        - Last activity: 2026-05-01 10:01:15 UTC
        - Few-shot set: terse (a1b2c3)
        - Totals: 1 request, 1,280 prompt tokens (1,024 cache hit, 256 miss), 64 completion tokens (16 reasoning), cost 0.250000 USD (0.500000 without cache, saved 0.250000)

        ## System

        Answer in one sentence.

        ## 1. User · 2026-05-01 10:00:10 UTC

        Why does caching save money?

        ## 2. Assistant · deepseek-v4-flash · 2026-05-01 10:00:10 UTC

        <details>
        <summary>Reasoning</summary>

        Hit price is lower.

        </details>

        Hits are billed at a tenth of the price.

        *Usage: 1,280 prompt tokens (1,024 cache hit, 256 miss), 64 completion tokens (16 reasoning), cost 0.250000 USD (0.500000 without cache, saved 0.250000)*

        ## 3. User · 2026-05-01 10:01:15 UTC

        And 前缀缓存?

        ## 4. Assistant · deepseek-v4-flash · 2026-05-01 10:01:15 UTC

        The same thing in Chin

        > Interrupted: cancelled

        """
    static let json = """
        {
          "conversation" : {
            "archived" : false,
            "created" : "2026-05-01T10:00:00Z",
            "endpoint" : "DeepSeek",
            "few_shot_set" : "terse",
            "few_shot_version" : "a1b2c3",
            "id" : 1,
            "model" : "deepseek-v4-flash",
            "system_prompt" : "Answer in one sentence.",
            "thinking" : true,
            "title" : "Why prefix caching",
            "updated" : "2026-05-01T10:01:15Z"
          },
          "format_version" : 1,
          "messages" : [
            {
              "content" : "Why does caching save money?",
              "created" : "2026-05-01T10:00:10Z",
              "id" : 1,
              "ordinal" : 1,
              "role" : "user",
              "state" : "complete"
            },
            {
              "content" : "Hits are billed at a tenth of the price.",
              "created" : "2026-05-01T10:00:10Z",
              "id" : 2,
              "model" : "deepseek-v4-flash",
              "ordinal" : 2,
              "reasoning_content" : "Hit price is lower.",
              "request" : {
                "cost" : 0.25,
                "cost_without_cache" : 0.5,
                "currency" : "USD",
                "endpoint" : "DeepSeek",
                "endpoint_host" : "api.deepseek.com",
                "model" : "deepseek-v4-flash",
                "outcome" : "ok",
                "predicted_prompt_cache_hit_tokens" : 1024,
                "seconds_to_first_token" : 0.5,
                "time" : "2026-05-01T10:00:10Z",
                "total_seconds" : 2.25
              },
              "role" : "assistant",
              "state" : "complete",
              "usage" : {
                "completion_tokens" : 64,
                "completion_tokens_details" : {
                  "reasoning_tokens" : 16
                },
                "prompt_cache_hit_tokens" : 1024,
                "prompt_cache_miss_tokens" : 256,
                "prompt_tokens" : 1280
              }
            },
            {
              "content" : "And 前缀缓存?",
              "created" : "2026-05-01T10:01:15Z",
              "id" : 3,
              "ordinal" : 3,
              "role" : "user",
              "state" : "complete"
            },
            {
              "content" : "The same thing in Chin",
              "created" : "2026-05-01T10:01:15Z",
              "id" : 4,
              "model" : "deepseek-v4-flash",
              "ordinal" : 4,
              "role" : "assistant",
              "state" : "interrupted",
              "state_detail" : "cancelled"
            }
          ],
          "totals" : {
            "completion_tokens" : 64,
            "costs" : [
              {
                "cost" : 0.25,
                "cost_without_cache" : 0.5,
                "currency" : "USD",
                "saved" : 0.25
              }
            ],
            "estimated_requests" : 0,
            "group" : null,
            "hit_ratio" : 0.8,
            "prediction" : {
              "exact" : 1,
              "exact_share" : 1,
              "mean_absolute_error" : 0,
              "requests" : 1,
              "total_absolute_error" : 0
            },
            "prompt_cache_hit_tokens" : 1024,
            "prompt_cache_miss_tokens" : 256,
            "prompt_tokens" : 1280,
            "reasoning_tokens" : 16,
            "requests" : 1
          }
        }

        """
}
