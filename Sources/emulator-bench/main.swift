import ChatCore
// Emulator benchmark: many concurrent streaming clients on loopback, and the cache
// lookup of a 1M-token prompt against a cache holding 10,000 prompts.
//
//   swift run -c release emulator-bench [--clients 200] [--requests 4000]
import ChatWire
import CurlTransport
import Emulator
import EmulatorServer
import Foundation

func argument(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return Int(arguments[index + 1]) ?? fallback
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

let clients = argument("--clients", 200)
let total = argument("--requests", 4000)

func uptime() -> Double { ProcessInfo.processInfo.systemUptime }

// MARK: - Concurrent streams

let configuration = EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 2000, replyTokens: 60, maxConcurrent: 1024)
let server = EmulatorServer(engine: EmulatorEngine(configuration: configuration), eventLoopThreads: 2)
try server.start(host: "127.0.0.1", port: 0)
let systemPrompt = String(repeating: "You are a benchmark assistant answering short questions. ", count: 30)

/// Keeps `clients` streams in flight on one curl multi handle until `total` are done.
final class StreamBench {
    let transport = CurlTransport()
    let baseURL: String
    let total: Int
    var started = 0, finished = 0, failures = 0
    var firstByte: [Double] = []
    var failureKinds: [String: Int] = [:]

    init(baseURL: String, total: Int) {
        self.baseURL = baseURL
        self.total = total
    }

    func startOne() {
        let index = started
        started += 1
        var request = ChatRequest(model: "deepseek-chat", messages: [.system(systemPrompt), .user("Question number \(index % 50)?")])
        request.stream = true
        request.streamOptions = StreamOptions(includeUsage: true)
        let body = try! request.encodedBody()
        let begin = uptime()
        var sawByte = false
        var parser = ChatStreamParser()
        var complete = false
        transport.start(HTTPRequest(method: "POST", url: baseURL + "/chat/completions",
                                    headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Authorization", "Bearer sk-bench-\(index % 8)")],
                                    body: body, connectTimeout: 10, idleTimeout: 60, retry: .none)) { [self] event in
            switch event {
            case .head(let status, _) where status != 200:
                failureKinds["HTTP \(status)", default: 0] += 1
            case .body(let bytes):
                if !sawByte { sawByte = true; firstByte.append(uptime() - begin) }
                for parsed in parser.feed(bytes) { if case .done = parsed { complete = true } }
            case .finished, .failed:
                finished += 1
                if case .failed(let error) = event { failureKinds[error.detail, default: 0] += 1 }
                if !complete { failures += 1 }
                if started < total { startOne() }
            default: break
            }
        }
    }

    func run(clients: Int) {
        for _ in 0..<min(clients, total) { startOne() }
        while finished < total { transport.poll(timeout: 0.05, extraFD: nil) }
    }
}

let bench = StreamBench(baseURL: server.baseURL, total: total)
let wallStart = uptime()
bench.run(clients: clients)
let wall = uptime() - wallStart
server.stop()

print("== concurrent streaming clients (loopback, 2 server event loops, client in the same process) ==")
print("clients at once:    \(clients)")
print("requests:           \(total)  (each a 60-token reply streamed at 2,000 tokens/s, ~30 ms of pacing)")
print(String(format: "wall time:          %.2f s", wall))
print(String(format: "requests/s:         %.0f", Double(total) / wall))
print(String(format: "first byte p50/p99: %.1f ms / %.1f ms", percentile(bench.firstByte, 0.5) * 1000, percentile(bench.firstByte, 0.99) * 1000))
print("errors:             \(bench.failures)\(bench.failureKinds.isEmpty ? "" : " \(bench.failureKinds)")")

// MARK: - Cache lookup

func tokens(_ count: Int, seed: Int) -> [Int] {
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int(state >> 47) % 128_000
    }
}

for kind in [CacheModelKind.v3, .v4] {
    var cache = PrefixCache(kind: kind, settings: CacheSettings(unit: kind.defaultUnit, maxEntries: 50_000_000))
    let shared = tokens(3_000, seed: 1)
    let fillStart = uptime()
    for index in 0..<10_000 {
        let prompt = shared + tokens(500 + index % 1_500, seed: index + 10)
        let hashes = PrefixHash.prefixes(of: prompt)
        _ = cache.record(hashes, promptLength: prompt.count, hit: 0, now: 1)
    }
    let fill = uptime() - fillStart
    let big = shared + tokens(1_000_000 - shared.count, seed: 123_456)
    var hashSeconds: [Double] = [], lookupSeconds: [Double] = []
    var hit = 0
    for _ in 0..<5 {
        let a = uptime()
        let hashes = PrefixHash.prefixes(of: big)
        let b = uptime()
        hit = cache.lookup(hashes, now: 2).hit
        let c = uptime()
        hashSeconds.append(b - a)
        lookupSeconds.append(c - b)
    }
    print("== cache lookup, \(kind.rawValue): 1,000,000-token prompt, cache of 10,000 prompts (\(cache.entryCount) units) ==")
    print(String(format: "fill 10,000 prompts: %.2f s", fill))
    print(String(format: "prefix hashes (median of 5): %.1f ms", percentile(hashSeconds, 0.5) * 1000))
    print(String(format: "lookup (median of 5):        %.2f ms   hit = %d tokens", percentile(lookupSeconds, 0.5) * 1000, hit))
}
