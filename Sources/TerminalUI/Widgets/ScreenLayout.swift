/// Where the cache numbers go: the side panel, or the one-line strip above the editor.
public enum PanelPlacement: Hashable, Sendable {
    /// The panel when the terminal is wide enough, the strip otherwise.
    case auto
    /// The panel at any width (F3 on a narrow terminal): it takes the transcript's right
    /// side, or all of it when the terminal is very narrow.
    case always
    /// The strip only (F3 on a wide terminal).
    case stripOnly
    /// Neither (bare mode, for selecting text).
    case none
}

/// Where each part of the chat screen goes for a terminal size.
///
/// Top to bottom: transcript (with the cache panel on its right), the cache strip when the
/// panel is not shown, input editor, status bar. The panel is the first thing to go when
/// the terminal is narrow (below ``panelMinimumTotalWidth`` columns) and the strip takes
/// its place, so the cache numbers are on screen at every width; on very short terminals
/// the status bar goes next, then the strip, then the transcript, and the editor is kept
/// to the end. Any size, even 0x0, is valid.
public struct ScreenLayout: Hashable, Sendable {
    public var transcript: Rect
    /// Nil when hidden (narrow terminal or turned off).
    public var panel: Rect?
    /// The one-line cache strip; nil when the panel is shown, or turned off, or no room.
    public var strip: Rect?
    public var editor: Rect
    public var status: Rect?

    /// Terminals narrower than this show the strip instead of the panel.
    public static let panelMinimumTotalWidth = 100
    /// Width of the panel, border included, on a terminal `totalWidth` wide: a quarter of
    /// it, at least 34 and at most 48 columns (wide terminals show whole prefix labels).
    public static func panelWidth(totalWidth: Int) -> Int { min(48, max(34, totalWidth / 4)) }
    /// Below this width a forced panel covers the whole transcript area.
    static let transcriptMinimumBesidePanel = 30

    /// - Parameters:
    ///   - editorHeight: rows the editor wants (``InputEditor/desiredHeight(width:)``).
    ///   - panel: where the user wants the cache numbers.
    public init(size: Size, editorHeight: Int, panel placement: PanelPlacement = .auto) {
        var rest = Rect(size: size)
        if size.height >= 3 {
            let (above, bar) = Layout.sliceBottom(rest, height: 1)
            status = bar
            rest = above
        } else {
            status = nil
        }
        // The transcript keeps at least a third of the rows (and one row) once there is room.
        let maxEditor = rest.height >= 4 ? max(1, rest.height - max(1, rest.height / 3)) : 1
        let editorRows = min(max(1, editorHeight), maxEditor, rest.height)
        var (top, input) = Layout.sliceBottom(rest, height: editorRows)
        editor = input
        let wide = size.width >= ScreenLayout.panelMinimumTotalWidth
        let showPanel = top.height > 0 && size.width > 0 && (placement == .always || (placement == .auto && wide))
        strip = nil
        if !showPanel, placement != .none, top.height >= 4 {
            let (above, line) = Layout.sliceBottom(top, height: 1)
            strip = line
            top = above
        }
        if showPanel {
            let width = ScreenLayout.panelWidth(totalWidth: size.width)
            if top.width - width >= ScreenLayout.transcriptMinimumBesidePanel {
                let (left, right) = Layout.sliceRight(top, width: width)
                transcript = left
                panel = right
            } else {
                // Too narrow for both: the panel covers the transcript until F3 again.
                transcript = Rect(x: top.x, y: top.y, width: 0, height: top.height)
                panel = top
            }
        } else {
            transcript = top
            panel = nil
        }
    }
}
