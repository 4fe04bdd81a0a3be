import Numbers
import TestSupport
import Testing
@testable import TerminalUI

@Suite struct WidgetSnapshotTests {
    @Test func transcript() {
        let view = TranscriptView()
        let terminal = Fixtures.screen(Size(width: 50, height: 30)) { view.draw(Fixtures.transcript, in: $0); return nil }
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "transcript-50x30")
    }

    @Test func transcriptWithExpandedReasoningScrolledUp() {
        var model = Fixtures.transcript
        model.messages[2].reasoningExpanded = true
        model.horizon = CacheHorizon(messageIndex: 1, insideMessage: false)
        model.streaming = nil
        let view = TranscriptView()
        _ = Fixtures.screen(Size(width: 40, height: 12)) { view.draw(model, in: $0); return nil }
        #expect(view.handle(.key(.pageUp), model: model).contains(.redraw))
        #expect(!view.isAtBottom)
        let terminal = Fixtures.screen(Size(width: 40, height: 12)) { view.draw(model, in: $0); return nil }
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "expanded-scrolled-40x12")
    }

    @Test func inputEditor() {
        var editor = InputEditor(text: "Explain 缓存 hits 👍🏽 in a long line that wraps around\nsecond line", maxHeight: 4)
        editor.moveCursor(to: 10)
        let terminal = Fixtures.screen(Size(width: 30, height: 4)) { editor.draw($0) }
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "editor")
        let empty = InputEditor(placeholder: "Message deepseek-chat (Enter to send, Alt-Enter for newline)")
        let placeholder = Fixtures.screen(Size(width: 30, height: 1)) { empty.draw($0) }
        Snapshot.assertMatches(Fixtures.dump(placeholder), named: "placeholder")
    }

    @Test(arguments: [(34, 40), (34, 14), (24, 8)])
    func cachePanel(width: Int, height: Int) {
        let terminal = Fixtures.screen(Size(width: width, height: height)) { CachePanel.draw(Fixtures.panel, in: $0); return nil }
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "panel-\(width)x\(height)")
    }

    @Test(arguments: [80, 60, 44, 30, 16])
    func cacheStrip(width: Int) {
        // Every width gets the cache numbers: parts shorten and drop, least useful first.
        let terminal = Fixtures.screen(Size(width: width, height: 1)) { CacheStrip.draw(Fixtures.panel, in: $0); return nil }
        let text = terminal.textSnapshot()
        #expect(text.contains("next") || width < 20)
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "strip-\(width)")
    }

    @Test func cacheStripStates() {
        // Before any request, while a reply streams with a draft typed, and with a warning.
        var model = CachePanelModel()
        #expect(CacheStrip.line(model, width: 80).text.contains("no request yet"))
        model.predictionPending = true
        #expect(CacheStrip.line(model, width: 80).text.contains("counted when the reply ends"))
        model = Fixtures.panel
        model.warnings = ["The system prompt changed: 1,200 tokens will miss."]
        let line = CacheStrip.line(model, width: 60).text
        #expect(line.hasSuffix("⚠ F3") || line.hasSuffix("⚠"), "\(line)")
        #expect(CacheStrip.line(model, width: 60).width <= 60)
    }

    @Test func layoutPutsTheCacheNumbersSomewhereAtEveryWidth() {
        for width in [0, 1, 20, 60, 80, 99, 100, 160, 300] {
            for height in [3, 6, 24, 48] {
                let size = Size(width: width, height: height)
                let auto = ScreenLayout(size: size, editorHeight: 1)
                if width >= ScreenLayout.panelMinimumTotalWidth {
                    #expect(auto.panel != nil && auto.strip == nil)
                } else if height >= 6 && width > 0 {
                    #expect(auto.panel == nil && auto.strip != nil, "\(size)")
                }
                let forced = ScreenLayout(size: size, editorHeight: 1, panel: .always)
                if width > 0 { #expect(forced.panel != nil, "F3 shows the panel at \(size)") }
                let bare = ScreenLayout(size: size, editorHeight: 1, panel: .none)
                #expect(bare.panel == nil && bare.strip == nil)
            }
        }
        #expect(ScreenLayout.panelWidth(totalWidth: 120) == 34)
        #expect(ScreenLayout.panelWidth(totalWidth: 160) == 40)
        #expect(ScreenLayout.panelWidth(totalWidth: 300) == 48)
    }

    @Test func cachePanelUnknownCosts() {
        let model = CachePanelModel()
        let terminal = Fixtures.screen(Size(width: 30, height: 12)) { CachePanel.draw(model, in: $0); return nil }
        #expect(terminal.textSnapshot().contains("—"))
        Snapshot.assertMatches(Fixtures.dump(terminal, styles: false), named: "empty")
    }

    @Test(arguments: [100, 60, 30, 12])
    func statusBar(width: Int) {
        let terminal = Fixtures.screen(Size(width: width, height: 1)) { StatusBar.draw(Fixtures.status, in: $0); return nil }
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "status-\(width)")
    }

    @Test func listPanel() {
        var list = ListPanel(title: "Conversations", items: [
            .init(id: "1", title: "Cache experiments", detail: "2h ago"),
            .init(id: "2", title: "中文对话", detail: "yesterday"),
            .init(id: "3", title: "Rust lifetimes 🦀", detail: "3d"),
            .init(id: "4", title: "Few-shot: SQL", detail: "1w"),
        ])
        _ = list.handle(.key(.down))
        let full = Fixtures.screen(Size(width: 40, height: 8)) { list.draw(in: $0); return nil }
        Snapshot.assertMatches(Fixtures.dump(full), named: "list")
        for c in "rust" { _ = list.handle(.char(c)) }
        #expect(list.visibleItems.map(\.id) == ["3"])
        #expect(list.handle(.key(.enter)).contains(.confirm))
        #expect(list.selectedItem?.id == "3")
        let filtered = Fixtures.screen(Size(width: 40, height: 8)) { list.draw(in: $0); return nil }
        Snapshot.assertMatches(Fixtures.dump(filtered, styles: false), named: "filtered")
        #expect(list.handle(.key(.escape)).contains(.cancel))
    }

    @Test func listPanelWithMatchesInContext() {
        var list = ListPanel(title: "Conversations", items: [
            .init(id: "1", title: "Cache experiments", detail: "12 msgs", titleMarks: [0..<5],
                  context: "#3 user: …why does the cache miss after an edit?", contextMarks: [23..<28]),
            .init(id: "2", title: "中文对话", detail: "4 msgs", context: "#2 assistant: 前缀缓存很有用", contextMarks: [16..<18]),
            .init(id: "3", title: "Plain title only", detail: "1 msg"),
            .init(id: "4", title: "Rust lifetimes 🦀", detail: "9 msgs", context: "#1 user: cache the borrow", contextMarks: [9..<14]),
        ])
        list.filtersLocally = false
        for c in "cache" { _ = list.handle(.char(c)) }
        #expect(list.visibleItems.count == 4, "the owner filters: every item stays")
        _ = list.handle(.key(.down))
        let terminal = Fixtures.screen(Size(width: 44, height: 9)) { list.draw(in: $0); return nil }
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "list")
        // Seven rows hold the filter line and three items of two, one and two rows at most:
        // moving to the last item scrolls by whole items.
        _ = list.handle(.key(.end))
        let scrolled = Fixtures.screen(Size(width: 44, height: 9)) { list.draw(in: $0); return nil }
        let text = scrolled.textSnapshot()
        #expect(text.contains("▸ Rust lifetimes") && text.contains("cache the borrow") && !text.contains("Cache experiments"))
        #expect(list.pageSize == 3)
        // With room for one row, the selection's title is still shown.
        let tiny = Fixtures.screen(Size(width: 44, height: 4)) { list.draw(in: $0); return nil }
        #expect(tiny.textSnapshot().contains("▸ Rust lifetimes"))
    }

    @Test func dialog() {
        var dialog = Dialog(title: "Delete conversation?", message: "“Cache experiments” and its 42 messages will be deleted. This cannot be undone.",
                            buttons: ["Delete", "Cancel"], focused: 1, destructive: true)
        #expect(dialog.handle(.key(.left)).contains(.redraw))
        #expect(dialog.focused == 0)
        #expect(dialog.handle(.key(.enter)).contains(.confirm))
        let terminal = Fixtures.screen(Size(width: 50, height: 9)) { dialog.draw(in: $0); return nil }
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "dialog")
        #expect(dialog.handle(.key(.escape)).contains(.cancel))
    }

    @Test func helpOverlay() {
        let terminal = Fixtures.screen(Size(width: 50, height: 12)) { Fixtures.help.draw(in: $0); return nil }
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "help")
        var help = Fixtures.help
        #expect(help.handle(.char("q")).contains(.cancel))
    }

    @Test func commandLine() {
        var command = CommandLineBar(commands: Fixtures.commands)
        _ = command.handle(.char("m"))
        #expect(command.candidates.map(\.name) == ["model", "mode"])
        _ = command.handle(.key(.tab))
        #expect(command.text == "/mode")
        _ = command.handle(.key(.tab))
        #expect(command.text == "/model ")
        _ = command.handle(.key(.tab))
        #expect(command.text == "/mode ")
        let terminal = Fixtures.screen(Size(width: 40, height: 3)) { command.draw(in: $0) }
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "completed")
        var fresh = CommandLineBar(commands: Fixtures.commands, text: "/th")
        _ = fresh.handle(.key(.tab))
        #expect(fresh.text == "/theme ")
        for c in "light" { _ = fresh.handle(.char(c)) }
        #expect(fresh.handle(.key(.enter)).contains(.submit))
        #expect(fresh.text == "/theme light")
        let listing = Fixtures.screen(Size(width: 40, height: 5)) { CommandLineBar(commands: Fixtures.commands).draw(in: $0) }
        Snapshot.assertMatches(Fixtures.dump(listing, styles: false), named: "all-commands")
    }

    @Test func meters() {
        #expect(Meter.sparkline([0, 0.5, 1], width: 10) == "▁▅█")
        #expect(Meter.bar(hit: 1, miss: 999, width: 10).text == "█░░░░░░░░░")
        #expect(Meter.bar(hit: 999, miss: 1, width: 10).text == "█████████░")
        #expect(Formatting.grouped(1234567) == "1,234,567")
        #expect(Formatting.compact(12_345) == "12.3k")
        #expect(Formatting.money(0.01234) == "$0.0123")
        #expect(Formatting.money(0.0000123) == "$0.0000123", "a small amount is never shown as zero")
        #expect(Formatting.money(0.042) == "$0.042")
        #expect(Formatting.money(0) == "$0.00")
        #expect(Formatting.money(12.345) == "$12.35")
        #expect(Formatting.money(1_234.5, symbol: "¥") == "¥1,234.50")
        #expect(Formatting.money(nil) == "—")
        #expect(Formatting.percent(0.875) == "88%")
        #expect(Formatting.duration(0.412) == "412 ms")
    }
}

@Suite("List details")
struct ListDetailTests {
    @Test func aLongTitleKeepsItsDetails() {
        var list = ListPanel(title: "Conversations", items: [
            .init(id: "1", title: String(repeating: "A very long conversation title ", count: 4), detail: "12 msgs · 2026-12-05 14:02"),
        ])
        let terminal = Fixtures.screen(Size(width: 70, height: 6)) { list.draw(in: $0); return nil }
        let text = terminal.textSnapshot()
        #expect(text.contains("12 msgs · 2026-12-05 14:02"))
        #expect(text.contains("A very long conversation title"))
        #expect(text.contains("…"))
    }
}
