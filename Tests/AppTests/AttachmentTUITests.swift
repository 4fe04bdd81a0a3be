import App
import ChatCore
import Emulator
import Foundation
import TerminalUI
import Testing

/// Documents in the TUI: `/attach`, `@path`, folded cards, `/detach` with its cost, the
/// changed-file question with the exact miss the emulator then reports, and `/each`.
@Suite("Attached documents in the TUI")
struct AttachmentTUITests {
    static let document: String = (1...240).map { i in
        "Section \(i): a request that shares a prefix of \(i * 7) tokens is billed at the hit price after unit \(i % 13)."
    }.joined(separator: "\n")

    static func harness(_ kind: CacheModelKind = .v4, constructDelay: Double = 1, contextLimit: Int? = nil,
                        width: Int = 120, height: Int = 40) throws -> AppHarness {
        let harness = try AppHarness(width: width, height: height,
                                     configuration: EmulatorConfiguration(cacheModel: kind, constructDelay: constructDelay,
                                                                          tokensPerSecond: 0, replyTokens: 20),
                                     contextLimit: contextLimit)
        harness.start()
        harness.send("/thinking off")
        return harness
    }

    static func write(_ text: String, to name: String, in harness: AppHarness) throws -> String {
        let path = harness.folder.url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Alt-Up, then Up until the focus is on `id`.
    static func focus(_ id: TranscriptID, in harness: AppHarness) {
        harness.press(Array("\u{1B}[1;3A".utf8))
        var steps = 0
        while harness.state.focus != id, steps < 50 {
            harness.press(.up)
            steps += 1
        }
    }

    @Test func attachShowsAFoldedCardThatOpensAndTheRequestCarriesTheDocument() throws {
        let harness = try Self.harness()
        let path = try Self.write(Self.document, to: "handbook.md", in: harness)
        harness.send("/attach \(path)")
        #expect(harness.state.conversation.attachments.map(\.name) == ["handbook.md"])
        #expect(harness.state.notice?.text.contains("Attached handbook.md (") == true)
        #expect(harness.text.contains("Document 1 · handbook.md"))
        #expect(harness.text.contains("not cached (predicted)"))
        #expect(!harness.text.contains("Section 2:"), "folded: the text is not shown")
        #expect(harness.panel?.documents?.count == 1)
        #expect(harness.panel?.documents?.cache == "cold (predicted)")

        harness.send("What is billed at the hit price?")
        let entry = try #require(harness.ledger.last)
        #expect(entry.plan?.attachments?.map(\.name) == ["handbook.md"])
        #expect(harness.text.contains("Document 1 · handbook.md"))
        #expect(harness.state.exchange?.plan.attachments.first?.text == Self.document)

        Self.focus(.attachment(0), in: harness)
        #expect(harness.state.focus == .attachment(0))
        harness.press(.enter)
        #expect(harness.state.openCards == [0])
        #expect(harness.screenModel?.transcript.messages.first { $0.name.contains("handbook.md") }?.text.contains("Section 2:") == true)
        harness.type("c")
        #expect(harness.clipboard.copies.last == Self.document)
        harness.press(.enter)
        #expect(harness.state.openCards.isEmpty)
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func theSameFileInANewConversationHitsTheCacheTheFirstFilled(_ kind: CacheModelKind) throws {
        let harness = try Self.harness(kind)
        let path = try Self.write(Self.document, to: "handbook.md", in: harness)
        harness.send("/attach \(path)")
        harness.send("First question about the handbook")
        harness.run { harness.clock.uptime() >= 1_100 }  // the server builds its cache
        harness.press(.ctrlN)
        #expect(harness.state.conversation.attachments.count == 1, "a new conversation keeps the pinned prefix")
        harness.send("/detach")
        harness.press(.enter)
        #expect(harness.state.conversation.attachments.isEmpty)
        harness.send("/attach \(path)")
        #expect(harness.text.contains("cached (predicted)"))
        harness.send("A different question")
        let entry = try #require(harness.ledger.last)
        let plan = try #require(harness.state.exchange?.plan)
        let item = try #require(plan.index(of: .attachment(0)))
        let span = try #require(plan.prompt.span(ofMessage: item))
        let unit = kind.defaultUnit
        #expect((entry.hitTokens ?? 0) > 0)
        if kind == .v3 { #expect((entry.hitTokens ?? 0) >= span.contentEnd / unit * unit, "v3 hits the whole document") }
        #expect(entry.predictedHitTokens == entry.hitTokens, "the prediction was exact")
        #expect(harness.panel?.reusedPrefixes.first?.label.contains("doc") == true)
    }

    @Test func atPathInTheDraftAttachesWhatExistsAndLeavesOtherWordsAlone() throws {
        let harness = try Self.harness()
        let path = try Self.write(Self.document, to: "notes.md", in: harness)
        harness.send("Summarise @\(path), and greet @everyone.")
        guard case .dialog(let dialog)? = harness.state.overlay else {
            Issue.record("an @path is attached only after asking")
            return
        }
        #expect(dialog.title == "Attach this file?")
        #expect(dialog.message.contains("notes.md (") && dialog.message.contains("tokens miss"))
        #expect(harness.ledger.isEmpty)
        harness.press(.enter)  // Attach and send
        #expect(harness.state.conversation.attachments.map(\.name) == ["notes.md"])
        #expect(harness.messages.first { $0.role == .user }?.content == "Summarise @\(path), and greet @everyone.")
        #expect(harness.ledger.last?.plan?.attachments?.count == 1)
        let stored = try harness.history.attachments(of: try #require(harness.state.conversation.id))
        #expect(stored.map(\.name) == ["notes.md"], "a conversation created by the send stores its attachments")
    }

    @Test func atPathToABinaryFileRefusesToSendAndKeepsTheDraft() throws {
        let harness = try Self.harness()
        let path = harness.folder.url.appendingPathComponent("image.png").path
        try Data([0x89, 0x50, 0x4E, 0x47, 0, 1, 2]).write(to: URL(fileURLWithPath: path))
        harness.send("Describe @\(path)")
        #expect(harness.state.notice?.text.contains("image.png is not a text file") == true)
        #expect(harness.state.notice?.text.contains("your message is kept") == true)
        #expect(harness.state.editor.text == "Describe @\(path)")
        #expect(harness.ledger.isEmpty)
    }

    @Test func aDocumentTooLargeForTheContextWindowIsRefusedWithItsTokens() throws {
        let harness = try Self.harness(contextLimit: 2_000)
        let path = try Self.write(Self.document, to: "big.md", in: harness)
        harness.send("/attach \(path)")
        #expect(harness.state.conversation.attachments.isEmpty)
        let text = try #require(harness.state.notice?.text)
        #expect(text.contains("big.md (") && text.contains("not attached") && text.contains("context window of 2,000"))
    }

    @Test func tabCompletesAnAtPath() throws {
        let harness = try Self.harness()
        _ = try Self.write("x", to: "quarterly-report.md", in: harness)
        harness.type("Read @\(harness.folder.url.path)/quarterly")
        harness.press(.tab)
        #expect(harness.state.editor.text == "Read @\(harness.folder.url.path)/quarterly-report.md")
    }

    @Test func aChangedFileIsFlaggedWithTheExactMissTheServerThenReports() throws {
        let harness = try Self.harness(.v3)
        let path = try Self.write(Self.document, to: "report.md", in: harness)
        harness.send("/attach \(path)")
        harness.send("First question")
        harness.run { harness.clock.uptime() >= 1_100 }
        let changed = Self.document.replacingOccurrences(of: "Section 120:", with: "Section 120 (revised):")
        _ = try Self.write(changed, to: "report.md", in: harness)
        harness.send("Second question")
        guard case .dialog(let dialog)? = harness.state.overlay else {
            Issue.record("no question about the changed file")
            return
        }
        #expect(dialog.title == "report.md changed")
        let numbers = try #require(dialog.message.components(separatedBy: "Re-read: ").last?.split(separator: " ").first)
        let predictedMiss = try #require(Int(numbers.replacingOccurrences(of: ",", with: "")))
        harness.press(.enter)  // Re-read
        let entry = try #require(harness.ledger.last)
        #expect(entry.missTokens == predictedMiss, "the warning's miss is what the server reports")
        #expect(harness.state.conversation.attachments.first?.text == changed)
        harness.run { harness.clock.uptime() >= 1_200 }
        harness.send("Third question")
        #expect(harness.state.overlay == nil, "an unchanged file asks nothing")
    }

    @Test func keepingTheAttachedCopySendsItAndDoesNotAskAgain() throws {
        let harness = try Self.harness()
        let path = try Self.write(Self.document, to: "report.md", in: harness)
        harness.send("/attach \(path)")
        harness.send("First question")
        _ = try Self.write(Self.document + "\nAppendix", to: "report.md", in: harness)
        harness.send("Second question")
        #expect(harness.state.pending != nil)
        harness.press(.right)
        harness.press(.enter)  // Keep attached copy
        #expect(harness.state.conversation.attachments.first?.text == Self.document)
        #expect(harness.ledger.count == 2)
        harness.send("Third question")
        #expect(harness.state.overlay == nil)
        #expect(harness.ledger.count == 3)
    }

    @Test func cancellingTheChangedFileQuestionSendsNothingAndKeepsTheDraft() throws {
        let harness = try Self.harness()
        let path = try Self.write(Self.document, to: "report.md", in: harness)
        harness.send("/attach \(path)")
        harness.send("First question")
        try FileManager.default.removeItem(atPath: path)
        _ = try Self.write("other", to: "report.md", in: harness)
        harness.send("Second question")
        harness.press(.escape)
        #expect(harness.ledger.count == 1)
        #expect(harness.state.editor.text == "Second question")
    }

    @Test func detachShowsTheCacheCostFirstAndIsKept() throws {
        let harness = try Self.harness()
        let path = try Self.write(Self.document, to: "handbook.md", in: harness)
        harness.send("/attach \(path)")
        harness.send("First question")
        harness.send("Second question")
        harness.send("/detach handbook.md")
        guard case .dialog(let dialog)? = harness.state.overlay else {
            Issue.record("no question before detaching")
            return
        }
        #expect(dialog.title == "Detach handbook.md?")
        #expect(dialog.message.contains("tokens miss"))
        harness.press(.enter)
        #expect(harness.state.conversation.attachments.isEmpty)
        let id = try #require(harness.state.conversation.id)
        #expect(try harness.history.attachments(of: id).isEmpty)
        #expect(!harness.text.contains("Document 1"))
    }

    @Test func reopeningAConversationBringsItsDocumentsBack() throws {
        let harness = try Self.harness(.v3)
        let path = try Self.write(Self.document, to: "handbook.md", in: harness)
        harness.send("/attach \(path)")
        harness.send("First question")
        harness.run { harness.clock.uptime() >= 1_100 }
        harness.send("Second question")
        let id = try #require(harness.state.conversation.id)
        harness.press(.ctrlN)
        harness.send("/detach")
        harness.press(.enter)
        harness.press(.ctrlO)
        harness.press(.enter)
        #expect(harness.state.conversation.id == id)
        #expect(harness.state.conversation.attachments.map(\.name) == ["handbook.md"])
        #expect(harness.state.exchange?.marks != nil)
        #expect(harness.text.contains("Document 1 · handbook.md"))
        #expect(harness.text.contains(" cached · ") && !harness.text.contains("(predicted)"), "the card says what the last request did")
        #expect(harness.panel?.documents?.hit == true)
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func eachSendsEveryQuestionOverTheDocumentWithTheWarmupAndShowsItsOwnNumbers(_ kind: CacheModelKind) throws {
        let harness = try Self.harness(kind, constructDelay: 1)
        let path = try Self.write(Self.document, to: "handbook.md", in: harness)
        harness.send("/attach \(path)")
        let questions = ["What is a unit?", "Who pays for a miss?", "How long does the cache live?", "Why does order matter?",
                         "What is a prefix?"]
        harness.send("/each")  // the command line puts "/each" and a new line in the editor
        #expect(harness.state.editor.text == "/each\n")
        for (index, question) in questions.enumerated() {
            if index > 0 { harness.press([0x1B, 13]) }  // Alt-Enter: a new line
            harness.type(question)
        }
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.state.batch == nil)
        let entries = harness.ledger
        #expect(entries.count == 5)
        let firstPlan = try #require(harness.state.exchange?.plan)
        let item = try #require(firstPlan.index(of: .attachment(0)))
        let span = try #require(firstPlan.prompt.span(ofMessage: item))
        let whole = span.contentEnd / kind.defaultUnit * kind.defaultUnit
        let byTime = entries.sorted { $0.time < $1.time }
        #expect(byTime.first?.hitTokens == 0, "the first request fills the cache")
        for entry in byTime.dropFirst(kind == .v3 ? 1 : 2) {
            #expect((entry.hitTokens ?? 0) >= whole, "after the warm-up every question hits the whole document")
        }
        let roles = harness.messages.map(\.role)
        #expect(roles == [.user, .assistant, .user, .assistant, .user, .assistant, .user, .assistant, .user, .assistant])
        #expect(harness.messages.filter { $0.role == .user }.map(\.content) == questions)
        let id = try #require(harness.state.conversation.id)
        let stored = try harness.history.messages(in: id)
        #expect(stored.map(\.content) == harness.messages.map(\.content), "the history keeps question and answer together")
        #expect(harness.state.answerNotes.count == 5)
        #expect(harness.text.contains("prompt tokens from cache"))
        #expect(harness.state.notice?.text.hasPrefix("/each: 5 of 5 answered") == true)
        for entry in entries {
            #expect(entry.plan?.messages.count == 1, "each request carries its own question only over the prefix")
        }
    }

    /// `/each` with three questions over a document, Esc pressed while the first answer
    /// streams (slowly, so the other two are still waiting for the warm-up).
    static func eachStoppedWhileTheFirstAnswerStreams() throws -> AppHarness {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v3, constructDelay: 1, tokensPerSecond: 20,
                                                                          replyTokens: 200))
        harness.start()
        let path = try Self.write(Self.document, to: "handbook.md", in: harness)
        harness.send("/attach \(path)")
        harness.send("/each")
        harness.type("One?\nTwo?\nThree?")
        harness.session.press([13])
        harness.run { harness.state.batch?.entries.first?.turn?.deltas ?? 0 > 2 }
        harness.meanwhile(press: [27])
        harness.session.settle()
        return harness
    }

    @Test func escapeStopsEachAndWhatWasNotSentIsSaid() throws {
        let harness = try Self.eachStoppedWhileTheFirstAnswerStreams()
        #expect(harness.state.batch == nil)
        #expect(harness.state.notice?.text.contains("2 not sent (stopped)") == true)
        #expect(harness.messages.count == 2)
        #expect(harness.messages.last?.state == .interrupted(reason: "stopped"))
    }

    @Test func aPastedPrivatePathIsNotAttachedWithoutAsking() throws {
        let harness = try Self.harness()
        let ssh = harness.folder.url.appendingPathComponent(".ssh")
        try FileManager.default.createDirectory(at: ssh, withIntermediateDirectories: true)
        let key = ssh.appendingPathComponent("id_rsa").path
        try Data("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n".utf8).write(to: URL(fileURLWithPath: key))
        harness.session.press(Array("\u{1B}[200~Explain this log:\n  caused by config @\(key) mismatch\u{1B}[201~".utf8))
        harness.press(.enter)
        guard case .dialog(let dialog)? = harness.state.overlay else {
            Issue.record("no question before attaching a file a pasted text names")
            return
        }
        #expect(dialog.message.contains("a hidden file"))
        harness.press(.right)
        harness.press(.enter)  // Send without
        #expect(harness.state.conversation.attachments.isEmpty)
        #expect(harness.ledger.count == 1)
        #expect(harness.ledger.last?.plan?.attachments == nil)
    }

    @Test func aRereadOverTheContextWindowIsNotOffered() throws {
        let harness = try Self.harness(contextLimit: 8_000)
        let path = try Self.write("A short note about caching.\n", to: "grow.txt", in: harness)
        harness.send("/attach \(path)")
        harness.send("First question")
        _ = try Self.write(Self.document + Self.document, to: "grow.txt", in: harness)
        harness.send("Second question")
        guard case .dialog(let dialog)? = harness.state.overlay else {
            Issue.record("no question about the changed file")
            return
        }
        #expect(dialog.buttons == ["Keep attached copy", "Cancel"])
        #expect(dialog.message.contains("it cannot be re-read"))
        harness.press(.enter)
        #expect(harness.ledger.count == 2)
        #expect(harness.state.conversation.attachments.first?.text == "A short note about caching.\n")
        #expect(harness.text.contains("the file on disk has changed: this attached copy is sent"))
    }

    @Test func stoppedEachPutsTheUnsentQuestionsBackAndQuitKeepsThem() throws {
        let harness = try Self.eachStoppedWhileTheFirstAnswerStreams()
        #expect(harness.state.editor.text == "/each\nTwo?\nThree?", "the questions not sent are back in the editor")

        harness.session.press([13])  // sends the two again
        harness.run { harness.state.batch?.entries.first?.turn?.deltas ?? 0 > 2 }
        harness.meanwhile(press: [17])  // Ctrl-Q: asks first
        #expect(harness.state.pending == .quit)
        harness.meanwhile(press: [13])
        harness.session.settle()
        #expect(harness.state.isFinished)
        #expect(harness.state.remembered.drafts.values.contains("/each\nThree?"), "the unsent question is kept as the draft")
    }

    @Test func loaderFollowsRelativeLinksFromTheirFolderAndNamesProblems() throws {
        let harness = try Self.harness()
        let folder = harness.folder.url.appendingPathComponent("fx")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("fx version".utf8).write(to: folder.appendingPathComponent("x2.md"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.md").path, withDestinationPath: "x2.md")
        let loader = AttachmentLoader(readStandardInput: { Data() })
        let linked = try loader.loadFile(folder.appendingPathComponent("link.md").path, name: "link.md")
        #expect(linked.text == "fx version")

        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: AttachmentError.unreadable(name: "pipe", reason: "not a regular file (a pipe, device or socket)")) {
            try loader.loadFile(fifo, name: "pipe")
        }
        try FileManager.default.removeItem(atPath: fifo)
        var bounded = AttachmentLoader(readStandardInput: { Data() })
        bounded.byteLimit = 10
        bounded.byteLimitReason = "more than a 100-token context window can hold"
        #expect(throws: AttachmentError.unreadable(name: "doc", reason: "11 bytes, more than a 100-token context window can hold")) {
            try bounded.loadFile(Self.write("eleven byte", to: "doc", in: harness), name: "doc")
        }
        #expect(AttachmentLoader.displayName("\u{1B}]52;c;x\u{07}a\u{202E}b.txt") == "\\u{1B}]52;c;x\\u{7}a\\u{202E}b.txt")
    }

    @Test func oneBadFileDoesNotStopAFolder() throws {
        let harness = try Self.harness()
        let folder = harness.folder.url.appendingPathComponent("mixed")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("fine".utf8).write(to: folder.appendingPathComponent("ok.txt"))
        try Data([0x89, 0x50, 0, 1]).write(to: folder.appendingPathComponent("pic.png"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop").path, withDestinationPath: "loop")
        harness.send("/attach \(folder.path)")
        #expect(harness.state.conversation.attachments.map(\.name) == ["mixed/ok.txt"])
        #expect(harness.state.log.contains { $0.text.contains("Skipped") && $0.text.contains("pic.png") })
    }

    @Test func deletingTheSlashOfTheCommandLineLeavesADraft() throws {
        let harness = try Self.harness()
        harness.type("/attach foo")
        harness.press([21])  // Ctrl-U
        harness.type("What does main do?")
        #expect(harness.state.overlay == nil)
        #expect(harness.state.editor.text == "What does main do?")
    }

    @Test func detachAsksWhichWhenTwoShareAName() throws {
        let harness = try Self.harness()
        let one = harness.folder.url.appendingPathComponent("a")
        let two = harness.folder.url.appendingPathComponent("b")
        for folder in [one, two] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("text of \(folder.lastPathComponent)".utf8).write(to: folder.appendingPathComponent("report.md"))
        }
        harness.send("/attach \(one.path)/report.md \(two.path)/report.md")
        #expect(harness.state.conversation.attachments.count == 2)
        harness.send("/detach report.md")
        #expect(harness.state.overlay == nil)
        #expect(harness.state.notice?.text.contains("/detach 1 or 2") == true)
        harness.send("/detach \(two.path)/report.md")
        #expect(harness.state.pending == .detach(1))
    }
}

extension AttachmentTUITests {
    /// `/attach a b c` with two that cannot be attached names both (and attaches nothing).
    @Test func everyFileThatCannotBeAttachedIsNamed() throws {
        let harness = try Self.harness()
        let folder = harness.folder.url.appendingPathComponent("several")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let good = try Self.write("fine text", to: "several/good.md", in: harness)
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let missing = folder.appendingPathComponent("missing.md").path
        var loader = AttachmentLoader(readStandardInput: { Data() })
        #expect(throws: AttachmentError.several([
            .unreadable(name: fifo, reason: "not a regular file (a pipe, device or socket)"),
            .unreadable(name: missing, reason: "no such file or folder"),
        ])) {
            try loader.load([fifo, good, missing])
        }
        #expect(throws: AttachmentError.unreadable(name: missing, reason: "no such file or folder")) {
            try loader.load([good, missing])
        }
        #expect(try loader.load([good]).map(\.name) == ["good.md"])
        harness.send("/attach \(fifo) \(good) \(missing)")
        #expect(harness.state.conversation.attachments.isEmpty)
        #expect(harness.state.notice?.text.contains("2 of the files cannot be attached") == true, "\(harness.state.notice?.text ?? "")")
    }
}
