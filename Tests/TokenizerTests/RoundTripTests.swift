import ChatCore
import Testing
import Tokenizer


func randomString(_ generator: inout SplitMix64, length: Int) -> String {
    let fragments = ["<｜User｜>", "<think>", "</think>", "<｜end▁of▁sentence｜>", "\r\n", "  ", "\u{3000}", "'s", "123456"]
    var scalars = String.UnicodeScalarView()
    var text = ""
    for _ in 0..<length {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0...3: scalars.append(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &generator)))
        case 4: scalars.append(Unicode.Scalar(UInt32.random(in: 0x3000...0x9FFF, using: &generator))!)
        case 5: scalars.append(Unicode.Scalar(UInt32.random(in: 0x300...0x36F, using: &generator))!)
        case 6: scalars.append(Unicode.Scalar(UInt32.random(in: 0x1F300...0x1FAFF, using: &generator))!)
        case 7: scalars.append(Unicode.Scalar(UInt8.random(in: 0x00...0x20, using: &generator)))
        case 8:
            var value = UInt32.random(in: 0...0x10FFFF, using: &generator)
            if (0xD800...0xDFFF).contains(value) { value = 0xFFFD }
            scalars.append(Unicode.Scalar(value)!)
        default:
            text += String(scalars)
            scalars = String.UnicodeScalarView()
            text += fragments.randomElement(using: &generator)!
        }
    }
    return text + String(scalars)
}

@Suite("decode inverts encode")
struct RoundTripTests {
    let tokenizer = DeepSeekTokenizer.shared

    @Test("Random Unicode strings", arguments: [1, 2, 3, 4])
    func randomStrings(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let text = randomString(&generator, length: Int.random(in: 0..<200, using: &generator))
            #expect(tokenizer.decode(tokenizer.encode(text)) == text, "\(text.debugDescription)")
            #expect(tokenizer.decode(tokenizer.encodeOrdinary(text)) == text, "\(text.debugDescription)")
        }
    }

    @Test("Long pieces take the heap path and still round-trip")
    func longPieces() {
        let word = String(repeating: "Pneumonoultramicroscopic", count: 5_000)
        let spaces = String(repeating: " ", count: 200_000) + "x" + String(repeating: "\t\n", count: 10_000)
        let mixed = String(repeating: "ab\u{301}c\u{302}", count: 3_000)
        for text in [word, spaces, mixed] {
            #expect(tokenizer.decode(tokenizer.encode(text)) == text)
        }
    }

    @Test("decodeBytes concatenates token bytes; decode repairs split characters")
    func partialCharacters() {
        let ids = tokenizer.encode("🫠")
        #expect(tokenizer.decodeBytes(ids) == Array("🫠".utf8))
        if ids.count > 1 {
            #expect(tokenizer.decode(Array(ids.dropLast())).unicodeScalars.allSatisfy { $0 == "\u{FFFD}" })
        }
        #expect(tokenizer.decode([-1, 10_000_000]) == "")
    }
}
