import ChatCore
import Foundation
import Testing
@testable import ChatWire

@Suite struct ResponseDecodingTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    @Test func chatCompletionWithUnknownFields() throws {
        let completion = try decode(ChatCompletion.self, #"""
        {"id":"930c60df-bf64-41c9-a88e-3ec75f81e00e","object":"chat.completion","created":1705651092,
         "model":"deepseek-v4-flash","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},
         "logprobs":null,"finish_reason":"insufficient_system_resource"}],
         "usage":{"prompt_tokens":16,"completion_tokens":10,"total_tokens":26,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":16},
         "system_fingerprint":"fp_new_format/2026-09","brand_new_field":[1,2,3]}
        """#)
        #expect(completion.id == "930c60df-bf64-41c9-a88e-3ec75f81e00e")
        #expect(completion.choices.first?.message?.content == "Hello!")
        #expect(completion.choices.first?.finishReason == "insufficient_system_resource")
        #expect(completion.usage?.cacheMissTokens == 16)
        #expect(completion.systemFingerprint == "fp_new_format/2026-09")
    }

    @Test func chunkEncodesUsageNullLikeDeepSeek() throws {
        let chunk = ChatCompletionChunk(model: "m", choices: [.init(delta: .init(content: "x"))])
        let text = String(decoding: try JSONEncoder().encode(chunk), as: UTF8.self)
        #expect(text.contains(#""usage":null"#))
        #expect(try decode(ChatCompletionChunk.self, text) == chunk)
    }

    @Test func deltaAcceptsReasoningAlias() throws {
        let chunk = try decode(ChatCompletionChunk.self, #"{"choices":[{"delta":{"reasoning":"hmm"}}]}"#)
        #expect(chunk.choices[0].delta?.reasoningContent == "hmm")
    }

    @Test func modelList() throws {
        let list = try decode(ModelList.self, #"{"object":"list","data":[{"id":"deepseek-v4-flash","object":"model","owned_by":"deepseek"},{"id":"deepseek-v4-pro","object":"model","owned_by":"deepseek"}]}"#)
        #expect(list.ids == ["deepseek-v4-flash", "deepseek-v4-pro"])
        #expect(list.data[0].ownedBy == "deepseek")
        #expect(try decode(ModelList.self, "{}").ids.isEmpty)
    }

    @Test func balanceWithStringAndNumberAmounts() throws {
        let balance = try decode(Balance.self, #"{"is_available":true,"balance_infos":[{"currency":"CNY","total_balance":"110.00","granted_balance":"10.00","topped_up_balance":"100.00"},{"currency":"USD","total_balance":2.5}]}"#)
        #expect(balance.isAvailable == true)
        #expect(balance.balanceInfos[0].totalBalance == "110.00")
        #expect(balance.balanceInfos[0].total == Decimal(110))
        #expect(balance.balanceInfos[1].currency == "USD")
        #expect(balance.balanceInfos[1].total == Decimal(string: "2.5"))
        #expect(balance.balanceInfos[1].grantedBalance == nil)
    }

    /// Amounts that are no numbers are left out (a NaN, once remembered, made state.json
    /// unwritable); a thousand decimals are twelve (zero resolution trapped the panel).
    @Test func balanceAmountsThatAreNoNumbersAreLeftOut() throws {
        let zeros = "1." + String(repeating: "0", count: 400)
        let balance = try decode(Balance.self, #"{"balance_infos":[{"currency":"USD","total_balance":"\#(zeros)","granted_balance":"nan","topped_up_balance":"1e999"},{"currency":"CNY","total_balance":"inf"}]}"#)
        let readings = balance.readings(at: Date(timeIntervalSince1970: 0), endpointHost: "h")
        #expect(readings.count == 1)
        let reading = try #require(readings.first)
        #expect(reading.granted == nil && reading.toppedUp == nil && reading.total == 1)
        #expect(reading.resolution == 1e-12)
        #expect(reading.text() == "$1.000000000000")
        for resolution in [0, -1, .nan, .infinity, 1e-300, 100] {
            var odd = reading
            odd.resolution = resolution
            #expect(!odd.text().isEmpty)
        }
    }

    @Test func errorBodyShapes() {
        func parse(_ text: String) -> APIErrorBody? { APIErrorBody.parse(Array(text.utf8)) }
        #expect(parse(#"{"error":{"message":"Authentication Fails","type":"authentication_error","param":null,"code":"invalid_request_error"}}"#)
            == APIErrorBody(message: "Authentication Fails", type: "authentication_error", code: "invalid_request_error"))
        #expect(parse(#"{"error":{"code":429}}"#) == APIErrorBody(message: nil, code: "429"))
        #expect(parse(#"{"error":"plain text"}"#)?.message == "plain text")
        #expect(parse(#"{"object":"error","message":"vllm says no","type":"BadRequestError","code":400}"#)?.message == "vllm says no")
        #expect(parse(#"{"detail":"Not authenticated"}"#)?.message == "Not authenticated")
        #expect(parse("<html>nope</html>") == nil)
        #expect(parse("") == nil)
        #expect(parse("{}") == nil)
    }
}
