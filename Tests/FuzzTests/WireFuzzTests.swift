import ChatCore
@testable import ChatWire
import Foundation
import Testing

@Suite("Fuzz: JSON wire decoding and HTTP errors")
struct WireFuzzTests {
    var seeds: [[UInt8]] {
        (WireSeeds.requests + WireSeeds.errors).map { Array($0.utf8) }
            + WireSeeds.streams.flatMap { $0.split(separator: "\n").map { Array($0.utf8.drop(while: { $0 != UInt8(ascii: "{") })) } }
            .filter { !$0.isEmpty }
    }

    @Test func decodersThrowButNeverTrap() {
        let decoder = JSONDecoder()
        Fuzz.run("json-wire", seeds: seeds) { input, _ in
            let data = Data(input)
            if let request = try? ChatRequest.decode(input) {
                // What we decoded we can send again, and it means the same.
                let again = try ChatRequest.decode(try request.encodedBody())
                try Fuzz.check(again == request, "request re-encoding changed it: \(request) -> \(again)")
            }
            _ = try? decoder.decode(ChatCompletion.self, from: data)
            _ = try? decoder.decode(ChatCompletionChunk.self, from: data)
            if let usage = try? decoder.decode(WireUsage.self, from: data) {
                _ = usage.usage.cacheHitRatio
                _ = usage.usage.resolvedCacheMissTokens
            }
            _ = try? decoder.decode(JSONValue.self, from: data)
            _ = try? decoder.decode(ModelList.self, from: data)
            _ = APIErrorBody.parse(input)
        }
    }

    @Test func httpErrorsAreReadableAndClean() {
        let statuses = [400, 401, 402, 404, 422, 429, 500, 502, 503, 504, 418, 0, -1, 999]
        let retryAfter: [String?] = [nil, "5", "120", "-3", "1e9", "Wed, 21 Oct 2015 07:28:00 GMT", "\u{1B}[2J", "99999999999999999999"]
        Fuzz.run("api-error", seeds: seeds) { input, rng in
            let error = APIError.fromHTTP(
                status: statuses[rng.below(statuses.count)], body: input,
                retryAfterHeader: retryAfter[rng.below(retryAfter.count)],
                keySource: rng.chance(50) ? KeySource(origin: "--api-key", key: "sk-0123456789abcdef") : nil,
                now: Date(timeIntervalSince1970: 1_790_000_000))
            try Fuzz.check(!error.message.isEmpty, "empty message")
            try Fuzz.check(!error.message.contains("0123456789abcdef"), "the API key leaked: \(error.message)")
            let bad = error.message.unicodeScalars.first { $0.properties.generalCategory == .control || TerminalSanitizer.isBidiControl($0.value) }
            try Fuzz.check(bad == nil, "control character U+\(String(bad?.value ?? 0, radix: 16)) in \(error.message.debugDescription)")
        }
    }
}
