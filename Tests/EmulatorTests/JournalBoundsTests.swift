import ChatWire
import Emulator
import Foundation
import Testing

/// Hardening II 17: one journal file per key or `user_id`, but a bounded number open and a
/// bounded total on disk.
@Suite("Emulator journals are bounded")
struct JournalBoundsTests {
    static let system = String(repeating: "You answer questions about caching, briefly and exactly. ", count: 12)

    static func body(user: String, question: String = "Why do repeated prefixes get cheaper?") -> [UInt8] {
        let object: [String: Any] = [
            "model": "deepseek-chat", "user_id": user,
            "messages": [["role": "system", "content": system], ["role": "user", "content": question]],
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    /// The cache hit of one request, or -1 when the engine did not reply.
    static func hit(_ engine: EmulatorEngine, user: String) -> Int {
        guard case .reply(let reply, _) = engine.complete(body: body(user: user), authorization: "Bearer sk-journal-test-1") else { return -1 }
        return reply.usage.cacheHitTokens ?? -1
    }

    /// Open descriptors of this process that are journal files in `directory`.
    static func openJournals(in directory: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { fd in
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd)) ?? ""
            return target.hasPrefix(directory) && target.hasSuffix(".journal")
        }.count
    }

    static func journalBytes(in directory: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".journal") }.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int) ?? 0)
        }
    }

    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cachechat-journals-\(UUID().uuidString)").path
    }

    @Test func manyUsersKeepFewFilesOpenAndEveryCacheWorks() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = EmulatorConfiguration(cacheModel: .v3, dataDirectory: directory, tokensPerSecond: 0)
        configuration.maxOpenJournals = 4
        let users = (0..<40).map { "user-\($0)" }
        do {
            let engine = EmulatorEngine(configuration: configuration)
            for user in users { #expect(Self.hit(engine, user: user) == 0) }
            #expect(Self.openJournals(in: directory) <= 4)
            // The first users' files were closed long ago; their caches still hit, and are still written.
            for user in users.prefix(8) { #expect(Self.hit(engine, user: user) > 0) }
            #expect(Self.openJournals(in: directory) <= 4)
        }
        // Everything reached the disk: a new engine finds every user's cache.
        let restarted = EmulatorEngine(configuration: configuration)
        for user in users { #expect(Self.hit(restarted, user: user) > 0, "\(user)") }
        #expect(Self.openJournals(in: directory) <= 4)
    }

    @Test func theCacheOnDiskStaysUnderItsSize() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = EmulatorConfiguration(cacheModel: .v3, dataDirectory: directory, tokensPerSecond: 0)
        // Measure one user's journal, then allow about ten of them.
        let probe = EmulatorEngine(configuration: configuration)
        _ = Self.hit(probe, user: "probe")
        let one = Self.journalBytes(in: directory)
        #expect(one > 0)
        configuration.maxCacheBytes = one * 10
        let engine = EmulatorEngine(configuration: configuration)
        for index in 0..<60 {
            #expect(Self.hit(engine, user: "user-\(index)") >= 0)
            #expect(Self.journalBytes(in: directory) <= configuration.maxCacheBytes + one)
        }
        // The most recent users are still cached; the oldest were forgotten, files and memory.
        #expect(Self.hit(engine, user: "user-59") > 0)
        #expect(Self.hit(engine, user: "user-0") == 0)
    }
}
