// curses-demo: a small program that drives CursesTerminal for the end-to-end tests and
// for trying a terminal by hand. It draws a bordered screen with CJK, emoji and colours,
// echoes decoded keys, quits on "q" and crashes on purpose on Ctrl-T (fatalError), to
// show that the terminal is restored even then.
//
//   curses-demo [--hard-signals] [--pid-file PATH]
//
// --hard-signals: SIGTERM/SIGINT/SIGHUP restore the terminal in the signal handler and
// kill the process at once, instead of the clean shutdown through the event loop.

import CursesTerminal
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

func printError(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

var hardSignals = false
var pidFile: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--hard-signals": hardSignals = true
    case "--pid-file": pidFile = arguments.popFirst()
    default:
        printError("usage: curses-demo [--hard-signals] [--pid-file PATH]")
        exit(2)
    }
}

let terminal = CursesTerminal(options: .init(gracefulTermination: !hardSignals))
do {
    try terminal.start()
} catch {
    printError("curses-demo: \(error)")
    exit(1)
}
if let pidFile {
    let text = "\(getpid())\n"
    if let file = fopen(pidFile, "w") {
        fputs(text, file)
        fclose(file)
    }
}

let buffer = ScreenBuffer(size: terminal.size)
var decoder = KeyDecoder()
var keys: [String] = []
var frames = 0

@MainActor func render() {
    buffer.clear()
    let painter = Painter(buffer)
    painter.box(title: "curses-demo")
    let inner = painter.sub(painter.bounds.inset(by: 1))
    inner.text("size: \(terminal.size)  depth: \(terminal.detectedDepth)  frame: \(frames)", at: Point(x: 1, y: 0), Style(.panelValue))
    let x1 = inner.text("CJK: 中文字符", at: Point(x: 1, y: 1))
    inner.text("|", at: Point(x: x1, y: 1), Style(.panelBorder))
    let x2 = inner.text("Emoji: 🎉🚀 ok", at: Point(x: 1, y: 2))
    inner.text("|", at: Point(x: x2, y: 2), Style(.panelBorder))
    let x3 = inner.text("Mixed: a中b🎉cé", at: Point(x: 1, y: 3))
    inner.text("|", at: Point(x: x3, y: 3), Style(.panelBorder))
    var x = 1
    for (label, style) in [("hit", Style(.cacheHit)), ("miss", Style(.cacheMiss)), ("error", Style(.error, attributes: .bold)),
                           ("code", Style(.codeKeyword, background: .codeBackground)), ("under", Style(.link, attributes: .underline))] {
        x = inner.text(label, at: Point(x: x, y: 4), style) + 1
    }
    inner.text("keys: " + keys.suffix(8).joined(separator: " "), at: Point(x: 1, y: 5))
    inner.text("q quits, Ctrl-T crashes on purpose", at: Point(x: 1, y: 6), Style(.dimText))
    if inner.height > 8 {
        inner.fill(Rect(x: 0, y: inner.height - 1, width: inner.width, height: 1), Style(.statusBar, background: .statusBar))
        inner.text(" status bar ", at: Point(x: 0, y: inner.height - 1), Style(.statusBarAccent, background: .statusBar))
    }
}

@MainActor func handle(_ event: KeyEvent) -> Bool {
    switch event {
    case .char("q", []): return false
    case .char("t", [.ctrl]): fatalError("curses-demo: deliberate crash (Ctrl-T)")
    case .char("l", [.ctrl]): terminal.invalidate()
    default: keys.append(event.description)
    }
    return true
}

var running = true
while running {
    render()
    terminal.present(buffer, cursor: Point(x: 2, y: buffer.size.height - 3))
    frames += 1

    var fds = [pollfd(fd: terminal.inputFileDescriptor, events: Int16(POLLIN), revents: 0),
               pollfd(fd: terminal.signalFileDescriptor, events: Int16(POLLIN), revents: 0)]
    let ready = poll(&fds, 2, decoder.hasPendingEscape ? 25 : -1)
    if ready < 0 && errno != EINTR { break }

    let signals = terminal.readSignals()
    if let signal = signals.termination {
        terminal.stop()
        CursesTerminal.exit(bySignal: signal)
    }
    if signals.resized { buffer.resize(to: terminal.handleResize()) }

    let bytes = terminal.readAvailableBytes()
    var events = decoder.feed(bytes)
    if bytes.isEmpty && ready == 0 { events += decoder.flushPending() }
    for event in events where running { running = handle(event) }
    if terminal.inputClosed { running = false }
}
terminal.stop()
print("curses-demo: bye after \(frames) frames")
