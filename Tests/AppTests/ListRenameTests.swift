import ChatCore
import Testing
@testable import App
import TerminalUI

/// Ctrl-R in the conversation list renames the selected conversation, open or not.
@Suite("renaming from the conversation list")
struct ListRenameTests {
    @Test func ctrlRRenamesTheSelectedConversationNotTheOpenOne() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("alpha question")
        let first = try #require(harness.state.conversation.id)
        harness.press(.ctrlN)
        harness.send("bravo question")
        let open = try #require(harness.state.conversation.id)
        harness.press(.ctrlO)
        harness.press(.down)  // the older one: alpha
        harness.press([18])  // Ctrl-R
        guard case .command(let line)? = harness.state.overlay else { Issue.record("no command line"); return }
        #expect(line.text == "/rename alpha question", "its title, to edit")
        harness.type(" (old)")
        harness.press(.enter)
        #expect(try harness.history.conversation(first)?.title == "alpha question (old)")
        #expect(try harness.history.conversation(open)?.title == "bravo question")
        #expect(harness.state.conversation.id == open, "the open conversation stays open")
        #expect(harness.state.renameTarget == nil)
        // A /rename typed afterwards names the open conversation again.
        harness.send("/rename bravo renamed")
        #expect(try harness.history.conversation(open)?.title == "bravo renamed")
        #expect(try harness.history.conversation(first)?.title == "alpha question (old)")
        // Esc on the command line forgets the selection.
        harness.press(.ctrlO)
        harness.press(.down)
        harness.press([18])
        harness.press(.escape)
        #expect(harness.state.renameTarget == nil)
        // So does a Ctrl-Q dialog that replaced the command line.
        harness.history.refuseWrites = "disk full"
        harness.send("charlie question")  // kept in memory: Ctrl-Q will ask
        harness.history.refuseWrites = nil
        harness.press(.ctrlO)
        harness.press(.down)
        harness.press([18])
        harness.press(.ctrlQ)
        harness.press(.enter)  // Stay
        harness.send("/rename tango")
        #expect(try harness.history.conversation(first)?.title == "alpha question (old)")
    }
}

/// A model id from the server is shown in the `/model` picker as the status bar shows it.
@Suite("model ids from a server")
struct HostileModelIDTests {
    @Test func thePickerShowsAModelIDAsTheStatusBarDoes() throws {
        let evil = "evil\u{1B}]0;PWNED\u{07}\u{1B}[2J\u{1B}[31mRED"
        let harness = try AppHarness()
        harness.start()
        var state = harness.state
        state.endpointModels = ["deepseek-flash", evil]
        harness.runtime.logic.showModelPicker(&state)
        guard case .list(let list)? = state.overlay else { Issue.record("no picker"); return }
        let item = try #require(list.items.first { $0.id == evil })
        #expect(item.title == TerminalSanitizer.clean(evil))
        #expect(!item.title.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
    }
}
