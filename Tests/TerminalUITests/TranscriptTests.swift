import Numbers
import Testing
import Foundation
@testable import TerminalUI

@Suite struct TranscriptTests {
    static func bigModel(count: Int = 2000) -> TranscriptModel {
        // ~1M tokens: 2,000 messages of ~2,000 characters (≈ 500 tokens each).
        let paragraph = String(repeating: "The cache saves money when the prefix repeats. ", count: 20)
        let messages = (0..<count).map { i in
            TranscriptMessage(key: TranscriptKey(kind: 2, value: Int64(i)), role: i % 2 == 0 ? .user : .assistant, name: i % 2 == 0 ? "You" : "deepseek-chat",
                              time: "10:00", text: "Message \(i)\n\n" + paragraph + "\n\n```swift\nlet x = \(i)\n```\n\n" + paragraph,
                              cacheMark: i < count - 2 ? .reused : .notReused)
        }
        return TranscriptModel(messages: messages, horizon: CacheHorizon(messageIndex: count - 3, insideMessage: false))
    }

    /// Rows that show the same line as in the last frame are left in the buffer (DECISIONS
    /// 107). Two views get the same frames — a reply streaming in, scrolling up (the arrow)
    /// and down, a narrower painter, an overlay over the rows, another frame begun over
    /// the buffer, a buffer resized — one keeping rows, the other made to paint every row:
    /// every frame's cells are the same, and the first kept most rows while streaming.
    @Test func rowsKeptBetweenFramesPaintWhatAFullPaintPaints() {
        var model = Self.bigModel(count: 12)
        model.messages[11].text = "Streaming"
        // The second view paints into a new buffer each frame, so it keeps nothing.
        let keeping = TranscriptView(), painting = TranscriptView()
        let kept = ScreenBuffer(size: Size(width: 70, height: 16))
        var frames = 0
        func frame(_ width: Int = 60, overlay: Bool = false, _ change: () -> Void = {}) {
            change()
            let full = ScreenBuffer(size: kept.size)
            for (view, buffer) in [(keeping, kept), (painting, full)] {
                let root = Painter(buffer)
                view.draw(model, in: root.sub(Rect(x: 2, y: 1, width: width, height: buffer.size.height - 3)))
                if overlay {
                    root.sub(Rect(x: 10, y: 4, width: 30, height: 5)).fill(nil, Style(.statusBar, background: .statusBar))
                    view.forgetPainted()
                }
            }
            frames += 1
            // The view's own rect (what else a frame paints is the other widgets' business).
            let rect = Rect(x: 2, y: 1, width: width, height: kept.size.height - 3).intersection(kept.bounds)
            let difference = (rect.y..<rect.maxY).first { y in (rect.x..<rect.maxX).contains { kept[$0, y] != full[$0, y] } }
            #expect(difference == nil, "frame \(frames): row \(difference ?? -1) differs")
        }
        frame()
        for word in 0..<30 {
            frame { model.messages[11].text += word % 7 == 6 ? "\n\nnext paragraph" : " word\(word)"; model.streaming = StreamingStatus(frame: word) }
        }
        #expect(keeping.rowsKept > keeping.rowsPainted, "kept \(keeping.rowsKept), painted \(keeping.rowsPainted)")
        #expect(painting.rowsKept == 0)
        frame { _ = keeping.handle(.mouse(MouseEvent(.wheelUp, at: .zero)), model: model)
                _ = painting.handle(.mouse(MouseEvent(.wheelUp, at: .zero)), model: model) }
        frame { model.messages[11].text += " more while scrolled up" }
        frame(overlay: true)
        frame()
        frame(52)
        frame { _ = keeping.handle(.key(.end, [.ctrl]), model: model); _ = painting.handle(.key(.end, [.ctrl]), model: model) }
        frame { kept.resize(to: Size(width: 66, height: 14)) }
        frame(50) { model.messages[11].text += " and the end." }
        // Another frame begun over the buffer, painting something else where the rows are.
        frame(50) { Painter(kept).fill(nil, Style(.statusBar, background: .statusBar)) }
    }

    @Test func laysOutOnlyVisibleMessages() {
        let model = Self.bigModel()
        let view = TranscriptView()
        _ = Fixtures.screen(Size(width: 100, height: 40)) { view.draw(model, in: $0); return nil }
        #expect(view.layoutsBuilt <= 3)
        _ = Fixtures.screen(Size(width: 100, height: 40)) { view.draw(model, in: $0); return nil }
        #expect(view.layoutsBuilt <= 3, "a second frame re-lays out nothing")
    }

    @Test func scrollingAnchorsWhileStreaming() {
        var model = Self.bigModel(count: 20)
        let view = TranscriptView()
        let size = Size(width: 60, height: 10)
        let before = Fixtures.screen(size) { view.draw(model, in: $0); return nil }.textSnapshot()
        _ = view.handle(.mouse(MouseEvent(.wheelUp, at: .zero)), model: model)
        let scrolled = Fixtures.screen(size) { view.draw(model, in: $0); return nil }.textSnapshot()
        #expect(scrolled != before)
        // New text arrives at the bottom: the scrolled view does not move.
        model.messages[19].text += "\n\nMore streamed text."
        model.streaming = StreamingStatus(frame: 1)
        let after = Fixtures.screen(size) { view.draw(model, in: $0); return nil }.textSnapshot()
        #expect(after == scrolled)
        // Scrolling back down returns to the bottom and follows new text again.
        for _ in 0..<5 { _ = view.handle(.key(.pageDown), model: model) }
        #expect(view.isAtBottom)
        _ = view.handle(.key(.home, [.ctrl]), model: model)
        let top = Fixtures.screen(size) { view.draw(model, in: $0); return nil }.textSnapshot()
        #expect(top.contains("Message 0"))
        #expect(view.handle(.key(.end, [.ctrl]), model: model).contains(.redraw))
        #expect(view.isAtBottom)
    }

    @Test func pageUpThenDownIsSymmetric() {
        let model = Self.bigModel(count: 30)
        let view = TranscriptView()
        let size = Size(width: 50, height: 12)
        let bottom = Fixtures.screen(size) { view.draw(model, in: $0); return nil }.textSnapshot()
        _ = view.handle(.key(.pageUp), model: model)
        _ = view.handle(.key(.pageUp), model: model)
        _ = Fixtures.screen(size) { view.draw(model, in: $0); return nil }
        _ = view.handle(.key(.pageDown), model: model)
        _ = view.handle(.key(.pageDown), model: model)
        #expect(Fixtures.screen(size) { view.draw(model, in: $0); return nil }.textSnapshot() == bottom)
    }

    /// Prints the median time to build a frame for 2,000 messages after a keystroke in the
    /// editor (transcript caches warm). Never asserts absolute times; reports the ratio to
    /// painting an empty screen, measured in the same run.
    @Test func benchmarkKeystrokeFrame() {
        let model = ChatScreenModel(transcript: Self.bigModel(), panel: Fixtures.panel, status: Fixtures.status)
        let screen = ChatScreen()
        let size = Size(width: 120, height: 40)
        let buffer = ScreenBuffer(size: size)
        let terminal = VirtualTerminal(size: size)
        var editor = InputEditor()
        terminal.present(buffer, cursor: screen.render(model, editor: editor, into: buffer))
        let layoutsAfterFirstFrame = screen.transcriptView.layoutsBuilt
        func median(_ body: () -> Void) -> Double {
            var samples: [Double] = []
            for _ in 0..<60 {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return samples.sorted()[samples.count / 2]
        }
        let frame = median {
            _ = editor.handle(.char("x"))
            terminal.present(buffer, cursor: screen.render(model, editor: editor, into: buffer))
        }
        let empty = ChatScreenModel()
        let emptyScreen = ChatScreen()
        let baseline = median {
            _ = editor.handle(.char("y"))
            terminal.present(buffer, cursor: emptyScreen.render(empty, editor: editor, into: buffer))
        }
        #expect(screen.transcriptView.layoutsBuilt == layoutsAfterFirstFrame, "keystrokes must not re-layout the transcript")
        print("benchmark: keystroke frame, 2,000 messages (~1M tokens) at 120x40: median \(Formatting.fixed(frame, decimals: 3)) ms; "
              + "empty screen \(Formatting.fixed(baseline, decimals: 3)) ms; ratio \(Formatting.fixed(frame / max(baseline, 1e-6), decimals: 2))x")
    }
}
