// TUI benchmarks, headless through the real App code (release build):
//  1. the frame after a keystroke in a conversation of 2,000 messages and ~1.6M tokens,
//     against the same keystroke in an empty one, and the draft's prediction when typing pauses;
//  2. CPU per streamed token: a 40,000-token reply against a 2,000-token one at the same
//     speed (5,000 tokens/s, simulated time: the CPU counted is the client's alone);
//  3. a 5,000-token reply at 10,000 tokens/s from the emulator over loopback: when the
//     client has shown the last token, against the time the server took to send it.
//
//   swift run -c release tui-bench
import App
import ChatCore
import ChatWire
import CurlTransport
import Emulator
import EmulatorServer
import Foundation
import History
import TerminalUI
import Tokenizer

func uptime() -> Double { ProcessInfo.processInfo.systemUptime }
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
func residentMiB() -> Double {
    let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let pages = Double(text.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0)
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func percentile(_ values: [Double], _ p: Double) -> Double { values.sorted()[min(values.count - 1, Int(Double(values.count - 1) * p))] }

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachechat-tui-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

let endpoint = Endpoint(baseURL: "http://127.0.0.1:1", apiKey: "sk-bench", keySource: nil, displayName: "local emulator")
let environment = AppEnvironment(endpointName: "local emulator", endpointIdentity: "bench", cacheModel: .v4,
                                 defaultModel: "deepseek-chat")

@MainActor func session(history: ChatHistory, transport: InMemoryTransport, clock: ManualClock) -> HeadlessSession {
    HeadlessSession(clock: clock, transport: transport, history: history, environment: environment, endpoint: endpoint)
}

// MARK: 1. Keystroke frames

let big = try ChatStore(path: directory.appendingPathComponent("big.sqlite").path)
let paragraph = (1...40).map { "Sentence \($0) about prefix caching, tokens, units and the cost of a miss versus a hit." }.joined(separator: " ")
let conversation = try big.createConversation(ConversationSettings(title: "Long", model: "deepseek-chat", endpointName: "local emulator"))
for index in 0..<2_000 {
    _ = try big.appendMessage(to: conversation.id, role: index % 2 == 0 ? .user : .assistant,
                              content: "## Part \(index)\n\n" + paragraph + "\n\n- a list item\n- another `code` item\n")
}

/// Typing `count` characters, one step each; seconds per step (the clock does not move, so
/// the draft's prediction, which waits for a pause, is not part of it).
@MainActor func keystrokes(_ session: HeadlessSession, count: Int) -> [Double] {
    (0..<count).map { index in
        session.type(index % 10 == 9 ? " " : "x")
        let start = uptime()
        session.step()
        return uptime() - start
    }
}

/// The prediction that runs once typing pauses, on its own.
@MainActor func pausePrediction(_ session: HeadlessSession) -> Double {
    median((0..<5).map { _ in
        session.type("y")
        session.step()
        session.clock.advance(by: AppLogic.predictionDelay + 0.01)
        let start = uptime()
        session.step()
        return uptime() - start
    })
}

let bigClock = ManualClock()
let bigSession = session(history: big, transport: InMemoryTransport(clock: bigClock), clock: bigClock)
let openStart = uptime()
bigSession.runtime.start()
let openSeconds = uptime() - openStart
_ = keystrokes(bigSession, count: 20)
let bigTimes = keystrokes(bigSession, count: 300)
let bigPause = pausePrediction(bigSession)
let promptTokens = bigSession.state.draft.map { $0.plan.prompt.ids.count } ?? 0

let emptyClock = ManualClock()
let emptySession = session(history: InMemoryHistory(), transport: InMemoryTransport(clock: emptyClock), clock: emptyClock)
emptySession.runtime.start()
_ = keystrokes(emptySession, count: 20)
let emptyTimes = keystrokes(emptySession, count: 300)

print("== frame after a keystroke (120x40, headless, the draft's prediction separate) ==")
print("conversation: \(bigSession.state.conversation.messages.count) messages, \(Formatting.grouped(promptTokens)) prompt tokens with the draft; opened in \(String(format: "%.0f", openSeconds * 1000)) ms")
print(String(format: "keystroke frame: median %.3f ms, p99 %.3f ms (empty conversation: median %.3f ms) -> ratio %.2fx; 60 Hz frame budget 16.7 ms -> %.1f%% of it",
             median(bigTimes) * 1000, percentile(bigTimes, 0.99) * 1000, median(emptyTimes) * 1000,
             median(bigTimes) / median(emptyTimes), median(bigTimes) / (1.0 / 60) * 100))
print(String(format: "draft prediction when typing pauses (renders and hashes the whole prompt): median %.1f ms (empty conversation: %.2f ms)",
             bigPause * 1000, pausePrediction(emptySession) * 1000))

// MARK: 2. CPU per streamed token, 2,000 against 40,000 tokens

/// A reply of `tokens` one-word deltas in Markdown: sections, paragraphs, lists, code.
func replyDeltas(_ tokens: Int) -> [String] {
    var words: [String] = []
    var section = 0
    while words.count < tokens {
        section += 1
        words.append("\n\n## Part \(section)\n\n")
        for sentence in 0..<6 { words += "The prefix cache serves whole units of a stable prompt, sentence \(sentence). ".split(separator: " ").map { $0 + " " } }
        words.append("\n\n")
        for item in 0..<4 { words += ["- item ", "\(item) ", "keeps ", "the ", "prefix ", "stable\n"] }
        words.append("\n```swift\n")
        for line in 0..<3 { words += ["let ", "unit\(line) ", "= ", "tokens.count ", "/ ", "64\n"] }
        words.append("```\n")
    }
    return Array(words.prefix(tokens))
}

struct StreamRun {
    var tokens: Int
    var cpu: Double
    var frames: Int
    var rssGrowth: Double
    var replyBytes: Int
}

@MainActor func streamRun(tokens: Int, speed: Double) -> StreamRun {
    let clock = ManualClock()
    let deltas = replyDeltas(tokens)
    let transport = InMemoryTransport(clock: clock) { _ in
        InMemoryTransport.streamedReply(deltas, usage: Usage(promptTokens: 20, completionTokens: tokens, cacheHitTokens: 0, cacheMissTokens: 20),
                                        secondsPerDelta: 1 / speed)
    }
    let run = session(history: InMemoryHistory(), transport: transport, clock: clock)
    run.runtime.start()
    run.type("Stream a long answer please")
    run.settle()
    let rssBefore = residentMiB()
    let framesBefore = run.runtime.frames
    let start = cpuSeconds()
    run.press([13])
    run.run(until: { run.state.turn == nil && run.state.conversation.messages.count == 2 })
    let cpu = cpuSeconds() - start
    return StreamRun(tokens: tokens, cpu: cpu, frames: run.runtime.frames - framesBefore, rssGrowth: residentMiB() - rssBefore,
                     replyBytes: run.state.conversation.messages.last?.content.utf8.count ?? 0)
}

_ = streamRun(tokens: 2_000, speed: 5_000)  // warm up
let small = (0..<3).map { _ in streamRun(tokens: 2_000, speed: 5_000) }.min { $0.cpu < $1.cpu }!
let large = streamRun(tokens: 40_000, speed: 5_000)
let perSmall = small.cpu / Double(small.tokens), perLarge = large.cpu / Double(large.tokens)
print("== CPU per streamed token at 5,000 tokens/s (simulated time: client CPU only) ==")
print(String(format: "2,000 tokens: %.2f µs/token (%d frames); 40,000 tokens: %.2f µs/token (%d frames) -> ratio %.2f (target <= 1.20)",
             perSmall * 1e6, small.frames, perLarge * 1e6, large.frames, perLarge / perSmall))
print(String(format: "RSS growth over the 40,000-token reply: %.1f MiB for a %.1f MiB reply (%.1fx its bytes)",
             large.rssGrowth, Double(large.replyBytes) / 1_048_576, large.rssGrowth / max(0.001, Double(large.replyBytes) / 1_048_576)))

// MARK: 3. Streaming over loopback at 10,000 tokens/s

let server = EmulatorServer(engine: EmulatorEngine(configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 10_000, replyTokens: 5_000)))
try server.start(host: "127.0.0.1", port: 0)
let device = HeadlessDevice()
let live = AppRuntime(device: device, transport: CurlTransport(), history: InMemoryHistory(), clock: SystemClock(), environment: environment,
                      endpoint: Endpoint(baseURL: server.baseURL, apiKey: "sk-bench", keySource: nil, displayName: "local emulator"),
                      themes: ThemeCatalog(themes: ["dark": Theme(name: "dark")], names: ["dark"], problems: [], defaultName: "dark"),
                      fewShots: nil)
live.start()
device.type("Stream me a long answer please\r")
var firstText: Double? = nil
let sent = uptime()
live.step(timeout: 0)
var frames = 0
while live.state.turn != nil || live.state.conversation.messages.count < 2 {
    live.step(timeout: 0.05)
    frames += 1
    if firstText == nil, let turn = live.state.turn, !turn.content.isEmpty { firstText = uptime() }
}
let done = uptime()
let serverSeconds = 5_000.0 / 10_000.0
let clientSeconds = done - (firstText ?? sent)
print("== 5,000-token reply at 10,000 tokens/s over loopback ==")
print(String(format: "server sends for %.3f s; client from first text to last token on screen %.3f s -> ratio %.3f (target <= 1.10); %d loop steps, reply %d chars",
             serverSeconds, clientSeconds, clientSeconds / serverSeconds, frames, live.state.conversation.messages.last?.content.count ?? 0))
server.stop()
