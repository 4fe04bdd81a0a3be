import ChatWire
import Config
import Foundation
import Testing

/// What reaches an HTTP request or the history from the settings (hardening II, item 9).
@Suite("Connection settings that could leak or inject")
struct ConnectionSafetyTests {
    @Test func aKeyWithALineBreakIsRefusedBeforeAnyRequest() {
        for key in ["sk-abc\r\nX-Evil: 1", "sk-abc\u{0}def", "sk-abc def", "sk-abc\u{85}def"] {
            #expect(throws: SettingsError.self, "\(key.debugDescription)") {
                try ConnectionSettings.resolve(flags: .init(apiKey: key), environment: [:], config: ConfigFile())
            }
        }
        // Surrounding whitespace (a file's trailing newline) is simply removed.
        let settings = try? ConnectionSettings.resolve(flags: .init(apiKey: "  sk-fine-key-1234\n"), environment: [:], config: ConfigFile())
        #expect(settings?.apiKey == "sk-fine-key-1234")
    }

    /// Settings are trimmed of Unicode white space scalar by scalar, exactly as Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` trimmed them before.
    @Test func settingsAreTrimmedAsFoundationTrimmedThem() throws {
        let spaces: [Unicode.Scalar] = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}",
                                        "\u{2000}", "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}"]
        let others: [Unicode.Scalar] = ["a", "é", "\u{301}", "\u{200B}", "\u{FEFF}", "/", ":", "\u{1F600}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                text.append(Bool.random(using: &generator) ? spaces.randomElement()! : others.randomElement()!)
            }
            let value = String(text)
            let expected = value.trimmingCharacters(in: .whitespacesAndNewlines)
            let settings = try ConnectionSettings.resolve(flags: .init(), environment: ["CACHECHAT_MODEL": value],
                                                          config: ConfigFile(), defaultModel: "the default")
            #expect(settings.model == (expected.isEmpty ? "the default" : expected), "\(value.debugDescription)")
        }
    }

    @Test func aPasswordInTheBaseURLNeverReachesTheHost() {
        #expect(Endpoint.host(of: "https://user:s3cret@proxy.example:8443/v1") == "proxy.example:8443")
        #expect(Endpoint.host(of: "https://api.deepseek.com/v1?x=@y") == "api.deepseek.com")
        let endpoint = Endpoint(baseURL: "https://user:s3cret@proxy.example/v1", apiKey: nil, keySource: nil)
        #expect(!endpoint.displayName.contains("s3cret"))
    }
}

/// `api_key_command` cannot hang or flood cachechat (hardening II, item 8).
@Suite("api_key_command limits")
struct KeyCommandLimitTests {
    @Test func aCommandThatNeverPrintsTimesOutWithItsName() {
        #expect { try ShellCommand.firstLine("exec sleep 300", timeout: 0.3) } throws: { error in
            "\(error)".contains("printed no key within 0.3 s")
        }
    }

    @Test func aFloodIsCutAtFourKiB() {
        #expect { try ShellCommand.firstLine("yes | tr -d '\\n'", timeout: 5) } throws: { error in
            "\(error)".contains("more than 4 KiB")
        }
    }

    @Test func theFirstLineIsEnoughEvenWhenAChildKeepsStdoutOpen() throws {
        #expect(try ShellCommand.firstLine("echo sk-from-command; sleep 30 2>/dev/null &", timeout: 5) == "sk-from-command")
        #expect(try ShellCommand.firstLine("printf 'sk-crlf\\r\\nsecond'", timeout: 5) == "sk-crlf")
        #expect { try ShellCommand.firstLine("exit 3", timeout: 5) } throws: { "\($0)".contains("status 3") }
    }

    @Test func theTimeoutIsConfigurable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString).toml").path
        try "api_key_command_timeout = 2.5\n".write(toFile: folder, atomically: true, encoding: .utf8)
        #expect(try ConfigFile.load(path: folder).apiKeyCommandTimeout == 2.5)
        try "api_key_command_timeout = -1\n".write(toFile: folder, atomically: true, encoding: .utf8)
        #expect(throws: FileProblem.self) { try ConfigFile.load(path: folder) }
    }
}

/// config.toml as people write it (hardening II, item 22).
@Suite("config.toml edges")
struct ConfigEdgeTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString).toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func topLevelEndpointAndKeyAreTheDefaultProfile() throws {
        let config = try ConfigFile.load(path: try file("base_url = \"https://proxy.example/v1\"\napi_key = \"sk-top-level-key-1234\"\nmodel = \"deepseek-v4-pro\"\n"))
        #expect(config.warnings.filter { $0.contains("unknown setting") }.isEmpty)
        let settings = try ConnectionSettings.resolve(flags: .init(), environment: [:], config: config)
        #expect(settings.baseURL == "https://proxy.example/v1")
        #expect(settings.apiKey == "sk-top-level-key-1234")
        #expect(settings.model == "deepseek-v4-pro")
        // A named profile still wins.
        let named = try ConfigFile.load(path: try file("base_url = \"https://top.example\"\nprofile = \"p\"\n[profiles.p]\nbase_url = \"https://p.example\"\n"))
        #expect(try ConnectionSettings.resolve(flags: .init(), environment: [:], config: named).baseURL == "https://p.example")
    }

    @Test func aSymlinkIsJudgedByItsTargetAndALoopIsReported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cfgdir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let real = folder.appendingPathComponent("real.toml").path
        try "api_key = \"sk-top-level-key-1234\"\n".write(toFile: real, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: real)
        let link = folder.appendingPathComponent("config.toml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        #expect(try ConfigFile.load(path: link).warnings.isEmpty, "the target is 0600: no warning about the link's 777")
        let loop = folder.appendingPathComponent("loop.toml").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        #expect(throws: FileProblem.self) { try ConfigFile.load(path: loop) }
    }
}
