/// An overlay drawn over the chat screen; at most one is active.
public enum Overlay: Sendable {
    case dialog(Dialog)
    case help(HelpOverlay)
    case list(ListPanel)
    case command(CommandLineBar)
}

/// Everything on the chat screen except the editor (which the App owns and edits).
public struct ChatScreenModel {
    public var transcript: TranscriptModel
    public var panel: CachePanelModel
    public var status: StatusBarModel
    /// Where the cache numbers go (panel or strip).
    public var panelPlacement: PanelPlacement
    public var overlay: Overlay?

    public init(transcript: TranscriptModel = TranscriptModel(), panel: CachePanelModel = CachePanelModel(),
                status: StatusBarModel = StatusBarModel(), panelPlacement: PanelPlacement = .auto, overlay: Overlay? = nil) {
        self.transcript = transcript
        self.panel = panel
        self.status = status
        self.panelPlacement = panelPlacement
        self.overlay = overlay
    }
}

/// Composes a whole frame: layout, transcript, panel, editor, status bar, overlay.
///
/// Typical App loop:
/// ```swift
/// let screen = ChatScreen()
/// let buffer = ScreenBuffer(size: terminal.size)
/// // after any handler returned .redraw, or on a tick while streaming:
/// if buffer.size != terminal.size { buffer.resize(to: terminal.size) }
/// let cursor = screen.render(model, editor: editor, into: buffer)
/// terminal.present(buffer, cursor: cursor)
/// ```
/// The transcript's caches live in ``transcriptView``, so a keystroke in the editor
/// re-lays out nothing but the editor.
public final class ChatScreen {
    public let transcriptView: TranscriptView
    /// The layout of the last frame (for mouse hit-testing).
    public private(set) var layout = ScreenLayout(size: .zero, editorHeight: 1)
    /// The cache panel as the last frame left it in its buffer, while nothing has painted
    /// over it since: a frame with the same panel model and rect leaves those cells as they
    /// are. While a reply streams the panel rarely changes, and drawing it was a sixth of
    /// each frame (docs/DECISIONS.md 81).
    private var paintedPanel: (model: CachePanelModel, rect: Rect, buffer: ObjectIdentifier, painting: Int)?
    /// How many frames drew the panel and how many kept it (tests).
    public private(set) var panelDraws = 0, panelKeeps = 0

    public init(transcriptView: TranscriptView = TranscriptView()) {
        self.transcriptView = transcriptView
    }

    /// Paints a frame into `buffer` (whole buffer) and returns where the cursor goes.
    @discardableResult
    public func render(_ model: ChatScreenModel, editor: InputEditor, into buffer: ScreenBuffer) -> Point? {
        let size = buffer.size
        let textWidth = max(1, size.width - 2)
        var editor = editor
        editor.wrapWidth = textWidth
        layout = ScreenLayout(size: size, editorHeight: editor.desiredHeight(width: size.width), panel: model.panelPlacement)
        let root = Painter(buffer)
        transcriptView.draw(model.transcript, in: root.sub(layout.transcript))
        if let panel = layout.panel {
            if let kept = paintedPanel, kept.model == model.panel, kept.rect == panel,
               kept.buffer == ObjectIdentifier(buffer), kept.painting == buffer.paintings - 1 {
                panelKeeps += 1
            } else {
                CachePanel.draw(model.panel, in: root.sub(panel))
                panelDraws += 1
            }
        }
        // Kept for the next frame only if no overlay is drawn over it in this one.
        paintedPanel = layout.panel.flatMap { panel in
            model.overlay == nil ? (model.panel, panel, ObjectIdentifier(buffer), buffer.paintings) : nil
        }
        if let strip = layout.strip { CacheStrip.draw(model.panel, in: root.sub(strip)) }
        if let status = layout.status { StatusBar.draw(model.status, in: root.sub(status)) }
        var cursor = editor.draw(root.sub(layout.editor), focused: model.overlay == nil)
        if model.overlay != nil { transcriptView.forgetPainted() }
        switch model.overlay {
        case .dialog(let dialog):
            dialog.draw(in: root)
        case .help(let help):
            help.draw(in: root)
        case .list(var list):
            let area = Layout.centered(Size(width: min(size.width, 70), height: min(size.height, 20)), in: root.bounds)
            list.draw(in: root.sub(area))
        case .command(let command):
            let rows = min(size.height, command.candidates.count + 1)
            let area = Rect(x: 0, y: layout.editor.maxY - rows, width: size.width, height: rows)
            cursor = command.draw(in: root.sub(area.intersection(root.bounds)))
        case nil:
            break
        }
        return cursor
    }
}
