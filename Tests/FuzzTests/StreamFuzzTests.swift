import ChatCore
@testable import ChatWire
import Testing

@Suite("Fuzz: SSE decoder, stream parser, reply accumulator")
struct StreamFuzzTests {
    let seeds = WireSeeds.streams.map { Array($0.utf8) }

    static func events(_ pieces: [[UInt8]], maxEventBytes: Int = SSEDecoder.defaultMaxEventBytes) -> [SSEEvent] {
        var decoder = SSEDecoder(maxEventBytes: maxEventBytes)
        return pieces.flatMap { decoder.feed($0) } + decoder.finish()
    }

    static func parse(_ pieces: [[UInt8]], maxEventBytes: Int = SSEDecoder.defaultMaxEventBytes) -> [ChatStreamEvent] {
        var parser = ChatStreamParser(maxEventBytes: maxEventBytes)
        return pieces.flatMap { parser.feed($0) } + parser.finish()
    }

    @Test func sseDecoderGivesTheSameEventsForAnySplit() {
        Fuzz.run("sse-decoder", seeds: seeds) { input, rng in
            let limit = rng.chance(20) ? 1 + rng.below(64) : SSEDecoder.defaultMaxEventBytes
            let whole = Self.events([input], maxEventBytes: limit)
            let split = Self.events(Fuzz.randomSplit(input, &rng), maxEventBytes: limit)
            try Fuzz.check(split == whole, "split \(split) != whole \(whole)")
            let bytewise = Self.events(input.map { [$0] }, maxEventBytes: limit)
            try Fuzz.check(bytewise == whole, "byte by byte \(bytewise) != whole \(whole)")
            let tooLarge = whole.filter { if case .tooLarge = $0 { true } else { false } }.count
            try Fuzz.check(tooLarge == 0 || limit < input.count, "tooLarge reported under the limit")
        }
    }

    @Test func streamParserEndsOnceAndNeverAfterAFailure() {
        Fuzz.run("stream-parser", seeds: seeds) { input, rng in
            let limit = rng.chance(10) ? 1 + rng.below(256) : SSEDecoder.defaultMaxEventBytes
            let whole = Self.parse([input], maxEventBytes: limit)
            let split = Self.parse(Fuzz.randomSplit(input, &rng), maxEventBytes: limit)
            try Fuzz.check(split == whole, "split \(split) != whole \(whole)")
            let terminal = whole.indices.filter {
                switch whole[$0] {
                case .done, .failure: true
                default: false
                }
            }
            try Fuzz.check(terminal == [whole.count - 1], "expected exactly one final .done/.failure, got \(whole)")
        }
    }

    @Test func accumulatorHoldsExactlyWhatTheEventsSaid() {
        Fuzz.run("reply-accumulator", seeds: seeds) { input, rng in
            let events = Self.parse(Fuzz.randomSplit(input, &rng))
            var accumulator = ReplyAccumulator()
            accumulator.apply(events)
            let reply = accumulator.reply
            let content = events.map { if case .content(let text) = $0 { text } else { "" } }.joined()
            let reasoning = events.map { if case .reasoning(let text) = $0 { text } else { "" } }.joined()
            try Fuzz.check(reply.content == content, "content \(reply.content.debugDescription) != \(content.debugDescription)")
            try Fuzz.check(reply.reasoningContent == reasoning, "reasoning differs")
            try Fuzz.check(reply.isComplete == events.contains(.done), "isComplete differs from .done")
            let firstFailure = events.lazy.compactMap { if case .failure(let error) = $0 { error } else { nil } }.first
            try Fuzz.check(reply.failure == firstFailure, "failure differs")
            _ = reply.message  // building the next request's message must not trap
        }
    }
}
