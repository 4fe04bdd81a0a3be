import ChatCore
import Testing
@testable import Tokenizer

/// The heap merge (long pieces) and the linear merge (short ones) must agree; the corpus
/// only reaches the heap through a few long texts, so compare them directly on random
/// byte strings just above and below the threshold.
@Suite("Byte-pair merge paths")
struct BytePairEncoderTests {
    @Test func heapAndLinearAgree() throws {
        let tokenizer = DeepSeekTokenizer.shared
        var generator = SplitMix64(seed: 99)
        let alphabet = Array("aaabbeeeinnorsstt  ĠTHE-_.\u{E9}中".utf8)
        for _ in 0..<300 {
            let length = Int.random(in: 2...BytePairEncoder.linearLimit, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let (linear, heap) = tokenizer.mergeBothWays(bytes)
            #expect(linear == heap, "\(bytes)")
            #expect(tokenizer.decodeBytes(linear) == bytes)
        }
    }
}
