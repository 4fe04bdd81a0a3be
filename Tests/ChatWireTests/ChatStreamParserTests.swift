import ChatCore
import Foundation
import TestSupport
import Testing
@testable import ChatWire

@Suite struct ChatStreamParserTests {
    @Test func truncatedStreamKeepsContentAndReportsTruncation() {
        let text = StreamFixtures.chunk(#"{"role":"assistant","content":"Partial"}"#)
            + StreamFixtures.chunk(#"{"content":" answer"}"#)
        let events = parse(text)
        let reply = accumulate(events)
        #expect(reply.content == "Partial answer")
        #expect(!reply.isComplete)
        #expect(reply.failure?.kind == .truncated)
        #expect(reply.failure?.message.contains("cut off") == true)
        #expect(failures(events).count == 1)
        #expect(events.last.map { if case .failure = $0 { true } else { false } } == true)
    }

    @Test func streamCutMidChunkIsTruncationNotMalformed() {
        let full = StreamFixtures.chunk(#"{"role":"assistant","content":"Hi"}"#)
            + StreamFixtures.chunk(#"{"content":" there"}"#)
        let cut = String(full.dropLast(20))
        let reply = accumulate(parse(cut))
        #expect(reply.content == "Hi")
        #expect(reply.failure?.kind == .truncated)
    }

    @Test func aBodyThatIsNotAStreamIsMalformedNotTruncated() {
        // A proxy's page or a wrong base URL answering 200: nothing in it is SSE.
        let page = accumulate(parse("<html><head><title>Welcome</title></head>\n<body>nginx</body></html>\n"))
        #expect(page.failure?.kind == .malformedResponse)
        #expect(page.failure?.message.contains("neither an event stream nor JSON") == true)
        #expect(page.failure?.message.contains("<html><head><title>Welcome") == true)
        #expect(accumulate(parse("Not Found\n")).failure?.kind == .malformedResponse)
        // A stream cut inside its first line, or one that only kept the connection alive,
        // is still a stream that ended early.
        #expect(accumulate(parse("data: {\"choices\":[{\"del")).failure?.kind == .truncated)
        #expect(accumulate(parse(": keep-alive\n\n")).failure?.kind == .truncated)
    }

    @Test func completeStreamWithoutTrailingNewlineAfterDone() {
        let text = StreamFixtures.chunk(#"{"content":"ok"}"#, finish: "stop") + "data: [DONE]"
        let reply = accumulate(parse(text))
        #expect(reply.isComplete)
        #expect(reply.failure == nil)
    }

    @Test func invalidJSONChunkStopsWithClearErrorAndKeepsContent() {
        let text = StreamFixtures.chunk(#"{"role":"assistant","content":"Before"}"#)
            + StreamFixtures.chunk(#"{"content":" bad"#)  // chunk 2 is broken
            + StreamFixtures.chunk(#"{"content":" after"}"#)
            + "data: [DONE]\n\n"
        var parser = ChatStreamParser()
        let events = parser.feed(Array(text.utf8)) + parser.finish()
        let reply = accumulate(events)
        #expect(reply.content == "Before")
        #expect(!reply.isComplete)
        let error = try! #require(reply.failure)
        #expect(error.kind == .malformedResponse)
        #expect(error.message.contains("Chunk 2"))
        #expect(error.message.contains(#"{"id":"2f1c8a52"#))
        #expect(failures(events).count == 1)
        #expect(parser.isFinished)
        #expect(parser.chunkCount == 2)
        #expect(parser.feed(Array(StreamFixtures.chunk(#"{"content":"x"}"#).utf8)).isEmpty)
    }

    @Test func errorObjectInsideStream() {
        let text = StreamFixtures.chunk(#"{"role":"assistant","content":"Some"}"#)
            + #"data: {"error":{"message":"Service overloaded, please retry","type":"server_overloaded","param":null,"code":"overloaded"}}"# + "\n\n"
            + "data: [DONE]\n\n"
        let events = parse(text)
        let reply = accumulate(events)
        #expect(reply.content == "Some")
        #expect(!reply.isComplete)
        #expect(reply.failure?.kind == .overloaded)
        #expect(reply.failure?.serverMessage == "Service overloaded, please retry")
        #expect(reply.failure?.message.contains("Service overloaded, please retry") == true)
    }

    @Test func errorWithNumericCodeMapsToStatusKind() {
        let text = #"data: {"error":{"message":"Rate limit reached","code":429}}"# + "\n\n"
        #expect(failures(parse(text)).first?.kind == .rateLimited)
    }

    @Test func contentMentioningErrorIsNotAnError() {
        let text = StreamFixtures.chunk(#"{"content":"the \"error\" key, error: none"}"#, finish: "stop")
            + "data: [DONE]\n\n"
        let reply = accumulate(parse(text))
        #expect(reply.failure == nil)
        #expect(reply.content == #"the "error" key, error: none"#)
    }

    @Test func nullErrorFieldIsIgnored() {
        let text = #"data: {"choices":[{"index":0,"delta":{"content":"x"}}],"error":null}"# + "\n\ndata: [DONE]\n\n"
        let reply = accumulate(parse(text))
        #expect(reply.failure == nil)
        #expect(reply.content == "x")
    }

    @Test func multiLineDataIsJoined() {
        let text = "data: {\"choices\":[{\"index\":0,\n"
            + "data: \"delta\":{\"content\":\"joined\"}}]}\n\n"
            + "data: [DONE]\n\n"
        let reply = accumulate(parse(text))
        #expect(reply.content == "joined")
        #expect(reply.isComplete)
    }

    @Test func keepAliveBetweenEvents() {
        let text = ": keep-alive\n\n" + StreamFixtures.chunk(#"{"content":"a"}"#)
            + ": keep-alive\n\n: keep-alive\n\n" + "data: [DONE]\n\n"
        let events = parse(text)
        #expect(events.filter { $0 == .keepAlive }.count == 3)
        #expect(accumulate(events).content == "a")
    }

    @Test func emptyBodyIsTruncated() {
        let errors = failures(parse(""))
        #expect(errors.map(\.kind) == [.truncated])
        #expect(errors[0].message.contains("without sending a reply"))
        #expect(failures(parse("\n\n\n")).map(\.kind) == [.truncated])
    }

    @Test func nonStreamBodyCutShortIsTruncated() {
        let body = String(StreamFixtures.nonStreamBody.dropLast(30))
        #expect(failures(parse(body)).map(\.kind) == [.truncated])
    }

    @Test func nonStreamMalformedBody() {
        let errors = failures(parse("{\"choices\": 5}"))
        #expect(errors.map(\.kind) == [.malformedResponse])
        #expect(errors[0].message.contains("not valid JSON"))
    }

    @Test func nonStreamErrorBodyWith200() {
        let errors = failures(parse(#"{"error":{"message":"Insufficient Balance","type":"unknown_error","code":"invalid_request_error"}}"#))
        #expect(errors.count == 1)
        #expect(errors[0].serverMessage == "Insufficient Balance")
        #expect(errors[0].kind == .insufficientBalance)
    }

    @Test func nonStreamToolCalls() {
        let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}]}"#
        let reply = accumulate(parse(body))
        #expect(reply.toolCalls == [ToolCall(id: "c1", name: "f", arguments: #"{"a":1}"#)])
        #expect(reply.isComplete)
    }

    @Test func receivedReplyDataFlag() {
        var parser = ChatStreamParser()
        _ = parser.feed(Array(": keep-alive\n\n".utf8))
        #expect(!parser.hasReceivedReplyData)
        _ = parser.feed(Array(StreamFixtures.chunk(#"{"role":"assistant","content":""}"#).utf8))
        #expect(parser.hasReceivedReplyData)
    }

    @Test func oversizedChunkFails() {
        var parser = ChatStreamParser(maxEventBytes: 256)
        let text = StreamFixtures.chunk(#"{"content":""# + String(repeating: "x", count: 400) + #""}"#)
        let events = parser.feed(Array(text.utf8)) + parser.finish()
        #expect(failures(events).map(\.kind) == [.malformedResponse])
    }

    @Test func accumulatingManyDeltasIsLinear() {
        // The last 5,000 of 50,000 deltas cost what the first 5,000 did: quadratic appends
        // would make them about ten times dearer. A ratio in one run, never an absolute time.
        let ratio = Timing.growthRatio(steps: 10) {
            var accumulator = ReplyAccumulator()
            return { step in
                for _ in 0..<5_000 {
                    accumulator.apply(.reasoning("abcd"))
                    accumulator.apply(.content("wxyz"))
                }
                #expect(accumulator.reply.content.utf8.count == (step + 1) * 20_000)
                #expect(accumulator.reply.reasoningContent.utf8.count == (step + 1) * 20_000)
            }
        }
        print("accumulating deltas: the last 5,000 of 50,000 cost \(ratio)x the first 5,000")
        #expect(ratio < 3)
    }

    @Test func toolCallFragmentsWithoutIndex() {
        var accumulator = ReplyAccumulator()
        accumulator.apply([
            .toolCall(ToolCallDelta(index: nil, id: "a", name: "f", arguments: "{")),
            .toolCall(ToolCallDelta(index: nil, arguments: "}")),
            .toolCall(ToolCallDelta(index: nil, id: "b", name: "g", arguments: "[]")),
        ])
        #expect(accumulator.reply.toolCalls.map(\.arguments) == ["{}", "[]"])
        #expect(accumulator.reply.toolCalls.map(\.id) == ["a", "b"])
    }
}

@Suite struct ChatStreamParserCostTests {
    @Test func parsingCostsTheSamePerChunkHoweverLongTheReply() {
        // One chunk per token, as DeepSeek streams, delivered in 1 KiB network reads: the
        // last 500 of 5,000 chunks cost what the first 500 did.
        var text = StreamFixtures.chunk(#"{"role":"assistant","content":""}"#)
        for i in 0..<5_000 { text += StreamFixtures.chunk(#"{"content":"tok\#(i % 10) "}"#) }
        text += StreamFixtures.chunk(#"{"content":""}"#, finish: "stop", usage: StreamFixtures.usageB) + "data: [DONE]\n\n"
        let bytes = Array(text.utf8)
        let steps = 10
        let ratio = Timing.growthRatio(steps: steps) {
            var parser = ChatStreamParser()
            var accumulator = ReplyAccumulator()
            var start = 0
            return { step in
                let end = step == steps - 1 ? bytes.count : bytes.count * (step + 1) / steps
                while start < end {
                    let stop = min(start + 1024, end)
                    accumulator.apply(parser.feed(bytes[start..<stop]))
                    start = stop
                }
                if step == steps - 1 {
                    accumulator.apply(parser.finish())
                    #expect(accumulator.reply.isComplete)
                    #expect(accumulator.reply.content.utf8.count == 5_000 * 5)
                }
            }
        }
        print("parsing a 5,000-chunk reply: the last tenth costs \(ratio)x the first")
        #expect(ratio < 3)
    }
}
