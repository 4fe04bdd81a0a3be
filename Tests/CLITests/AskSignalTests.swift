import Foundation
import TestSupport
import Testing

/// Hardening II 14: signals that end `ask` by default (SIGHUP when the terminal goes,
/// SIGUSR1) finish the reply's row first: the part received is stored, marked, and its
/// request is in the ledger.
@Suite("cachechat ask: ending signals keep the reply")
struct AskSignalTests {
    @Test(arguments: [SIGHUP, SIGUSR1, SIGTERM])
    func aSignalMidReplyStoresWhatArrived(_ signalNumber: Int32) throws {
        // The reply stops half way and the server waits: the signal lands mid-stream.
        let server = try ScriptedHTTPServer { _, _ in
            [HTTPScript.streamHead(), HTTPScript.chunk(DeepSeekEvents.chunk("{\"content\":\"First part of the reply\"}")),
             .pause(30)]
        }
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let env = FaultMatrixTests.environment(home: home, baseURL: server.baseURL)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let pid = try Spawn.start(CachechatProcess.binary.path, ["ask", "--model", "deepseek-chat", "A question"],
                                  environment: env, stdout: fds[1])
        close(fds[1])
        defer { close(fds[0]) }
        // Wait until the first part has been printed: the request is in flight.
        var printed = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: printed, as: UTF8.self).contains("First part") {
            let n = read(fds[0], &buffer, buffer.count)
            guard n > 0 else { break }
            printed.append(contentsOf: buffer[0..<n])
        }
        #expect(String(decoding: printed, as: UTF8.self).contains("First part"))
        kill(pid, signalNumber)
        let status = Spawn.wait(pid)
        #expect(status == 130, "exit status \(status)")

        let database = try HistoryDatabase(home: home)
        let reply = try #require(try database.messages().last)
        #expect(reply.role == "assistant")
        #expect(reply.content == "First part of the reply")
        #expect(reply.state == "interrupted", "\(reply)")
        #expect(try database.requests().count == 1)
    }

    /// `ask | head`: the reader goes away early; the reply is still received to its end and
    /// stored with the server's usage (exit 11 says the printing failed).
    @Test func aReaderThatLeavesEarlyStillGetsTheUsageRecorded() throws {
        let piece = String(repeating: "Caches keep prefixes. ", count: 100)
        let server = try ScriptedHTTPServer { _, _ in
            HTTPScript.stream(DeepSeekEvents.reply(Array(repeating: piece, count: 64), prompt: 640, hit: 512, completion: 9000))
        }
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\"$0\" ask --model deepseek-chat 'Tell me about caches' | head -c 20 > /dev/null",
                             CachechatProcess.binary.path]
        process.environment = FaultMatrixTests.environment(home: home, baseURL: server.baseURL)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()

        let database = try HistoryDatabase(home: home)
        let reply = try #require(try database.messages().last)
        #expect(reply.state == "complete", "\(reply.state)")
        #expect(reply.content.utf8.count == piece.utf8.count * 64)
        let request = try #require(try database.requests().last)
        #expect(request.hit == 512 && request.miss == 128, "\(request)")
    }
}
