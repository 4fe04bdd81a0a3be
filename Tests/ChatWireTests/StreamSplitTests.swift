import ChatCore
import Testing
@testable import ChatWire

/// Every fixture must yield the same events however the network slices it.
@Suite struct StreamSplitTests {
    static let fixtures: [String: String] = [
        "thinking": StreamFixtures.thinking,
        "thinking CRLF": StreamFixtures.thinking.replacingOccurrences(of: "\n", with: "\r\n"),
        "non-thinking": StreamFixtures.nonThinking,
        "trailing usage": StreamFixtures.trailingUsage,
        "both usages": StreamFixtures.bothUsages,
        "tool call": StreamFixtures.toolCall,
        "non-stream body": StreamFixtures.nonStreamBody,
    ]

    @Test(arguments: fixtures.keys.sorted())
    func everySplitPointGivesTheSameEvents(name: String) {
        let bytes = Array(Self.fixtures[name]!.utf8)
        let expected = parse([bytes[...]])
        #expect(failures(expected).isEmpty, "\(name)")
        #expect(expected.last == .done, "\(name)")
        for split in 0...bytes.count {
            let events = parse([bytes[..<split], bytes[split...]])
            if events != expected {
                Issue.record("\(name): split at \(split) differs")
                return
            }
        }
    }

    @Test(arguments: fixtures.keys.sorted())
    func oneByteAtATimeGivesTheSameEvents(name: String) {
        let bytes = Array(Self.fixtures[name]!.utf8)
        let expected = parse([bytes[...]])
        let events = parse(bytes.indices.map { bytes[$0...$0] })
        #expect(events == expected, "\(name)")
    }

    @Test func thinkingStreamAssemblesReasoningThenContent() {
        let events = parse(StreamFixtures.thinking)
        let reply = accumulate(events)
        #expect(reply.reasoningContent == "Let me think 🤔 hard.")
        #expect(reply.content == "答案 is 42.")
        #expect(reply.role == "assistant")
        #expect(reply.finishReason == "stop")
        #expect(reply.model == "deepseek-v4-flash")
        #expect(reply.id == "2f1c8a52-9b0e-4c4f-8f7e-3d2b1a0c9e8d")
        #expect(reply.systemFingerprint == "fp_8802369eaa_prod0623_fp8_kvcache")
        #expect(reply.usage == Usage(
            promptTokens: 1200, completionTokens: 57, totalTokens: 1257,
            cacheHitTokens: 1152, cacheMissTokens: 48, reasoningTokens: 20))
        #expect(reply.isComplete)
        #expect(reply.failure == nil)
        #expect(events.filter { $0 == .keepAlive }.count == 2)
        // Reasoning deltas all come before the first content delta.
        let firstContent = events.firstIndex { if case .content = $0 { true } else { false } }!
        let lastReasoning = events.lastIndex { if case .reasoning = $0 { true } else { false } }!
        #expect(lastReasoning < firstContent)
    }

    @Test func nonThinkingStream() {
        let reply = accumulate(parse(StreamFixtures.nonThinking))
        #expect(reply.content == "Hello, world!")
        #expect(reply.reasoningContent == "")
        #expect(reply.usage?.cacheHitTokens == 1024)
        #expect(reply.isComplete)
    }

    @Test func usageOnTrailingEmptyChoicesChunk() {
        let events = parse(StreamFixtures.trailingUsage)
        let reply = accumulate(events)
        #expect(reply.finishReason == "length")
        #expect(reply.usage?.promptTokens == 1200)
        #expect(reply.usage?.completionTokens == 60)
        #expect(events.filter { if case .usage = $0 { true } else { false } }.count == 1)
    }

    @Test func lastUsageWins() {
        let events = parse(StreamFixtures.bothUsages)
        #expect(events.filter { if case .usage = $0 { true } else { false } }.count == 2)
        let reply = accumulate(events)
        #expect(reply.usage?.cacheHitTokens == 1024)
        #expect(reply.usage?.completionTokens == 60)
        #expect(reply.usage?.reasoningTokens == nil)
    }

    @Test func toolCallsAssembledByIndex() {
        let reply = accumulate(parse(StreamFixtures.toolCall))
        #expect(reply.toolCalls == [
            ToolCall(id: "call_0_abc", name: "get_weather", arguments: #"{"city":"Paris"}"#),
            ToolCall(id: "call_1_def", name: "get_time", arguments: "{}"),
        ])
        #expect(reply.finishReason == "tool_calls")
        #expect(reply.message.content == nil)
        #expect(reply.message.toolCalls?.count == 2)
    }

    @Test func nonStreamBodyWithLeadingBlankLines() {
        let events = parse(StreamFixtures.nonStreamBody)
        #expect(Array(events.prefix(3)) == [.keepAlive, .keepAlive, .keepAlive])
        let reply = accumulate(events)
        #expect(reply.content == "Paris is the capital. 🇫🇷")
        #expect(reply.reasoningContent == "The user asks about France.")
        #expect(reply.finishReason == "stop")
        #expect(reply.usage?.cacheHitTokens == 1152)
        #expect(reply.model == "deepseek-v4-pro")
        #expect(reply.isComplete)
        #expect(events.last == .done)
    }
}
