import ChatCore
/// Makes fuzz inputs from valid seeds: 1–6 stacked mutations (bit flips, special bytes,
/// inserted fragments that parsers care about, deletions, duplications, truncation,
/// splicing with another seed), or now and then pure noise.
struct Mutator {
    let seeds: [[UInt8]]

    /// Bytes that steer parsers into their edge cases.
    static let specialBytes: [UInt8] = [
        0x1B, 0x00, 0xFF, 0xFE, 0xC3, 0xE2, 0xF0, 0x80, 0xBF, 0x0D, 0x0A, 0x09, 0x07, 0x08, 0x7F, 0x9B,
        0x22, 0x27, 0x5C, 0x5B, 0x5D, 0x7B, 0x7D, 0x3A, 0x3D, 0x2C, 0x23, 0x20, 0x30, 0x39, 0x2D, 0x3B,
    ]

    /// Multi-byte fragments: escape sequences, SSE syntax, JSON and TOML tokens, Unicode
    /// that is awkward on screen, and UTF-8 cut in the middle.
    static let fragments: [[UInt8]] = [
        "\u{1B}[", "\u{1B}]52;c;SGVsbG8=\u{07}", "\u{1B}]0;title\u{1B}\\", "\u{1B}[2J\u{1B}[H", "\u{1B}[200~", "\u{1B}[201~",
        "\u{1B}O", "\u{1B}[<0;10;5M", "\u{1B}[1;5A", "\u{1B}[27;5;127~", "\u{C2}\u{9B}31m", "\u{202E}", "\u{200B}", "\u{2066}",
        "\r\n", "\n\n", "\r", "data: ", "data:", ": keep-alive\n\n", "data: [DONE]\n\n", "event: x\n", "\u{FEFF}",
        "\"", "\\u", "\\ud800", "{}", "[]", "null", "1e999", "-0", "9999999999999999999999", "\"error\"",
        "\"content\":", "\"choices\":[{", "\"usage\":{", "\"\"\"", "'''", "[[shots]]", "[profiles.x]", " = ", "#",
        "```", "```swift\n", "# ", "- ", "1. ", "> ", "**", "`", "|a|b|\n|-|-|\n", "    ",
        "<｜User｜>", "<｜end▁of▁sentence｜>", "<think>", "中文", "👨‍👩‍👧", "🇫🇷", "é", "e\u{301}", "\u{3000}",
    ].map { Array($0.utf8) } + [[0xE2, 0x80], [0xF0, 0x9F], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80]]

    func make(_ rng: inout SplitMix64) -> [UInt8] {
        if seeds.isEmpty || rng.chance(4) { return noise(&rng) }
        var bytes = seeds[rng.below(seeds.count)]
        for _ in 0...rng.below(6) { mutate(&bytes, &rng) }
        return bytes
    }

    func noise(_ rng: inout SplitMix64) -> [UInt8] {
        (0..<rng.below(256)).map { _ in
            rng.chance(50) ? Self.specialBytes[rng.below(Self.specialBytes.count)] : UInt8(truncatingIfNeeded: rng.next())
        }
    }

    func mutate(_ bytes: inout [UInt8], _ rng: inout SplitMix64) {
        let position = rng.below(bytes.count + 1)
        switch rng.below(9) {
        case 0 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] ^= UInt8(1) << UInt8(rng.below(8))
        case 1 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] = Self.specialBytes[rng.below(Self.specialBytes.count)]
        case 2:
            bytes.insert(Self.specialBytes[rng.below(Self.specialBytes.count)], at: position)
        case 3:
            bytes.insert(contentsOf: Self.fragments[rng.below(Self.fragments.count)], at: position)
        case 4 where !bytes.isEmpty:
            let end = min(bytes.count, position + 1 + rng.below(16))
            bytes.removeSubrange(min(position, end)..<end)
        case 5:
            bytes.removeSubrange(position...)  // truncation
        case 6 where !bytes.isEmpty:
            let start = rng.below(bytes.count)
            let piece = bytes[start..<min(bytes.count, start + 1 + rng.below(32))]
            bytes.insert(contentsOf: piece, at: position)
        case 7:
            let other = seeds.isEmpty ? [] : seeds[rng.below(seeds.count)]
            let cut = rng.below(other.count + 1)
            bytes = Array(bytes[..<position]) + other[cut...]  // splice
        default:
            bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
        }
    }
}

extension [UInt8] {
    /// The bytes as text, invalid UTF-8 repaired with U+FFFD (what a `String` from a file
    /// or a network body would hold).
    var text: String { String(decoding: self, as: UTF8.self) }
}
