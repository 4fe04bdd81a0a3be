/// The screen the UI draws on. The ncurses backend (`CursesTerminal`) and
/// ``VirtualTerminal`` (tests) implement it; UI code never talks to a real terminal.
///
/// A frame is painted into a ``ScreenBuffer`` and handed to ``present(_:cursor:)``; the
/// terminal writes only what changed since the last frame (``ScreenBuffer/diff(from:)``).
/// Input does not go through this protocol: the event loop reads bytes from stdin and
/// feeds a ``KeyDecoder``.
public protocol Terminal: AnyObject {
    /// The current size in cells. The event loop re-reads it after SIGWINCH.
    var size: Size { get }

    /// Shows a frame. `cursor` is where the text cursor should be, nil to hide it.
    /// Implementations write the ``ScreenBuffer/diff(from:)`` against the previous frame
    /// and must cope with a buffer whose size differs from the last one (full repaint).
    func present(_ buffer: ScreenBuffer, cursor: Point?)

    /// Sets the colours cell styles resolve to (after a theme change or at start-up).
    /// The palette is already degraded to the terminal's colour depth by the caller.
    func setPalette(_ palette: Palette)

    /// Forgets what is on screen, so the next ``present(_:cursor:)`` repaints everything
    /// (Ctrl-L, or after another program wrote to the terminal).
    func invalidate()
}
