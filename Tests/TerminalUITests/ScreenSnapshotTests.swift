import TestSupport
import Testing
@testable import TerminalUI

@Suite struct ScreenSnapshotTests {
    static func compose(_ size: Size, model: ChatScreenModel = Fixtures.chatModel(),
                        editor: InputEditor = InputEditor(text: "Draft: 下一条消息 ✍️", placeholder: "Message")) -> VirtualTerminal {
        let screen = ChatScreen()
        let buffer = ScreenBuffer(size: size)
        let terminal = VirtualTerminal(size: size)
        terminal.present(buffer, cursor: screen.render(model, editor: editor, into: buffer))
        return terminal
    }

    @Test(arguments: [(80, 24), (120, 40), (40, 12)])
    func wholeScreen(width: Int, height: Int) {
        let terminal = Self.compose(Size(width: width, height: height))
        Snapshot.assertMatches(Fixtures.dump(terminal), named: "screen-\(width)x\(height)")
    }

    @Test func overlays() {
        let size = Size(width: 80, height: 24)
        let dialog = Dialog(title: "Quit?", message: "A reply is still streaming.", buttons: ["Quit", "Stay"])
        Snapshot.assertMatches(Fixtures.dump(Self.compose(size, model: Fixtures.chatModel(overlay: .dialog(dialog))), styles: false),
                               named: "dialog")
        Snapshot.assertMatches(Fixtures.dump(Self.compose(size, model: Fixtures.chatModel(overlay: .help(Fixtures.help))), styles: false),
                               named: "help")
        let command = CommandLineBar(commands: Fixtures.commands, text: "/m")
        Snapshot.assertMatches(Fixtures.dump(Self.compose(size, model: Fixtures.chatModel(overlay: .command(command))), styles: false),
                               named: "command")
        let list = ListPanel(title: "Few-shot sets", items: [.init(id: "a", title: "SQL helper"), .init(id: "b", title: "翻译")])
        Snapshot.assertMatches(Fixtures.dump(Self.compose(size, model: Fixtures.chatModel(overlay: .list(list))), styles: false),
                               named: "list")
    }

    @Test(arguments: [(1, 1), (10, 3), (20, 5), (0, 0), (3, 1), (99, 2), (100, 3), (5, 40)])
    func tinySizesDoNotCrash(width: Int, height: Int) {
        let size = Size(width: width, height: height)
        for overlay in [nil, Overlay.dialog(Dialog(title: "t", message: "m")), .help(Fixtures.help),
                        .command(CommandLineBar(commands: Fixtures.commands)),
                        .list(ListPanel(title: "l", items: [.init(id: "1", title: "x")]))] {
            let terminal = Self.compose(size, model: Fixtures.chatModel(overlay: overlay))
            #expect(terminal.size == size)
        }
    }

    @Test func tinySnapshots() {
        let text = [(1, 1), (10, 3), (20, 5)].map { size in
            Self.compose(Size(width: size.0, height: size.1)).framedSnapshot()
        }.joined(separator: "\n\n")
        Snapshot.assertMatches(text, named: "tiny")
    }

    @Test func resizeSequenceMatchesFreshRender() {
        let screen = ChatScreen()
        let terminal = VirtualTerminal(size: Size(width: 80, height: 24))
        let buffer = ScreenBuffer(size: terminal.size)
        let editor = InputEditor(text: "hi")
        for size in [Size(width: 80, height: 24), Size(width: 1, height: 1), Size(width: 10, height: 3),
                     Size(width: 20, height: 5), Size(width: 120, height: 40), Size(width: 80, height: 24)] {
            terminal.resize(to: size)
            buffer.resize(to: size)
            terminal.present(buffer, cursor: screen.render(Fixtures.chatModel(), editor: editor, into: buffer))
            #expect(terminal.framedSnapshot() == Self.compose(size, editor: editor).framedSnapshot())
        }
    }

    @Test func incrementalFramesMatchFullRepaint() {
        // Repaint the same buffer frame after frame (only diffs reach the terminal) and
        // compare with a fresh terminal each time: catches diff and dirty-row bugs.
        let screen = ChatScreen()
        let size = Size(width: 80, height: 24)
        let terminal = VirtualTerminal(size: size)
        let buffer = ScreenBuffer(size: size)
        var editor = InputEditor()
        var model = Fixtures.chatModel()
        for (step, c) in "typing 中文 👍🏽 and more".enumerated() {
            _ = editor.handle(.char(c))
            model.transcript.streaming?.frame = step
            model.transcript.messages[4].text += step % 3 == 0 ? " 增加" : " more"
            terminal.present(buffer, cursor: screen.render(model, editor: editor, into: buffer))
            Self.expectFreshRender(terminal, model, editor, size, "step \(step)")
        }
        #expect(terminal.lastWrittenRows.count < size.height)
    }

    /// `terminal` shows what a new screen and terminal show for `model` (text and styles).
    static func expectFreshRender(_ terminal: VirtualTerminal, _ model: ChatScreenModel, _ editor: InputEditor, _ size: Size,
                                  _ label: String) {
        let fresh = VirtualTerminal(size: size)
        let freshBuffer = ScreenBuffer(size: size)
        fresh.present(freshBuffer, cursor: ChatScreen().render(model, editor: editor, into: freshBuffer))
        #expect(terminal.framedSnapshot() == fresh.framedSnapshot(), "\(label)")
        #expect(terminal.styleSnapshot() == fresh.styleSnapshot(), "\(label)")
    }

    @Test func thePanelIsKeptOnlyWhileNothingPaintedOverIt() {
        let screen = ChatScreen()
        var size = Size(width: 120, height: 40)
        let terminal = VirtualTerminal(size: size)
        let buffer = ScreenBuffer(size: size)
        let editor = InputEditor(text: "hi")
        var model = Fixtures.chatModel()
        func frame(_ step: String, draws: Int, keeps: Int) {
            terminal.present(buffer, cursor: screen.render(model, editor: editor, into: buffer))
            Self.expectFreshRender(terminal, model, editor, size, step)
            #expect(screen.panelDraws == draws && screen.panelKeeps == keeps, "\(step)")
        }
        frame("first", draws: 1, keeps: 0)
        model.transcript.messages[4].text += " streaming on"
        frame("same panel", draws: 1, keeps: 1)
        model.overlay = .dialog(Dialog(title: "Quit?", message: "Really?", buttons: ["Quit", "Stay"]))
        frame("a dialog over it", draws: 1, keeps: 2)
        model.overlay = nil
        frame("the dialog gone", draws: 2, keeps: 2)
        model.panel.hitRatioHistory.append(0.5)
        frame("a new number", draws: 3, keeps: 2)
        Painter(buffer).fill(nil, Style(.error))
        frame("something else painted the buffer", draws: 4, keeps: 2)
        size = Size(width: 100, height: 40)
        buffer.resize(to: size)
        terminal.resize(to: size)
        frame("resized", draws: 5, keeps: 2)
    }
}
