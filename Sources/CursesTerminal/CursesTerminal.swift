import CCursesShim
import TerminalUI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ``Terminal`` over ncursesw: the real screen.
///
/// Curses only draws. Input is read as raw bytes from stdin (``readAvailableBytes()``)
/// and decoded by TerminalUI's `KeyDecoder`; signals arrive through a self-pipe
/// (``signalFileDescriptor``). The event loop polls both fds and calls back in here, so
/// one thread owns the terminal and nothing blocks inside curses.
///
/// Order of use: ``start()``; loop { poll ``inputFileDescriptor`` +
/// ``signalFileDescriptor``; ``readAvailableBytes()``; ``readSignals()`` → on resize
/// ``handleResize()``, on termination shut down; paint; ``present(_:cursor:)`` };
/// ``stop()``. There is one curses screen per process: create one `CursesTerminal`.
public final class CursesTerminal: Terminal {
    public struct Options: Sendable {
        /// SIGTERM/SIGINT/SIGHUP are reported through ``readSignals()`` so the program can
        /// shut down cleanly; a second one (or the first, when false) restores the
        /// terminal and kills the process at once.
        public var gracefulTermination: Bool
        /// Sends stderr to a buffer while the screen is active and replays it on
        /// ``stop()`` or a crash, so stray messages (Swift's "Fatal error") do not
        /// corrupt the screen and are still seen.
        public var captureStderr: Bool
        /// Used for `NO_COLOR` and `TERM`; the process environment by default.
        public var environment: [String: String]?

        public init(gracefulTermination: Bool = true, captureStderr: Bool = true, environment: [String: String]? = nil) {
            self.gracefulTermination = gracefulTermination
            self.captureStderr = captureStderr
            self.environment = environment
        }
    }

    public let options: Options
    /// The screen size in cells (0x0 before ``start()``).
    public internal(set) var size: Size = .zero
    /// The colour depth the screen can show; degrade palettes to it.
    public private(set) var detectedDepth: ColorDepth = .monochrome
    /// Poll it for key bytes, then call ``readAvailableBytes()``.
    public let inputFileDescriptor: Int32 = Platform.standardInput
    /// Poll it for signals (resize, termination), then call ``readSignals()``. -1 when
    /// not started.
    public private(set) var signalFileDescriptor: Int32 = -1
    /// True once stdin reported end of file or an error: the terminal is gone (hang-up).
    public internal(set) var inputClosed = false
    public private(set) var isStarted = false

    var palette: Palette = .dark
    var mapping = CursesColorMapping(colors: 0, defaultColors: false, depth: .monochrome)
    var pairs = ColorPairTable(capacity: 0)
    var styleCache: [Style: (attributes: UInt32, pair: Int32)] = [:]
    var attributeBits = AttributeBits()
    var previous: ScreenBuffer?
    var needsClear = true
    var cursorVisible: Bool?
    var modes = TerminalModes(modifyOtherKeys: false)
    let ttyDescriptor: Int32 = Platform.standardOutput

    public init(options: Options = Options()) {
        self.options = options
    }

    deinit { stop() }

    /// Takes over the terminal: UTF-8 locale, signal handlers, curses screen in raw mode
    /// with our own key decoding, bracketed paste, mouse and modifyOtherKeys on.
    public func start() throws {
        guard !isStarted else { return }
        guard Platform.isTerminal(inputFileDescriptor), Platform.isTerminal(ttyDescriptor) else { throw CursesTerminalError.notATerminal }
        let environment = options.environment ?? Self.processEnvironment()
        LocaleSetup.ensureUTF8()
        modes = TerminalModes(term: environment["TERM"])

        _ = ccs_save_terminal(ttyDescriptor)
        let reset = Array(modes.emergencyReset.utf8)
        reset.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { ccs_set_reset_sequence($0.baseAddress, $0.count) }
        }
        // Handlers go in before curses, so curses leaves SIGWINCH/SIGINT/SIGTERM to us.
        let pipe = ccs_install_signal_handlers(options.gracefulTermination ? 1 : 0)
        guard pipe >= 0 else { throw CursesTerminalError.signalSetupFailed(errno: Platform.lastError) }
        signalFileDescriptor = pipe
        if options.captureStderr && Platform.isTerminal(Platform.standardError) { _ = ccs_capture_stderr() }

        guard ccs_newterm() == 0 else {
            ccs_release_stderr()
            ccs_uninstall_signal_handlers()
            signalFileDescriptor = -1
            throw CursesTerminalError.unknownTerminalType(environment["TERM"])
        }
        guard ccs_can_address_cursor() == 1 else {
            ccs_endwin()
            ccs_delscreen()
            ccs_release_stderr()
            ccs_uninstall_signal_handlers()
            signalFileDescriptor = -1
            throw CursesTerminalError.noCursorAddressing(environment["TERM"])
        }
        _ = ccs_raw()
        _ = ccs_noecho()
        _ = ccs_nonl()
        _ = ccs_keypad(0)
        _ = ccs_intrflush(0)
        _ = ccs_typeahead(-1)  // doupdate must not peek at stdin: it is ours

        setUpColors(environment: environment)
        attributeBits = AttributeBits()
        isStarted = true
        inputClosed = false
        writeToTerminal(modes.enable)
        size = Size(width: Int(ccs_cols()), height: Int(ccs_lines()))
        invalidate()
        _ = ccs_erase()
        _ = ccs_wnoutrefresh()
        _ = ccs_doupdate()
    }

    /// Gives the terminal back: modes off, cursor visible, normal screen, saved termios,
    /// captured stderr replayed, previous signal handlers. Safe to call more than once.
    public func stop() {
        guard isStarted else { return }
        isStarted = false
        writeToTerminal(modes.disable)
        _ = ccs_curs_set(1)
        ccs_endwin()
        ccs_delscreen()
        ccs_release_stderr()
        ccs_uninstall_signal_handlers()
        signalFileDescriptor = -1
        previous = nil
    }

    /// Hands the terminal to another program (an editor): our modes off, curses' program
    /// mode left, the terminal as the shell had it. Signals still reach our pipe.
    public func suspend() {
        guard isStarted else { return }
        writeToTerminal(modes.disable)
        _ = ccs_curs_set(1)
        ccs_endwin()
    }

    /// Stops the process with SIGTSTP, as the terminal driver does for Ctrl-Z when it is
    /// not in raw mode; returns when the shell continues it (SIGCONT). Call `suspend()`
    /// first and `resume()` after.
    public func stopUntilContinued() {
        Platform.stopUntilContinued()
    }

    /// Takes the terminal back after `suspend()`: program mode, our modes, a full repaint.
    public func resume() {
        guard isStarted else { return }
        _ = ccs_raw()
        _ = ccs_noecho()
        _ = ccs_nonl()
        writeToTerminal(modes.enable)
        size = Size(width: Int(ccs_cols()), height: Int(ccs_lines()))
        invalidate()
        _ = ccs_erase()
        _ = ccs_wnoutrefresh()
        _ = ccs_doupdate()
    }

    public func setPalette(_ palette: Palette) {
        self.palette = palette
        styleCache.removeAll()
        invalidate()
    }

    public func invalidate() {
        previous = nil
        needsClear = true
    }

    private func setUpColors(environment: [String: String]) {
        let hasColors = ccs_has_colors() == 1
        var colors = 0, defaultColors = false, pairCount = 0
        if hasColors && ccs_start_color() == 0 {
            defaultColors = ccs_use_default_colors() == 0
            colors = Int(ccs_colors())
            pairCount = Int(ccs_color_pairs())
        }
        detectedDepth = ColorSupport.depth(environment: environment, hasColors: hasColors, colors: colors)
        mapping = CursesColorMapping(colors: colors, defaultColors: defaultColors, depth: detectedDepth)
        pairs = ColorPairTable(capacity: pairCount)
        palette = Palette.dark.degraded(to: detectedDepth)
        styleCache.removeAll()
    }

    func writeToTerminal(_ text: String) {
        Platform.writeAll(ttyDescriptor, Array(text.utf8))
    }

    static func processEnvironment() -> [String: String] { Platform.environment() }
}

/// curses attribute bits, read once from the shim (they are macros in C).
struct AttributeBits {
    let bold = ccs_attr_bold(), dim = ccs_attr_dim(), italic = ccs_attr_italic()
    let underline = ccs_attr_underline(), reverse = ccs_attr_reverse()

    func bits(_ attributes: TextAttributes) -> UInt32 {
        var value: UInt32 = 0
        if attributes.contains(.bold) { value |= bold }
        if attributes.contains(.dim) { value |= dim }
        if attributes.contains(.italic) { value |= italic }
        if attributes.contains(.underline) { value |= underline }
        if attributes.contains(.reverse) { value |= reverse }
        return value
    }
}
