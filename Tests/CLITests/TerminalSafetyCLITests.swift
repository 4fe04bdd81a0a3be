import Foundation
import TestSupport
import Testing

/// `ask` and `history show` with standard output on a terminal (a pseudo-terminal in raw
/// mode, so the bytes read are exactly the bytes written) and on a pipe.
@Suite("Terminal safety on the command line")
struct TerminalSafetyCLITests {
    static let deltas = [
        "Hello ", "\u{1B}]52;c;SGVsbG8=\u{07}", "visible1 ", "\u{1B}]0;pwned\u{07}", "\u{1B}[2J\u{1B}[H", "visible2 ",
        "\u{9B}31m", "red ", "\u{202E}", "evil ", "zero\u{200B}width ", "\u{07}", "carriage\rreturn ",
        "back\u{08}\u{08}space ", "split\u{1B}]0;", "half-title\u{07}", " end",
        "\u{0}",  // last: the store keeps a reply only up to a NUL (known issue, AppTests/TerminalSafetyTests)
    ]
    static let shown = "Hello visible1 visible2 red evil zerowidth carriagereturn backspace split end"

    /// Runs the binary with stdout on a raw pty (stderr to a file); returns stdout's bytes.
    static func runOnTerminal(_ arguments: [String], environment: [String: String]) throws -> [UInt8] {
        let script = """
            import os, pty, sys, tty
            pid, fd = pty.fork()
            if pid == 0:
                tty.setraw(1)
                err = os.open(os.environ["CC_STDERR"], os.O_WRONLY | os.O_CREAT)
                os.dup2(err, 2)
                os.execv(sys.argv[1], sys.argv[1:])
            out = bytearray()
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            os.waitpid(pid, 0)
            sys.stdout.buffer.write(out)
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, CachechatProcess.binary.path] + arguments
        var env = environment
        env["CC_STDERR"] = FileManager.default.temporaryDirectory.appendingPathComponent("cc-stderr-\(UUID().uuidString)").path
        python.environment = env
        let out = Pipe()
        python.standardOutput = out
        python.standardInput = FileHandle.nullDevice
        try python.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        return [UInt8](data)
    }

    static func forbidden(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let bad = text.unicodeScalars.first(where: { s in
            let v = s.value
            return (v < 0x20 && v != 0x0A) || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || v == 0x200B
        }) else { return nil }
        return "U+\(String(bad.value, radix: 16)) in \(text.debugDescription)"
    }

    func setUp() throws -> (ScriptedHTTPServer, [String: String]) {
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(Self.deltas), pause: 0.005) }
        let home = try CachechatProcess.temporaryHome()
        let env = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": "sk-test-0123456789abcd"])
        return (server, env)
    }

    @Test func askOnATerminalPrintsNoControlByte() throws {
        let (server, env) = try setUp()
        defer { server.stop() }
        let bytes = try Self.runOnTerminal(["ask", "Be nasty"], environment: env)
        #expect(Self.forbidden(bytes) == nil, "\(Self.forbidden(bytes) ?? "")")
        #expect(String(decoding: bytes, as: UTF8.self) == Self.shown + "\n")
    }

    @Test func askOnAPipePrintsTheRawReply() throws {
        let (server, env) = try setUp()
        defer { server.stop() }
        let result = try CachechatProcess.run(["ask", "Be nasty"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.deltas.joined() + "\n", "the reply as it arrived, then the newline that ends the output")
    }

    @Test func historyShowOnATerminalPrintsNoControlByte() throws {
        let (server, env) = try setUp()
        defer { server.stop() }
        #expect(try CachechatProcess.run(["ask", "Be nasty"], environment: env).status == 0)
        let list = try CachechatProcess.run(["history", "list"], environment: env)
        let id = try #require(list.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init))
        let bytes = try Self.runOnTerminal(["history", "show", id], environment: env)
        #expect(Self.forbidden(bytes) == nil, "\(Self.forbidden(bytes) ?? "")")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(Self.shown))
    }
}
