import Emulator
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The emulator on a loopback HTTP/1.1 port: DeepSeek's endpoints, faithful streams,
/// keep-alive comments while a request waits for a free slot.
public final class EmulatorServer: Sendable {
    public let engine: EmulatorEngine
    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool
    private let limiter: ConcurrencyLimiter
    private let requestLog: RequestLog?
    public let policy: ServerPolicy
    private let connections: ConnectionRegistry
    private struct Binding {
        var channel: Channel?
        var host = "127.0.0.1"
        var port = 0
    }
    private let binding = NIOLockedValueBox(Binding())

    /// The bound port, after `start`.
    public var port: Int { binding.withLockedValue { $0.port } }
    public var host: String { binding.withLockedValue { $0.host } }
    public var baseURL: String {
        let (host, port) = binding.withLockedValue { ($0.host, $0.port) }
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// `requestLog`, when given, gets one line per request as its response ends.
    public init(engine: EmulatorEngine, eventLoopThreads: Int = 1, policy: ServerPolicy = ServerPolicy(), requestLog: RequestLog? = nil) {
        self.engine = engine
        self.policy = policy
        connections = ConnectionRegistry(limit: policy.maxConnections)
        self.requestLog = requestLog
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, eventLoopThreads))
        threadPool = NIOThreadPool(numberOfThreads: 2)
        limiter = ConcurrencyLimiter(limit: engine.configuration.maxConcurrent)
    }

    /// Requests generating now (queued ones wait for a slot).
    public var activeRequests: Int { limiter.active }

    /// Connections held now (at most `policy.maxConnections`).
    public var openConnections: Int { connections.count }

    /// Binds and starts serving; port 0 picks a free port.
    public func start(host: String = "127.0.0.1", port: Int = 8787) throws {
        let bound = try bootstrap().bind(host: host, port: port).wait()
        binding.withLockedValue {
            $0.channel = bound
            $0.host = host
            $0.port = bound.localAddress?.port ?? port
        }
    }

    /// Starts serving on a socket already bound and listening (`listeningLoopbackSocket`):
    /// the port is known, and clients may connect, before the server's threads exist, so a
    /// caller can start the server off the critical path (the TUI paints first).
    public func start(listeningSocket descriptor: Int32, host: String, port: Int) throws {
        let bound = try bootstrap().withBoundSocket(descriptor).wait()
        binding.withLockedValue {
            $0.channel = bound
            $0.host = host
            $0.port = port
        }
    }

    /// A loopback TCP socket bound to a free port and listening (close-on-exec, non-blocking).
    public static func listeningLoopbackSocket() throws -> (descriptor: Int32, port: Int) {
        try Platform.listeningLoopbackSocket()
    }

    /// A system call that failed, with its error in words.
    public struct POSIXFailure: Error, CustomStringConvertible {
        public var call: String
        public var code: Int32
        public init(_ call: String, _ code: Int32) {
            self.call = call
            self.code = code
        }
        public var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    private func bootstrap() -> ServerBootstrap {
        threadPool.start()
        let engine = self.engine, pool = threadPool, limiter = self.limiter, requestLog = self.requestLog, policy = self.policy
        let connections = self.connections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard connections.admit(channel) else { return channel.close() }
                // One request per connection (every answer says Connection: close), so no
                // pipelining handler: the handler answers malformed or slow requests itself
                // and closes the socket.
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        HTTPResponseEncoder(),
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)),
                        EmulatorHTTPHandler(engine: engine, threadPool: pool, limiter: limiter, policy: policy,
                                            connections: connections, requestLog: requestLog),
                    ])
                }
            }
            // TCP_NODELAY is a TCP-level option: at the socket level its number is SO_DEBUG, which
            // only CAP_NET_ADMIN may set, so every connection was closed for anyone but root.
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: false)
        return bootstrap
    }

    /// Blocks until the server is stopped.
    public func waitUntilClosed() {
        let channel = binding.withLockedValue { $0.channel }
        try? channel?.closeFuture.wait()
    }

    /// Stops listening, lets the requests being answered (and those queued behind the
    /// concurrency limit) finish for up to `grace` seconds, then shuts down, cutting off
    /// what is left. Returns false when something was cut off. The thread pool's shutdown
    /// still waits for work already running on it (a generation from `--upstream`).
    @discardableResult
    public func stop(grace: Double = 0) -> Bool {
        let channel = binding.withLockedValue { binding -> Channel? in
            defer { binding.channel = nil }
            return binding.channel
        }
        try? channel?.close().wait()
        let deadline = NIODeadline.now() + .milliseconds(Int64(max(0, grace) * 1000))
        while limiter.inFlight > 0 && NIODeadline.now() < deadline { usleep(10_000) }
        let finished = limiter.inFlight == 0
        try? threadPool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
        return finished
    }
}

/// At most `limit` requests generate at once; the rest wait in arrival order. A waiting
/// request's start runs on its own event loop (`NIOLoopBound`), where it was queued.
final class ConcurrencyLimiter: Sendable {
    private struct State {
        var active = 0
        var waiting: [NIOLoopBound<() -> Void>] = []
    }
    private let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) { self.limit = max(1, limit) }

    var active: Int { state.withLockedValue { $0.active } }
    /// Requests generating or queued.
    var inFlight: Int { state.withLockedValue { $0.active + $0.waiting.count } }

    /// Runs `start` now (on `loop`, the caller's) or when a slot frees; returns false when
    /// it had to wait.
    func acquire(on loop: EventLoop, _ start: @escaping () -> Void) -> Bool {
        let bound = NIOLoopBound(start, eventLoop: loop)
        let now = state.withLockedValue { state -> Bool in
            if state.active < limit {
                state.active += 1
                return true
            }
            state.waiting.append(bound)
            return false
        }
        if now { start() }
        return now
    }

    func release() {
        let next = state.withLockedValue { state -> NIOLoopBound<() -> Void>? in
            if state.waiting.isEmpty {
                state.active -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        guard let next else { return }
        next.eventLoop.execute { next.value() }
    }
}
