import Foundation
import TestSupport
import Testing

/// Hardening II 11: a disk that fills during a reply. The history's file cannot grow (a
/// file size limit stands in for the full disk: same EFBIG/SQLITE_FULL for SQLite, no root
/// needed); the reply is printed whole, `ask` says it is not saved, retries, and exits 14.
@Suite("cachechat ask: a full disk during a reply")
struct AskDiskFullTests {
    @Test func theReplyIsPrintedAndTheFailureHasItsOwnExitCode() throws {
        let piece = String(repeating: "All work and no play. ", count: 180)  // ~4 KB
        let server = try ScriptedHTTPServer { request, _ in
            if request.bodyText.contains("small") { return HTTPScript.stream(DeepSeekEvents.reply(["A small reply."])) }
            return HTTPScript.stream(DeepSeekEvents.reply(Array(repeating: piece, count: 256)))  // ~1 MB
        }
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let env = FaultMatrixTests.environment(home: home, baseURL: server.baseURL)
        #expect(try CachechatProcess.run(["ask", "--model", "deepseek-chat", "A small question"], environment: env).status == 0)
        let database = try HistoryDatabase(home: home)
        let before = try database.messages().count

        // 512-byte blocks: the history may grow by a few hundred KB, not by the reply.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -f 600; exec \"$0\" \"$@\"", CachechatProcess.binary.path,
                             "ask", "--model", "deepseek-chat", "A large question"]
        process.environment = env
        // Pipes, not files: the size limit applies to every file the process writes.
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // stderr holds a few lines, well within a pipe's buffer: read it after stdout.
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: errorData, as: UTF8.self)

        #expect(process.terminationStatus == 14, "stderr: \(stderr)")
        let printedWhole = stdout.contains(String(repeating: piece, count: 256))
        #expect(printedWhole, "the reply was not printed whole (\(stdout.utf8.count) bytes)")
        #expect(stderr.contains("kept in memory"), "\(stderr)")
        #expect(stderr.contains("not in the history"), "\(stderr)")
        #expect(try database.integrityCheck() == ["ok"])
        #expect(try database.messages().count >= before)
    }
}
