import ChatCore
import Foundation
import Synchronization
import TestSupport
import Testing
@testable import History

/// Kills a child process that is writing a streamed reply with SIGKILL at random moments,
/// many times over, then checks that nothing committed was lost and the file is intact.
///
/// `CACHECHAT_CRASH_KILLS` sets the number of kills (default 30); `CACHECHAT_CRASH_SEED`
/// replays a run (the seed is printed on failure).
@Suite("SIGKILL crash test")
struct CrashTests {
    /// What the writers said on stdout before they died (complete lines only).
    struct WriterLog {
        var committed: [MessageID: (content: String, reasoning: String?)] = [:]
        var begun: Set<MessageID> = []
        var checkpointed: [MessageID: Int] = [:]
        var interrupted: Set<MessageID> = []

        mutating func read(_ output: Data) {
            let text = String(decoding: output, as: UTF8.self)
            // A line cut by the kill has no newline; it is not a report.
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let fields = line.split(separator: " ", maxSplits: 2)
                guard fields.count >= 2, let raw = Int64(fields[1]) else {
                    Issue.record("unreadable writer line: \(line)")
                    continue
                }
                let id = MessageID(raw)
                switch fields[0] {
                case "committed":
                    guard fields.count == 3,
                          let json = try? JSONSerialization.jsonObject(with: Data(fields[2].utf8)) as? [String: String],
                          let content = json["content"]
                    else {
                        Issue.record("unreadable committed line: \(line)")
                        continue
                    }
                    committed[id] = (content, json["reasoning"])
                case "begun": begun.insert(id)
                case "checkpoint": checkpointed[id] = fields.count == 3 ? Int(fields[2]) : nil
                case "interrupted": interrupted.insert(id)
                default: Issue.record("unknown writer line: \(line)")
                }
            }
        }
    }

    final class OutputBox: Sendable {
        private let bytes = Mutex(Data())
        var data: Data {
            get { bytes.withLock { $0 } }
            set { bytes.withLock { $0 = newValue } }
        }
    }

    /// `store-crash-writer`, built in the same folder as the running test binary (on Linux
    /// the runner may be the .xctest file itself or a file inside a bundle folder).
    static var writerURL: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("store-crash-writer")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/store-crash-writer")
    }

    @Test func killedWritersLoseNothingCommittedAndLeaveAnIntactFile() throws {
        let environment = ProcessInfo.processInfo.environment
        let kills = environment["CACHECHAT_CRASH_KILLS"].flatMap(Int.init) ?? 30
        let seed = environment["CACHECHAT_CRASH_SEED"].flatMap(UInt64.init) ?? 20_260_501
        let folder = try TemporaryFolder()
        let (log, exits) = try Self.runWriters(kills: kills, seed: seed, path: folder.databasePath)
        let verdict = try Self.verify(path: folder.databasePath, log: log)
        for problem in verdict.problems { Issue.record("\(problem) (seed \(seed))") }
        print("crash test: \(kills) kills (seed \(seed)), \(exits) exits, \(verdict.messages) messages, "
              + "\(log.committed.count) reported committed, \(verdict.recovered) replies recovered as interrupted, "
              + "\(verdict.ledgerRows) ledger rows")
        #expect(exits == 0, "writers should be killed, not exit")
        #expect(log.committed.count > 0, "no writer got as far as a commit: the test tested nothing")
        if kills >= 10 { #expect(verdict.recovered > 0, "no kill landed inside a reply: the test tested nothing (seed \(seed))") }
    }

    /// The check itself must be able to fail: a writer that reports replies as committed
    /// before it has written them is caught.
    @Test func theCheckCatchesAWriterThatReportsTooEarly() throws {
        let folder = try TemporaryFolder()
        let (log, _) = try Self.runWriters(kills: 8, seed: 7, path: folder.databasePath,
                                           environment: ["STORE_CRASH_WRITER_REPORT_EARLY": "1"])
        let verdict = try Self.verify(path: folder.databasePath, log: log)
        #expect(verdict.problems.contains { $0.contains("content differs") || $0.contains("is interrupted") })
    }

    /// Starts the writer `kills` times on the same file and SIGKILLs it after a random delay.
    static func runWriters(
        kills: Int, seed: UInt64, path: String, environment: [String: String] = [:]
    ) throws -> (WriterLog, exits: Int) {
        let writer = writerURL
        try #require(FileManager.default.isExecutableFile(atPath: writer.path),
                     "build the store-crash-writer product first (swift build): not at \(writer.path)")
        var rng = SplitMix64(seed: seed)
        var log = WriterLog()
        var exits = 0
        for run in 0..<kills {
            let process = Process()
            process.executableURL = writer
            process.arguments = [path, String(seed &+ UInt64(run))]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let stdout = Pipe(), stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            let output = OutputBox(), drained = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                output.data = stdout.fileHandleForReading.readDataToEndOfFile()
                drained.signal()
            }
            // Anywhere from before the store is open to a dozen rounds in.
            usleep(UInt32.random(in: 1_000...250_000, using: &rng))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            drained.wait()
            if process.terminationReason == .exit {
                exits += 1
                let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                #expect(process.terminationStatus == 0, "writer run \(run) failed (seed \(seed)): \(message)")
            }
            log.read(output.data)
        }
        return (log, exits)
    }

    struct Verdict {
        var problems: [String] = []
        var messages = 0, recovered = 0, ledgerRows = 0
    }

    /// Reopens the file (running recovery) and compares it with what the writers reported.
    static func verify(path: String, log: WriterLog) throws -> Verdict {
        var verdict = Verdict()
        let store = try ChatStore(path: path)
        let integrity = try store.integrityCheck()
        if integrity != ["ok"] { verdict.problems.append("integrity_check: \(integrity)") }
        let conversations = try store.listConversations(includeArchived: true)
        if conversations.count != 1 { verdict.problems.append("\(conversations.count) conversations, expected 1") }
        let messages = try conversations.flatMap { try store.messages(in: $0.conversation.id) }
        let byID = Dictionary(uniqueKeysWithValues: messages.map { ($0.id, $0) })
        let ledger = try store.ledgerEntries()
        verdict.messages = messages.count
        verdict.ledgerRows = ledger.count

        // Every message reported committed is there, exactly, and final.
        for (id, expected) in log.committed.sorted(by: { $0.key < $1.key }) {
            guard let stored = byID[id] else {
                verdict.problems.append("committed message \(id) is missing")
                continue
            }
            if stored.content != expected.content || stored.reasoningContent != expected.reasoning {
                verdict.problems.append("message \(id) content differs from what was committed")
            }
            if stored.state != .complete { verdict.problems.append("committed message \(id) is \(stored.state)") }
        }
        for id in log.begun.sorted() where byID[id] == nil {
            verdict.problems.append("begun reply \(id) is missing")
        }
        // Nothing is left streaming; replies cut off are marked and keep their checkpoints.
        for message in messages where message.role == .assistant {
            switch message.state {
            case .streaming:
                verdict.problems.append("message \(message.id) is still streaming")
            case .interrupted(let reason):
                // Reported by the writer: its own reason. Not reported: recovery's reason, or
                // the writer's when the kill fell between its commit and its report line.
                let byWriter = reason == "cancelled by the writer"
                let allowed = log.interrupted.contains(message.id) ? byWriter : byWriter || reason == StoredMessage.State.stoppedReason
                if !allowed { verdict.problems.append("message \(message.id) interrupted with reason \(reason)") }
                if !byWriter { verdict.recovered += 1 }
                if message.content.utf8.count < log.checkpointed[message.id] ?? 0 {
                    verdict.problems.append("message \(message.id) lost checkpointed text")
                }
            case .complete, .failed:
                break
            }
        }
        // Each reply and its ledger row were written together: exactly one row per reply, whose
        // outcome matches the reply's state (recovery records the requests cut off by a kill).
        let rows = Dictionary(grouping: ledger.filter { $0.message != nil }, by: { $0.message! })
        for message in messages where message.role == .assistant {
            let outcomes = rows[message.id, default: []].map(\.outcome)
            let consistent = switch (message.state, outcomes.first) {
            case (.complete, .ok?), (.interrupted, .interrupted?): outcomes.count == 1
            default: false
            }
            if !consistent { verdict.problems.append("message \(message.id) is \(message.state) with ledger rows \(outcomes)") }
        }
        if ledger.contains(where: { $0.message == nil }) { verdict.problems.append("a ledger row without its reply") }
        if messages.map(\.ordinal) != Array(1..<messages.count + 1) { verdict.problems.append("ordinals have gaps") }
        return verdict
    }
}

