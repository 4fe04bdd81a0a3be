import ChatCore
import Foundation
import Testing
@testable import App

/// state.json's reader without JSONDecoder (DECISIONS 89): what the store writes reads back
/// as JSONDecoder reads it; anything else is left to JSONDecoder.
@Suite struct RememberedStateReaderTests {
    static func randomText(_ generator: inout SystemRandomNumberGenerator) -> String {
        let pieces = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "日本", "😀", "\u{FEFF}", "{", "}", "[", ":", ","]
        return (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    static func randomState(_ generator: inout SystemRandomNumberGenerator) -> RememberedState {
        func date() -> Date { Date(timeIntervalSince1970: Double(Int.random(in: 0...4_000_000_000, using: &generator))) }
        var state = RememberedState()
        if Bool.random(using: &generator) { state.theme = .init(randomText(&generator), changed: date()) }
        if Bool.random(using: &generator) { state.thinking = .init(Bool.random(using: &generator), changed: date()) }
        if Bool.random(using: &generator) { state.model = .init(randomText(&generator), changed: date()) }
        if Bool.random(using: &generator) {
            state.endpointModels = Dictionary((0..<Int.random(in: 0...3, using: &generator)).map { _ in
                (randomText(&generator), (0..<Int.random(in: 0...4, using: &generator)).map { _ in randomText(&generator) })
            }, uniquingKeysWith: { a, _ in a })
        }
        state.drafts = Dictionary((0..<Int.random(in: 0...3, using: &generator)).map { _ in (randomText(&generator), randomText(&generator)) },
                                  uniquingKeysWith: { a, _ in a })
        if Bool.random(using: &generator) {
            state.balances = Dictionary((0..<Int.random(in: 0...3, using: &generator)).map { _ in
                (randomText(&generator), BalanceReading(
                    id: Bool.random(using: &generator) ? Int64.random(in: 1...1_000_000, using: &generator) : nil, time: date(),
                    endpointHost: randomText(&generator), currency: ["USD", "CNY"].randomElement(using: &generator)!,
                    total: Double.random(in: -10...1e6, using: &generator),
                    granted: Bool.random(using: &generator) ? Double.random(in: 0...100, using: &generator) : nil,
                    toppedUp: Bool.random(using: &generator) ? 1e-06 : nil, resolution: [0.01, 0.000001].randomElement(using: &generator)!))
            }, uniquingKeysWith: { a, _ in a })
        }
        return state
    }

    @Test func whatTheStoreWritesReadsBackAsJSONDecoderReadsIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileRememberedStateStore(path: folder.appendingPathComponent("state.json").path)
        var generator = SystemRandomNumberGenerator()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = FileRememberedStateStore.dateDecoding
        for _ in 0..<300 {
            let state = Self.randomState(&generator)
            #expect(store.save(state) == nil)
            let data = try Data(contentsOf: URL(fileURLWithPath: store.path))
            let fast = RememberedStateReader.decode(data)
            #expect(fast != nil, "\(String(decoding: data, as: UTF8.self))")
            #expect(fast == (try decoder.decode(RememberedState.self, from: data)))
            #expect(fast == state)
            #expect(store.load().state == state && store.load().problem == nil)
        }
    }

    @Test func whatItDoesNotExpectIsLeftToJSONDecoder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.json").path
        let store = FileRememberedStateStore(path: path)
        // Another ISO form for a date: the reader declines, JSONDecoder (Foundation's ISO parser) reads it.
        let offset = #"{"drafts": {}, "theme": {"value": "light", "changed": "2026-12-05T13:55:11+01:00"}, "later": [1, {"x": null}]}"#
        #expect(RememberedStateReader.decode(Data(offset.utf8)) == nil)
        try offset.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(store.load().state.theme == .init("light", changed: UTCDay.parseISO8601("2026-12-05T12:55:11Z")!))
        // Unknown keys are skipped, as Codable skips them.
        let unknown = #"{"drafts": {"7": "hi"}, "future": {"deep": [true, false, null, -1.5e3, "\u00e9\ud83d\ude00"]}}"#
        #expect(RememberedStateReader.decode(Data(unknown.utf8))?.drafts == ["7": "hi"])
        // Broken files: neither reads them, and the problem is said.
        // Two equal keys: JSONDecoder keeps the first; the reader leaves such files to it.
        let twice = #"{"drafts": {"1": "a", "1": "b"}}"#
        #expect(RememberedStateReader.decode(Data(twice.utf8)) == nil)
        try twice.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(store.load().state.drafts == ["1": "a"])
        for broken in ["", "{", #"{"drafts": }"#, #"{"drafts": {"a": 1}}"#, #"{"theme": null}"#, "[1, 2]", #"{"drafts": {}} x"#,
                       #"{"drafts": {"a": "\ud800"}}"#, "{\"drafts\": {\"a\": \"tab\tin\"}}", #"{"drafts": {}, "n": 01}"#,
                       String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            #expect(RememberedStateReader.decode(Data(broken.utf8)) == nil, "\(broken)")
        }
        try #"{"drafts": 3}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(store.load().problem != nil)
    }
}
