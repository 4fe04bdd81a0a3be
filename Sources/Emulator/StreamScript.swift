import ChatCore
import ChatWire
import Foundation

/// One step of a response as the server plays it.
public enum StreamStep: Sendable, Equatable {
    case write([UInt8])
    case wait(Double)
    /// Close the connection: `reset` aborts it (TCP RST), otherwise an orderly close.
    case close(reset: Bool)
}

/// Turns an ``EmulatedReply`` into timed writes, applying fault plans. Pure, so the exact
/// bytes of every stream shape are unit-tested without a socket.
public struct StreamScript {
    public var tokensPerSecond: Double
    public var usagePlacement: UsagePlacement
    public var keepAliveInterval: Double
    /// Writes are grouped into frames of this many seconds at high speeds, so 10,000
    /// tokens/s costs a few hundred timer callbacks per second, not ten thousand.
    public var frameSeconds = 0.004

    public init(tokensPerSecond: Double, usagePlacement: UsagePlacement, keepAliveInterval: Double = 1) {
        self.tokensPerSecond = tokensPerSecond
        self.usagePlacement = usagePlacement
        self.keepAliveInterval = keepAliveInterval
    }

    public func streamSteps(for reply: EmulatedReply) -> [StreamStep] {
        var events: [[UInt8]] = []
        func chunk(_ delta: ChatCompletionChunk.Delta, finish: String? = nil, usage: Usage? = nil) -> [UInt8] {
            let value = ChatCompletionChunk(
                id: reply.id, object: "chat.completion.chunk", created: reply.created, model: reply.model,
                choices: [ChatCompletionChunk.Choice(index: 0, delta: delta, finishReason: finish)],
                usage: usage, systemFingerprint: "fp_cachechat_emulator")
            return Array("data: ".utf8) + Self.encode(value) + Array("\n\n".utf8)
        }
        var steps: [StreamStep] = []
        for fault in reply.faults {
            if case .stall(let seconds) = fault { steps += keepAlives(for: seconds, comment: true) }
        }
        steps.append(.write(chunk(ChatCompletionChunk.Delta(role: .assistant, content: reply.reasoningPieces.isEmpty ? "" : nil,
                                                             reasoningContent: reply.reasoningPieces.isEmpty ? nil : ""))))
        for piece in reply.reasoningPieces { events.append(chunk(ChatCompletionChunk.Delta(reasoningContent: piece))) }
        let reasoningCount = events.count
        for piece in reply.contentPieces { events.append(chunk(ChatCompletionChunk.Delta(content: piece))) }

        var cutAfter: Int? = nil
        var cutReset = false
        for fault in reply.faults {
            switch fault {
            case .disconnect(let tokens): cutAfter = tokens; cutReset = true
            case .endOfStream(let tokens): cutAfter = tokens; cutReset = false
            case .malformedChunk(let index):
                let target = reasoningCount + index - 1
                if target < events.count { events[target] = Array("data: {\"choices\":[{\"delta\":{\"content\":\"oops\n\n".utf8) }
            default: break
            }
        }
        if let cutAfter, cutAfter < events.count {
            steps += paced(Array(events.prefix(cutAfter)))
            steps.append(.close(reset: cutReset))
            return applyByteFaults(steps, faults: reply.faults)
        }
        steps += paced(events)
        switch usagePlacement {
        case .finish:
            steps.append(.write(chunk(ChatCompletionChunk.Delta(content: ""), finish: reply.finishReason, usage: reply.usage)))
        case .trailing:
            steps.append(.write(chunk(ChatCompletionChunk.Delta(content: ""), finish: reply.finishReason)))
            let trailing = ChatCompletionChunk(id: reply.id, object: "chat.completion.chunk", created: reply.created,
                                               model: reply.model, choices: [], usage: reply.usage,
                                               systemFingerprint: "fp_cachechat_emulator")
            steps.append(.write(Array("data: ".utf8) + Self.encode(trailing) + Array("\n\n".utf8)))
        }
        steps.append(.write(Array("data: [DONE]\n\n".utf8)))
        steps.append(.close(reset: false))
        return applyByteFaults(steps, faults: reply.faults)
    }

    /// A non-streaming reply: blank lines while "generating", then the whole body.
    public func bodySteps(for reply: EmulatedReply) -> [StreamStep] {
        var steps: [StreamStep] = []
        var wait = tokensPerSecond > 0 ? Double(reply.reasoningPieces.count + reply.contentPieces.count) / tokensPerSecond : 0
        for fault in reply.faults { if case .stall(let seconds) = fault { wait += seconds } }
        steps += keepAlives(for: wait, comment: false)
        let completion = ChatCompletion(
            id: reply.id, object: "chat.completion", created: reply.created, model: reply.model,
            choices: [ChatCompletion.Choice(index: 0, message: ChatMessage(
                role: .assistant, content: reply.content,
                reasoningContent: reply.reasoningPieces.isEmpty ? nil : reply.reasoning), finishReason: reply.finishReason)],
            usage: reply.usage, systemFingerprint: "fp_cachechat_emulator")
        steps.append(.write(Self.encode(completion)))
        steps.append(.close(reset: false))
        return steps
    }

    /// Paces events at `tokensPerSecond`, grouping those due in the same frame.
    private func paced(_ events: [[UInt8]]) -> [StreamStep] {
        guard tokensPerSecond > 0 else { return events.map { .write($0) } }
        let perToken = 1 / tokensPerSecond
        let perFrame = max(1, Int(frameSeconds / perToken))
        var steps: [StreamStep] = []
        var index = 0
        while index < events.count {
            let group = events[index..<min(events.count, index + perFrame)]
            steps.append(.wait(Double(group.count) * perToken))
            steps.append(.write(group.flatMap { $0 }))
            index += perFrame
        }
        return steps
    }

    private func keepAlives(for seconds: Double, comment: Bool) -> [StreamStep] {
        guard seconds > 0 else { return [] }
        var steps: [StreamStep] = []
        var remaining = seconds
        let line = Array((comment ? ": keep-alive\n\n" : "\n").utf8)
        while remaining > 0 {
            let slice = min(keepAliveInterval, remaining)
            steps.append(.write(line))
            steps.append(.wait(slice))
            remaining -= slice
        }
        return steps
    }

    /// `split-utf8` and `drip` change how bytes are written, not which.
    private func applyByteFaults(_ steps: [StreamStep], faults: [FaultPlan.Kind]) -> [StreamStep] {
        var result = steps
        for fault in faults {
            switch fault {
            case .splitUTF8:
                result = result.flatMap { step -> [StreamStep] in
                    guard case .write(let bytes) = step,
                          let start = bytes.firstIndex(where: { $0 >= 0xC0 }) else { return [step] }
                    return [.write(Array(bytes[..<(start + 1)])), .wait(0.05), .write(Array(bytes[(start + 1)...]))]
                }
            case .drip(let seconds):
                result = result.flatMap { step -> [StreamStep] in
                    guard case .write(let bytes) = step else { return [step] }
                    return bytes.flatMap { [StreamStep.write([$0]), .wait(seconds)] }
                }
            default: break
            }
        }
        return result
    }

    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
