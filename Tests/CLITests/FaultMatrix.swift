import Foundation

/// The fault matrix: every failure a person can meet, what `cachechat ask` and the TUI show
/// for it, and what the history database holds afterwards. `FaultMatrixTests` (ask) and
/// `TUIFaultMatrixTests` (the TUI in tmux) assert exactly this table, and
/// `FaultMatrixTests.docsMirrorTheTable` checks that docs/FAULTS.md shows the same table.
///
/// Every case runs against `cachechat serve --reply-tokens 24` (a 24-token reply), asks
/// `FaultMatrix.question`, and compares what arrived with the reply the same server gives
/// without a fault.
struct FaultCase: Sendable, CustomStringConvertible {
    enum Reply: String, Sendable {
        /// No reply text at all.
        case none = "none"
        /// A non-empty strict prefix of the full reply, kept.
        case partial = "partial, kept"
        /// The whole reply, byte for byte.
        case full = "full"
    }

    var name: String
    /// The `--fault` plan; nil: nothing listens on the port (connection refused).
    var plan: String?
    /// `ask`: exit status and the start of its last stderr line.
    var exitCode: Int32
    var askMessage: String
    /// How many times the request is retried, and the retry notice (ask's stderr, the TUI's status bar).
    var retries: Int
    var retryNotice: String?
    /// The TUI's status bar while it waits to retry: it counts the seconds down.
    var tuiRetryNotice: String? {
        guard let retryNotice else { return nil }
        if retryNotice.hasPrefix("HTTP") { return "⟳ " + String(retryNotice.prefix(8)) + ": retrying in" }
        return "Connection refused: retrying in"
    }
    /// The TUI's status bar once the turn has ended.
    var status: String
    /// The line under the reply in the TUI's transcript (how the turn ended); nil: none.
    var note: String?
    var reply: Reply
    /// The stored reply: `state` (`state_detail` when it is short and fixed).
    var messageState: String
    /// The request ledger's one row for the turn: outcome and detail.
    var ledger: String

    var description: String { name }

    /// `ask` keeps the turn in the history unless it failed before any of the reply arrived:
    /// then it leaves only the ledger row (docs/DECISIONS.md 45). The TUI always keeps it.
    var askKeepsTurn: Bool { exitCode == 0 || reply != .none }
}

enum FaultMatrix {
    static let question = "Café résumé naïve?"
    /// `cachechat serve` options for every case.
    static let serverArguments = ["--reply-tokens", "24"]

    static let cases: [FaultCase] = [
        FaultCase(name: "400 bad request", plan: "status=400", exitCode: 9,
                  askMessage: "The server rejected the request (400 Bad Request)", retries: 0, retryNotice: nil,
                  status: "⚠ Failed: The server rejected the request (400 Bad Request)", note: "✗ failed: The server rejected the request (400 Bad Request)",
                  reply: .none, messageState: "failed", ledger: "error http-400"),
        FaultCase(name: "401 bad key", plan: "status=401", exitCode: 3,
                  askMessage: "The server rejected the API key sk-…abcd from DEEPSEEK_API_KEY", retries: 0, retryNotice: nil,
                  status: "⚠ Failed: The server rejected the API key sk-…abcd", note: "✗ failed: The server rejected the API key sk-…abcd",
                  reply: .none, messageState: "failed", ledger: "error http-401"),
        FaultCase(name: "402 no balance", plan: "status=402", exitCode: 4,
                  askMessage: "Your DeepSeek balance is exhausted (402", retries: 0, retryNotice: nil,
                  status: "⚠ Failed: Your DeepSeek balance is exhausted (402", note: "✗ failed: Your DeepSeek balance is exhausted (402",
                  reply: .none, messageState: "failed", ledger: "error http-402"),
        FaultCase(name: "422 bad parameters", plan: "status=422", exitCode: 9,
                  askMessage: "The server rejected the request parameters (422)", retries: 0, retryNotice: nil,
                  status: "⚠ Failed: The server rejected the request parameters (422)", note: "✗ failed: The server rejected the request parameters (422)",
                  reply: .none, messageState: "failed", ledger: "error http-422"),
        FaultCase(name: "429 once, Retry-After 1", plan: "status=429,retry-after=1,times=1", exitCode: 0,
                  askMessage: "prompt tokens", retries: 1, retryNotice: "HTTP 429; retrying in 1 s",
                  status: "prompt tokens from cache", note: nil,
                  reply: .full, messageState: "complete", ledger: "ok"),
        FaultCase(name: "429 always, Retry-After 1", plan: "status=429,retry-after=1", exitCode: 5,
                  askMessage: "The server is rate-limiting this account (429", retries: 3, retryNotice: "HTTP 429; retrying in 1 s",
                  status: "⚠ Failed: The server is rate-limiting this account (429", note: "✗ failed: The server is rate-limiting this account (429",
                  reply: .none, messageState: "failed", ledger: "error http-429"),
        FaultCase(name: "500 server error", plan: "status=500", exitCode: 6,
                  askMessage: "The server had an internal error (500: Server Error", retries: 0, retryNotice: nil,
                  status: "⚠ Failed: The server had an internal error (500: Server Error", note: "✗ failed: The server had an internal error (500: Server Error",
                  reply: .none, messageState: "failed", ledger: "error http-500"),
        FaultCase(name: "503 overloaded", plan: "status=503", exitCode: 6,
                  askMessage: "The server is overloaded (503)", retries: 3, retryNotice: "HTTP 503; retrying in 0.5 s",
                  status: "⚠ Failed: The server is overloaded (503)", note: "✗ failed: The server is overloaded (503)",
                  reply: .none, messageState: "failed", ledger: "error http-503"),
        FaultCase(name: "stall 2.5 s with keep-alives", plan: "stall=2.5", exitCode: 0,
                  askMessage: "prompt tokens", retries: 0, retryNotice: nil,
                  status: "prompt tokens from cache", note: nil,
                  reply: .full, messageState: "complete", ledger: "ok"),
        FaultCase(name: "disconnect mid-stream", plan: "disconnect=8", exitCode: 8,
                  askMessage: "The reply was cut off", retries: 0, retryNotice: nil,
                  status: "! The connection dropped", note: "■ connection lost",
                  reply: .partial, messageState: "interrupted connection lost", ledger: "interrupted connection lost"),
        FaultCase(name: "malformed chunk", plan: "malformed=3", exitCode: 10,
                  askMessage: "Chunk 4 of the streamed reply is not valid JSON", retries: 0, retryNotice: nil,
                  status: "⚠ Failed: Chunk 4 of the streamed reply is not valid JSON", note: "✗ failed: Chunk 4 of the streamed reply is not valid JSON",
                  reply: .partial, messageState: "failed", ledger: "error malformed"),
        FaultCase(name: "UTF-8 character split", plan: "split-utf8", exitCode: 0,
                  askMessage: "prompt tokens", retries: 0, retryNotice: nil,
                  status: "prompt tokens from cache", note: nil,
                  reply: .full, messageState: "complete", ledger: "ok"),
        FaultCase(name: "EOF before [DONE]", plan: "eof=8", exitCode: 8,
                  askMessage: "The reply was cut off", retries: 0, retryNotice: nil,
                  status: "! The connection dropped", note: "■ connection lost",
                  reply: .partial, messageState: "interrupted connection lost", ledger: "interrupted connection lost"),
        FaultCase(name: "slow drip", plan: "drip=0.0001", exitCode: 0,
                  askMessage: "prompt tokens", retries: 0, retryNotice: nil,
                  status: "prompt tokens from cache", note: nil,
                  reply: .full, messageState: "complete", ledger: "ok"),
        FaultCase(name: "connection refused", plan: nil, exitCode: 7,
                  askMessage: "Could not reach 127.0.0.1", retries: 3, retryNotice: "Connection refused; retrying in 0.5 s",
                  status: "⚠ Failed: Could not reach 127.0.0.1", note: "✗ failed: Could not reach 127.0.0.1",
                  reply: .none, messageState: "failed", ledger: "error network"),
    ]

    /// The table in docs/FAULTS.md, generated from `cases`.
    static var markdown: String {
        var lines = [
            "| case | plan | `ask` prints (stderr) | exit | retries | TUI status bar | TUI transcript | reply kept | stored reply | ledger row |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for item in cases {
            let plan = item.plan.map { "`\($0)`" } ?? "(no server)"
            let retries = item.retries == 0 ? "none"
                : "\(item.retries): `\(item.retryNotice ?? "")…` (TUI, counting down: `\(item.tuiRetryNotice ?? "") N s (attempt 2)`)"
            let transcript = item.note.map { "`\($0)…`" } ?? "reply"
            let cells = [item.name, plan, "`\(item.askMessage)…`", "\(item.exitCode)", retries, "`\(item.status)…`",
                         transcript, item.reply.rawValue, "`\(item.messageState)`", "`\(item.ledger)`"]
            lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
