import Foundation
import Synchronization
import TestSupport
import Testing

/// `cachechat balance` and `stats --reconcile`: readings kept in the history, compared
/// with the ledger's cost of the requests in between.
@Suite("cachechat balance")
struct BalanceCommandTests {
    static let key = "sk-test-0123456789abcd"

    static func balanceBody(_ total: String, currency: String = "USD") -> String {
        "{\"is_available\":true,\"balance_infos\":[{\"currency\":\"\(currency)\",\"total_balance\":\"\(total)\",\"granted_balance\":\"1.00\",\"topped_up_balance\":\"\(total)\"}]}"
    }

    func run(_ arguments: [String], server: ScriptedHTTPServer?, home: URL) throws -> CachechatProcess.Result {
        var extra: [String: String] = [:]
        if let server {
            extra["DEEPSEEK_BASE_URL"] = server.baseURL
            extra["DEEPSEEK_API_KEY"] = Self.key
        }
        return try CachechatProcess.run(arguments, environment: CachechatProcess.environment(home: home, extra: extra))
    }

    @Test func showsGrantedAndToppedUpAndKeepsReadings() throws {
        let home = try CachechatProcess.temporaryHome()
        let server = try ScriptedHTTPServer { request, _ in
            HTTPScript.response(status: 200, body: Self.balanceBody("110.00"))
        }
        let result = try run(["balance"], server: server, home: home)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "USD  $110.00 (granted $1.00 · topped up $110.00)\n")
        #expect(server.requests.first?.path == "/user/balance")
        #expect(server.requests.first?.headers["authorization"] == "Bearer \(Self.key)")
        let json = try run(["balance", "--json"], server: server, home: home)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let infos = try #require(object["balance_infos"] as? [[String: Any]])
        #expect(infos.first?["total_balance"] as? String == "110.00")
        let readings = try run(["stats", "--reconcile"], server: nil, home: home)
        #expect(readings.stdout.split(separator: "\n").count == 2, "\(readings.stdout)")
        #expect(readings.stdout.contains("USD  $110.00"))
    }

    @Test func aRejectedKeyExitsWithTheAuthenticationCode() throws {
        let home = try CachechatProcess.temporaryHome()
        let server = try ScriptedHTTPServer { _, _ in
            HTTPScript.response(status: 401, body: DeepSeekEvents.error("Authentication Fails, Your api key: ****abcd is invalid", type: "authentication_error"))
        }
        let result = try run(["balance"], server: server, home: home)
        #expect(result.status == 3)
        #expect(!result.stderr.contains(Self.key))
    }

    @Test func aDropTheLedgerDoesNotExplainIsReported() throws {
        let home = try CachechatProcess.temporaryHome()
        let balances = Mutex(["110.00", "109.00"])
        let server = try ScriptedHTTPServer { request, _ in
            if request.path.hasSuffix("/user/balance") {
                let total = balances.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
                return HTTPScript.response(status: 200, body: Self.balanceBody(total))
            }
            return HTTPScript.stream(DeepSeekEvents.reply(["Hi."], prompt: 1_000, hit: 0, completion: 10))
        }
        #expect(try run(["balance"], server: server, home: home).status == 0)
        #expect(try run(["ask", "--model", "deepseek-v4-flash", "Hello"], server: server, home: home).status == 0)
        let second = try run(["balance"], server: server, home: home)
        #expect(second.status == 0)
        #expect(second.stderr.contains("warning: account charged $1.00, ledger says $"), "\(second.stderr)")
        #expect(second.stderr.contains("prices may be out of date"))
        let listed = try run(["stats", "--reconcile"], server: nil, home: home)
        #expect(listed.stdout.contains("charged $1.00 over 1 request(s), ledger $"), "\(listed.stdout)")
        #expect(listed.stdout.contains("⚠ account charged $1.00"))
        let json = try run(["stats", "--reconcile", "--json"], server: nil, home: home)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows[1]["mismatch"] as? Bool == true)
        #expect(rows[1]["requests"] as? Int == 1)
    }

    @Test func theBuiltInEmulatorHasABalance() throws {
        let home = try CachechatProcess.temporaryHome()
        let result = try run(["balance", "--no-save"], server: nil, home: home)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("USD  $100.000000"))
        #expect(try run(["stats", "--reconcile"], server: nil, home: home).stdout.hasPrefix("No balance readings yet"))
    }
}
