// TUI benchmarks, headless through the real App code:
//  1. the frame after a keystroke in a conversation of 2,000 messages and ~1M tokens
//     (against the same keystroke in an empty conversation, and the 16.7 ms of a 60 Hz frame);
//  2. a 5,000-token reply streamed at 10,000 tokens/s: when the client has shown the last
//     token, against the time the server took to send it.
//
//   swift run -c release tui-bench
import App
import ChatCore
import ChatWire
import CurlTransport
import Emulator
import EmulatorServer
import Foundation
import Store
import TerminalUI

func uptime() -> Double { ProcessInfo.processInfo.systemUptime }
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func percentile(_ values: [Double], _ p: Double) -> Double { values.sorted()[min(values.count - 1, Int(Double(values.count - 1) * p))] }

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachechat-tui-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

func makeApp(store: ChatStore, server: EmulatorServer, device: HeadlessDevice) -> ChatApp {
    let endpoint = Endpoint(baseURL: server.baseURL, apiKey: "sk-bench", keySource: nil, displayName: "local emulator")
    let session = ChatSession(transport: CurlTransport(), store: store, endpoint: endpoint, model: "deepseek-chat")
    return ChatApp(device: device, session: session, store: store,
                   themes: ThemeCatalog.load(environment: ["HOME": directory.path], preferred: nil))
}

/// Typing `count` characters one frame at a time; seconds per frame.
func keystrokes(_ app: ChatApp, _ device: HeadlessDevice, count: Int) -> [Double] {
    var times: [Double] = []
    for index in 0..<count {
        device.type(index % 10 == 9 ? " " : "x")
        let start = uptime()
        app.step(timeout: 0)
        times.append(uptime() - start)
    }
    return times
}

let server = EmulatorServer(engine: EmulatorEngine(configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 10_000, replyTokens: 5_000)))
try server.start(host: "127.0.0.1", port: 0)

// MARK: 1. Keystroke frames

let big = try ChatStore(path: directory.appendingPathComponent("big.sqlite").path)
let paragraph = (1...40).map { "Sentence \($0) about prefix caching, tokens, units and the cost of a miss versus a hit." }.joined(separator: " ")
let conversation = try big.createConversation(ConversationSettings(title: "Long", model: "deepseek-chat", endpointName: "local emulator"))
for index in 0..<2_000 {
    _ = try big.appendMessage(to: conversation.id, role: index % 2 == 0 ? .user : .assistant,
                              content: "## Part \(index)\n\n" + paragraph + "\n\n- a list item\n- another `code` item\n")
}
let bigDevice = HeadlessDevice()
let bigApp = makeApp(store: big, server: server, device: bigDevice)
let openStart = uptime()
bigApp.start()
let openSeconds = uptime() - openStart
let tokens = bigApp.conversationState.messages.count
_ = keystrokes(bigApp, bigDevice, count: 20)  // warm caches
let bigTimes = keystrokes(bigApp, bigDevice, count: 300)
/// The draft's prediction runs once typing pauses (0.12 s): time that step on its own.
func pausePrediction(_ app: ChatApp, _ device: HeadlessDevice) -> Double {
    var times: [Double] = []
    for _ in 0..<5 {
        device.type("y")
        app.step(timeout: 0)
        Thread.sleep(forTimeInterval: 0.15)
        let start = uptime()
        app.step(timeout: 0)
        times.append(uptime() - start)
    }
    return median(times)
}
let bigPause = pausePrediction(bigApp, bigDevice)
let promptTokens = (bigApp.screenModel.panel.prediction.map { $0.hitTokens + $0.missTokens }) ?? 0

let empty = try ChatStore(path: directory.appendingPathComponent("empty.sqlite").path)
let emptyDevice = HeadlessDevice()
let emptyApp = makeApp(store: empty, server: server, device: emptyDevice)
emptyApp.start()
_ = keystrokes(emptyApp, emptyDevice, count: 20)
let emptyTimes = keystrokes(emptyApp, emptyDevice, count: 300)

print("== frame after a keystroke (120x40, headless, draft prediction included) ==")
print("conversation: \(tokens) messages, \(Formatting.grouped(promptTokens)) prompt tokens with the draft; opened in \(String(format: "%.0f", openSeconds * 1000)) ms")
print(String(format: "keystroke frame: median %.2f ms, p99 %.2f ms (empty conversation: median %.2f ms) -> ratio %.1fx; 60 Hz frame budget 16.7 ms -> %.0f%% of it",
             median(bigTimes) * 1000, percentile(bigTimes, 0.99) * 1000, median(emptyTimes) * 1000,
             median(bigTimes) / median(emptyTimes), median(bigTimes) / (1.0 / 60) * 100))
print(String(format: "draft prediction when typing pauses (renders and hashes the whole prompt): median %.1f ms (empty conversation: %.2f ms)",
             bigPause * 1000, pausePrediction(emptyApp, emptyDevice) * 1000))

// MARK: 2. Streaming at 10,000 tokens/s

let streamStore = try ChatStore(path: directory.appendingPathComponent("stream.sqlite").path)
let streamDevice = HeadlessDevice()
let streamApp = makeApp(store: streamStore, server: server, device: streamDevice)
streamApp.start()
streamDevice.type("Stream me a long answer please\r")
var firstText: Double? = nil
let sent = uptime()
streamApp.step(timeout: 0)
var frames = 0
while streamApp.isBusy || streamApp.conversationState.messages.count < 2 {
    streamApp.step(timeout: 0.05)
    frames += 1
    if firstText == nil, let last = streamApp.screenModel.transcript.messages.last, last.role == .assistant, !last.text.isEmpty {
        firstText = uptime()
    }
}
let done = uptime()
let serverSeconds = 5_000.0 / 10_000.0
let clientSeconds = done - (firstText ?? sent)
print("== 5,000-token reply at 10,000 tokens/s ==")
print(String(format: "server sends for %.3f s; client from first text to last token on screen %.3f s -> ratio %.3f (target <= 1.10); %d frames, reply %d chars",
             serverSeconds, clientSeconds, clientSeconds / serverSeconds, frames, streamApp.conversationState.messages.last?.content.count ?? 0))
server.stop()
