import Testing
@testable import TerminalUI

@Suite("Fuzz: key decoder")
struct KeyDecoderFuzzTests {
    static let seeds: [[UInt8]] = [
        "abc\u{1B}[A\u{1B}[1;5C\u{1B}OP\u{1B}[15~\u{1B}[3;2~\u{1B}x\u{1B}\u{1B}[B", "\u{1B}[200~pasted \u{1B}[2J text\r\n\u{1B}[201~after",
        "\u{1B}[<0;12;5M\u{1B}[<0;12;5m\u{1B}[<64;1;1M\u{1B}[M !!", "\u{1B}[97;5u\u{1B}[27;5;13~\u{1B}[I\u{1B}[O\u{1B}[?1;2c",
        "中文 🇫🇷 é\u{7F}\u{08}\u{01}\u{1A}\u{1C}\t\r", "\u{1B}O5A\u{1B}[Z\u{1B}[1;3H",
    ].map { Array($0.utf8) }

    static func decode(_ pieces: [[UInt8]]) -> [KeyEvent] {
        var decoder = KeyDecoder()
        return pieces.flatMap { decoder.feed($0) }
    }

    static func isControl(_ character: Character) -> Bool {
        character.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    @Test func anySplitGivesTheSameKeysAndNoControlCharacters() {
        Fuzz.run("key-decoder", seeds: Self.seeds) { input, rng in
            let whole = Self.decode([input])
            let split = Self.decode(Fuzz.randomSplit(input, &rng))
            try Fuzz.check(split == whole, "split \(split) != whole \(whole)")
            for event in whole {
                if case .char(let character, _) = event {
                    try Fuzz.check(!Self.isControl(character), "control character in \(event)")
                }
            }
            // The same after a timeout flush, wherever it falls between two feeds.
            var decoder = KeyDecoder()
            let cut = rng.below(input.count + 1)
            var events = decoder.feed(input[..<cut])
            events += decoder.flushPending()
            events += decoder.feed(input[cut...])
            events += decoder.flushPending()
            for case .char(let character, _) in events {
                try Fuzz.check(!Self.isControl(character), "control character after a flush: \(events)")
            }
        }
    }
}
