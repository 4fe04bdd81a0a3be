import Foundation
import Testing
@testable import ChatWire

@Suite struct APIErrorTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21T14:13:20Z
    static let fullKey = "sk-1f2e3d4c5b6a79880123456789abcdef"
    static let source = KeySource(origin: "DEEPSEEK_API_KEY", key: fullKey)

    private func error(_ status: Int, _ body: String, retryAfter: String? = nil, key: KeySource? = nil) -> APIError {
        APIError.fromHTTP(status: status, body: Array(body.utf8), retryAfterHeader: retryAfter, keySource: key, now: Self.now)
    }

    private func deepSeekBody(_ message: String) -> String {
        #"{"error":{"message":"\#(message)","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}"#
    }

    @Test func badRequestIncludesSanitisedTruncatedServerMessage() {
        let longMessage = "The `reasoning_content` in the thinking mode must be passed back to the API.\\u001b[31m"
            + String(repeating: " very long", count: 60)
        let e = error(400, deepSeekBody(longMessage))
        #expect(e.kind == .badRequest)
        #expect(e.status == 400)
        #expect(e.message.contains("reasoning_content` in the thinking mode must be passed back"))
        #expect(!e.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(e.serverMessage!.count <= 300)
        #expect(e.serverMessage!.hasSuffix("…"))
        #expect(!e.isRetryable)
    }

    @Test func authenticationNamesMaskedKeyAndNeverTheFullKey() {
        let e = error(401, deepSeekBody("Authentication Fails, Your api key: \(Self.fullKey) is invalid"), key: Self.source)
        #expect(e.kind == .authentication)
        #expect(e.message.hasPrefix("The server rejected the API key sk-…cdef from DEEPSEEK_API_KEY (401: Authentication Fails"))
        #expect(e.message.hasSuffix("Check the key or set another with --api-key / DEEPSEEK_API_KEY."))
        #expect(!e.message.contains(Self.fullKey))
        #expect(!(e.serverMessage ?? "").contains(Self.fullKey))
        #expect(!e.description.contains("1f2e3d4c5b6a"))
        #expect(!e.isRetryable)
    }

    @Test func authenticationWithoutKeySource() {
        let e = error(401, "")
        #expect(e.message.contains("401"))
        #expect(e.message.contains("DEEPSEEK_API_KEY"))
    }

    @Test func insufficientBalance() {
        let e = error(402, deepSeekBody("Insufficient Balance"))
        #expect(e.kind == .insufficientBalance)
        #expect(e.message == "Your DeepSeek balance is exhausted (402 Insufficient Balance). Top up at platform.deepseek.com, then retry.")
        #expect(!e.isRetryable)
    }

    @Test func invalidParameters() {
        let e = error(422, deepSeekBody("Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"))
        #expect(e.kind == .invalidParameters)
        #expect(e.message.contains("422"))
        #expect(e.message.contains("the valid range of max_tokens is [1, 8192]"))
    }

    @Test func rateLimitedWithRetryAfterSeconds() {
        let e = error(429, deepSeekBody("Rate Limit Reached"), retryAfter: "20")
        #expect(e.kind == .rateLimited)
        #expect(e.retryAfter == 20)
        #expect(e.message.contains("Retry in 20 s"))
        #expect(e.isRetryable)
    }

    @Test func rateLimitedWithHTTPDate() {
        let e = error(429, "", retryAfter: "Mon, 21 Sep 2026 14:14:05 GMT")
        #expect(e.retryAfter == 45)
        #expect(e.message.contains("Retry in 45 s"))
        #expect(error(429, "", retryAfter: "Monday, 21-Sep-26 14:14:05 GMT").retryAfter == 45)
        #expect(error(429, "", retryAfter: "Mon Sep 21 14:14:05 2026").retryAfter == 45)
        #expect(error(429, "", retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT").retryAfter == 0)
        #expect(error(429, "", retryAfter: "soon").retryAfter == nil)
        #expect(error(429, "", retryAfter: "soon").message.contains("Retry in a moment"))
    }

    @Test func serverErrors() {
        let e500 = error(500, deepSeekBody("Server error"))
        #expect(e500.kind == .serverError)
        #expect(e500.message.contains("internal error (500: Server error)"))
        #expect(e500.isRetryable)
        let e503 = error(503, deepSeekBody("Server overloaded"), retryAfter: "5")
        #expect(e503.kind == .overloaded)
        #expect(e503.message.contains("overloaded (503)"))
        #expect(e503.message.contains("Retry in 5 s"))
        #expect(e503.isRetryable)
        #expect(error(502, "").kind == .serverError)
        #expect(error(404, "").kind == .httpStatus(404))
        #expect(error(404, "").message.contains("base URL"))
        #expect(!error(404, "").isRetryable)
    }

    @Test func htmlBodyFromProxy() {
        let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
        let e = error(502, html)
        #expect(e.serverMessage == "502 Bad Gateway")
        #expect(!e.message.contains("<"))
        let untitled = error(403, "<p>Access <b>denied</b></p>")
        #expect(untitled.serverMessage == "Access denied")
    }

    @Test func emptyBody() {
        let e = error(500, "")
        #expect(e.serverMessage == nil)
        #expect(!e.message.isEmpty)
        #expect(error(400, "").message == "The server rejected the request (400 Bad Request)")
    }

    @Test func statusKinds() {
        #expect([400, 401, 402, 422, 429, 500, 503, 504, 418].map(APIError.kind(forStatus:)) == [
            .badRequest, .authentication, .insufficientBalance, .invalidParameters, .rateLimited,
            .serverError, .overloaded, .serverError, .httpStatus(418),
        ])
    }

    @Test func retryability() {
        #expect(APIError.network(detail: "Connection refused", url: "https://api.deepseek.com").isRetryable)
        #expect(APIError.timeout(.connect(seconds: 10), url: nil).isRetryable)
        #expect(!APIError.cancelled().isRetryable)
        #expect(!APIError.malformed("x").isRetryable)
        #expect(APIError.truncated(receivedAnything: true).isRetryable)
    }

    @Test func networkAndTimeoutMessagesNameTheHost() {
        let network = APIError.network(detail: "Could not resolve host: api.deepseek.com\n", url: "https://api.deepseek.com/v1/chat/completions")
        #expect(network.kind == .network)
        #expect(network.message.hasPrefix("Could not reach api.deepseek.com: Could not resolve host"))
        let idle = APIError.timeout(.idle(seconds: 300), url: "http://127.0.0.1:8080")
        #expect(idle.kind == .timeout)
        #expect(idle.message.contains("127.0.0.1"))
        #expect(idle.message.contains("5 min"))
        #expect(APIError.timeout(.connect(seconds: 1.5), url: "api.example.org").message.contains("api.example.org did not accept a connection within 1.5 s"))
    }

    @Test func keyMasking() {
        #expect(KeySource.mask(Self.fullKey) == "sk-…cdef")
        #expect(KeySource.mask("  sk-abcdefgh1234\n") == "sk-…1234")
        #expect(KeySource.mask("mk_live_0123456789") == "…6789")
        #expect(KeySource.mask("sk-1234") == "…")
        #expect(KeySource.mask("") == "…")
        #expect(KeySource.mask("abcdefgh") == "…efgh")
        #expect(Self.source.maskedKey == "sk-…cdef")
        #expect(KeySource.redactKeys(in: "key \(Self.fullKey), ok") == "key sk-…cdef, ok")
        #expect(KeySource.redactKeys(in: "task-list sk-short") == "task-list sk-short")
    }

    @Test func httpDateFormatsAgree() {
        let imf = HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(imf == Date(timeIntervalSince1970: 784_111_777))
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", now: Self.now) == imf)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == imf)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("") == nil)
    }

    @Test func streamErrorWording() {
        let e = APIError.fromStreamError(APIErrorBody(message: "boom\u{07}"), midReply: true)
        #expect(e.kind == .serverError)
        #expect(e.message == "The server stopped the reply with an error (boom). The text received before it is kept.")
    }
}
