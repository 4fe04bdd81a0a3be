import ChatCore
import Foundation
import Testing

#if canImport(Tokenizer)
import Tokenizer
#endif

@Suite struct FewShotSetTests {
    static let set = FewShotSet(
        name: "sentiment", description: "Classify reviews", model: "deepseek-chat",
        system: "Classify the sentiment of product reviews.\nAnswer with one word.",
        shots: [.init(user: "Great battery.", assistant: "positive"), .init(user: "Broke in a day.", assistant: "negative")])

    @Test func messagesAreSystemThenAlternatingShotsThenTheQuestion() {
        let messages = Self.set.messages(question: "Meh.")
        #expect(messages.map(\.role) == [.system, .user, .assistant, .user, .assistant, .user])
        #expect(messages.map(\.content) == [Self.set.system, "Great battery.", "positive", "Broke in a day.", "negative", "Meh."])
    }

    @Test func versionIsFNV1a64OfTheCanonicalFormAndStable() {
        // Computed independently: FNV-1a 64 of the documented canonical serialisation.
        var canonical = "cachechat-fewshot-1\n"
        func field(_ key: String, _ text: String) { canonical += "\(key) \(text.utf8.count)\n\(text)\n" }
        field("system", Self.set.system)
        for shot in Self.set.shots { field("user", shot.user); field("assistant", shot.assistant) }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in canonical.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        #expect(Self.set.contentVersion == String(format: "%016llx", hash))
        #expect(Self.set.contentVersion.count == 16)
        // The empty set has FNV-1a's well-known value for its canonical string only.
        #expect(FewShotSet(name: "x", system: "", shots: []).contentVersion != FewShotSet(name: "x", system: " ", shots: []).contentVersion)
    }

    @Test func versionFollowsWhatIsSentOnly() {
        var renamed = Self.set
        renamed.name = "other"; renamed.description = "changed"; renamed.model = nil
        #expect(renamed.contentVersion == Self.set.contentVersion)
        var edited = Self.set
        edited.shots[1].assistant += " "
        #expect(edited.contentVersion != Self.set.contentVersion)
        var crlf = Self.set
        crlf.system = crlf.system.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(crlf.contentVersion != Self.set.contentVersion)
        // Moving text between fields must change the version (length prefixes).
        let a = FewShotSet(name: "a", system: "ab", shots: [.init(user: "c", assistant: "d")])
        let b = FewShotSet(name: "a", system: "a", shots: [.init(user: "bc", assistant: "d")])
        #expect(a.contentVersion != b.contentVersion)
    }
}

@Suite struct FewShotLintTests {
    func kinds(_ set: FewShotSet, tokens: Int = 500) -> [FewShotLint.Kind] {
        FewShotLint.check(set, prefixTokens: tokens).map(\.kind)
    }

    func set(system: String = "Answer briefly.", shots: [(String, String)]) -> FewShotSet {
        FewShotSet(name: "t", system: system, shots: shots.map { FewShotSet.Shot(user: $0.0, assistant: $0.1) })
    }

    @Test func cleanSetHasNoWarnings() {
        #expect(kinds(set(shots: [("What is 2+2?", "4"), ("Capital of France?", "Paris")])) == [])
    }

    @Test func cacheBusters() {
        let warnings = FewShotLint.check(set(system: "Today is 2026-04-24T10:15:00Z. Session 3f2a9c1e-7b4d-4e1a-9c3b-2d5e6f7a8b9c.",
                                             shots: [("Request req_8f7a6b5c4d3e done at 10:15:07", "ok, trace 9f86d081884c7d659a2feaa0c55ad015")]),
                                         prefixTokens: 500)
        #expect(warnings.filter { $0.kind == .timestamp }.map(\.location) == [.system, .user(shot: 0)])
        #expect(warnings.filter { $0.kind == .identifier }.map(\.location) == [.system, .user(shot: 0), .assistant(shot: 0)])
        #expect(warnings.contains { $0.message.contains("`2026-04-24T10:15:00Z`") })
        #expect(warnings.contains { $0.message.contains("3f2a9c1e-7b4d-4e1a-9c3b-2d5e6f7a8b9c") })
        // Plain numbers and words made of hex letters are not ids.
        #expect(kinds(set(shots: [("Sum 1234567890123456789 and 2", "ok"), ("decade", "ok")])) == [])
    }

    @Test func tooShortNamesBothThresholds() {
        let s = set(shots: [("a", "b")])
        let tiny = FewShotLint.check(s, prefixTokens: 40)
        #expect(tiny.map(\.kind) == [.tooShort])
        #expect(tiny[0].message.contains("64 tokens on v3-era") && tiny[0].message.contains("128 on V4-era"))
        let small = FewShotLint.check(s, prefixTokens: 100)
        #expect(small.map(\.kind) == [.tooShort])
        #expect(small[0].message.contains("cached on v3-era endpoints") && small[0].message.contains("128-token"))
        #expect(FewShotLint.check(s, prefixTokens: 128).isEmpty)
    }

    @Test func invisibleDifferences() {
        #expect(kinds(set(system: "Rules: \nbe brief", shots: [("q", "a")])) == [.trailingSpace])
        #expect(kinds(set(system: "Rules:\r\nbe brief", shots: [("q", "a")])) == [.carriageReturn])
        #expect(kinds(set(system: "List:\n\titem\n  item", shots: [("q", "a")])) == [.mixedIndentation])
        #expect(kinds(set(shots: [("zero\u{200B}width", "a")])) == [.invisibleCharacter])
        #expect(kinds(set(shots: [("q", "no\u{00A0}break")])) == [.invisibleCharacter])
        #expect(kinds(set(shots: [("evil\u{202E}txt.exe", "a")])) == [.invisibleCharacter], "a bidi override")
        #expect(kinds(set(shots: [("q", "a\u{2066}b\u{2069}")])) == [.invisibleCharacter], "bidi isolates")
        #expect(FewShotLint.check(set(shots: [("q", "a\u{FEFF}")]), prefixTokens: 500).first?.message.contains("U+FEFF") == true)
    }

    @Test func duplicateAndEmptyShots() {
        let warnings = FewShotLint.check(set(shots: [("q", "a"), ("r", ""), ("q", "a")]), prefixTokens: 500)
        #expect(warnings.map(\.kind) == [.emptyAnswer, .duplicateShot])
        #expect(warnings[0].location == .assistant(shot: 1))
        #expect(warnings[1].location == .user(shot: 2) && warnings[1].message.contains("shot 1"))
    }
}

#if canImport(Tokenizer)
/// Impact arithmetic against plain token comparison of the rendered requests.
@Suite struct FewShotImpactTests {
    static let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)
    static let base = FewShotSet(
        name: "s", system: String(repeating: "Classify product reviews carefully, weighing durability and price. ", count: 4),
        shots: (1...6).map { .init(user: "Review \($0): the device number \($0) was \($0 % 2 == 0 ? "great" : "poor") overall.",
                                   assistant: "\($0 % 2 == 0 ? "positive" : "negative"): reason \($0)") })

    func ids(_ set: FewShotSet, _ question: String) -> [Int] {
        Self.template.render(messages: set.messages(question: question), family: .v4, thinking: false).ids
    }

    @Test(arguments: [0, 3, 5])
    func editOfOneShotMatchesTokenComparison(shot: Int) {
        var edited = Self.base
        edited.shots[shot].assistant += " (edited)"
        let impact = FewShotImpact.compute(from: Self.base, to: edited, question: "Review: fine.", model: "deepseek-chat",
                                           cacheModel: .v3, template: Self.template, at: Date())
        let old = ids(Self.base, "Review: fine."), new = ids(edited, "Review: fine.")
        let common = zip(old, new).prefix { $0 == $1 }.count
        #expect(impact.changeOffset == common)
        #expect(impact.hitAfter == common / 64 * 64)
        #expect(impact.promptTokens == new.count)
        #expect(impact.missedTokens == new.count - common / 64 * 64)
        #expect(impact.extraCost != nil && impact.extraCost! >= 0)
        #expect(impact.suggestion == nil)
        #expect(impact.lines.first?.contains("changes at token") == true)
    }

    @Test func unchangedPromptKeepsTheCache() {
        var renamed = Self.base
        renamed.description = "new description"
        let impact = FewShotImpact.compute(from: Self.base, to: renamed, model: "deepseek-chat", template: Self.template,
                                           at: Date(), conversations: 3)
        #expect(impact.changeOffset == nil)
        #expect(impact.hitAfter == impact.hitBefore && impact.lostTokens == 0)
        #expect(impact.lines.contains { $0.contains("3 conversations use this set") })
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func insertingSuggestsAppending(kind: CacheModelKind) {
        var inserted = Self.base
        let shot = FewShotSet.Shot(user: "Review 7: mixed feelings.", assistant: "mixed: reason 7")
        inserted.shots.insert(shot, at: 1)
        let impact = FewShotImpact.compute(from: Self.base, to: inserted, model: "deepseek-chat", cacheModel: kind,
                                           template: Self.template, at: Date())
        guard case .appendInsteadOfInsert(let shots, let hit)? = impact.suggestion else {
            Issue.record("no suggestion: \(impact)")
            return
        }
        #expect(shots == [1])
        #expect(hit == impact.hitBefore && hit > impact.hitAfter)
        #expect(impact.lines.contains { $0.contains("Appending shot 2") })

        var appended = Self.base
        appended.shots.append(shot)
        let plain = FewShotImpact.compute(from: Self.base, to: appended, model: "deepseek-chat", cacheModel: kind,
                                          template: Self.template, at: Date())
        #expect(plain.suggestion == nil && plain.lostTokens == 0)
    }

    @Test func layoutCountsEveryToken() {
        let layout = FewShotLayout(set: Self.base, question: "q", model: "deepseek-chat", template: Self.template)
        #expect(layout.systemTokens + layout.shotTokens.reduce(0, +) + 1 == layout.prefixLength)  // + <｜User｜>
        #expect(layout.promptTokens == ids(Self.base, "q").count)
    }
}
#endif
