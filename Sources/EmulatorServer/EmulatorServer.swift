import Emulator
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The emulator on a loopback HTTP/1.1 port: DeepSeek's endpoints, faithful streams,
/// keep-alive comments while a request waits for a free slot.
public final class EmulatorServer: @unchecked Sendable {
    public let engine: EmulatorEngine
    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool
    private let limiter: ConcurrencyLimiter
    private let requestLog: RequestLog?
    private var channel: Channel?

    /// The bound port, after `start`.
    public private(set) var port = 0
    public private(set) var host = "127.0.0.1"
    public var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// `requestLog`, when given, gets one line per request as its response ends.
    public init(engine: EmulatorEngine, eventLoopThreads: Int = 1, requestLog: RequestLog? = nil) {
        self.engine = engine
        self.requestLog = requestLog
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, eventLoopThreads))
        threadPool = NIOThreadPool(numberOfThreads: 2)
        limiter = ConcurrencyLimiter(limit: engine.configuration.maxConcurrent)
    }

    /// Binds and starts serving; port 0 picks a free port.
    public func start(host: String = "127.0.0.1", port: Int = 8787) throws {
        threadPool.start()
        let engine = self.engine, pool = threadPool, limiter = self.limiter, requestLog = self.requestLog
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(EmulatorHTTPHandler(engine: engine, threadPool: pool, limiter: limiter, requestLog: requestLog))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: false)
        let bound = try bootstrap.bind(host: host, port: port).wait()
        channel = bound
        self.host = host
        self.port = bound.localAddress?.port ?? port
    }

    /// Blocks until the server is stopped.
    public func waitUntilClosed() {
        try? channel?.closeFuture.wait()
    }

    public func stop() {
        try? channel?.close().wait()
        channel = nil
        try? threadPool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
    }
}

/// At most `limit` requests generate at once; the rest wait in arrival order.
final class ConcurrencyLimiter: @unchecked Sendable {
    private let limit: Int
    private let lock = NSLock()
    private var active = 0
    private var waiting: [(EventLoop, () -> Void)] = []

    init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `start` on `loop` now or when a slot frees; returns false when it had to wait.
    func acquire(on loop: EventLoop, _ start: @escaping () -> Void) -> Bool {
        lock.lock()
        if active < limit {
            active += 1
            lock.unlock()
            start()
            return true
        }
        waiting.append((loop, start))
        lock.unlock()
        return false
    }

    func release() {
        lock.lock()
        if waiting.isEmpty {
            active -= 1
            lock.unlock()
            return
        }
        let (loop, start) = waiting.removeFirst()
        lock.unlock()
        loop.execute(start)
    }
}
