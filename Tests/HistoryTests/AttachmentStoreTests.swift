import ChatCore
import Foundation
import TestSupport
import Testing
@testable import History

/// Attached documents in the history: kept in order per conversation, each text once by
/// its hash, copied by a fork and gone with the last conversation that attached it.
@Suite("ChatHistory: attachments")
struct AttachmentStoreTests {
    typealias Backend = ConformanceTests.Backend
    let docs = [ChatCore.Attachment(name: "b.md", text: "Second\n", path: "/tmp/b.md"),
                ChatCore.Attachment(name: "a.md", text: "\u{FEFF}First")]

    @Test(arguments: Backend.allCases)
    func attachmentsKeepTheirOrderAndTextByHash(_ backend: Backend) throws {
        let (history, _, folder) = try ConformanceTests.make(backend)
        _ = folder
        let one = try history.createConversation(ConformanceTests.settings("one"))
        #expect(try history.attachments(of: one.id).isEmpty)
        try history.setAttachments(docs, of: one.id)
        #expect(try history.attachments(of: one.id) == docs)
        #expect(try history.attachmentText(hash: docs[1].hash) == "\u{FEFF}First")
        try history.setAttachments([docs[1]], of: one.id)
        #expect(try history.attachments(of: one.id) == [docs[1]])
        #expect(try history.attachmentText(hash: docs[0].hash) == nil, "a text no conversation attaches is dropped")
    }

    @Test(arguments: Backend.allCases)
    func aForkKeepsTheAttachmentsAndDeletingTheLastOwnerDropsTheText(_ backend: Backend) throws {
        let (history, _, folder) = try ConformanceTests.make(backend)
        _ = folder
        let one = try history.createConversation(ConformanceTests.settings("one"))
        try history.setAttachments(docs, of: one.id)
        try history.appendMessage(to: one.id, content: "Question?")
        let fork = try history.forkConversation(one.id, atOrdinal: 2, title: nil)
        #expect(try history.attachments(of: fork.id) == docs)
        try history.deleteConversation(one.id)
        #expect(try history.attachmentText(hash: docs[0].hash) == "Second\n", "the fork still attaches it")
        let markdown = try history.export(fork.id, format: .markdown)
        #expect(markdown.contains("- Attached: b.md (\(docs[0].hash)), a.md (\(docs[1].hash))"))
        let json = try history.export(fork.id, format: .json)
        #expect(json.contains("\"hash\" : \"\(docs[0].hash)\"") && !json.contains("Second"), "names and hashes, not the text")
        let full = try history.export(fork.id, format: .markdown, documents: true)
        #expect(full.contains("## Document: b.md (\(docs[0].hash))\n\n```\nSecond\n\n```"), "with --documents, the text too")
        let fullJSON = try history.export(fork.id, format: .json, documents: true)
        #expect(fullJSON.contains("\"text\" : \"Second\\n\""))
        try history.deleteConversation(fork.id)
        #expect(try history.attachmentText(hash: docs[0].hash) == nil)
    }
}
