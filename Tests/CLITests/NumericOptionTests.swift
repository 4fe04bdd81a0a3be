import Foundation
import TestSupport
import Testing

/// Every numeric option and argument refuses a bad value with its name, the value and
/// the allowed range, as a usage error (exit 2), negative values included: argument-parser
/// would otherwise read `-5` as an option and report a missing value.
@Suite("Numeric options")
struct NumericOptionTests {
    struct BadValue: Sendable, CustomStringConvertible {
        var arguments: [String]
        /// What stderr must say: the option, the value and the range.
        var phrases: [String]
        var description: String { arguments.joined(separator: " ") }
    }

    static let wholeFromOne = "allowed: a whole number, 1 or more"

    static let cases: [BadValue] = [
        BadValue(arguments: ["ask", "--max-tokens", "-5", "hi"], phrases: ["'-5'", "--max-tokens", wholeFromOne]),
        BadValue(arguments: ["ask", "--max-tokens=-5", "hi"], phrases: ["'-5'", "--max-tokens", wholeFromOne]),
        BadValue(arguments: ["ask", "--max-tokens", "0", "hi"], phrases: ["'0'", "--max-tokens", wholeFromOne]),
        BadValue(arguments: ["ask", "--max-tokens", "many", "hi"], phrases: ["'many'", "--max-tokens", wholeFromOne]),
        BadValue(arguments: ["ask", "--temperature", "2.5", "hi"], phrases: ["'2.5'", "--temperature", "allowed: a number from 0 to 2"]),
        BadValue(arguments: ["ask", "--temperature", "-0.1", "hi"], phrases: ["'-0.1'", "--temperature", "allowed: a number from 0 to 2"]),
        BadValue(arguments: ["ask", "--conversation", "-1", "hi"], phrases: ["'-1'", "--conversation", wholeFromOne]),
        BadValue(arguments: ["stats", "--conversation", "0"], phrases: ["'0'", "--conversation", wholeFromOne]),
        BadValue(arguments: ["history", "list", "--limit", "-5"], phrases: ["'-5'", "--limit", wholeFromOne]),
        BadValue(arguments: ["history", "show", "0"], phrases: ["'0'", "<id>", wholeFromOne]),
        BadValue(arguments: ["history", "export", "-2"], phrases: ["`-2` was read as an option", "never negative"]),
        BadValue(arguments: ["serve", "--port", "70000"], phrases: ["'70000'", "--port", "allowed: a whole number from 0 to 65535"]),
        BadValue(arguments: ["serve", "--port", "-1"], phrases: ["'-1'", "--port", "allowed: a whole number from 0 to 65535"]),
        BadValue(arguments: ["serve", "--speed", "-1"], phrases: ["'-1'", "--speed", "allowed: a number, 0 or more"]),
        BadValue(arguments: ["serve", "--unit", "0"], phrases: ["'0'", "--unit", wholeFromOne]),
        BadValue(arguments: ["serve", "--reply-tokens", "-3"], phrases: ["'-3'", "--reply-tokens", "allowed: a whole number, 0 or more"]),
        BadValue(arguments: ["serve", "--max-concurrent", "0"], phrases: ["'0'", "--max-concurrent", wholeFromOne]),
        BadValue(arguments: ["serve", "--ttl", "-5s"], phrases: ["--ttl", "`-5s`", "a duration of 0 or more"]),
        BadValue(arguments: ["serve", "--construct-delay", "-1"], phrases: ["--construct-delay", "`-1`", "a duration of 0 or more"]),
    ]

    @Test(arguments: cases)
    func aBadValueIsAUsageErrorNamingTheRange(_ item: BadValue) throws {
        let home = try CachechatProcess.temporaryHome()
        let result = try CachechatProcess.run(item.arguments, environment: CachechatProcess.environment(home: home), timeout: 30)
        #expect(result.status == 2, "\(item): stderr \(result.stderr)")
        for phrase in item.phrases {
            #expect(result.stderr.contains(phrase), "\(item): no “\(phrase)” in stderr \(result.stderr)")
        }
        #expect(!result.stderr.contains("Missing value"), "\(item): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(item): \(result.stdout)")
    }

    @Test func valuesInRangeAreSent() throws {
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(["ok"])) }
        let home = try CachechatProcess.temporaryHome()
        let env = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": AskCommandTests.key])
        let result = try CachechatProcess.run(["ask", "--max-tokens=1", "--temperature", "2", "hi"], environment: env)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let request = try #require(server.requests.first)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["max_tokens"] as? Int == 1)
        #expect(body["temperature"] as? Double == 2)
    }

    @Test func aPromptThatStartsWithADashIsExplained() throws {
        let home = try CachechatProcess.temporaryHome()
        let result = try CachechatProcess.run(["ask", "-5 degrees outside"],
                                              environment: CachechatProcess.environment(home: home))
        #expect(result.status == 2)
        #expect(result.stderr.contains("goes after `--`"), "\(result.stderr)")
    }
}
