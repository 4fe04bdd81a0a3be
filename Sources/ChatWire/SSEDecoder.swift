/// A byte-level Server-Sent Events decoder (WHATWG HTML §9.2.6), as a pure state machine.
///
/// Feed it body bytes in whatever pieces the network delivers; it returns the events that
/// became complete. Lines end in LF, CRLF or a lone CR (a CR at the end of one feed and an
/// LF at the start of the next count as one CRLF). Bytes are buffered until a line is
/// complete and text is decoded per event, so a multi-byte UTF-8 character split across
/// feeds is never damaged. `event:`, `id:` and `retry:` fields and unknown fields are
/// ignored; a leading byte-order mark is dropped.
///
/// A single event (its data plus the line in progress) is capped at `maxEventBytes`: past
/// that the decoder reports `.tooLarge` once and discards input until the next blank line,
/// so a broken server cannot grow memory without bound.
///
/// Cost: one pass over each byte, amortised O(1) appends; no per-byte allocation.
public struct SSEDecoder: Sendable {
    /// The default cap on one event: 16 MiB.
    public static let defaultMaxEventBytes = 16 * 1024 * 1024

    /// The cap on one event's size in bytes.
    public let maxEventBytes: Int

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var afterCR = false
    private var discarding = false
    private var atStreamStart = true

    /// Creates a decoder with the given per-event cap.
    public init(maxEventBytes: Int = SSEDecoder.defaultMaxEventBytes) {
        self.maxEventBytes = max(1, maxEventBytes)
    }

    /// Consumes the next bytes of the stream and returns the events they completed.
    public mutating func feed<C: Collection>(_ bytes: C) -> [SSEEvent] where C.Element == UInt8 {
        // Generic code is not specialised across modules; work on contiguous bytes instead
        // of paying for a protocol witness per byte.
        if let events = bytes.withContiguousStorageIfAvailable({ feed(buffer: $0) }) {
            return events
        }
        return Array(bytes).withUnsafeBufferPointer { feed(buffer: $0) }
    }

    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        let count = buffer.count
        var start = 0
        while start < count {
            if afterCR {
                afterCR = false
                if buffer[start] == 0x0A {  // the LF of a CRLF whose CR already ended the line
                    start += 1
                    continue
                }
            }
            var end = start
            while end < count, buffer[end] != 0x0A, buffer[end] != 0x0D { end += 1 }
            if !discarding, end > start {
                if line.count + data.count + (end - start) > maxEventBytes {
                    events.append(.tooLarge(limit: maxEventBytes))
                    discarding = true
                    line.removeAll()
                    data.removeAll()
                    hasData = false
                } else {
                    line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<end]))
                }
            }
            guard end < count else { break }
            afterCR = buffer[end] == 0x0D
            endLine(into: &events)
            start = end + 1
        }
        return events
    }

    /// Ends the stream. Unlike the spec, which drops an unterminated last event, this
    /// dispatches it: some servers close right after `data: [DONE]` without a blank line.
    /// Callers decide whether a final event is trustworthy.
    public mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        if !line.isEmpty || discarding { endLine(into: &events) }
        endLine(into: &events)  // the blank line that never came
        afterCR = false
        atStreamStart = true
        return events
    }

    private mutating func endLine(into events: inout [SSEEvent]) {
        defer { line.removeAll(keepingCapacity: line.count <= 4096) }
        if discarding {
            if line.isEmpty { discarding = false }  // blank line: the oversized event is over
            return
        }
        if atStreamStart {
            atStreamStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        guard let first = line.first else {
            dispatch(into: &events)
            return
        }
        if first == UInt8(ascii: ":") {
            var start = 1
            if line.count > 1, line[1] == UInt8(ascii: " ") { start = 2 }
            events.append(.comment(String(decoding: line[start...], as: UTF8.self)))
            return
        }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        guard line[..<colon].elementsEqual("data".utf8) else { return }  // event, id, retry, other
        var valueStart = colon == line.endIndex ? colon : colon + 1
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        if hasData { data.append(0x0A) }
        data.append(contentsOf: line[valueStart...])
        hasData = true
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        guard hasData else { return }
        defer {
            data.removeAll(keepingCapacity: data.count <= 65_536)
            hasData = false
        }
        if isDoneMarker(data) {
            events.append(.done)
        } else {
            events.append(.data(String(decoding: data, as: UTF8.self)))
        }
    }

    private func isDoneMarker(_ bytes: [UInt8]) -> Bool {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
            let end = bytes.lastIndex(where: { !isSpace($0) })
        else { return false }
        return bytes[start...end].elementsEqual("[DONE]".utf8)
    }
}
