import ChatCore
import Foundation
import TestSupport
import Testing
@testable import History

/// Calls made while the history is still opening wait for it, from any number of threads,
/// and each reaches the store once the open is done.
@Suite("A history opened on its own thread")
struct DeferredHistoryTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    /// The `DeferredHistory` is used from several threads here only to show that waiting
    /// callers all get through; the store behind it (SQLite) is safe to share.
    struct Shared: @unchecked Sendable { let history: DeferredHistory }

    @Test func callsMadeWhileTheHistoryOpensWaitForItAndAllArrive() throws {
        let folder = try TemporaryFolder()
        let path = folder.databasePath
        let gate = DispatchSemaphore(value: 0)
        let opened = Counter()
        let history = DeferredHistory {
            // Held closed until the test opens it (30 s at most: a broken test fails, not hangs).
            _ = gate.wait(timeout: .now() + 30)
            opened.add()
            do { return (try ChatStore(path: path), nil) } catch { return (InMemoryHistory(), "\(error)") }
        }
        let shared = Shared(history: history)
        let callers = 8
        let started = DispatchSemaphore(value: 0)
        let finished = Counter()
        let group = DispatchGroup()
        for index in 0..<callers {
            group.enter()
            Thread {
                started.signal()
                _ = try? shared.history.createConversation(
                    ConversationSettings(title: "caller \(index)", model: "deepseek-chat", endpointName: "test"))
                finished.add()
                group.leave()
            }.start()
        }
        for _ in 0..<callers { started.wait() }
        #expect(finished.count == 0, "a call returned before the history was open")
        #expect(opened.count == 0)
        gate.signal()
        #expect(group.wait(timeout: .now() + 60) == .success)
        #expect(finished.count == callers)
        #expect(history.wait().problem == nil)
        let titles = try history.listConversations().map(\.conversation.title).sorted()
        #expect(titles == (0..<callers).map { "caller \($0)" }.sorted())
    }
}
