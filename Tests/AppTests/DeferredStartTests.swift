import App
import ChatCore
import ChatWire
import Foundation
import Testing

/// The TUI builds and prepares its App while the history opens on another thread
/// (DECISIONS 100): nothing before the conversation may wait for the history, and what the
/// open found (the latest conversation, or that history is off) is on the first frame.
@Suite("The App is prepared while its history opens")
struct DeferredStartTests {
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var raised = false
        func raise() { lock.withLock { raised = true } }
        var isRaised: Bool { lock.withLock { raised } }
    }

    /// Handed from the test to the opening thread, which is done with it before the test
    /// uses it again.
    struct Handed: @unchecked Sendable { let history: ChatHistory }

    static func session(history: ChatHistory) -> HeadlessSession {
        let clock = ManualClock(date: Date(timeIntervalSince1970: 1_796_115_600), uptime: 1_000)
        let environment = AppEnvironment(endpointName: "local emulator", endpointIdentity: "test", maskedKey: "sk-…test",
                                         cacheModel: .v4, defaultModel: "deepseek-chat", localZone: .utc)
        let endpoint = Endpoint(baseURL: "http://emulator.test", apiKey: "sk-app-test-key", keySource: nil, displayName: "local emulator")
        return HeadlessSession(clock: clock, transport: InMemoryTransport(clock: clock), history: history,
                               environment: environment, endpoint: endpoint)
    }

    @Test func preparingTheAppDoesNotWaitForTheHistory() throws {
        let stored = InMemoryHistory()
        let conversation = try stored.createConversation(
            ConversationSettings(title: "Earlier", model: "deepseek-chat", endpointName: "local emulator"))
        try stored.appendMessage(to: conversation.id, content: "A question asked yesterday")
        let handed = Handed(history: stored)
        let gate = DispatchSemaphore(value: 0)
        let opened = Flag()
        // Held closed until the test opens it (30 s at most, so a wrong wait fails, not hangs).
        let history = DeferredHistory {
            _ = gate.wait(timeout: .now() + 30)
            opened.raise()
            return (handed.history, nil)
        }
        let session = Self.session(history: history)
        var remembered = RememberedState()
        remembered.drafts[RememberedState.draftKey(conversation.id)] = "a draft kept from last time"
        session.runtime.prepare(remembered: (remembered, nil))
        #expect(!opened.isRaised, "building and preparing the App waited for the history")
        gate.signal()
        session.runtime.start()
        session.settle()
        #expect(opened.isRaised)
        #expect(session.state.conversation.id == conversation.id)
        #expect(session.screen.contains("A question asked yesterday"))
        #expect(session.state.editor.text == "a draft kept from last time", "the remembered state given to prepare() is used")
    }

    /// The runtime's side of what ChatLaunch does when the open failed (the launch itself
    /// is covered end to end by the tmux test `aHistoryThatCannotOpen…`).
    @Test func aHistoryOffAfterPreparingIsOnTheFirstFrameAndTheSessionGoesOn() throws {
        let history = DeferredHistory { (InMemoryHistory(), "History is off for this session: disk full") }
        let session = Self.session(history: history)
        session.runtime.prepare()
        #expect(history.wait().problem == "History is off for this session: disk full")
        session.runtime.historyUnavailable("not saved")
        session.runtime.start()
        #expect(session.runtime.frames == 1)
        #expect(session.screen.contains("history off: not saved"), "on the first frame")
        session.settle()
        session.type("Still works")
        session.press([13])
        session.settle()
        #expect(try history.listConversations().count == 1, "the conversation lives in the stand-in")
    }
}
