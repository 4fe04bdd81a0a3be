/// Where each part of the chat screen goes for a terminal size.
///
/// Top to bottom: transcript (with the cache panel on its right), input editor, status
/// bar. The panel is the first thing to go when the terminal is narrow (below
/// ``panelMinimumTotalWidth`` columns); on very short terminals the status bar goes next,
/// then the transcript, and the editor is kept to the end. Any size, even 0x0, is valid.
public struct ScreenLayout: Hashable, Sendable {
    public var transcript: Rect
    /// Nil when hidden (narrow terminal or turned off).
    public var panel: Rect?
    public var editor: Rect
    public var status: Rect?

    /// Terminals narrower than this hide the panel.
    public static let panelMinimumTotalWidth = 100
    /// Width of the panel, border included.
    public static let panelWidth = 34

    /// - Parameters:
    ///   - editorHeight: rows the editor wants (``InputEditor/desiredHeight(width:)``).
    ///   - showPanel: the user's choice; honoured only when wide enough.
    public init(size: Size, editorHeight: Int, showPanel: Bool = true) {
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
        let (top, input) = Layout.sliceBottom(rest, height: editorRows)
        editor = input
        if showPanel && size.width >= ScreenLayout.panelMinimumTotalWidth && top.height > 0 {
            let (left, right) = Layout.sliceRight(top, width: ScreenLayout.panelWidth)
            transcript = left
            panel = right
        } else {
            transcript = top
            panel = nil
        }
    }
}
