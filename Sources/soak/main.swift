// A long conversation simulation, headless through the real App code (AppRuntime on a
// HeadlessDevice, CurlTransport, the SQLite store) against an emulator running in another
// process, so that this process's memory and file descriptors are the client's alone.
//
//   soak --base-url URL [--turns 300] [--new-every 50] [--sample-every 25] [--store DIR]
//
// Types a question, sends it, waits for the reply, `turns` times; starts a new
// conversation every `new-every` turns (Ctrl-N) so that no single conversation grows
// without bound. Prints one JSON object per sample ({"turn","rss_kb","fds","seconds"})
// and a last line {"done":true,...}. Exit status 1 when a turn fails.
import App
import ChatCore
import ChatWire
import CurlTransport
import Foundation
import Config
import History
import TerminalUI

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard flag.hasPrefix("--"), let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("soak: usage: soak --base-url URL [--turns N] [--new-every N] [--sample-every N] [--store DIR]\n".utf8))
        exit(2)
    }
    options[String(flag.dropFirst(2))] = value
}
guard let baseURL = options["base-url"] else {
    FileHandle.standardError.write(Data("soak: --base-url is required\n".utf8))
    exit(2)
}
let turns = options["turns"].flatMap(Int.init) ?? 300
let newEvery = options["new-every"].flatMap(Int.init) ?? 50
let sampleEvery = options["sample-every"].flatMap(Int.init) ?? 25

let directory = URL(fileURLWithPath: options["store"] ?? FileManager.default.temporaryDirectory
    .appendingPathComponent("cachechat-soak-\(UUID().uuidString)").path)
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let ownsDirectory = options["store"] == nil
defer { if ownsDirectory { try? FileManager.default.removeItem(at: directory) } }

/// Resident set size in KiB, from /proc/self/status.
func residentKB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

/// Open file descriptors, from /proc/self/fd.
func openDescriptors() -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count
}

let store = try ChatStore(path: directory.appendingPathComponent("history.sqlite").path)
let device = HeadlessDevice()
let endpoint = Endpoint(baseURL: baseURL, apiKey: "sk-soak", keySource: nil, displayName: "soak")
let environment = AppEnvironment(endpointName: "soak", endpointIdentity: "soak|" + baseURL, defaultModel: "deepseek-chat")
let app = AppRuntime(device: device, transport: CurlTransport(), history: store, clock: SystemClock(), environment: environment,
                     endpoint: endpoint, themes: ThemeCatalog.load(environment: ["HOME": directory.path], preferred: nil), fewShots: nil)
app.start()

let started = ProcessInfo.processInfo.systemUptime
func sample(_ turn: Int) {
    let seconds = ProcessInfo.processInfo.systemUptime - started
    print("{\"turn\":\(turn),\"rss_kb\":\(residentKB()),\"fds\":\(openDescriptors()),\"seconds\":\(String(format: "%.2f", seconds))}")
    fflush(nil)
}

var failures = 0
sample(0)
for turn in 1...max(1, turns) {
    if turn > 1 && (turn - 1) % newEvery == 0 {
        device.input += [14]  // Ctrl-N: a new conversation
        app.step(timeout: 0)
    }
    device.type("Question \(turn): how does the prefix cache treat message \(turn % 7)?")
    device.input += [13]  // Enter
    app.step(timeout: 0)
    guard app.state.isBusy else {
        FileHandle.standardError.write(Data("soak: turn \(turn) was not sent (draft: \(app.state.editor.text))\n".utf8))
        exit(1)
    }
    let deadline = ProcessInfo.processInfo.systemUptime + 60
    while app.state.isBusy && ProcessInfo.processInfo.systemUptime < deadline { app.step(timeout: 0.05) }
    if app.state.isBusy {
        FileHandle.standardError.write(Data("soak: turn \(turn) did not finish in 60 s\n".utf8))
        exit(1)
    }
    if app.state.conversation.messages.last?.state != .complete { failures += 1 }
    if turn % sampleEvery == 0 { sample(turn) }
}
let summary = try store.stats()
print("{\"done\":true,\"turns\":\(turns),\"failed\":\(failures),\"requests\":\(summary.requests),\"integrity\":\"\(try store.integrityCheck().joined(separator: ","))\"}")
exit(failures == 0 ? 0 : 1)
