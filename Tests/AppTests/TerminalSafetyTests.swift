import App
import ChatCore
import Foundation
import TerminalUI
import ChatWire
import TestSupport
import Testing

/// Hostile text a model (or a prompt injection) could put in a reply.
enum HostileReply {
    static let deltas = [
        "Hello ", "\u{1B}]52;c;SGVsbG8=\u{07}", "visible1 ", "\u{1B}]0;pwned\u{07}", "\u{1B}[2J\u{1B}[H", "visible2 ",
        "\u{9B}31m", "red ", "\u{202E}", "evil ", "zero\u{200B}width ", "\u{07}", "carriage\rreturn ",
        "back\u{08}\u{08}space ", "split\u{1B}]0;", "half-title\u{07}", " end",
        "\u{0}",  // last: the store keeps a reply only up to a NUL (known issue below)
    ]
    static let visibleWords = ["Hello", "visible1", "visible2", "red", "evil", "zerowidth", "carriagereturn", "backspace", "split", "end"]

    /// The first character no terminal should receive from a reply, or nil.
    static func firstForbidden(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            let v = scalar.value
            return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                || v == 0x200E || v == 0x200F || v == 0x200B
        }
    }
}

@Suite("Terminal safety: a hostile reply never reaches the terminal raw")
struct TerminalSafetyTests {
    @Test func theAppShowsAHostileReplyWithoutAControlCharacter() throws {
        let harness = try AppHarness { _ in InMemoryTransport.streamedReply(HostileReply.deltas, secondsPerDelta: 0.005) }
        harness.start()
        harness.send("Say something nasty")
        #expect(harness.messages.count == 2)

        // Every cell of every frame that reached the (virtual) terminal, and what it was sent.
        for (y, row) in harness.device.screen.grid.enumerated() {
            for (x, cell) in row.enumerated() {
                if let bad = HostileReply.firstForbidden(in: cell.text) {
                    Issue.record("cell (\(x), \(y)) holds U+\(String(bad.value, radix: 16)): \(cell.text.debugDescription)")
                }
            }
        }
        for sequence in harness.device.controls {
            #expect(!sequence.contains("pwned") && !sequence.contains("SGVsbG8="), "a reply reached a control write: \(sequence.debugDescription)")
        }
        // The text around the sequences is still there, on screen.
        let screen = harness.text.replacingOccurrences(of: "\n", with: " ")
        for word in HostileReply.visibleWords {
            #expect(screen.contains(word), "\(word) is not on screen:\n\(harness.device.screen.framedSnapshot())")
        }
        #expect(!screen.contains("pwned") && !screen.contains("SGVsbG8") && !screen.contains("half-title"))
        // The stored reply keeps the raw bytes (sanitising is for display only), except NUL,
        // stored as U+FFFD because SQLite text read back stops at a NUL.
        let stored = try #require(harness.messages.last)
        #expect(stored.content == HostileReply.deltas.joined().replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"))
    }
}
