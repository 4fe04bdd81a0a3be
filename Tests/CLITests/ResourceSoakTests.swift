import Foundation
import TestSupport
import Testing

/// A long conversation, headless: the `soak` executable drives the real ChatApp (on a
/// HeadlessDevice, with CurlTransport and the SQLite store) through many turns against a
/// `cachechat serve` in another process, and samples its own RSS and open descriptors.
///
/// CI: 300 turns (`CACHECHAT_SOAK_TURNS` for more; `scripts/soak.sh` for the 2-hour
/// equivalent). The rules (docs/FAULTS.md, DECISIONS 19): descriptors constant (±2 of the
/// first sample after warm-up) and memory flat: the last third's peak RSS at most the first
/// third's peak + 8 MiB + 1 MiB per 1,000 turns (malloc fragmentation and SQLite's page
/// cache settling; a leak of even 1 KiB a turn over 2,000+ turns breaks it).
@Suite("Resources: a long headless conversation")
struct ResourceSoakTests {
    struct Sample: Decodable {
        var turn: Int
        var rss_kb: Int
        var fds: Int
    }

    static var soakBinary: URL {
        CachechatProcess.binary.deletingLastPathComponent().appendingPathComponent("soak")
    }

    @Test func memoryStaysFlatAndDescriptorsConstant() throws {
        let turns = ProcessInfo.processInfo.environment["CACHECHAT_SOAK_TURNS"].flatMap(Int.init) ?? 300
        try #require(FileManager.default.isExecutableFile(atPath: Self.soakBinary.path), "build the soak product: \(Self.soakBinary.path)")
        let server = try EmulatorProcess(arguments: ["--speed", "0", "--reply-tokens", "40"])
        defer { server.stop() }
        let process = Process()
        process.executableURL = Self.soakBinary
        process.arguments = ["--base-url", server.baseURL, "--turns", String(turns), "--new-every", "50",
                             "--sample-every", String(max(10, turns / 30))]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let started = Date()
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        #expect(process.terminationStatus == 0, "soak failed: \(String(decoding: errors, as: UTF8.self))")

        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        let samples = lines.compactMap { try? JSONDecoder().decode(Sample.self, from: Data($0.utf8)) }
        let done = try #require(lines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(done["failed"] as? Int == 0 && done["requests"] as? Int == turns && done["integrity"] as? String == "ok", "\(done)")
        try #require(samples.count >= 6, "too few samples: \(lines)")

        // Warm-up: the first sample after turn 0 has the connection, the store and caches open.
        let steady = Array(samples.dropFirst())
        let third = steady.count / 3
        let first = steady.prefix(third), last = steady.suffix(third)
        let baselineFDs = steady[0].fds
        for sample in steady { #expect(abs(sample.fds - baselineFDs) <= 2, "descriptors at turn \(sample.turn): \(sample.fds), at first \(baselineFDs)") }
        let firstPeak = first.map(\.rss_kb).max()!, lastPeak = last.map(\.rss_kb).max()!
        let slackKB = 8 * 1024 + turns * 1024 / 1000
        #expect(lastPeak <= firstPeak + slackKB, "RSS grew: first third peak \(firstPeak) KiB, last third peak \(lastPeak) KiB (slack \(slackKB))")
        print("soak: \(turns) turns in \(String(format: "%.1f", seconds)) s; RSS \(samples[0].rss_kb) → \(firstPeak) (first third) → "
              + "\(lastPeak) KiB (last third); fds \(samples.map(\.fds).min()!)…\(samples.map(\.fds).max()!)")
    }
}
