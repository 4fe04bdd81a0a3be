import ChatCore
import Foundation

/// `GET /user/balance` over any transport: the request, and its answer as a `Balance` or an
/// `APIError` (401 names where the key came from; the key itself never appears).
public final class BalanceCall {
    public let endpoint: Endpoint
    private let transport: HTTPTransport
    private var status = 0
    private var retryAfter: String?
    private var body: [UInt8] = []
    /// Set once the call ended.
    public private(set) var result: Result<Balance, APIError>?

    public init(endpoint: Endpoint, transport: HTTPTransport) {
        self.endpoint = endpoint
        self.transport = transport
    }

    /// Starts the request; `onFinished` runs on the polling thread when it ended.
    public func start(now: @escaping () -> Date = Date.init, onFinished: @escaping (Result<Balance, APIError>) -> Void) {
        let request = HTTPRequest(method: "GET", url: endpoint.url("/user/balance"), headers: endpoint.headers,
                                  connectTimeout: 10, idleTimeout: 30, retry: RetryPolicy(maxAttempts: 2))
        _ = transport.start(request) { [self] event in
            switch event {
            case .head(let code, let headers):
                status = code
                retryAfter = headers["retry-after"]
            case .body(let bytes):
                if body.count < 1 << 20 { body += bytes }
            case .retrying:
                break
            case .finished:
                let outcome: Result<Balance, APIError>
                if (200..<300).contains(status) {
                    if let balance = try? JSONDecoder().decode(Balance.self, from: Data(body)), !balance.balanceInfos.isEmpty {
                        outcome = .success(balance)
                    } else {
                        outcome = .failure(.malformed("The balance reply (GET /user/balance) could not be understood", excerpt: body))
                    }
                } else {
                    outcome = .failure(APIError.fromHTTP(status: status, body: body, retryAfterHeader: retryAfter,
                                                         keySource: endpoint.keySource, now: now()).redacting(endpoint.apiKey))
                }
                result = outcome
                onFinished(outcome)
            case .failed(let error):
                let outcome: Result<Balance, APIError> = .failure(
                    .network(detail: error.detail, url: endpoint.baseURL).redacting(endpoint.apiKey))
                result = outcome
                onFinished(outcome)
            }
        }
    }
}

extension Balance {
    /// The readings this answer holds, one per currency, taken at `time` from `host`.
    public func readings(at time: Date, endpointHost host: String) -> [BalanceReading] {
        balanceInfos.compactMap { info in
            // A currency is a code of letters (USD, CNY); anything else (escape sequences,
            // pages of text) is not a balance cachechat can show or compare. Amounts must be
            // finite numbers of a sane size.
            let currency = info.currency ?? "USD"
            guard let text = info.totalBalance, let total = Double(text), total.isFinite, abs(total) < 1e15,
                  (1...8).contains(currency.count), currency.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
            // The parts likewise: a "nan" or "1e999" is no amount (and once stored, state.json
            // could not be written at all).
            func amount(_ text: String?) -> Double? { text.flatMap(Double.init).flatMap { $0.isFinite && abs($0) < 1e15 ? $0 : nil } }
            return BalanceReading(time: time, endpointHost: host, currency: currency, total: total,
                                  granted: amount(info.grantedBalance), toppedUp: amount(info.toppedUpBalance),
                                  resolution: BalanceReading.resolution(of: text))
        }
    }
}
