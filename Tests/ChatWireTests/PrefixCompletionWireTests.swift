import ChatWire
import Foundation
import Testing

/// Chat prefix completion on the wire: the beta base URL and the `prefix` flag.
@Suite struct PrefixCompletionWireTests {
    @Test(arguments: [("https://api.deepseek.com", "https://api.deepseek.com/beta"),
                      ("https://api.deepseek.com/v1", "https://api.deepseek.com/beta"),
                      ("http://127.0.0.1:8787/", "http://127.0.0.1:8787/beta"),
                      ("https://api.deepseek.com/beta", "https://api.deepseek.com/beta")])
    func betaBaseURL(base: String, beta: String) {
        let endpoint = Endpoint(baseURL: base, apiKey: "sk-x", keySource: nil)
        #expect(endpoint.beta.baseURL == beta)
        #expect(endpoint.beta.apiKey == "sk-x")
    }

    @Test func prefixIsSentOnlyWhenSet() throws {
        let request = ChatRequest(model: "deepseek-flash", messages: [.user("Hi"), ChatMessage(role: .assistant, content: "Hel", prefix: true)])
        let text = String(decoding: try request.encodedBody(), as: UTF8.self)
        #expect(text.contains("{\"content\":\"Hel\",\"prefix\":true,\"role\":\"assistant\"}"))
        #expect(!text.contains("{\"content\":\"Hi\",\"prefix\""))
        #expect(try ChatRequest.decode(try request.encodedBody()).messages.last?.prefix == true)
    }
}
