import App
import ChatCore
import Emulator
import Foundation
import TerminalUI
import Testing

@Suite("Few-shot sets in the TUI")
struct FewShotEditorTests {
    @Test func createEditSaveAndAskWithRisingHits() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0))
        harness.start()
        harness.send("/fewshot new reviews")
        #expect(harness.text.contains("Few-shot set: reviews"))
        // Edit the system prompt: Enter opens the text editor, Ctrl-U clears the line.
        harness.press(.enter)
        harness.press(.ctrlU)
        harness.type(String(repeating: "Classify each product review as positive, negative or mixed, with a short reason. ", count: 14))
        harness.press(.escape)  // back to the list
        #expect(harness.text.contains("(modified)"))
        harness.type("a")  // append a shot
        harness.press([19])  // Ctrl-S
        #expect(harness.text.contains("Saved reviews"))
        let saved = try harness.fewShots.load("reviews")
        #expect(saved.shots.count == 2)
        #expect(saved.system.hasPrefix("Classify each product review"))

        // An insertion before the last shot shows its cost before it is saved.
        harness.press(.down)  // down to shot 1
        harness.type("i")
        #expect(harness.text.contains("miss") || harness.text.contains("cache"))
        harness.type("u")  // undo
        #expect(!harness.text.contains("(modified)"))

        // One question each: the set's prefix is reused question after question.
        harness.type("o")
        #expect(harness.state.conversation.fewShot?.name == "reviews")
        #expect(harness.state.conversation.fewShotMode == .each)
        var hits: [Int] = []
        for question in ["Review: great battery.", "Review: broke in a week.", "Review: fine, a bit loud."] {
            harness.send(question)
            hits.append(harness.panel?.lastRequest?.hitTokens ?? -1)
        }
        // V4 rules: the second question misses (A+B, A+C), the third hits the set's prefix.
        #expect(hits[0] == 0)
        #expect(hits[2] > 0)
        #expect(hits[2] >= hits[1])
        // Each request held the set and one question only.
        let ledger = harness.ledger
        #expect(ledger.count == 3)
        #expect(abs((ledger[0].promptTokens ?? 0) - (ledger[2].promptTokens ?? 0)) < 20)
        #expect(harness.panel?.reusedPrefixes.first?.label.contains("system") == true)
    }

    @Test func listRenameDuplicateDelete() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("/fewshot new alpha")
        harness.type("q")
        harness.send("/fewshot dup alpha beta")
        harness.send("/fewshot rename beta gamma")
        #expect(harness.fewShots.names() == ["alpha", "gamma"])
        harness.send("/fewshot delete gamma")
        #expect(harness.text.contains("Delete few-shot set?"))
        harness.press(.enter)  // the default button keeps it
        #expect(harness.fewShots.names() == ["alpha", "gamma"])
        harness.send("/fewshot delete gamma")
        harness.type("y")
        #expect(harness.fewShots.names() == ["alpha"])
        harness.send("/fewshot")
        #expect(harness.text.contains("Few-shot sets"))
        #expect(harness.text.contains("alpha"))
    }

    /// J on the last shot (K on the first, either on the system prompt) says why nothing moved.
    @Test func aShotThatCannotMoveSaysWhy() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("/fewshot new solo")
        harness.type("J")  // the system prompt is selected
        #expect(harness.text.contains("Select a shot to move it"))
        harness.press(.down)  // the only shot
        harness.type("J")
        #expect(harness.text.contains("That shot is the last"))
        harness.type("K")
        #expect(harness.text.contains("That shot is the first"))
    }
}
