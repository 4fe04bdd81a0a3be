import App
import ChatCore
import Foundation
import Testing

/// `/attach PATTERN` (DECISIONS 91): what a pattern that names no file as written attaches,
/// how the matches are named, what is literal, and the limits that keep it off the disk.
@Suite("Attachment patterns")
struct AttachmentPatternTests {
    @Test func aPatternAttachesWhatItMatchesInByteOrder() throws {
        let harness = try AttachmentTUITests.harness()
        let folder = harness.folder.url.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for name in ["b.md", "a.md", "B.md", ".hidden.md", "c.txt", "sub/d.md"] {
            try Data("text of \(name)".utf8).write(to: folder.appendingPathComponent(name))
        }
        try Data([0x89, 0x50, 0, 1]).write(to: folder.appendingPathComponent("pic.md"))
        harness.send("/attach \(folder.path)/*.md")
        #expect(harness.state.conversation.attachments.map(\.name) == ["B.md", "a.md", "b.md"])
        #expect(harness.state.log.contains { $0.text.contains("Skipped") && $0.text.contains("pic.md") })

        // A folder among the matches attaches its text files, as when named.
        harness.send("/attach \(folder.path)/s?b")
        #expect(harness.state.conversation.attachments.map(\.name).last == "sub/d.md")
    }

    @Test func aPatternThatMatchesNothingSaysSoAndAFileNamedLikeOneIsItself() throws {
        let harness = try AttachmentTUITests.harness()
        harness.send("/attach \(harness.folder.url.path)/*.nothing")
        #expect(harness.state.conversation.attachments.isEmpty)
        #expect(harness.state.notice?.text.contains("no file or folder matches it") == true)

        let literal = try AttachmentTUITests.write("a star in the name", to: "a*b.txt", in: harness)
        _ = try AttachmentTUITests.write("not this one", to: "axb.txt", in: harness)
        harness.send("/attach \(literal.replacingOccurrences(of: "*", with: "\\*"))")
        #expect(harness.state.conversation.attachments.map(\.text) == ["a star in the name"])
    }

    @Test func patternsNeverReachDotOrDotDotAndNameMatchesBelowTheirFixedPart() throws {
        let harness = try AttachmentTUITests.harness()
        let root = harness.folder.url.appendingPathComponent("tree")
        for folder in ["x", "y", "x/.git"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data("outside".utf8).write(to: harness.folder.url.appendingPathComponent("outside.md"))
        try Data("secret".utf8).write(to: root.appendingPathComponent("x/.env"))
        try Data("readme x".utf8).write(to: root.appendingPathComponent("x/README.md"))
        try Data("readme y".utf8).write(to: root.appendingPathComponent("y/README.md"))
        harness.send("/attach \(root.path)/x/.*")
        #expect(harness.state.conversation.attachments.map(\.name) == [".env"], "`.*` reached `.` or `..`")
        harness.send("/detach 1")
        harness.press(.enter)
        harness.send("/attach \(root.path)/*/README.md")
        #expect(harness.state.conversation.attachments.map(\.name) == ["x/README.md", "y/README.md"])
    }

    @Test func escapedOrQuotedPatternCharactersAreLiteralInTheCommand() throws {
        let harness = try AttachmentTUITests.harness()
        _ = try AttachmentTUITests.write("x in the middle", to: "axb.txt", in: harness)
        let folder = harness.folder.url.path
        harness.send("/attach \(folder)/a\\*b.txt")
        #expect(harness.state.conversation.attachments.isEmpty)
        #expect(harness.state.notice?.text.contains("a*b.txt cannot be read: no such file or folder") == true, "\(String(describing: harness.state.notice))")
        harness.send("/attach \"\(folder)/a*b.txt\"")
        #expect(harness.state.conversation.attachments.isEmpty)
        harness.send("/attach \(folder)/a*b.txt")
        #expect(harness.state.conversation.attachments.map(\.text) == ["x in the middle"])
    }

    @Test func aPatternThatReachesTooFarOrOnlyUnreadableFilesSaysWhy() throws {
        let harness = try AttachmentTUITests.harness()
        let folder = harness.folder.url.appendingPathComponent("many")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for index in 0..<30 { try Data([0, 1, 2]).write(to: folder.appendingPathComponent("blob\(index).bin")) }
        var loader = AttachmentLoader(readStandardInput: { Data() })
        loader.patternEntryLimit = 20
        #expect(throws: AttachmentError.unreadable(name: "\(folder.path)/*", reason: "it reaches more than 20 paths: narrow it")) {
            try loader.load(["\(folder.path)/*"])
        }
        var everything = AttachmentLoader(readStandardInput: { Data() })
        do {
            _ = try everything.load(["\(folder.path)/blob1*"])
            Issue.record("binaries were attached")
        } catch {
            #expect("\(error)".contains("nothing it matches is a readable text file (blob1.bin"), "\(error)")
        }
    }

    @Test func matchedFoldersAreNamedBelowThePatternAndShareOneBudget() throws {
        let harness = try AttachmentTUITests.harness()
        let root = harness.folder.url.appendingPathComponent("two")
        for folder in ["x/sub", "y/sub"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            try Data("in \(folder)".utf8).write(to: root.appendingPathComponent(folder + "/n.md"))
        }
        harness.send("/attach \(root.path)/*/sub")
        #expect(harness.state.conversation.attachments.map(\.name) == ["x/sub/n.md", "y/sub/n.md"])

        let big = harness.folder.url.appendingPathComponent("big")
        for folder in ["a", "b"] {
            try FileManager.default.createDirectory(at: big.appendingPathComponent(folder), withIntermediateDirectories: true)
            for index in 0..<300 { try Data("file \(index)".utf8).write(to: big.appendingPathComponent("\(folder)/f\(index).txt")) }
        }
        var loader = AttachmentLoader(readStandardInput: { Data() })
        #expect(throws: AttachmentError.unreadable(name: "\(big.path)/*", reason: "it brings more than 500 files: narrow it")) {
            try loader.load(["\(big.path)/*"])
        }
    }
}
