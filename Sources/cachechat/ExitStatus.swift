import ChatWire

/// The process exit codes, documented in README.md ("Exit codes"). Scripts depend on them:
/// never renumber, only add.
struct ExitStatus: Error, Equatable {
    let code: Int32

    static let success = ExitStatus(code: 0)
    static let internalError = ExitStatus(code: 1)
    /// Bad flags, no prompt, an unreadable or invalid config file, no endpoint.
    static let usage = ExitStatus(code: 2)
    static let authentication = ExitStatus(code: 3)
    static let balance = ExitStatus(code: 4)
    static let rateLimited = ExitStatus(code: 5)
    static let serverError = ExitStatus(code: 6)
    static let network = ExitStatus(code: 7)
    static let truncated = ExitStatus(code: 8)
    static let rejected = ExitStatus(code: 9)
    static let malformed = ExitStatus(code: 10)
    /// Standard output could not be written (full disk, closed pipe); the reply is stored.
    static let output = ExitStatus(code: 11)
    /// `--json-object`: the reply was empty or only whitespace (the model produced no JSON).
    static let emptyJSON = ExitStatus(code: 12)
    /// `--max-cost`: the request could cost more than allowed; nothing was sent.
    static let overBudget = ExitStatus(code: 13)
    /// The reply could not be stored in the history (a full disk), even after retries; it
    /// was printed.
    static let notSaved = ExitStatus(code: 14)
    static let interrupted = ExitStatus(code: 130)

    init(code: Int32) { self.code = code }

    init(_ error: APIError) {
        switch error.kind {
        case .authentication: self = .authentication
        case .insufficientBalance: self = .balance
        case .rateLimited: self = .rateLimited
        case .serverError, .overloaded: self = .serverError
        case .httpStatus(let status): self = status >= 500 ? .serverError : .rejected
        case .network, .timeout: self = .network
        case .truncated: self = .truncated
        case .badRequest, .invalidParameters: self = .rejected
        case .malformedResponse: self = .malformed
        case .cancelled: self = .interrupted
        }
    }
}
