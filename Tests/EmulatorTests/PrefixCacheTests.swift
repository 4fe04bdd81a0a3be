import ChatCore
import Emulator
import Foundation
import Testing

/// The cache models on raw token sequences, against expectations computed here from
/// first principles (common prefix length, rounded down to whole units).
@Suite("Prefix cache models")
struct PrefixCacheTests {
    func tokens(_ count: Int, seed: Int) -> [Int] {
        (0..<count).map { ($0 &* 7919 &+ seed &* 104_729) % 120_000 }
    }

    func commonPrefix(_ a: [Int], _ b: [Int]) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }

    func run(_ cache: inout PrefixCache, prompt: [Int], output: [Int] = [], now: Double = 1000) -> Int {
        let hashes = PrefixHash.prefixes(of: prompt + output)
        let (hit, _) = cache.lookup(Array(hashes[0...prompt.count]), now: now)
        _ = cache.record(hashes, promptLength: prompt.count, hit: hit, now: now)
        return hit
    }

    @Test func v3HitsTheLongestWholeUnitPrefix() {
        var cache = PrefixCache(kind: .v3, settings: CacheSettings(unit: 64))
        let shared = tokens(700, seed: 1)
        let first = shared + tokens(300, seed: 2)
        let second = shared + tokens(250, seed: 3)
        #expect(run(&cache, prompt: first) == 0)
        let hit = run(&cache, prompt: second)
        #expect(hit == commonPrefix(first, second) / 64 * 64)
        #expect(hit == 640)
        // Under one unit nothing is cached.
        var small = PrefixCache(kind: .v3, settings: CacheSettings(unit: 64))
        #expect(run(&small, prompt: tokens(63, seed: 4)) == 0)
        #expect(run(&small, prompt: tokens(63, seed: 4)) == 0)
        #expect(run(&small, prompt: tokens(64, seed: 4)) == 0)
        #expect(run(&small, prompt: tokens(64, seed: 4)) == 64)
    }

    @Test func v4StoresTheEndOfInputAndOutput() {
        var cache = PrefixCache(kind: .v4, settings: CacheSettings(unit: 128))
        let prompt = tokens(1000, seed: 5)
        let output = tokens(333, seed: 6)
        #expect(run(&cache, prompt: prompt, output: output) == 0)
        // The next turn carries the whole previous turn: it hits the end-of-output unit.
        let next = prompt + output + tokens(40, seed: 7)
        #expect(run(&cache, prompt: next) == (1000 + 333) / 128 * 128)
        // The same prompt again hits its own end-of-input unit.
        #expect(run(&cache, prompt: prompt) == 1000 / 128 * 128)
    }

    @Test func v4LearnsACommonPrefixAfterAMiss() {
        var cache = PrefixCache(kind: .v4, settings: CacheSettings(unit: 128))
        let a = tokens(900, seed: 8)
        let ab = a + tokens(200, seed: 9), ac = a + tokens(150, seed: 10), ad = a + tokens(60, seed: 11)
        #expect(run(&cache, prompt: ab) == 0)
        #expect(run(&cache, prompt: ac) == 0)  // A+C misses ...
        #expect(run(&cache, prompt: ad) == 900 / 128 * 128)  // ... but A is stored, so A+D hits it.
    }

    @Test func v4PersistsUnitsEveryIntervalOfALongInput() {
        var cache = PrefixCache(kind: .v4, settings: CacheSettings(unit: 128, longTextInterval: 1024))
        let document = tokens(5000, seed: 12)
        #expect(run(&cache, prompt: document + tokens(30, seed: 13)) == 0)
        #expect(run(&cache, prompt: document + tokens(30, seed: 14)) == 4096)
    }

    @Test func constructionDelayAndTTL() {
        var cache = PrefixCache(kind: .v3, settings: CacheSettings(unit: 64, ttl: 100, constructDelay: 5))
        let prompt = tokens(640, seed: 15)
        #expect(run(&cache, prompt: prompt, now: 1000) == 0)
        #expect(run(&cache, prompt: prompt, now: 1002) == 0)  // still being built
        #expect(run(&cache, prompt: prompt, now: 1006) == 640)
        #expect(run(&cache, prompt: prompt, now: 1105) == 640)  // the hit at 1006 refreshed it
        var expiring = PrefixCache(kind: .v3, settings: CacheSettings(unit: 64, ttl: 100))
        #expect(run(&expiring, prompt: prompt, now: 0) == 0)
        #expect(run(&expiring, prompt: prompt, now: 101) == 0)  // expired, stored again
        #expect(run(&expiring, prompt: prompt, now: 150) == 640)
    }

    @Test func sizeCapEvictsLeastRecentlyUsed() {
        var cache = PrefixCache(kind: .v3, settings: CacheSettings(unit: 64, maxEntries: 50))
        let old = tokens(640, seed: 16)
        _ = run(&cache, prompt: old, now: 1)
        for seed in 17..<40 { _ = run(&cache, prompt: tokens(640, seed: seed), now: Double(seed)) }
        #expect(cache.entryCount <= 50)
        #expect(run(&cache, prompt: old, now: 100) == 0)
    }

    @Test func journalSurvivesARestart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachechat-journal-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("cache.journal").path
        let prompt = tokens(2000, seed: 41)
        do {
            var cache = PrefixCache(kind: .v4, settings: CacheSettings(unit: 128))
            let journal = CacheJournal(path: path)
            try journal.open(into: &cache, now: 10)
            let hashes = PrefixHash.prefixes(of: prompt)
            let (hit, touched) = cache.lookup(hashes, now: 10)
            journal.append(touched + cache.record(hashes, promptLength: prompt.count, hit: hit, now: 10))
        }
        var reopened = PrefixCache(kind: .v4, settings: CacheSettings(unit: 128))
        try CacheJournal(path: path).open(into: &reopened, now: 20)
        #expect(reopened.entryCount > 0)
        #expect(run(&reopened, prompt: prompt, now: 20) == 2000 / 128 * 128)
    }
}
