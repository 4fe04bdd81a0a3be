import ChatWire
import CurlTransport
import Foundation
import Testing

/// How a request to the loopback test server is sent: libcurl, or cachechat's own socket.
enum Route: String, CaseIterable, CustomTestStringConvertible {
    case libcurl, plainSocket
    var testDescription: String { rawValue }
}

/// Collects a transfer's events and polls until it ends or `timeout` passes.
final class TransportDriver {
    let transport: CurlTransport

    init(_ route: Route) {
        transport = CurlTransport(plainLoopback: route == .plainSocket)
    }
    private(set) var events: [TransportEvent] = []
    private(set) var id: TransferID?

    var isDone: Bool {
        events.contains {
            if case .finished = $0 { return true }
            if case .failed = $0 { return true }
            return false
        }
    }

    var body: [UInt8] {
        events.flatMap { event -> [UInt8] in
            if case .body(let bytes) = event { return bytes }
            return []
        }
    }

    var status: Int? {
        for event in events { if case .head(let status, _) = event { return status } }
        return nil
    }

    var retries: [(attempt: Int, delay: Double)] {
        events.compactMap { event in
            if case .retrying(let attempt, let delay, _) = event { return (attempt, delay) }
            return nil
        }
    }

    var failure: TransportError? {
        for event in events { if case .failed(let error) = event { return error } }
        return nil
    }

    func start(_ request: HTTPRequest) {
        id = transport.start(request) { [weak self] event in self?.events.append(event) }
    }

    /// Polls until `condition` holds; returns the seconds it took.
    @discardableResult
    func run(until condition: () -> Bool = { false }, timeout: Double = 20) -> Double {
        let started = Date()
        while !isDone && !condition() && Date().timeIntervalSince(started) < timeout {
            transport.poll(timeout: 0.05, extraFD: nil)
        }
        return Date().timeIntervalSince(started)
    }
}

func request(_ url: String, retry: RetryPolicy = RetryPolicy(baseDelay: 0.05), idle: Double = 30) -> HTTPRequest {
    HTTPRequest(method: "POST", url: url + "/chat/completions", headers: [HTTPHeader("Content-Type", "application/json")],
                body: Array("{\"model\":\"m\"}".utf8), connectTimeout: 5, idleTimeout: idle, retry: retry)
}


