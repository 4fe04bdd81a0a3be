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

    @Test func aPasswordInTheBaseURLNeverReachesTheHost() {
        #expect(Endpoint.host(of: "https://user:s3cret@proxy.example:8443/v1") == "proxy.example:8443")
        #expect(Endpoint.host(of: "https://api.deepseek.com/v1?x=@y") == "api.deepseek.com")
        let endpoint = Endpoint(baseURL: "https://user:s3cret@proxy.example/v1", apiKey: nil, keySource: nil)
        #expect(!endpoint.displayName.contains("s3cret"))
    }
}
