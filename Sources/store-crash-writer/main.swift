// store-crash-writer: writes a conversation as the app would, for the SIGKILL crash test.
//
//   store-crash-writer DB_PATH SEED
//
// Each round appends a user message, begins a reply, checkpoints partial text in a loop,
// then completes it with a ledger row (1 round in 8 is interrupted instead, also with a row). After each
// commit that the test must find again it prints one line, in a single write(2):
//
//   committed ID JSON      the message is final; JSON is {"content":…,"reasoning":…}
//   begun ID               a reply was inserted in state streaming
//   checkpoint ID BYTES    the reply's stored content now has at least BYTES UTF-8 bytes
//   interrupted ID         the reply was marked interrupted by this process
//
// It stops by itself after 2,000 rounds or 60 seconds, whichever comes first.
// With STORE_CRASH_WRITER_REPORT_EARLY=1 it lies: it reports each reply as committed as
// soon as it begins it, so the crash test can show that its check catches lost commits.
import ChatCore
import Foundation
import History


let alphabet: [Character] = Array("abcdefghijklmnopqrstuvwxyz     ,.\n") + ["é", "ß", "前", "缀", "缓", "存", "👍🏽", "🦀", "\"", "\\"]

func text(_ range: ClosedRange<Int>, _ rng: inout SplitMix64) -> String {
    String((0..<Int.random(in: range, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
}

func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func committed(_ id: MessageID, content: String, reasoning: String?) {
    var object = ["content": content]
    object["reasoning"] = reasoning
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    emit("committed \(id) " + String(decoding: try! encoder.encode(object), as: UTF8.self))
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let seed = UInt64(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: store-crash-writer DB_PATH SEED\n".utf8))
    exit(2)
}

let reportEarly = ProcessInfo.processInfo.environment["STORE_CRASH_WRITER_REPORT_EARLY"] == "1"

do {
    var rng = SplitMix64(seed: seed)
    let store = try ChatStore(path: arguments[1])
    let conversation = try store.listConversations(includeArchived: true).first?.conversation
        ?? store.createConversation(ConversationSettings(title: "crash test", model: "deepseek-v4-flash",
                                                         endpointName: "emulator", thinking: true))
    let deadline = Date().addingTimeInterval(60)
    for _ in 0..<2_000 where Date() < deadline {
        let question = text(1...600, &rng)
        let user = try store.appendMessage(to: conversation.id, content: question)
        committed(user.id, content: question, reasoning: nil)

        let reply = try store.beginReply(in: conversation.id, model: "deepseek-v4-flash")
        emit("begun \(reply)")
        let deltas = (0..<Int.random(in: 2...10, using: &rng)).map { _ in
            (answer: text(1...400, &rng), thought: Bool.random(using: &rng) ? text(1...200, &rng) : "")
        }
        let interrupt = Int.random(in: 0..<8, using: &rng) == 0
        if reportEarly && !interrupt {
            let thoughts = deltas.map(\.thought).joined()
            committed(reply, content: deltas.map(\.answer).joined(), reasoning: thoughts.isEmpty ? nil : thoughts)
        }
        var content = "", reasoning = ""
        for delta in deltas {
            try store.appendReplyText(reply, content: delta.answer, reasoning: delta.thought)
            content += delta.answer
            reasoning += delta.thought
            emit("checkpoint \(reply) \(content.utf8.count)")
            usleep(UInt32.random(in: 0...3_000, using: &rng))
        }
        if interrupt {
            let entry = LedgerEntry(time: Date(), endpointHost: "127.0.0.1", endpointName: "emulator",
                                    model: "deepseek-v4-flash", outcome: .interrupted(reason: "cancelled"))
            try store.interruptReply(reply, reason: "cancelled by the writer", ledger: entry)
            emit("interrupted \(reply)")
            continue
        }
        let hit = Int.random(in: 0...40, using: &rng) * 64
        let entry = LedgerEntry(
            time: Date(), endpointHost: "127.0.0.1", endpointName: "emulator", model: "deepseek-v4-flash",
            promptTokens: hit + 100, hitTokens: hit, missTokens: 100, completionTokens: content.utf8.count / 4,
            reasoningTokens: reasoning.utf8.count / 4, cost: 0.001, costWithoutCache: 0.002, currency: "USD",
            predictedHitTokens: hit, secondsToFirstToken: 0.1, totalSeconds: 1)
        try store.completeReply(reply, content: content, reasoning: reasoning.isEmpty ? nil : reasoning, ledger: entry)
        if !reportEarly { committed(reply, content: content, reasoning: reasoning.isEmpty ? nil : reasoning) }
    }
} catch {
    FileHandle.standardError.write(Data("store-crash-writer: \(error)\n".utf8))
    exit(1)
}
