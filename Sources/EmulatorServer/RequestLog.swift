import Foundation
import NIOConcurrencyHelpers


/// One JSON line per request, written when its response has gone out: the last byte
/// handed to the socket (`outcome` "complete"), the connection reset by a fault
/// ("reset"), or the client gone before the end ("client_gone").
///
/// Benchmarks use it to know when the server finished a stream: `ended_mono` is
/// CLOCK_MONOTONIC in seconds (Python's `time.monotonic()` on Linux), `ended_unix` the
/// wall clock. For replies it also carries the last 400 characters of the content, so
/// a client's screen can be checked against what was actually sent.
public final class RequestLog: Sendable {
    private let lock = NIOLock()
    private let sink: @Sendable (String) -> Void

    /// Lines go to `sink`, one call per line, without the newline.
    public init(sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// Appends lines to a file (created if missing); "-" means standard error.
    public static func file(_ path: String) throws -> RequestLog {
        var descriptor: Int32 = 2
        if path != "-" {
            switch Platform.openForAppending(path) {
            case .success(let opened): descriptor = opened
            case .failure(let error): throw RequestLogError(path: path, message: error.message)
            }
        }
        let output = descriptor
        return RequestLog { line in Platform.writeAll(output, Array((line + "\n").utf8)) }
    }

    /// What is known about one request when its response ends.
    public struct Entry: Sendable {
        public var method: String
        public var path: String
        public var status: Int
        public var stream: Bool
        public var model: String?
        public var completionTokens: Int?
        public var replyTail: String?
        public var bytes: Int
        public var outcome: String
        public var startedMonotonic: Double
        public var endedMonotonic: Double
        public var endedUnix: Double
    }

    func record(_ entry: Entry) {
        var object: [String: Any] = [
            "event": "response", "method": entry.method, "path": entry.path, "status": entry.status,
            "stream": entry.stream, "bytes": entry.bytes, "outcome": entry.outcome,
            "started_mono": entry.startedMonotonic, "ended_mono": entry.endedMonotonic, "ended_unix": entry.endedUnix,
        ]
        if let model = entry.model { object["model"] = model }
        if let tokens = entry.completionTokens { object["completion_tokens"] = tokens }
        if let tail = entry.replyTail { object["reply_tail"] = tail }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        let line = String(decoding: data, as: UTF8.self)
        lock.withLock { sink(line) }
    }

    /// CLOCK_MONOTONIC in seconds.
    public static func monotonicNow() -> Double { Platform.monotonicNow() }

    /// The wall clock in seconds since 1970.
    public static func unixNow() -> Double { Platform.unixNow() }
}

public struct RequestLogError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "cannot open \(path): \(message)" }
}
