import ChatCore
import Foundation
import TerminalUI

/// The few-shot set editor: the system prompt and every shot in a list, the selected one
/// in a multi-line editor, each with its token count, where the cacheable prefix ends,
/// and — live, against the saved version — what the edit will cost the cache.
///
/// A value, like the rest of the App's state: saving is an effect (`Outcome.save`) whose
/// result comes back through `saved(_:)` or `saveFailed(_:)`.
public struct FewShotEditor {
    enum Outcome { case stay, close, use(FewShotMode), save(FewShotSet) }

    /// What the editor needs to count tokens and price an edit.
    struct Context {
        var template: ChatTemplate
        var model: String
        var prices: PriceTable
        var currency: Currency
        var now: Date
    }

    let context: Context
    private(set) var saved: FewShotSet
    private(set) var working: FewShotSet
    private var undoStack: [FewShotSet] = []
    private(set) var selection = 0
    private(set) var editingText = false
    private var text = InputEditor(maxHeight: 200)
    private(set) var layout: FewShotLayout
    private(set) var impact: FewShotImpact?
    private(set) var status: String?
    let conversationsUsing: Int
    private var confirmingClose = false

    init(set: FewShotSet, context: Context, conversationsUsing: Int) {
        self.context = context
        self.saved = set
        self.working = set
        self.conversationsUsing = conversationsUsing
        layout = FewShotLayout(set: set, model: set.model ?? context.model, template: context.template)
        recompute()
    }

    var isDirty: Bool { working != saved }

    /// Items: 0 is the system prompt, then each shot's question and answer.
    var itemCount: Int { 1 + working.shots.count * 2 }
    var shotIndex: Int? { selection == 0 ? nil : (selection - 1) / 2 }

    func itemText(_ index: Int) -> String {
        if index == 0 { return working.system }
        let shot = working.shots[(index - 1) / 2]
        return (index - 1) % 2 == 0 ? shot.user : shot.assistant
    }

    private mutating func setItemText(_ index: Int, _ value: String) {
        if index == 0 { working.system = value; return }
        if (index - 1) % 2 == 0 { working.shots[(index - 1) / 2].user = value } else { working.shots[(index - 1) / 2].assistant = value }
    }

    private mutating func recompute() {
        let model = working.model ?? context.model
        layout = FewShotLayout(set: working, model: model, template: context.template)
        impact = isDirty ? FewShotImpact.compute(from: saved, to: working, model: model,
                                                 cacheModel: CachePredictor.defaultCacheModel(forModel: model),
                                                 template: context.template, prices: context.prices,
                                                 currency: context.currency, at: context.now,
                                                 conversations: conversationsUsing) : nil
    }

    private mutating func pushUndo() {
        undoStack.append(working)
        if undoStack.count > 200 { undoStack.removeFirst() }
    }

    // MARK: - Keys

    mutating func handle(_ event: KeyEvent) -> Outcome {
        status = nil
        switch event {
        case .char("s", [.ctrl]):
            return .save(working)
        case .char("z", [.ctrl]), .char("_", [.ctrl]):
            undo()
            return .stay
        default: break
        }
        if editingText { return handleText(event) }
        return handleList(event)
    }

    private mutating func handleText(_ event: KeyEvent) -> Outcome {
        switch event {
        case .key(.escape, _), .key(.tab, []):
            editingText = false
            return .stay
        case .key(.enter, []):
            _ = text.handle(.key(.enter, [.alt]))  // Enter is a new line here; Ctrl-S saves.
        default:
            _ = text.handle(event)
        }
        if text.text != itemText(selection) {
            setItemText(selection, text.text)
            recompute()
        }
        return .stay
    }

    private mutating func handleList(_ event: KeyEvent) -> Outcome {
        switch event {
        case .key(.up, []), .char("k", []): selection = max(0, selection - 1)
        case .key(.down, []), .char("j", []): selection = min(itemCount - 1, selection + 1)
        case .key(.enter, _), .key(.tab, []), .char("e", []):
            pushUndo()
            text = InputEditor(text: itemText(selection), maxHeight: 200)
            editingText = true
        case .char("a", []):
            pushUndo()
            working.shots.append(FewShotSet.Shot(user: "New question", assistant: "Its answer"))
            selection = itemCount - 2
            recompute()
            status = "Shot appended: the existing prefix stays cached."
        case .char("i", []):
            pushUndo()
            let at = shotIndex ?? 0
            working.shots.insert(FewShotSet.Shot(user: "New question", assistant: "Its answer"), at: at)
            selection = 1 + at * 2
            recompute()
        case .char("d", []), .key(.delete, _):
            guard let shot = shotIndex, working.shots.count > 1 else {
                status = "A set keeps its system prompt and at least one shot."
                return .stay
            }
            pushUndo()
            working.shots.remove(at: shot)
            selection = min(selection, itemCount - 1)
            recompute()
        case .key(.up, [.alt]), .char("K", []):
            moveShot(by: -1)
        case .key(.down, [.alt]), .char("J", []):
            moveShot(by: 1)
        case .char("u", []):
            undo()
        case .char("p", []):
            return isDirty ? needsSave() : .use(.pinned)
        case .char("q", []) where isDirty && !confirmingClose, .key(.escape, _) where isDirty && !confirmingClose:
            confirmingClose = true
            status = "Unsaved changes: Ctrl-S saves; press Esc again to drop them."
        case .char("q", []), .key(.escape, _):
            return .close
        default:
            if case .char("o", []) = event { return isDirty ? needsSave() : .use(.each) }
        }
        if case .key(.escape, _) = event {} else { confirmingClose = false }
        return .stay
    }

    private mutating func needsSave() -> Outcome {
        status = "Save the set first (Ctrl-S): conversations pin a saved version."
        return .stay
    }

    private mutating func moveShot(by offset: Int) {
        guard let shot = shotIndex else {
            status = "Select a shot to move it (J down, K up); the system prompt stays first."
            return
        }
        guard working.shots.indices.contains(shot + offset) else {
            status = offset > 0 ? "That shot is the last: nothing to move it below." : "That shot is the first: nothing to move it above."
            return
        }
        pushUndo()
        working.shots.swapAt(shot, shot + offset)
        selection += offset * 2
        recompute()
    }

    private mutating func undo() {
        guard let previous = undoStack.popLast() else {
            status = "Nothing to undo."
            return
        }
        working = previous
        selection = min(selection, itemCount - 1)
        if editingText { text = InputEditor(text: itemText(selection), maxHeight: 200) }
        recompute()
    }

    /// The set was written (and archived).
    mutating func saved(_ set: FewShotSet) {
        saved = set
        recompute()
        status = "Saved \(set.name) (version \(set.contentVersion))."
    }

    mutating func saveFailed(_ problem: String) {
        status = "Could not save: \(problem)"
    }

    // MARK: - Drawing

    func draw(in painter: Painter) -> Point? {
        painter.fill(nil, Style(.text))
        guard painter.width >= 20, painter.height >= 6 else {
            painter.truncated("Few-shot editor: enlarge the terminal", at: .zero, width: painter.width, Style(.warning))
            return nil
        }
        let title = "Few-shot set: \(TerminalSanitizer.clean(working.name))\(isDirty ? " (modified)" : "") — \(Formatting.grouped(layout.prefixLength)) tokens"
        painter.truncated(title, at: Point(x: 0, y: 0), width: painter.width, Style(.panelTitle))
        let footerHeight = 2 + (impact?.lines.count ?? 0)
        let bodyHeight = max(2, painter.height - 1 - min(footerHeight, painter.height / 2))
        let listWidth = min(44, max(18, painter.width / 3))
        let list = painter.sub(Rect(x: 0, y: 1, width: listWidth, height: bodyHeight))
        let body = painter.sub(Rect(x: listWidth + 1, y: 1, width: painter.width - listWidth - 1, height: bodyHeight))
        drawList(list)
        var cursor: Point? = nil
        body.truncated(label(selection) + (editingText ? "  (editing: Esc back to the list, Ctrl-S save)" : "  (Enter to edit)"),
                       at: .zero, width: body.width, Style(.panelLabel))
        let textArea = body.sub(Rect(x: 0, y: 1, width: body.width, height: body.height - 1))
        if editingText {
            var editor = text
            editor.wrapWidth = textArea.width - 2
            if let point = editor.draw(textArea, focused: true) { cursor = Point(x: point.x + listWidth + 1, y: point.y + 2) }
        } else {
            var row = 0
            for line in TextWrap.wrap(TerminalSanitizer.clean(itemText(selection)), width: max(1, textArea.width)) where row < textArea.height {
                textArea.text(line, at: Point(x: 0, y: row), Style(.text))
                row += 1
            }
        }
        drawFooter(painter.sub(Rect(x: 0, y: 1 + bodyHeight, width: painter.width, height: painter.height - 1 - bodyHeight)))
        return cursor
    }

    private func label(_ index: Int) -> String {
        if index == 0 { return "System prompt · \(Formatting.grouped(layout.systemTokens)) tok" }
        let shot = (index - 1) / 2
        let tokens = shot < layout.shotTokens.count ? layout.shotTokens[shot] : 0
        return "Shot \(shot + 1) \((index - 1) % 2 == 0 ? "question" : "answer") · shot \(Formatting.grouped(tokens)) tok"
    }

    private func drawList(_ painter: Painter) {
        let first = max(0, min(selection - painter.height / 2, itemCount - painter.height))
        for row in 0..<painter.height {
            let index = first + row
            guard index < itemCount else { break }
            let name = index == 0 ? "System" : "\((index - 1) / 2 + 1)\((index - 1) % 2 == 0 ? "Q" : "A")"
            let preview = itemText(index).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let style = index == selection ? Style(.buttonFocused) : Style(index == 0 ? .systemName : (index - 1) % 2 == 0 ? .userName : .assistantName)
            painter.truncated("\(name.padding(toLength: 7, withPad: " ", startingAt: 0))\(TerminalSanitizer.clean(preview))",
                              at: Point(x: 0, y: row), width: painter.width, style)
        }
    }

    private func drawFooter(_ painter: Painter) {
        var row = 0
        func line(_ text: String, _ slot: ColorSlot) {
            guard row < painter.height else { return }
            painter.truncated(text, at: Point(x: 0, y: row), width: painter.width, Style(slot))
            row += 1
        }
        line("Cacheable prefix: \(Formatting.grouped(layout.cacheablePrefix(unit: 64))) tokens in 64-token units, "
             + "\(Formatting.grouped(layout.cacheablePrefix(unit: 128))) in 128-token units · used by \(conversationsUsing) conversation(s)",
             .panelLabel)
        if let status { line(status, .warning) }
        for text in impact?.lines ?? [] { line(text, .warning) }
        line("↑↓ select · Enter edit · a append · i insert · d delete · J/K move · u undo · ^S save · p use pinned · o use one-question · q close",
             .dimText)
    }
}
