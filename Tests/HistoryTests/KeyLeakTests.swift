import ChatCore
import Foundation
import Testing
@testable import History

@Suite("The API key never reaches the database")
struct KeyLeakTests {
    static let key = "sk-live-7f3a9c2e5b8d4f1a6c0e"

    /// What the app does: it has an endpoint with a key, and gives the store only the
    /// display name and the host of the base URL.
    struct SessionEndpoint {
        var baseURL = "https://api.deepseek.com/v1"
        var apiKey = KeyLeakTests.key
        var displayName = "DeepSeek (key …4f1a6c0e masked)"
        var host: String { URL(string: baseURL)!.host! }
    }

    @Test func noByteOfTheKeyIsInTheFiles() throws {
        let fixture = try StoreFixture()
        let endpoint = SessionEndpoint()
        let conversation = try fixture.store.createConversation(ConversationSettings(
            title: "Session", model: "deepseek-v4-flash", endpointName: endpoint.displayName))
        for round in 0..<20 {
            try fixture.store.appendMessage(to: conversation.id, content: "question \(round)")
            let reply = try fixture.store.beginReply(in: conversation.id, model: "deepseek-v4-flash")
            try fixture.store.appendReplyText(reply, content: "partial \(round)")
            var entry = LedgerEntry.fixture(hit: 64, miss: 10, completion: 5, cost: 0.1, withoutCache: 0.2)
            entry.endpointHost = endpoint.host
            entry.endpointName = endpoint.displayName
            try fixture.store.completeReply(reply, content: "answer \(round)", reasoning: nil, ledger: entry)
        }
        _ = try fixture.store.export(conversation.id, format: .json)
        try assertKeyAbsent(fixture)
        #expect(try fixture.store.ledgerEntries().allSatisfy { $0.endpointHost == "api.deepseek.com" })
    }

    @Test func aKeySlippedIntoAnEndpointNameIsRedacted() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.store.createConversation(ConversationSettings(
            title: "Oops", model: "m", endpointName: "DeepSeek \(Self.key)"))
        #expect(conversation.endpointName == "DeepSeek [redacted key]")
        let entry = LedgerEntry(time: Date(), endpointHost: "api.deepseek.com",
                                endpointName: "Authorization: Bearer \(Self.key.dropFirst(3))", model: "m")
        #expect(try fixture.store.recordRequest(entry).endpointName == "Authorization: [redacted key]")
        try assertKeyAbsent(fixture)
        #expect(SecretRedaction.redact("task-manager-server-01") == "task-manager-server-01")
        #expect(SecretRedaction.redact("DeepSeek (key …4f1a6c0e)") == "DeepSeek (key …4f1a6c0e)")
    }

    func assertKeyAbsent(_ fixture: StoreFixture) throws {
        let base = fixture.folder.databasePath
        let needles = [Self.key, String(Self.key.dropFirst(3))].map { Data($0.utf8) }
        var scanned = 0
        for path in [base, base + "-wal", base + "-shm"] where FileManager.default.fileExists(atPath: path) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            scanned += bytes.count
            for needle in needles { #expect(bytes.range(of: needle) == nil, "key bytes found in \(path)") }
        }
        #expect(scanned > 0)
    }
}
