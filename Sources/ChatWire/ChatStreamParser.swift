import ChatCore
import Foundation

/// Turns the raw body bytes of a chat-completions reply into `ChatStreamEvent`s.
///
/// Works for both kinds of body, chosen by the first non-whitespace byte: `{` means a
/// non-streaming JSON body (DeepSeek sends blank lines while such a request is queued; each
/// leading line break becomes `.keepAlive`), anything else an SSE stream.
///
/// Error policy: the parser stops at the first `.failure` (a chunk that is not JSON, an
/// `{"error":...}` object inside the stream, an oversized event) and ignores everything
/// after it. Skipping a bad chunk would silently leave a hole in the text; stopping keeps
/// what arrived intact and makes the problem visible, and the transport can close the
/// connection. `finish()` reports `.truncated` when a stream ended before `[DONE]`; an
/// unterminated final chunk that is not valid JSON also counts as truncation.
///
/// Only the first choice (index 0) is read. Pure and synchronous; O(n) in the body size.
public struct ChatStreamParser: Sendable {
    private enum Mode: Sendable { case detecting, eventStream, jsonBody, finished }

    private var mode = Mode.detecting
    private var sse: SSEDecoder
    private var body: [UInt8] = []
    private let maxBodyBytes: Int
    private var sentMetadata = false
    /// Reused: creating a decoder per chunk costs about a quarter of the decode.
    private let decoder = JSONDecoder()

    /// Number of `data:` chunks seen so far (the 1-based number of the last one).
    public private(set) var chunkCount = 0
    /// True once any role, text or tool-call fragment was emitted; after that a retry would
    /// duplicate what the user saw.
    public private(set) var hasReceivedReplyData = false
    /// Whether the event stream had any SSE line the decoder recognised (data, a comment).
    private var sawEventStream = false
    /// The first bytes of an event-stream body, to show when it turns out not to be one.
    private var head: [UInt8] = []
    /// True once `[DONE]`, a whole body or a failure ended the reply.
    public var isFinished: Bool { mode == .finished }

    /// Creates a parser. `maxEventBytes` caps one SSE event and a whole non-stream body.
    public init(maxEventBytes: Int = SSEDecoder.defaultMaxEventBytes) {
        sse = SSEDecoder(maxEventBytes: maxEventBytes)
        maxBodyBytes = max(1, maxEventBytes)
    }

    /// Consumes the next bytes of the body.
    public mutating func feed<C: Collection>(_ bytes: C) -> [ChatStreamEvent] where C.Element == UInt8 {
        if let events = bytes.withContiguousStorageIfAvailable({ feed(buffer: $0) }) {
            return events
        }
        return Array(bytes).withUnsafeBufferPointer { feed(buffer: $0) }
    }

    private mutating func feed(buffer bytes: UnsafeBufferPointer<UInt8>) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        switch mode {
        case .finished:
            break
        case .detecting:
            var index = bytes.startIndex
            while index != bytes.endIndex {
                let byte = bytes[index]
                if byte == 0x0A {
                    events.append(.keepAlive)
                } else if byte != 0x20, byte != 0x09, byte != 0x0D {
                    break
                }
                bytes.formIndex(after: &index)
            }
            guard index != bytes.endIndex else { break }
            mode = bytes[index] == UInt8(ascii: "{") ? .jsonBody : .eventStream
            events += feed(buffer: UnsafeBufferPointer(rebasing: bytes[index...]))
        case .eventStream:
            if head.count < 200 { head += bytes.prefix(200 - head.count) }
            for event in sse.feed(bytes) where mode != .finished {
                handle(event, atEnd: false, into: &events)
            }
        case .jsonBody:
            body.append(contentsOf: bytes)
            if body.count > maxBodyBytes {
                events.append(.failure(.malformed("The reply body is larger than \(maxBodyBytes) bytes; it was abandoned.")))
                mode = .finished
                body = []
            }
        }
        return events
    }

    /// Ends the body (the connection closed) and returns the final events.
    public mutating func finish() -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        switch mode {
        case .finished:
            return []
        case .detecting:
            events.append(.failure(.truncated(receivedAnything: false)))
        case .eventStream:
            for event in sse.finish() where mode != .finished {
                handle(event, atEnd: true, into: &events)
            }
            if mode != .finished {
                if sawEventStream || Self.startsLikeAnEventStream(head) {
                    events.append(.failure(.truncated(receivedAnything: chunkCount > 0)))
                } else {
                    // A 200 whose body has no SSE line at all (an HTML page from a proxy or a
                    // wrong base URL) is not a reply cut short: it was never a reply.
                    events.append(.failure(.malformed("The server answered 200 OK with a body that is neither an event stream nor JSON; "
                        + "check the base URL (the API's root, such as https://api.deepseek.com)", excerpt: head)))
                }
            }
        case .jsonBody:
            parseBody(into: &events)
            body = []
        }
        mode = .finished
        return events
    }

    // MARK: - Stream

    /// An SSE body's first line is a field (`data:`, `event:`, `id:`, `retry:`) or a comment;
    /// a stream cut inside its first line is still a stream.
    static func startsLikeAnEventStream(_ head: [UInt8]) -> Bool {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        bytes = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        return [":", "data", "event", "id", "retry"].contains { bytes.starts(with: $0.utf8) }
    }

    private mutating func handle(_ event: SSEEvent, atEnd: Bool, into events: inout [ChatStreamEvent]) {
        sawEventStream = true
        switch event {
        case .comment:
            events.append(.keepAlive)
        case .done:
            events.append(.done)
            mode = .finished
        case .tooLarge(let limit):
            events.append(.failure(.malformed("A streamed chunk exceeded \(limit) bytes; the reply was abandoned.")))
            mode = .finished
        case .data(let text):
            let bytes = Array(text.utf8)  // one copy; JSON decoding needs contiguous bytes anyway
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                events.append(.keepAlive)  // an empty `data:` heartbeat
                return
            }
            chunkCount += 1
            handleChunk(bytes, atEnd: atEnd, into: &events)
        }
    }

    private mutating func handleChunk(_ bytes: [UInt8], atEnd: Bool, into events: inout [ChatStreamEvent]) {
        if let error = Self.embeddedError(bytes) {
            events.append(.failure(.fromStreamError(error, midReply: true)))
            mode = .finished
            return
        }
        let chunk: ChatCompletionChunk
        do {
            // The usual chunk without JSONDecoder; anything else through it (DECISIONS 108).
            chunk = try ChatCompletionChunk.fast(bytes) ?? decoder.decode(ChatCompletionChunk.self, from: Data(bytes))
        } catch {
            if atEnd {
                events.append(.failure(.truncated(receivedAnything: true)))
            } else {
                let what =
                    "Chunk \(chunkCount) of the streamed reply is not valid JSON, so the reply was stopped there; the text before it is kept"
                events.append(.failure(.malformed(what, excerpt: bytes)))
            }
            mode = .finished
            return
        }
        emitMetadata(id: chunk.id, model: chunk.model, fingerprint: chunk.systemFingerprint, created: chunk.created, into: &events)
        for choice in chunk.choices where (choice.index ?? 0) == 0 {
            if let delta = choice.delta {
                emit(role: delta.role, reasoning: delta.reasoningContent, content: delta.content, into: &events)
                for call in delta.toolCalls ?? [] {
                    events.append(.toolCall(call))
                    hasReceivedReplyData = true
                }
            }
            if let reason = choice.finishReason { events.append(.finish(reason)) }
        }
        if let usage = chunk.usage { events.append(.usage(usage)) }
    }

    // MARK: - Non-stream body

    private mutating func parseBody(into events: inout [ChatStreamEvent]) {
        if let error = Self.embeddedError(body) {
            events.append(.failure(.fromStreamError(error, midReply: false)))
            return
        }
        let completion: ChatCompletion
        do {
            completion = try decoder.decode(ChatCompletion.self, from: Data(body))
        } catch {
            if Self.endsInsideJSONValue(body) {
                events.append(.failure(.truncated(receivedAnything: true)))
            } else {
                events.append(.failure(.malformed("The reply body is not valid JSON", excerpt: body)))
            }
            return
        }
        emitMetadata(
            id: completion.id, model: completion.model, fingerprint: completion.systemFingerprint,
            created: completion.created, into: &events)
        if let choice = completion.choices.first(where: { ($0.index ?? 0) == 0 }) {
            if let message = choice.message {
                emit(role: message.role, reasoning: message.reasoningContent, content: message.content, into: &events)
                for (position, call) in (message.toolCalls ?? []).enumerated() {
                    events.append(.toolCall(ToolCallDelta(
                        index: position, id: call.id, type: call.type, name: call.name, arguments: call.arguments)))
                    hasReceivedReplyData = true
                }
            }
            if let reason = choice.finishReason { events.append(.finish(reason)) }
        }
        if let usage = completion.usage { events.append(.usage(usage)) }
        events.append(.done)
    }

    // MARK: - Shared

    private mutating func emitMetadata(
        id: String?, model: String?, fingerprint: String?, created: Int?, into events: inout [ChatStreamEvent]
    ) {
        guard !sentMetadata, id != nil || model != nil || fingerprint != nil else { return }
        sentMetadata = true
        events.append(.metadata(ReplyMetadata(id: id, model: model, systemFingerprint: fingerprint, created: created)))
    }

    private mutating func emit(role: Role?, reasoning: String?, content: String?, into events: inout [ChatStreamEvent]) {
        if let role {
            events.append(.role(role.rawValue))
            hasReceivedReplyData = true
        }
        if let reasoning, !reasoning.isEmpty {
            events.append(.reasoning(reasoning))
            hasReceivedReplyData = true
        }
        if let content, !content.isEmpty {
            events.append(.content(content))
            hasReceivedReplyData = true
        }
    }

    /// The error object of a payload like `{"error":{...}}`; nil for ordinary chunks. The
    /// byte search keeps the extra decode off the hot path.
    private static func embeddedError(_ bytes: [UInt8]) -> APIErrorBody? {
        guard containsErrorKey(bytes) else { return nil }
        struct Probe: Decodable { var error: JSONValue? }
        guard let probe = try? JSONDecoder().decode(Probe.self, from: Data(bytes)),
            let error = probe.error, error != .null
        else { return nil }
        return APIErrorBody.parse(bytes) ?? APIErrorBody(message: nil, type: nil)
    }

    /// True when the bytes stop inside an object, array or string: the body was cut off
    /// rather than being malformed.
    private static func endsInsideJSONValue(_ bytes: [UInt8]) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return inString || depth > 0
    }

    private static func containsErrorKey(_ bytes: [UInt8]) -> Bool {
        let needle = Array("\"error\"".utf8)
        guard bytes.count >= needle.count else { return false }
        var i = 0
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0], bytes[i..<i + needle.count].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
