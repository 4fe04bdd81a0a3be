import ChatCore
import Foundation
import Testing
import Tokenizer

/// Attached documents: the byte-stable block, their place in the plan, the ledger's record
/// of them, input decoding and the cost of a changed file.
@Suite("Attachments")
struct AttachmentTests {
    let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)

    @Test func theDocumentBlockIsAFixedHeaderAndTheExactText() {
        #expect(DocumentBlock.render(ChatCore.Attachment(name: "report.md", text: "Line one\nLine two\n"))
                == "<document name=\"report.md\">\nLine one\nLine two\n\n</document>")
        #expect(DocumentBlock.render(ChatCore.Attachment(name: "a\"<b>&\n.txt", text: "x"))
                == "<document name=\"a&quot;&lt;b&gt;&amp;&#10;.txt\">\nx\n</document>")
        // The path is local: two copies of one file in different places render the same bytes.
        #expect(ChatCore.Attachment(name: "r.md", text: "t", path: "/home/a/r.md").templateMessage
                == ChatCore.Attachment(name: "r.md", text: "t", path: "/srv/b/r.md").templateMessage)
    }

    @Test func theHashCoversEveryByte() {
        #expect(ChatCore.Attachment(name: "a", text: "x\n").hash == ChatCore.Attachment(name: "b", text: "x\n").hash)
        #expect(ChatCore.Attachment(name: "a", text: "x\n").hash != ChatCore.Attachment(name: "a", text: "x\r\n").hash)
        #expect(ChatCore.Attachment(name: "a", text: "\u{FEFF}x").hash != ChatCore.Attachment(name: "a", text: "x").hash)
        #expect(ChatCore.Attachment.hash(of: "x").count == 16)
    }

    func conversation(_ attachments: [ChatCore.Attachment], fewShot: FewShotSet? = nil) -> ConversationState {
        var state = ConversationState(model: "deepseek-v4-flash", thinking: false, systemPrompt: "Answer from the documents.",
                                      fewShot: fewShot, attachments: attachments)
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        state.messages = [
            HistoryMessage(id: .stored(MessageID(1)), ordinal: 1, role: .user, content: "First?", created: now),
            HistoryMessage(id: .stored(MessageID(2)), ordinal: 2, role: .assistant, content: "An answer.", created: now),
        ]
        return state
    }

    @Test func attachmentsComeAfterThePinnedPrefixAndBeforeTheHistoryInOrder() {
        let set = FewShotSet(name: "s", system: "Be exact.", shots: [.init(user: "q", assistant: "a")])
        let docs = [ChatCore.Attachment(name: "b.md", text: "B"), ChatCore.Attachment(name: "a.md", text: "A")]
        let plan = RequestPlan(conversation(docs, fewShot: set), question: .draft("Next?"), renderer: template)
        #expect(plan.items.map(\.part) == [.system, .shot, .shot, .attachment, .attachment, .history, .history, .question])
        #expect(plan.items.map(\.id)[3...4] == [.attachment(0), .attachment(1)])
        #expect(plan.items[3].message == .user(DocumentBlock.render(docs[0])))
        #expect(plan.pinnedCount == 5, "truncation never cuts an attachment")
        #expect(plan.attachmentTokens.count == 2 && plan.attachmentTokens.allSatisfy { $0 > 0 })
        // V4 merges consecutive user turns: the documents and the first question are one turn.
        #expect(plan.prompt.text.contains("</document>\n\n<document name=\"a.md\">\nA\n</document>\n\nFirst?"))
    }

    @Test func theSameDocumentIsTheSameTokensAfterTheSamePrefix() {
        let doc = ChatCore.Attachment(name: "guide.md", text: String(repeating: "Caching bills a repeated prefix once. ", count: 40))
        var one = ConversationState(model: "deepseek-v4-flash", thinking: false, systemPrompt: "S", attachments: [doc])
        var two = one
        one.messages = []
        two.messages = []
        let a = RequestPlan(one, question: .draft("Why?"), renderer: template)
        let b = RequestPlan(two, question: .draft("Something else entirely"), renderer: template)
        let end = a.prompt.span(ofMessage: a.index(of: .attachment(0))!)!.contentEnd
        #expect(Array(a.prompt.ids.prefix(end)) == Array(b.prompt.ids.prefix(end)))
    }

    @Test func thePlanRecordKeepsNamesAndHashesAndRebuildsThePlan() throws {
        let docs = [ChatCore.Attachment(name: "r.md", text: "Report text.")]
        let state = conversation(docs)
        let plan = RequestPlan(state, question: .draft("Next?"), renderer: template)
        var sent = state
        sent.messages.append(HistoryMessage(id: .stored(MessageID(3)), ordinal: 3, role: .user, content: "Next?", created: Date()))
        let record = RequestPlan(sent, question: .lastUserMessage, renderer: template).record
        #expect(record.attachments == [ChatCore.Attachment.Reference(name: "r.md", hash: docs[0].hash)])
        let json = try #require(PlanRecord.encodedJSON(record))
        #expect(PlanRecord.decodedJSON(json) == record)

        let texts = [docs[0].hash: docs[0].text]
        let rebuilt = try #require(RequestPlan(record: record, model: "deepseek-v4-flash", conversation: nil, messages: sent.messages,
                                               fewShotVersion: { _, _ in nil }, attachmentText: { texts[$0] }, renderer: template))
        #expect(rebuilt.prompt.ids == plan.prompt.ids)
        #expect(RequestPlan(record: record, model: "deepseek-v4-flash", conversation: nil, messages: sent.messages,
                            fewShotVersion: { _, _ in nil }, renderer: template) == nil, "a document whose text is gone cannot be rebuilt")
    }

    @Test func aLedgerRowFromBeforeAttachmentsStillDecodes() throws {
        let old = #"{"complete":true,"historyStart":1,"messages":[1,2],"system":"Be brief.","thinking":false}"#
        let record = try #require(PlanRecord.decodedJSON(old))
        #expect(record.attachments == nil && record.messages == [1, 2])
        let none = PlanRecord(system: nil, fewShot: nil, messages: [1], complete: true, historyStart: 1, thinking: false, effort: nil)
        #expect(!(PlanRecord.encodedJSON(none) ?? "").contains("attachments"), "rows without attachments are written as before")
    }

    // MARK: - Input

    @Test func aLeadingUTF8ByteOrderMarkIsKept() throws {
        let text = try AttachmentText.decode(Data([0xEF, 0xBB, 0xBF]) + Data("Hello".utf8), name: "bom.txt")
        #expect(text.unicodeScalars.first == "\u{FEFF}")
        #expect(DeepSeekTokenizer.shared.encode(text).count == DeepSeekTokenizer.shared.encode("Hello").count + 1)
    }

    @Test func utf16WithAByteOrderMarkIsDecoded() throws {
        let text = "Grüße, 世界\n"
        let little = Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!
        let big = Data([0xFE, 0xFF]) + text.data(using: .utf16BigEndian)!
        #expect(try AttachmentText.decode(little, name: "le.txt") == text)
        #expect(try AttachmentText.decode(big, name: "be.txt") == text)
    }

    @Test func binaryAndInvalidUTF8AreRefusedNamingTheFile() {
        #expect(throws: AttachmentError.binary(name: "a.png", offset: 4)) {
            try AttachmentText.decode(Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01]), name: "a.png")
        }
        #expect(throws: AttachmentError.notUTF8(name: "latin1.txt", offset: 3)) {
            try AttachmentText.decode(Data([0x63, 0x61, 0x66, 0xE9, 0x0A]), name: "latin1.txt")
        }
        #expect(AttachmentError.binary(name: "a.png", offset: 4).description
                == "a.png is not a text file (a NUL byte at offset 4): only UTF-8 or UTF-16 text can be attached")
        #expect(AttachmentError.notUTF8(name: "latin1.txt", offset: 3).description.hasPrefix("latin1.txt is not UTF-8 text (invalid byte at offset 3)"))
    }

    @Test func aRequestOverTheContextWindowNamesTheFileAndItsTokens() throws {
        let doc = ChatCore.Attachment(name: "big.md", text: String(repeating: "word ", count: 500))
        let plan = RequestPlan(ConversationState(model: "deepseek-v4-flash", thinking: false, attachments: [doc]),
                               question: .draft("?"), renderer: template)
        #expect(throws: Never.self) { try plan.attachmentsFit(limit: plan.prompt.tokenCount) }
        do {
            try plan.attachmentsFit(limit: 100)
            Issue.record("expected too large")
        } catch {
            guard case .tooLarge(let name, let tokens, let request, let limit, _) = error else { Issue.record("\(error)"); return }
            #expect(name == "big.md" && tokens == plan.attachmentTokens[0] && request == plan.prompt.tokenCount && limit == 100)
            #expect(error.description.contains("big.md is \(Formatting.grouped(tokens)) tokens"))
        }
    }

    // MARK: - Changed files

    @Test func aChangedFileCostsEverythingFromItsBlockOn() throws {
        let docs = [ChatCore.Attachment(name: "a.md", text: String(repeating: "alpha ", count: 100)),
                    ChatCore.Attachment(name: "b.md", text: String(repeating: "beta ", count: 100))]
        let plan = RequestPlan(conversation(docs), question: .draft("Next?"), renderer: template)
        let price = try #require(PriceTable.builtIn.price(model: "deepseek-v4-flash", at: Date(timeIntervalSince1970: 1_790_841_600), currency: .usd))

        let unchanged = AttachmentChanges(plan: plan, currentHashes: docs.map(\.hash), price: price)
        #expect(unchanged.isEmpty && unchanged.missTokens == 0 && unchanged.warning == nil)

        let second = AttachmentChanges(plan: plan, currentHashes: [docs[0].hash, "0000000000000000"], price: price)
        let secondItem = try #require(plan.index(of: .attachment(1)))
        let start = try #require(plan.prompt.span(ofMessage: secondItem)).start
        #expect(second.changes.map(\.name) == ["b.md"])
        #expect(second.missTokens == plan.prompt.tokenCount - start)
        #expect(abs((second.extraCost ?? 0) - Double(second.missTokens) * (price.prices.cacheMiss - price.prices.cacheHit) / 1e6) < 1e-15)

        let gone = AttachmentChanges(plan: plan, currentHashes: [nil, docs[1].hash], price: nil)
        let firstItem = try #require(plan.index(of: .attachment(0)))
        let first = try #require(plan.prompt.span(ofMessage: firstItem)).start
        #expect(gone.missTokens == plan.prompt.tokenCount - first && gone.missTokens > second.missTokens)
        #expect(gone.warning == "a.md is gone since attached: re-reading misses everything after a.md — \(Formatting.grouped(gone.missTokens)) tokens")
    }
}
