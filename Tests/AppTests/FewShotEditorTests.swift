import App
import ChatCore
import Emulator
import Foundation
import Store
import TerminalUI
import Testing

@Suite("Few-shot sets in the TUI")
struct FewShotEditorTests {
    @Test func createEditSaveAndAskWithRisingHits() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0))
        harness.app.start()
        harness.send("/fewshot new reviews")
        #expect(harness.device.text.contains("Few-shot set: reviews"))
        // Edit the system prompt: Enter opens the text editor, Ctrl-U clears the line.
        harness.device.press([13])
        harness.device.press([21])
        harness.device.type(String(repeating: "Classify each product review as positive, negative or mixed, with a short reason. ", count: 14))
        harness.pressEscape()  // back to the list
        #expect(harness.device.text.contains("(modified)"))
        harness.device.type("a")  // append a shot
        harness.step()
        harness.device.press([19])  // Ctrl-S
        harness.step()
        #expect(harness.device.text.contains("Saved reviews"))
        let saved = try #require(try harness.app.fewShots?.load("reviews"))
        #expect(saved.shots.count == 2)
        #expect(saved.system.hasPrefix("Classify each product review"))

        // An insertion before the last shot shows its cost before it is saved.
        harness.device.press(Array("\u{1B}[B".utf8))  // down to shot 1
        harness.device.type("i")
        harness.step()
        #expect(harness.device.text.contains("miss") || harness.device.text.contains("cache"))
        harness.device.type("u")  // undo
        harness.step()
        #expect(!harness.device.text.contains("(modified)"))

        // One question each: the set's prefix is reused question after question.
        harness.device.type("o")
        harness.step()
        #expect(harness.app.conversationState.fewShot?.name == "reviews")
        #expect(harness.app.conversationState.fewShotMode == .each)
        var hits: [Int] = []
        for question in ["Review: great battery.", "Review: broke in a week.", "Review: fine, a bit loud."] {
            let count = harness.app.conversationState.messages.count
            harness.send(question)
            #expect(harness.run(until: { !harness.app.isBusy && harness.app.conversationState.messages.count == count + 2 }))
            hits.append(harness.app.screenModel.panel.lastRequest?.hitTokens ?? -1)
        }
        // V4 rules: the second question misses (A+B, A+C), the third hits the set's prefix.
        #expect(hits[0] == 0)
        #expect(hits[2] > 0)
        #expect(hits[2] >= hits[1])
        // Each request held the set and one question only.
        let ledger = try harness.store.ledgerEntries()
        #expect(ledger.count == 3)
        #expect(abs((ledger[0].promptTokens ?? 0) - (ledger[2].promptTokens ?? 0)) < 20)
        #expect(harness.app.screenModel.panel.reusedPrefixes.first?.label.contains("system") == true)
    }

    @Test func listRenameDuplicateDelete() throws {
        let harness = try AppHarness()
        harness.app.start()
        harness.send("/fewshot new alpha")
        harness.device.type("q")
        harness.step()
        harness.send("/fewshot dup alpha beta")
        harness.send("/fewshot rename beta gamma")
        #expect(harness.app.fewShots?.names() == ["alpha", "gamma"])
        harness.send("/fewshot delete gamma")
        harness.device.type("y")
        harness.step()
        #expect(harness.app.fewShots?.names() == ["alpha"])
        harness.send("/fewshot")
        #expect(harness.device.text.contains("Few-shot sets"))
        #expect(harness.device.text.contains("alpha"))
    }
}
