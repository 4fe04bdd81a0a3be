import ChatCore
import Foundation
import Testing

/// The seeded fuzzer behind every suite in this target: a SplitMix64 generator, byte-level
/// mutations of valid seed inputs, and a driver that stops a target at its first failure
/// and prints the input as a Swift literal, ready to become a regression test.
///
/// `CACHECHAT_FUZZ_RUNS` sets the inputs per target (default 3000: 4–10 s for the whole suite in a debug build on 2 cores, depending on load), `CACHECHAT_FUZZ_SEED`
/// the seed (default below); both are printed, so any failure reproduces exactly.
/// `CACHECHAT_FUZZ_CRASH_DIR` keeps each target's current input on disk (see `crashDirectory`).
enum Fuzz {
    static let defaultSeed: UInt64 = 0xCAC4_EC4A_7F00_0001
    static let defaultRuns = 3000

    static var runs: Int {
        ProcessInfo.processInfo.environment["CACHECHAT_FUZZ_RUNS"].flatMap { Int($0) }.map { max(1, $0) } ?? defaultRuns
    }

    static var seed: UInt64 {
        guard let text = ProcessInfo.processInfo.environment["CACHECHAT_FUZZ_SEED"] else { return defaultSeed }
        if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) ?? defaultSeed }
        return UInt64(text) ?? defaultSeed
    }

    /// Where each target writes the input it is about to try (`CACHECHAT_FUZZ_CRASH_DIR`):
    /// after a crash, `<dir>/<target>.input` is the input that crashed.
    static var crashDirectory: String? { ProcessInfo.processInfo.environment["CACHECHAT_FUZZ_CRASH_DIR"] }

    /// A failed invariant: what broke, on which input.
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Throws a `Failure` unless `condition` holds.
    static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) throws {
        if !condition() { throw Failure(message: message()) }
    }

    /// Runs `body` on `runs` inputs made from `seeds` (mutated) and occasionally from pure
    /// noise. The first failure is recorded with the seed, the iteration and the input.
    static func run(
        _ target: String, seeds: [[UInt8]], runs: Int = Fuzz.runs,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: (_ input: [UInt8], _ rng: inout SplitMix64) throws -> Void
    ) {
        let targetSeed = seed ^ fnv1a(target)
        print("fuzz \(target): seed 0x\(String(seed, radix: 16)), \(runs) runs")
        var rng = SplitMix64(seed: targetSeed)
        let mutator = Mutator(seeds: seeds)
        let lastInput = crashDirectory.map { URL(fileURLWithPath: $0).appendingPathComponent("\(target).input") }
        for iteration in 0..<runs {
            let input = iteration < seeds.count ? seeds[iteration] : mutator.make(&rng)
            // A trap cannot be caught: leave the input on disk first, so a crash can be replayed.
            if let lastInput { try? Data(input).write(to: lastInput) }
            var inner = SplitMix64(seed: rng.next())
            do {
                try body(input, &inner)
            } catch {
                Issue.record("""
                    fuzz \(target) failed at run \(iteration) (CACHECHAT_FUZZ_SEED=0x\(String(seed, radix: 16))): \(error)
                    input: \(literal(input))
                    """, sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// The input as a Swift string literal when it is valid UTF-8, else a byte array.
    static func literal(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) {
            return text.unicodeScalars.map { $0.escaped(asASCII: true) }.joined().quotedLiteral
        }
        return "[" + bytes.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: ", ") + "]"
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// Splits `bytes` at 0–4 random points.
    static func randomSplit(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [[UInt8]] {
        guard !bytes.isEmpty else { return [bytes] }
        let cuts = (0..<rng.below(5)).map { _ in rng.below(bytes.count + 1) }.sorted()
        var pieces: [[UInt8]] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            pieces.append(Array(bytes[start..<cut]))
            start = cut
        }
        return pieces
    }

    /// Reads a file of the repository (seeds: the shipped themes and few-shot sets).
    static func repositoryFile(_ relativePath: String) -> [UInt8]? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return FileManager.default.contents(atPath: root.appendingPathComponent(relativePath).path).map { [UInt8]($0) }
    }
}

private extension String {
    var quotedLiteral: String { "\"" + self + "\"" }
}

