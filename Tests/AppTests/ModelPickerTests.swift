import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import TerminalUI
import TestSupport
import Testing

/// `/model` without an id: a picker with each model's window, its price now and what the
/// next request would miss on it (each model has its own cache).
@Suite("Model picker")
struct ModelPickerTests {
    @Test func listsWindowsPricesAndWhatEachModelWouldMiss() throws {
        let harness = try AppHarness(width: 120, height: 30, model: "deepseek-flash", fetchModels: true)
        harness.start()
        #expect(harness.run { !harness.state.endpointModels.isEmpty })
        harness.send(AppHarness.context + " First question?")
        harness.send("Second question?")
        harness.send("/model")
        guard case .list(let list)? = harness.state.overlay else {
            Issue.record("no picker")
            return
        }
        #expect(harness.state.listPurpose == .models)
        #expect(list.items.first?.title == "deepseek-flash (current)")
        #expect(list.items.map(\.id).prefix(3) == ["deepseek-flash", "deepseek-v4-pro", "deepseek-v4-flash"])
        let current = try #require(list.items.first)
        #expect(current.detail == "1M ctx")
        #expect(current.context.hasPrefix("$0.30/M miss, peak · "))
        #expect(current.context.contains(" cached, "))
        let pro = try #require(list.items.first { $0.id == "deepseek-v4-pro" })
        #expect(pro.context.contains("cold here: "))
        #expect(list.items.first { $0.id == "deepseek-chat" }?.detail == "128K ctx")
        Snapshot.assertMatches(harness.frame, named: "picker")
        harness.press(.down)
        harness.press(.enter)
        #expect(harness.state.conversation.model == "deepseek-v4-pro")
        #expect(harness.state.overlay == nil)
    }

    @Test(arguments: ["DeepSeek", Endpoint.builtInName])
    func theEndpointsListIsRememberedForTheNextStart(_ name: String) throws {
        // The built-in endpoint's port changes every launch: it is remembered by name, and
        // the entries older versions kept per port are dropped.
        let key = name == Endpoint.builtInName ? name : "test"
        var state = RememberedState()
        state.endpointModels = ["local emulator|http://127.0.0.1:40001": ["old"], "other|https://x": ["kept"]]
        let remembered = InMemoryRememberedStateStore(state)
        let first = try AppHarness(remembered: remembered, fetchModels: true, endpointName: name)
        first.start()
        #expect(first.run { !first.state.endpointModels.isEmpty })
        #expect(first.run { remembered.state.endpointModels?[key] != nil })
        #expect(remembered.state.endpointModels?.keys.sorted() == [key, "other|https://x"].sorted())
        // Offline next time: the list is there before (and without) any GET /models.
        let second = try AppHarness(remembered: remembered, endpointName: name)
        second.start()
        #expect(second.state.endpointModels == remembered.state.endpointModels?[key])
    }
}
