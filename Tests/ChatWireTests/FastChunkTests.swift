import Foundation
import Testing
@testable import ChatWire

/// `ChatCompletionChunk.fast` against JSONDecoder, which it stands in for (DECISIONS 108):
/// whatever it reads, it reads as JSONDecoder does; what it does not take (nil) goes to
/// JSONDecoder. And it does take the usual chunks, or it would buy nothing.
@Suite struct FastChunkTests {
    static func decoded(_ bytes: [UInt8]) -> ChatCompletionChunk? {
        try? JSONDecoder().decode(ChatCompletionChunk.self, from: Data(bytes))
    }

    /// Fast either declines or agrees with JSONDecoder.
    static func agrees(_ bytes: [UInt8]) -> Bool {
        guard let fast = ChatCompletionChunk.fast(bytes) else { return true }
        return fast == decoded(bytes)
    }

    static let deepSeek = #"{"id":"a1b2c3","object":"chat.completion.chunk","created":1733400000,"model":"deepseek-chat","system_fingerprint":"fp_ab12_prod0820","choices":[{"index":0,"delta":{"content":" cache"},"logprobs":null,"finish_reason":null}],"usage":null}"#

    static func randomText(_ generator: inout some RandomNumberGenerator) -> String {
        let pieces: [String] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\r", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "é", "中文",
                                "🧪", "👩‍👩‍👧", "\u{202E}", "\u{FFFD}", "\u{2028}", "\u{10FFFF}", "{", "}", "[", ",", ":", "null"]
        return (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    @Test func theUsualChunksAreReadAndAgree() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = [Self.deepSeek,
                     #"{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}],"usage":null}"#,
                     #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
                     #" { "choices" : [ ] , "created" : -0 } "#,
                     #"{"choices":[{"delta":{"reasoning":"or\u00e9 \ud83d\ude00 \/ \b\f\n\r\t"}}],"extra":{"a":[1,true,false,null,"s"]}}"#]
        let encoder = JSONEncoder()
        for _ in 0..<2_000 {
            let roles: [Role?] = [nil, .assistant, .user, .other("weird \"role\"")]
            let delta = ChatCompletionChunk.Delta(role: roles.randomElement(using: &generator)!,
                                                  content: Bool.random(using: &generator) ? Self.randomText(&generator) : nil,
                                                  reasoningContent: Bool.random(using: &generator) ? Self.randomText(&generator) : nil)
            let chunk = ChatCompletionChunk(id: Self.randomText(&generator), created: Int.random(in: -5...Int.max, using: &generator),
                                            model: "deepseek-chat",
                                            choices: [ChatCompletionChunk.Choice(index: Int.random(in: 0...3, using: &generator), delta: delta,
                                                                                 finishReason: Bool.random(using: &generator) ? "stop" : nil)],
                                            systemFingerprint: Bool.random(using: &generator) ? "fp" : nil)
            texts.append(String(decoding: try encoder.encode(chunk), as: UTF8.self))
        }
        var read = 0
        for text in texts {
            let bytes = Array(text.utf8)
            let fast = ChatCompletionChunk.fast(bytes)
            if fast != nil { read += 1 }
            #expect(fast == Self.decoded(bytes), "\(text)")
        }
        #expect(read == texts.count, "every usual chunk is read without JSONDecoder (\(read) of \(texts.count))")
    }

    /// What it leaves to JSONDecoder: the decoder's results and errors stay as they were.
    @Test(arguments: [
        #"{"choices":[],"usage":{"prompt_tokens":3}}"#,                 // a usage object
        #"{"choices":[{"delta":{"tool_calls":[{"index":0}]}}]}"#,         // tool calls
        #"{"choices":[],"created":1.5}"#, #"{"choices":[],"created":1e3}"#, #"{"choices":[],"created":01}"#,
        #"{"choices":[],"created":99999999999999999999}"#,
        #"{"choices":[],"id":"a","id":"b"}"#,                             // a duplicate key
        #"{"choices":[{"delta":{"content":"\ud83d"}}]}"#,                 // a lone surrogate
        #"{"choices":[{"delta":{"content":"\udc00\ud83d"}}]}"#,
        #"{"choices":[{"delta":{"content":"\x"}}]}"#,                     // an unknown escape
        "{\"choices\":[{\"delta\":{\"content\":\"a\u{1}b\"}}]}",          // a raw control character
        #"{"choices":[{"delta":{"content":5}}]}"#, #"{"choices":null}"#, #"{"id":"a"}"#,
        #"{"choices":[],}"#, #"{"choices":[1,]}"#, #"{"choices":[]} x"#, #"{"choices":["#, #"[]"#, "",
    ])
    func otherChunksAreLeftToJSONDecoder(_ text: String) {
        #expect(ChatCompletionChunk.fast(Array(text.utf8)) == nil)
    }

    @Test func bytesThatAreNotUTF8AreLeftToJSONDecoder() {
        var bytes = Array(#"{"choices":[{"delta":{"content":"ab"}}]}"#.utf8)
        bytes.insert(0xFF, at: 31)
        #expect(ChatCompletionChunk.fast(bytes) == nil)
    }

    /// Random single-byte edits of real chunks: fast declines or agrees, never differs.
    @Test func mutatedChunksNeverDisagree() {
        var generator = SystemRandomNumberGenerator()
        let seeds = [Self.deepSeek, #"{"choices":[{"index":0,"delta":{"reasoning_content":"a\nb\u00e9\ud83d\ude00"},"finish_reason":"stop"}],"usage":null,"created":17}"#]
        let alphabet = Array(#"{}[],:"\/nultrfe0123456789-+.Eeuabd "#.utf8) + [0x00, 0x0A, 0x7F, 0xC3, 0xA9, 0xFF]
        var disagreements: [String] = []
        var read = 0
        for _ in 0..<20_000 {
            var bytes = Array(seeds.randomElement(using: &generator)!.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0...2, using: &generator) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: at)
                default: bytes[at] = alphabet.randomElement(using: &generator)!
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            if ChatCompletionChunk.fast(bytes) != nil { read += 1 }
            if !Self.agrees(bytes) { disagreements.append(String(decoding: bytes, as: UTF8.self)) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count): \(disagreements.prefix(5))")
        #expect(read > 1_000, "some mutations stay readable: \(read)")
    }
}
