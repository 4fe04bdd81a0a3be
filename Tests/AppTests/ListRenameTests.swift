import ChatCore
import Testing
@testable import App

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
    }
}
