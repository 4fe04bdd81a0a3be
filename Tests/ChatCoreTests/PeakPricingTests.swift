import ChatCore
import Foundation
import Testing
import Tokenizer

/// Peak and off-peak prices, the 2026-08-16 step, holidays, CNY rows and docs/PRICES.md,
/// all at fixed dates: a weekday peak hour, a weekend and a Chinese public holiday.
@Suite struct PeakPricingTests {
    static func time(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    let table = PriceTable.builtIn

    @Test func weekdayPeakHourSaysWhenOffPeakStarts() {
        // Tuesday 02:47 UTC: peak until 04:00.
        #expect(table.peakLine(at: Self.time("2026-09-15T02:47:00Z")) == "peak · off-peak in 1 h 13 m")
        // Between the two windows: off-peak until 06:00.
        #expect(table.peakLine(at: Self.time("2026-09-15T04:30:00Z")) == "off-peak · peak in 1 h 30 m")
    }

    @Test func weekendIsOffPeakUntilMonday() {
        // Saturday 08:00 UTC; Monday 01:00 is 41 hours away.
        #expect(table.peakLine(at: Self.time("2026-09-19T08:00:00Z")) == "off-peak · peak in 1 d 17 h")
        #expect(table.price(model: "deepseek-flash", at: Self.time("2026-09-19T08:00:00Z"), currency: .usd)?.offPeak == true)
    }

    @Test func chineseHolidayOnAWeekdayIsOffPeak() throws {
        // Thursday 2026-10-01, 02:00 UTC: inside a peak window, but National Day (1–7 October).
        let date = Self.time("2026-10-01T02:00:00Z")
        #expect(!table.isPeak(date))
        let price = try #require(table.price(model: "deepseek-v4-pro", at: date, currency: .usd))
        #expect(price.offPeak)
        #expect(abs(price.prices.cacheMiss - 0.66) < 1e-12)
        // The next peak hour is Thursday 8 October 01:00 UTC.
        #expect(table.peakLine(at: date) == "off-peak (National Day) · peak in 6 d 23 h")
        // The day after the holiday is an ordinary Thursday.
        #expect(table.isPeak(Self.time("2026-10-08T02:00:00Z")))
        // Spring Festival: Monday 2026-02-16.
        #expect(table.holidays.holiday(on: Self.time("2026-02-16T07:00:00Z"))?.name == "Spring Festival")
    }

    @Test func peakPricingStartedOn16August() {
        func miss(_ at: String) -> Double? { table.price(model: "deepseek-v4-flash", at: Self.time(at), currency: .usd)?.prices.cacheMiss }
        #expect(miss("2026-08-14T02:00:00Z") == 0.14)  // Friday before the step: one price all day
        #expect(miss("2026-08-17T02:00:00Z") == 0.44)  // Monday, peak
        #expect(miss("2026-08-17T12:00:00Z") == 0.22)  // Monday, off-peak (half)
        #expect(table.price(model: "deepseek-v4-flash", at: Self.time("2026-08-14T02:00:00Z"), currency: .usd)?.hasPeakPricing == false)
        #expect(table.pricingNote(model: "deepseek-v4-flash", at: Self.time("2026-08-14T02:00:00Z"), currency: .usd) == nil)
        #expect(table.pricingNote(model: "deepseek-v4-flash", at: Self.time("2026-08-17T02:00:00Z"), currency: .usd)
                == "peak · off-peak in 2 h 0 m")
    }

    @Test func cnyPricesWhereDeepSeekPublishedThemAndAReasonWhereNot() {
        // V4-Pro's launch row has CNY prices.
        #expect(table.price(model: "deepseek-v4-pro", at: Self.time("2026-05-01T12:00:00Z"), currency: .cny)?.prices.cacheMiss == 12)
        // V4.1-Flash has none: the lookup says so, with the row's date, instead of converting.
        let lookup = table.lookup(model: "deepseek-flash", at: Self.time("2026-09-15T02:00:00Z"), currency: .cny)
        #expect(lookup == .notInCurrency(model: "deepseek-flash", currency: .cny, since: Self.time("2026-09-01T00:00:00Z")))
        #expect(lookup.missingText == "no CNY price published for deepseek-flash since 2026-09-01 (set [prices.\"deepseek-flash\"] currency = \"CNY\")")
        #expect(table.pricingNote(model: "gpt-4o", at: Self.time("2026-09-15T02:00:00Z"), currency: .usd) == "no price known for gpt-4o")
        // An override in CNY fills the gap.
        let configured = table.overriding(with: [PriceEntry(models: ["deepseek-flash"], effectiveDate: Date(timeIntervalSince1970: 0),
                                                            prices: [.cny: TokenPrices(cacheHit: 0.05, cacheMiss: 2, output: 8)], note: "configured price")])
        #expect(configured.price(model: "deepseek-flash", at: Self.time("2026-09-15T02:00:00Z"), currency: .cny)?.prices.cacheMiss == 2)
    }

    @Test func everyRowHasASource() {
        for entry in table.entries { #expect(!entry.source.isEmpty, "\(entry.note)") }
        #expect(table.holidays.source.contains("2025-11-04"))
    }

    @Test(arguments: [(59.0, "1 m"), (60.0, "1 m"), (61.0, "2 m"), (7980.0, "2 h 13 m"), (90_000.0, "1 d 1 h")])
    func durations(seconds: Double, text: String) {
        #expect(PriceTable.duration(seconds) == text)
    }

    /// docs/PRICES.md is generated from the table the code uses; regenerate it with
    /// `cachechat prices --markdown > docs/PRICES.md`.
    @Test func pricesDocumentMatchesTheTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/PRICES.md"), encoding: .utf8)
        #expect(text == table.markdown(), "docs/PRICES.md is out of date: run `cachechat prices --markdown > docs/PRICES.md`")
    }

    @Test func statsGroupsRequestsByPricePeriod() {
        func group(_ model: String, _ at: String) -> String {
            StatsSummary.groupName(of: LedgerEntry(time: Self.time(at), endpointHost: "h", endpointName: "h", model: model),
                                   by: .period, zone: .utc)
        }
        #expect(group("deepseek-flash", "2026-09-15T02:00:00Z") == "peak")
        #expect(group("deepseek-flash", "2026-09-19T02:00:00Z") == "off-peak")
        #expect(group("deepseek-flash", "2026-10-01T02:00:00Z") == "off-peak")
        #expect(group("deepseek-flash", "2026-08-14T02:00:00Z") == "flat price")
    }
}

/// The one table of models: windows, output limits, defaults and the stated assumptions.
@Suite struct ModelCatalogTests {
    @Test func v4ModelsHaveAMillionTokenWindow() {
        for id in ["deepseek-flash", "deepseek-v4-flash", "deepseek-v4-pro"] {
            let model = ModelCatalog.builtIn.model(id)
            #expect(model.contextWindow == 1_048_576)
            #expect(model.maxOutput == 393_216)
            #expect(model.isKnown)
            #expect(ContextLimits.builtIn.limit(forModel: id) == 1_048_576)
        }
        // `/truncate` plans cut at 90% of 1M, not of 128K.
        #expect(TruncationPolicy(model: "deepseek-v4-pro").triggerTokens == 943_718)
        #expect(ModelTemplates.template(forModel: "deepseek-chat").thinkingByDefault == false)
    }

    @Test func unknownIdsWorkWithStatedAssumptions() {
        let model = ModelCatalog.builtIn.model("my-finetune")
        #expect(!model.isKnown)
        #expect(model.contextWindow == 131_072)
        #expect(model.maxOutput == nil)
        #expect(model.family == .v4 && model.thinkingByDefault)
        #expect(model.note == ModelCatalog.assumption)
        let configured = ModelCatalog.builtIn.overriding("my-finetune", contextWindow: 32_768, maxOutput: 4_096)
        #expect(configured.model("my-finetune").contextWindow == 32_768)
        #expect(configured.model("my-finetune").isKnown)
        #expect(configured.contextLimits.limit(forModel: "my-finetune") == 32_768)
        #expect(configured.overriding("deepseek-flash", contextWindow: 500_000, maxOutput: nil).model("deepseek-flash").maxOutput == 393_216)
    }

    @Test func defaultFollowsWhatTheEndpointLists() {
        #expect(ModelCatalog.defaultModel == "deepseek-flash")
        #expect(ModelCatalog.preferredDefault(listed: []) == "deepseek-flash")
        #expect(ModelCatalog.preferredDefault(listed: ["deepseek-v4-pro", "deepseek-flash"]) == "deepseek-flash")
        #expect(ModelCatalog.preferredDefault(listed: ["deepseek-v4-flash", "deepseek-v4-pro"]) == "deepseek-v4-flash")
        #expect(ModelCatalog.preferredDefault(listed: ["other"]) == "deepseek-flash")
    }

    @Test func effortNamesAreMappedAsDeepSeekDoes() {
        #expect(ReasoningEffort(argument: "minimal") == .low)
        #expect(ReasoningEffort(argument: "MEDIUM") == .high)
        #expect(ReasoningEffort(argument: "xhigh") == .high)
        #expect(ReasoningEffort(argument: "ultra") == .max)
        #expect(ReasoningEffort(argument: "extreme") == nil)
    }

    @Test func onlyMaxEffortChangesThePromptAndItChangesItFromTheStart() {
        let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)
        let messages = [TemplateMessage(role: .system, content: "Be brief."), TemplateMessage(role: .user, content: "Hi")]
        func ids(_ effort: ReasoningEffort?) -> [Int] {
            template.render(messages: messages, family: .v4, thinking: true, reasoningEffort: effort).ids
        }
        #expect(ids(.low) == ids(nil))
        #expect(ids(.high) == ids(nil))
        let max = ids(.max)
        // Only BOS is shared: everything after it misses when switching to or from max.
        #expect(zip(max, ids(nil)).prefix { $0 == $1 }.count == 1)
    }

    @Test func aPrefixMessageIsRenderedWithoutItsEndSoTheModelContinuesIt() {
        let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)
        let user = TemplateMessage(role: .user, content: "Write a haiku")
        for family in [TemplateFamily.v3, .v4] {
            let whole = template.render(messages: [user, .assistant("Autumn moon")], family: family, thinking: false,
                                        addGenerationPrompt: false).ids
            let prefix = template.render(messages: [user, TemplateMessage(role: .assistant, content: "Autumn moon", prefix: true)],
                                         family: family, thinking: false, addGenerationPrompt: false).ids
            #expect(prefix == Array(whole.dropLast()))  // everything but the end-of-sentence token
        }
        // Cut while reasoning (no content yet): the reasoning stays open.
        let reasoning = TemplateMessage(role: .assistant, content: "", reasoningContent: "Let me think", prefix: true)
        let open = template.render(messages: [user, reasoning], family: .v4, thinking: true, addGenerationPrompt: false)
        #expect(!DeepSeekTokenizer.shared.decode(open.ids).hasSuffix("</think>"))
        #expect(DeepSeekTokenizer.shared.decode(open.ids).hasSuffix("<think>Let me think"))
    }
}
