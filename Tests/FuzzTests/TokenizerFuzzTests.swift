import Testing
import Tokenizer

@Suite("Fuzz: tokenizer")
struct TokenizerFuzzTests {
    static let seeds: [[UInt8]] = [
        "Hello, world! It's 2026-11-26 and I'm testing   spaces\t\ttabs\r\nCRLF.",
        "<｜begin▁of▁sentence｜>system<｜User｜>你好，世界<｜Assistant｜><think>嗯</think>答案<｜end▁of▁sentence｜>",
        "func f() -> Int { return 42 } // 👨‍👩‍👧 🇫🇷 e\u{301} \u{3000}全角 ｱｲｳ 123456789 ١٢٣",
    ].map { Array($0.utf8) }

    @Test func decodeInvertsEncodeOnAnyText() {
        let tokenizer = DeepSeekTokenizer.shared
        Fuzz.run("tokenizer", seeds: Self.seeds) { input, _ in
            let text = input.text  // any bytes, repaired as a file or a reply would be
            let ids = tokenizer.encode(text)
            let decoded = tokenizer.decode(ids)
            try Fuzz.check(decoded == text, "decode(encode) = \(decoded.debugDescription)")
            try Fuzz.check(tokenizer.count(text) == ids.count, "count \(tokenizer.count(text)) != \(ids.count) ids")
            try Fuzz.check(ids.allSatisfy { $0 >= 0 && $0 < tokenizer.vocabularySize }, "id out of range")
            let ordinary = tokenizer.encodeOrdinary(text)
            try Fuzz.check(tokenizer.decode(ordinary) == text, "decode(encodeOrdinary) differs")
            // Raw bytes of arbitrary ids never trap either.
            _ = tokenizer.decode(Array(input.prefix(16)).map { Int($0) * 500 })
        }
    }
}
