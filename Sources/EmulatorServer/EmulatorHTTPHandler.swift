import Emulator
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix


/// One connection: collects a request, routes it, and plays the engine's answer.
///
/// A request must arrive in time (`ServerPolicy.headerTimeout` for its head, then no gap
/// longer than `idleTimeout` in its body) and within `maxBodyBytes`; otherwise the client
/// gets 408, 413 or (unparsable) 400, always with `Connection: close`, and the socket is
/// closed once that answer is written.
final class EmulatorHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let engine: EmulatorEngine
    private let threadPool: NIOThreadPool
    private let limiter: ConcurrencyLimiter
    private let policy: ServerPolicy
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var keepAliveTask: Scheduled<Void>?
    private var headSent = false
    private let connections: ConnectionRegistry?
    /// Closes the connection when the request stops arriving (slowloris).
    private var arrivalTimer: Scheduled<Void>?
    /// The request was refused while still arriving (413): the rest is read and dropped,
    /// so the client sees the answer instead of a reset, up to another `maxBodyBytes`.
    private var discarding = false
    private var discarded = 0
    /// The answer to a refused request has been written; close when the request ends.
    private var closeWhenRequestEnds = false
    /// The request has been routed; anything after it on this connection is ignored.
    private var routed = false
    private let requestLog: RequestLog?
    /// The request being answered, for the request log.
    private var logEntry: RequestLog.Entry?

    init(engine: EmulatorEngine, threadPool: NIOThreadPool, limiter: ConcurrencyLimiter, policy: ServerPolicy = ServerPolicy(),
         connections: ConnectionRegistry? = nil, requestLog: RequestLog? = nil) {
        self.engine = engine
        self.policy = policy
        self.connections = connections
        self.threadPool = threadPool
        self.limiter = limiter
        self.requestLog = requestLog
    }

    func handlerAdded(context: ChannelHandlerContext) {
        scheduleArrivalTimeout(context, seconds: policy.headerTimeout)
    }

    func channelInactive(context: ChannelHandlerContext) {
        arrivalTimer?.cancel()
        keepAliveTask?.cancel()
        body = ByteBuffer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !routed else { return }
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = ByteBuffer()
            connections?.requestArrived(context.channel)
            scheduleArrivalTimeout(context, seconds: policy.idleTimeout)
            if let length = requestHead.headers.first(name: "content-length").flatMap(Int.init), length > policy.maxBodyBytes {
                refuseTooLarge(context)
            }
        case .body(var chunk):
            scheduleArrivalTimeout(context, seconds: policy.idleTimeout)
            if discarding {
                discarded += chunk.readableBytes
                if discarded > policy.maxBodyBytes { context.close(promise: nil) }
                return
            }
            if body.readableBytes + chunk.readableBytes > policy.maxBodyBytes {
                refuseTooLarge(context)
                return
            }
            body.writeBuffer(&chunk)
        case .end:
            arrivalTimer?.cancel()
            if discarding {
                discarding = false
                if closeWhenRequestEnds { context.close(promise: nil) } else { closeWhenRequestEnds = true }
                return
            }
            guard let head else { return }
            routed = true
            if requestLog != nil {
                logEntry = RequestLog.Entry(
                    method: head.method.rawValue, path: String(head.uri.prefix { $0 != "?" }), status: 0,
                    stream: false, bytes: 0, outcome: "", startedMonotonic: RequestLog.monotonicNow(),
                    endedMonotonic: 0, endedUnix: 0)
            }
            route(context, head)
            self.head = nil
        }
    }

    /// 413 at once; the body read so far is released and the rest dropped as it comes.
    private func refuseTooLarge(_ context: ChannelHandlerContext) {
        guard !discarding else { return }
        discarding = true
        discarded = body.readableBytes
        body = ByteBuffer()
        let limit = Self.describe(bytes: policy.maxBodyBytes)
        respond(context, status: 413, body: Self.error(
            "Request body too large: this server accepts up to \(limit) (cachechat serve --max-body)."))
    }

    private func scheduleArrivalTimeout(_ context: ChannelHandlerContext, seconds: Double) {
        arrivalTimer?.cancel()
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let waitingForHead = head == nil
        arrivalTimer = context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { [self] in
            let context = boundContext.value
            guard context.channel.isActive else { return }
            if headSent {
                context.close(promise: nil)
                return
            }
            discarding = true
            closeWhenRequestEnds = true
            let what = waitingForHead ? "request head" : "request body"
            respond(context, status: 408, body: Self.error("The \(what) did not arrive in time; the connection is closed."))
        }
    }

    /// Unparsable HTTP: 400, then the socket is closed (not just marked `Connection: close`).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !headSent, context.channel.isActive else {
            context.close(promise: nil)
            return
        }
        arrivalTimer?.cancel()
        discarding = true
        closeWhenRequestEnds = true
        respond(context, status: 400, body: Self.error("Malformed HTTP request; the connection is closed."))
    }

    static func describe(bytes: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size) \(unit)"
        }
        return "\(bytes) bytes"
    }

    private func route(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        var path = String(head.uri.prefix { $0 != "?" })
        if path.hasPrefix("/v1/") { path = String(path.dropFirst(3)) }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        let authorization = head.headers.first(name: "authorization")
        guard policy.accepts(authorization: authorization) else {
            // DeepSeek's answer to a wrong key; the key presented is never echoed.
            respond(context, status: 401, body: Self.error("Authentication Fails, Your api key: **** is invalid",
                                                           type: "authentication_error"))
            return
        }
        switch (head.method, path) {
        case (.POST, "/chat/completions"):
            chat(context, authorization: authorization)
        case (.POST, "/beta/chat/completions"):
            chat(context, authorization: authorization, beta: true)
        case (.GET, "/models"):
            play(context, engine.models())
        case (.GET, "/user/balance"):
            play(context, engine.balance(authorization: authorization))
        case (_, "/chat/completions"), (_, "/beta/chat/completions"), (_, "/models"), (_, "/user/balance"):
            respond(context, status: 405, body: Self.error("Method \(head.method) is not allowed on \(path)"))
        default:
            respond(context, status: 404, body: Self.error("No endpoint \(path). This emulator serves POST /chat/completions, POST /beta/chat/completions, GET /models and GET /user/balance."))
        }
    }

    private func chat(_ context: ChannelHandlerContext, authorization: String?, beta: Bool = false) {
        let bytes = Array(body.readableBytesView)
        body = ByteBuffer()  // one copy of the request is enough
        let wantsStream = Self.wantsStream(bytes)
        let loop = context.eventLoop
        let boundContext = NIOLoopBound(context, eventLoop: loop)
        let started = limiter.acquire(on: loop) { [self] in
            keepAliveTask?.cancel()
            let engine = self.engine
            threadPool.runIfActive(eventLoop: loop) { engine.complete(body: bytes, authorization: authorization, beta: beta) }
                .whenComplete { result in
                    let context = boundContext.value
                    switch result {
                    case .success(let response): self.play(context, response, release: true)
                    case .failure:
                        self.limiter.release()
                        self.respond(context, status: 500, body: Self.error("The emulator failed to process the request"))
                    }
                }
        }
        if !started {
            // Queued behind the concurrency limit: keep the client's connection alive the
            // way DeepSeek does, with SSE comments or blank lines.
            sendHead(context, status: 200, contentType: wantsStream ? "text/event-stream" : "application/json")
            scheduleKeepAlive(context, line: wantsStream ? ": keep-alive\n\n" : "\n")
        }
    }

    private func scheduleKeepAlive(_ context: ChannelHandlerContext, line: String) {
        let interval = engine.configuration.keepAliveInterval
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        keepAliveTask = context.eventLoop.scheduleTask(in: .milliseconds(Int64(interval * 1000))) { [self] in
            let context = boundContext.value
            guard context.channel.isActive else { return }
            writeBytes(context, Array(line.utf8))
            scheduleKeepAlive(context, line: line)
        }
    }

    private func play(_ context: ChannelHandlerContext, _ response: EmulatorResponse, release: Bool = false) {
        let script = StreamScript(tokensPerSecond: engine.configuration.tokensPerSecond,
                                  usagePlacement: engine.configuration.usagePlacement,
                                  keepAliveInterval: engine.configuration.keepAliveInterval)
        let onDone: () -> Void = release ? { [limiter] in limiter.release() } : {}
        switch response {
        case .json(let text):
            respond(context, status: 200, body: text)
            onDone()
        case .error(let status, let text, let headers):
            if headSent {
                // The head went out while queued: report in-band, as DeepSeek does.
                writeBytes(context, Array("data: \(text)\n\n".utf8))
                finish(context, reset: false)
            } else {
                respond(context, status: status, body: text, extraHeaders: headers)
            }
            onDone()
        case .reply(let reply, let stream):
            logEntry?.stream = stream
            logEntry?.model = reply.model
            logEntry?.completionTokens = reply.usage.completionTokens
            if logEntry != nil { logEntry?.replyTail = String(reply.content.suffix(400)) }
            if !headSent { sendHead(context, status: 200, contentType: stream ? "text/event-stream" : "application/json") }
            let steps = stream ? script.streamSteps(for: reply) : script.bodySteps(for: reply)
            run(context, steps[...], onDone: onDone)
        }
    }

    private func run(_ context: ChannelHandlerContext, _ steps: ArraySlice<StreamStep>, onDone: @escaping () -> Void) {
        var remaining = steps
        while let step = remaining.first {
            guard context.channel.isActive else {
                logFinished("client_gone")
                onDone()
                return
            }
            remaining = remaining.dropFirst()
            switch step {
            case .write(let bytes):
                writeBytes(context, bytes)
            case .wait(let seconds):
                var total = seconds
                while case .wait(let more)? = remaining.first {
                    total += more
                    remaining = remaining.dropFirst()
                }
                let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
                let rest = remaining
                context.eventLoop.scheduleTask(in: .nanoseconds(Int64(total * 1e9))) { [self] in
                    run(boundContext.value, rest, onDone: onDone)
                }
                return
            case .close(let reset):
                finish(context, reset: reset)
                onDone()
                return
            }
        }
        finish(context, reset: false)
        onDone()
    }

    private func sendHead(_ context: ChannelHandlerContext, status: Int, contentType: String, extra: [(String, String)] = [],
                          contentLength: Int? = nil) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Connection", "close"), ("Cache-Control", "no-cache")])
        for (name, value) in extra { headers.add(name: name, value: value) }
        if let contentLength { headers.add(name: "Content-Length", value: String(contentLength)) }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        logEntry?.status = status
        context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        headSent = true
    }

    private func writeBytes(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        logEntry?.bytes += bytes.count
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }

    private func respond(_ context: ChannelHandlerContext, status: Int, body text: String, extraHeaders: [(String, String)] = []) {
        let bytes = Array(text.utf8)
        sendHead(context, status: status, contentType: "application/json", extra: extraHeaders, contentLength: bytes.count)
        writeBytes(context, bytes)
        finish(context, reset: false)
    }

    private func finish(_ context: ChannelHandlerContext, reset: Bool) {
        keepAliveTask?.cancel()
        if reset {
            // An abortive close (RST), like a proxy or server dying mid-reply.
            logFinished("reset")
            let value = Platform.abortiveClose
            if let provider = context.channel as? SocketOptionProvider {
                provider.setSoLinger(value).whenComplete { _ in context.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [self] result in
            if case .failure = result { logFinished("client_gone") } else { logFinished("complete") }
            // A refused request still arriving is read to its end first, so the client
            // reads the answer rather than a reset.
            if discarding && !closeWhenRequestEnds {
                closeWhenRequestEnds = true
            } else {
                context.close(promise: nil)
            }
        }
    }

    /// Writes the request's log line, once, when its response has ended.
    private func logFinished(_ outcome: String) {
        guard let requestLog, var entry = logEntry else { return }
        logEntry = nil
        entry.outcome = outcome
        entry.endedMonotonic = RequestLog.monotonicNow()
        entry.endedUnix = RequestLog.unixNow()
        requestLog.record(entry)
    }

    static func wantsStream(_ bytes: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return false }
        return object["stream"] as? Bool ?? false
    }

    /// DeepSeek's error body. Built by the JSON encoder: the message can hold anything a
    /// client sent (the 404's path), and must never be able to break out of its string.
    static func error(_ message: String, type: String = "invalid_request_error") -> String {
        struct Body: Encodable {
            struct Inner: Encodable {
                let message: String
                let type: String
                let param: String? = nil
                let code = "invalid_request_error"
                func encode(to encoder: any Encoder) throws {
                    var c = encoder.container(keyedBy: Keys.self)
                    try c.encode(message, forKey: .message)
                    try c.encode(type, forKey: .type)
                    try c.encodeNil(forKey: .param)
                    try c.encode(code, forKey: .code)
                }
                enum Keys: String, CodingKey { case message, type, param, code }
            }
            let error: Inner
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(Body(error: .init(message: message, type: type))) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
