import ChatWire
@testable import CurlTransport
import Foundation
import TestSupport
import Testing

/// The response reader of requests sent without libcurl: every response read whole and
/// split at every byte gives the same lines and body.
@Suite("HTTP/1 response reader")
struct HTTPResponseParserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var method = "POST"
        var response: String
        var lines: [String]
        var body: String
        /// Whether the response ends by itself (else at the server's close).
        var endsItself = true
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Content-Length",
             response: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello",
             lines: ["HTTP/1.1 200 OK\r\n", "Content-Length: 5\r\n", "X-A:  b \r\n", "\r\n"], body: "hello"),
        Case(name: "chunked with an extension and a trailer",
             response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: 1\r\n\r\n",
             lines: ["HTTP/1.1 200 OK\r\n", "Transfer-Encoding: chunked\r\n", "\r\n"], body: "abc0123456789"),
        Case(name: "until the server closes, bare line feeds",
             response: "HTTP/1.0 200 OK\nContent-Type: text/plain\n\ndata: 1\n\n",
             lines: ["HTTP/1.0 200 OK\n", "Content-Type: text/plain\n", "\n"], body: "data: 1\n\n", endsItself: false),
        Case(name: "100 Continue, then the response",
             response: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\nno",
             lines: ["HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 404 Not Found\r\n", "content-length: 2\r\n", "\r\n"], body: "no"),
        Case(name: "204 has no body",
             response: "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
             lines: ["HTTP/1.1 204 No Content\r\n", "Content-Length: 10\r\n", "\r\n"], body: ""),
        Case(name: "HEAD has no body", method: "HEAD",
             response: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
             lines: ["HTTP/1.1 200 OK\r\n", "Content-Length: 10\r\n", "\r\n"], body: ""),
        Case(name: "what libcurl reads too: zero-padded sizes, a folded header, HTTP/2 in the status line",
             response: "HTTP/2 200\r\nContent-Length: 0000000000000005\r\nX-Long: a\r\n  b\r\n\r\nhello",
             lines: ["HTTP/2 200\r\n", "Content-Length: 0000000000000005\r\n", "X-Long: a\r\n", "  b\r\n", "\r\n"], body: "hello"),
        Case(name: "a zero-padded chunk size, other codings before chunked passed through",
             response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0000000000000003\r\nabc\r\n0\r\n\r\n",
             lines: ["HTTP/1.1 200 OK\r\n", "Transfer-Encoding: gzip, chunked\r\n", "\r\n"], body: "abc"),
        Case(name: "identity coding, a repeated equal length",
             response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2, 2\r\n\r\nok",
             lines: ["HTTP/1.1 200 OK\r\n", "Transfer-Encoding: identity\r\n", "Content-Length: 2, 2\r\n", "\r\n"], body: "ok"),
        Case(name: "bytes after the end are ignored",
             response: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
             lines: ["HTTP/1.1 200 OK\r\n", "Content-Length: 2\r\n", "\r\n"], body: "ok"),
    ]

    /// Feeds `pieces` in order, then the close when the response does not end by itself.
    static func read(_ pieces: [[UInt8]], method: String) throws -> (lines: [String], body: [UInt8], ends: Int) {
        var parser = HTTPResponseParser(method: method)
        var outputs: [HTTPResponseParser.Output] = []
        for piece in pieces { outputs += try piece.withUnsafeBytes { try parser.feed($0) } }
        if !parser.isComplete { outputs += try parser.finish() }
        var lines: [String] = [], body: [UInt8] = [], ends = 0
        for output in outputs {
            switch output {
            case .headerLine(let bytes): lines.append(String(decoding: bytes, as: UTF8.self))
            case .body(let bytes): body += bytes
            case .end: ends += 1
            }
        }
        return (lines, body, ends)
    }

    @Test(arguments: cases)
    func readsTheSameWhateverThePieces(_ example: Case) throws {
        let bytes = Array(example.response.utf8)
        var splits: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
        for cut in 1..<bytes.count { splits.append([Array(bytes[..<cut]), Array(bytes[cut...])]) }
        for pieces in splits {
            let read = try Self.read(pieces, method: example.method)
            #expect(read.lines == example.lines, "\(pieces.count) pieces")
            #expect(String(decoding: read.body, as: UTF8.self) == example.body, "\(pieces.count) pieces")
            #expect(read.ends == 1)
        }
        var parser = HTTPResponseParser(method: example.method)
        _ = try bytes.withUnsafeBytes { try parser.feed($0) }
        #expect(parser.isComplete == example.endsItself)
    }

    @Test(arguments: [
        ("garbage", "hello\r\n\r\n", "did not answer in HTTP/1"),
        ("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\n", "did not answer in HTTP/1"),
        ("HTTP/3", "HTTP/3 200 OK\r\n\r\n", "did not answer in HTTP/1"),
        ("status without digits", "HTTP/1.1 OK\r\n\r\n", "did not answer in HTTP/1"),
        ("bad length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"),
        ("two lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "invalid Content-Length"),
        ("two lengths in one", "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n", "invalid Content-Length"),
        ("a length past 2^50", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "invalid Content-Length"),
        ("a chunk past 2^50", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", "chunk size"),
        ("header without colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", "malformed header"),
        ("chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size"),
        ("chunk too long", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", "longer than its size"),
        ("switching protocols", "HTTP/1.1 101 Switching Protocols\r\n\r\n", "HTTP 101"),
    ])
    func refusesWhatItCannotRead(name: String, response: String, message: String) {
        var parser = HTTPResponseParser(method: "POST")
        do {
            _ = try Array(response.utf8).withUnsafeBytes { try parser.feed($0) }
            Issue.record("\(name): read without an error")
        } catch {
            let text = (error as? HTTPResponseParser.Failure)?.message ?? "\(error)"
            #expect(text.contains(message), "\(name): \(text)")
        }
    }

    @Test func aHeadThatNeverEndsIsRefusedAtItsLimit() {
        var parser = HTTPResponseParser(method: "POST")
        let line = Array("X-Filler: \(String(repeating: "a", count: 1000))\r\n".utf8)
        var failure: HTTPResponseParser.Failure?
        do {
            _ = try Array("HTTP/1.1 200 OK\r\n".utf8).withUnsafeBytes { try parser.feed($0) }
            for _ in 0..<300 { _ = try line.withUnsafeBytes { try parser.feed($0) } }
        } catch {
            failure = error as? HTTPResponseParser.Failure
        }
        #expect(failure?.message.contains("256 KiB") == true)
    }

    @Test(arguments: [
        ("", "without a reply"),
        ("HTTP/1.1 200 OK\r\nContent-Le", "head"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "before the reply ended"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "before the reply ended"),
    ])
    func aCloseBeforeTheEndIsAnError(response: String, message: String) throws {
        var parser = HTTPResponseParser(method: "POST")
        _ = try Array(response.utf8).withUnsafeBytes { try parser.feed($0) }
        do {
            _ = try parser.finish()
            Issue.record("closed without an error")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}

@Suite("Which requests go without libcurl")
struct PlainTargetTests {
    @Test func loopbackAddressesOverPlainHTTP() throws {
        let v4 = try #require(PlainTarget(url: "http://127.0.0.1:8080/v1/chat/completions?x=1#top", environment: [:]))
        #expect(v4.addresses == [.ipv4(0x7F00_0001)])
        #expect(v4.port == 8080 && v4.host == "127.0.0.1:8080" && v4.target == "/v1/chat/completions?x=1")
        let other = try #require(PlainTarget(url: "HTTP://127.1.2.3", environment: [:]))
        #expect(other.addresses == [.ipv4(0x7F01_0203)] && other.port == 80 && other.host == "127.1.2.3" && other.target == "/")
        let local = try #require(PlainTarget(url: "http://LocalHost:11434?q", environment: [:]))
        #expect(local.addresses == [.ipv4(0x7F00_0001), .ipv6Loopback] && local.target == "/?q" && local.host == "LocalHost:11434")
        let v6 = try #require(PlainTarget(url: "http://[::1]:9/x", environment: [:]))
        #expect(v6.addresses == [.ipv6Loopback] && v6.host == "[::1]:9")
    }

    @Test(arguments: [
        "https://127.0.0.1:8080", "http://api.deepseek.com", "http://10.0.0.1", "http://user:pw@127.0.0.1/",
        "http://127.1/", "http://127.0.0.256/", "http://127.0.0.1:0/", "http://127.0.0.1:65536/", "http://127.0.0.1:/",
        "http://127.0.0.1:8a/", "http://[::2]/", "http://[::1", "http://127.0.0.1/a b", "http://", "ftp://127.0.0.1/",
        "http://127.0.0.010/", "http://0127.0.0.1/",
    ])
    func everythingElseGoesToLibcurl(url: String) {
        #expect(PlainTarget(url: url, environment: [:]) == nil)
    }

    @Test func aProxyThatLibcurlWouldUseSendsItThroughLibcurl() {
        let url = "http://127.0.0.1:8080/"
        #expect(PlainTarget(url: url, environment: ["http_proxy": "http://proxy:3128"]) == nil)
        #expect(PlainTarget(url: url, environment: ["ALL_PROXY": "socks5://proxy"]) == nil)
        #expect(PlainTarget(url: url, environment: ["all_proxy": "http://p", "no_proxy": "example.com"]) == nil)
        // libcurl reads only the lower-case http_proxy for http:// (the upper case one is
        // how a CGI server passes on a request header).
        #expect(PlainTarget(url: url, environment: ["HTTP_PROXY": "http://proxy:3128"]) != nil)
        #expect(PlainTarget(url: url, environment: ["http_proxy": "http://p", "no_proxy": "localhost, 127.0.0.1"]) != nil)
        #expect(PlainTarget(url: url, environment: ["http_proxy": "http://p", "NO_PROXY": "*"]) != nil)
        #expect(PlainTarget(url: "http://[::1]/", environment: ["http_proxy": "http://p", "no_proxy": "::1"]) != nil)
        #expect(PlainTarget(url: url, environment: ["http_proxy": ""]) != nil)
        // The built-in endpoint is inside this process: no proxy can reach it.
        #expect(PlainTarget(url: url, environment: ["http_proxy": "http://proxy:3128"], inProcess: true) != nil)
    }
}

@Suite("Requests over cachechat's own socket")
struct PlainConnectionTests {
    @Test func sendsWhatLibcurlSends() throws {
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(["ok"])) }
        var heads: [[String: String]] = []
        var names: [[String]] = []
        for route in Route.allCases {
            let driver = TransportDriver(route)
            driver.start(HTTPRequest(method: "POST", url: server.baseURL + "/chat/completions?beta=1",
                                     headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Authorization", "Bearer sk-x"),
                                               HTTPHeader("Accept", "text/event-stream"),
                                               HTTPHeader("Bad\r\nName", "x"), HTTPHeader("X-Split", "a\r\nInjected: 1")],
                                     body: Array("{\"a\":1}".utf8)))
            driver.run()
            #expect(driver.status == 200, "\(route)")
        }
        let requests = server.requests
        try #require(requests.count == 2)
        for request in requests {
            #expect(request.path == "/chat/completions?beta=1")
            #expect(request.bodyText == "{\"a\":1}")
            #expect(request.headers["injected"] == nil && request.headers["x-split"] == nil)
            heads.append(request.headers.filter { $0.key != "connection" })
            names.append(request.headerNames.filter { $0 != "connection" }.sorted())
        }
        // A header the request gives replaces the default of the same name, once.
        #expect(names[0] == names[1], "\(names)")
        #expect(names[1].filter { $0 == "accept" }.count == 1)
        #expect(heads[1]["accept"] == "text/event-stream")
        // The same head both ways (libcurl keeps the connection open, the socket closes it);
        // a header with a line break is left out by both.
        #expect(heads[0] == heads[1])
        #expect(heads[1]["host"] == "127.0.0.1:\(server.port)")
        #expect(heads[1]["user-agent"] == "cachechat")
        #expect(heads[1]["content-length"] == "7")
    }

    @Test func anErrorBodyIsReadUpToItsCap() throws {
        let huge = String(repeating: "x", count: 200_000)
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.response(status: 400, body: huge) }
        let driver = TransportDriver(.plainSocket)
        driver.start(request(server.baseURL))
        driver.run()
        #expect(driver.status == 400)
        #expect(driver.failure == nil)
        #expect(driver.body.count == 64 * 1024)
    }

    @Test func aServerThatDoesNotSpeakHTTPIsReportedNotRetried() throws {
        let server = try ScriptedHTTPServer { _, _ in [.write(Array("SSH-2.0-OpenSSH_9.6\r\n".utf8))] }
        let driver = TransportDriver(.plainSocket)
        driver.start(request(server.baseURL))
        driver.run()
        let failure = try #require(driver.failure)
        #expect(failure.kind == .protocolViolation)
        #expect(failure.detail.contains("did not answer in HTTP/1"))
        #expect(server.requests.count == 1)
    }

    @Test func anEmptyReplyIsADroppedConnection() throws {
        let server = try ScriptedHTTPServer { _, _ in [] }
        let driver = TransportDriver(.plainSocket)
        driver.start(request(server.baseURL, retry: .none))
        driver.run()
        let failure = try #require(driver.failure)
        #expect(failure.kind == .dropped)
        #expect(failure.detail.contains("without a reply"))
    }

    @Test func manyAtOnceEachGetTheirOwnReply() throws {
        let server = try ScriptedHTTPServer { request, _ in
            HTTPScript.stream(DeepSeekEvents.reply([String(request.bodyText.suffix(3))]), pause: 0.01)
        }
        let transport = CurlTransport()
        var bodies: [Int: [UInt8]] = [:]
        var done = 0
        for index in 0..<20 {
            var one = request(server.baseURL)
            one.body = Array("q\(String(format: "%02d", index))".utf8)
            transport.start(one) { event in
                switch event {
                case .body(let bytes): bodies[index, default: []] += bytes
                case .finished, .failed: done += 1
                default: break
                }
            }
        }
        let started = Date()
        while done < 20 && Date().timeIntervalSince(started) < 30 { transport.poll(timeout: 0.05, extraFD: nil) }
        #expect(done == 20)
        for index in 0..<20 {
            #expect(String(decoding: bodies[index] ?? [], as: UTF8.self).contains("q\(String(format: "%02d", index))"))
        }
    }
}

/// A server that answers as soon as it has a request's head, without reading its body,
/// then holds the connection until the test lets go of the server, or resets it: what real
/// servers do with a request they refuse early. One connection, on a thread.
final class EarlyAnswerServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let released = DispatchSemaphore(value: 0)

    init(answer: String, reset: Bool) throws {
        let (fd, port) = try loopbackSocket(listening: 4)
        listener = fd
        self.port = port
        let released = released
        let thread = Thread {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            var head: [UInt8] = []
            var byte: UInt8 = 0
            while !head.suffix(4).elementsEqual([13, 10, 13, 10]), recv(client, &byte, 1, 0) == 1 { head.append(byte) }
            let bytes = Array(answer.utf8)
            _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if reset {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            } else {
                released.wait()
            }
            close(client)
        }
        thread.start()
    }

    deinit {
        released.signal()
        close(listener)
    }
}

@Suite("Requests over cachechat's own socket: servers that answer early")
struct EarlyAnswerTests {
    /// A server that refuses a large request after its head and waits, unread: the answer
    /// is read while the body is still going out (it used to spin at 100% of a core until
    /// the idle timeout, never reading the 401).
    @Test func anAnswerBeforeTheBodyIsSentIsReadAtOnce() throws {
        let refusal = DeepSeekEvents.error("Authentication Fails")
        let server = try EarlyAnswerServer(
            answer: "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: \(refusal.utf8.count)\r\n\r\n\(refusal)",
            reset: false)
        let driver = TransportDriver(.plainSocket)
        var big = request("http://127.0.0.1:\(server.port)", retry: .none, idle: 10)
        big.body = [UInt8](repeating: UInt8(ascii: "a"), count: 16 << 20)
        driver.start(big)
        func threadCPU() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let cpuBefore = threadCPU()
        let seconds = driver.run(timeout: 25)
        let cpu = threadCPU() - cpuBefore
        #expect(driver.failure == nil, "\(String(describing: driver.failure))")
        #expect(driver.status == 401)
        #expect(String(decoding: driver.body, as: UTF8.self) == refusal)
        // Waiting, not spinning: the thread's CPU is a small part of the wait.
        #expect(cpu < max(0.5, seconds / 2), "\(cpu) s of CPU in \(seconds) s")
    }

    /// A reply without a length ends at the close; a reset from a server that never read
    /// the request ends it the same way (libcurl's reading), not as a cut-off reply.
    @Test func aReplyReadUntilAResetIsComplete() throws {
        let server = try EarlyAnswerServer(answer: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello", reset: true)
        let driver = TransportDriver(.plainSocket)
        driver.start(request("http://127.0.0.1:\(server.port)", retry: .none))
        driver.run()
        #expect(driver.failure == nil, "\(String(describing: driver.failure))")
        #expect(driver.status == 200)
        #expect(String(decoding: driver.body, as: UTF8.self) == "hello")
    }
}
