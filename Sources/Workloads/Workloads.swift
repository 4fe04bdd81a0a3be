import App
import ChatCore
import ChatWire
import Foundation
import Config
import History

/// The benchmark's workloads (a)–(g). Sizes are parameters so that the tests can run
/// small versions of the same scripts.
public enum Workloads {
    /// Every workload at full size. `fewShotDirectory` holds the sample sets (`fewshot/`).
    public static func all(fewShotDirectory: String) -> [Workload] {
        [
            longDocument(questions: 10, sections: 24),
            longDocumentAttached(questions: 10, sections: 24),
            chat(turns: 40),
            fewShot(questions: 20, setPath: fewShotDirectory + "/sql-from-question.toml"),
            truncation(turns: 60, contextLimit: 8192, strategy: .blockCut),
            truncation(turns: 60, contextLimit: 8192, strategy: .slidingWindow),
            truncation(turns: 60, contextLimit: 8192, strategy: .summarise),
            editFork(turns: 8, editAt: 2, continueFor: 5),
            fewShotEdits(questionsPerVersion: 5, setPath: fewShotDirectory + "/sql-from-question.toml"),
            concurrent(questions: 5, sections: 24, warmups: 0),
            concurrent(questions: 5, sections: 24, warmups: 1),
            concurrent(questions: 5, sections: 24, warmups: nil),
            concurrentAttached(questions: 5, sections: 24),
        ]
    }

    static let documentSystem = "You answer questions about the document the user gives you. Quote the relevant lines, then answer in at most five sentences. Say so when the document does not contain the answer."

    /// (a) One long document, then questions about it, each a new conversation sending the
    /// document followed by the question (DeepSeek's caching-guide pattern).
    public static func longDocument(questions: Int, sections: Int) -> Workload {
        Workload(id: "a", title: "long document, \(questions) questions") { runner in
            let document = Corpus.handbook(sections: sections)
            for (i, question) in Corpus.handbookQuestions(questions).enumerated() {
                var state = WorkloadRunner.conversation(systemPrompt: documentSystem)
                try runner.ask(document + "\n\nQuestion: " + question, in: &state, note: "question \(i + 1)")
            }
            return WorkloadNotes(lines: ["document: \(runner.records.first?.localPromptTokens ?? 0) prompt tokens with the first question"])
        }
    }

    /// (b) A chat of `turns` rounds.
    public static func chat(turns: Int) -> Workload {
        Workload(id: "b", title: "\(turns)-turn chat") { runner in
            var state = WorkloadRunner.conversation(systemPrompt: Corpus.assistantSystem)
            for (i, text) in Corpus.chatMessages(turns).enumerated() {
                try runner.ask(text, in: &state, note: "turn \(i + 1)")
            }
            return WorkloadNotes()
        }
    }

    /// (c) A few-shot set asked one question at a time (`FewShotMode.each`).
    public static func fewShot(questions: Int, setPath: String) -> Workload {
        Workload(id: "c", title: "few-shot, \(questions) questions", replyTokens: 40) { runner in
            let set = try FewShotFile.load(path: setPath)
            var state = WorkloadRunner.conversation(fewShot: set, mode: .each)
            for (i, question) in historyQuestions(questions).enumerated() {
                try runner.ask(question, in: &state, note: "question \(i + 1)")
            }
            return WorkloadNotes(lines: ["set `\(set.name)`: \(set.shots.count) shots"])
        }
    }

    /// Questions for the `sql-from-question` set.
    static func historyQuestions(_ count: Int, offset: Int = 0) -> [String] {
        let measures = ["How many requests", "How many prompt tokens", "How much money", "How many cache-hit tokens",
                        "What share of prompt tokens"]
        let scopes = ["did I send", "were served from cache", "did I spend", "were billed as misses"]
        let periods = ["yesterday", "in the last 30 days", "per model this month", "per conversation this week",
                       "on weekends", "during peak hours"]
        return (offset..<(offset + count)).map { i in
            "\(measures[i % measures.count]) \(scopes[(i / 2) % scopes.count]) \(periods[(i * 7) % periods.count])? (#\(i + 1))"
        }
    }

    /// How (d) keeps the conversation inside the window.
    public enum TruncationStrategy: String, Sendable {
        /// `TruncationPolicy`: once over 90%, cut the oldest turns down to 50%, in one block.
        case blockCut = "block cut"
        /// Drop the oldest turn whenever the prompt would pass 90% (one per request once full).
        case slidingWindow = "sliding window"
        /// Once over 90%, ask the model for a summary and replace the history by it.
        case summarise = "summarise everything"
    }

    static let summaryInstruction = "Summarise our conversation so far in one paragraph, keeping every decision and number."

    /// (d) A long chat in a small context window, so that history must be cut.
    public static func truncation(turns: Int, contextLimit: Int, strategy: TruncationStrategy) -> Workload {
        let id = switch strategy {
        case .blockCut: "d"
        case .slidingWindow: "d-slide"
        case .summarise: "d-summary"
        }
        return Workload(id: id, title: "\(turns)-turn chat in \(contextLimit / 1024)K, \(strategy.rawValue)", replyTokens: 200) { runner in
            let policy = TruncationPolicy(contextLimit: contextLimit)
            var state = WorkloadRunner.conversation(systemPrompt: Corpus.assistantSystem)
            var cuts = 0, largest = 0
            var summaries: Set<Int> = []  // ordinals of summary requests and replies, not part of the chat
            for (i, text) in Corpus.chatMessages(turns, seed: 23).enumerated() {
                switch strategy {
                case .blockCut:
                    if let cut = state.blockCut(adding: text, policy: policy, renderer: runner.template) {
                        state = state.cut(at: cut.ordinal)
                        cuts += 1
                    }
                case .slidingWindow:
                    var dropped = false
                    while runner.plan(text, in: state).prompt.ids.count > policy.triggerTokens, let next = nextTurnStart(state) {
                        state.historyStart = next
                        dropped = true
                    }
                    if dropped { cuts += 1 }
                case .summarise:
                    if runner.plan(text, in: state).prompt.ids.count > policy.triggerTokens {
                        let question = state.nextOrdinal
                        try runner.ask(summaryInstruction, in: &state, note: "summary")
                        state.historyStart = question
                        summaries.formUnion([question, question + 1])
                        cuts += 1
                    }
                }
                let flight = try runner.ask(text, in: &state, note: "turn \(i + 1)")
                largest = max(largest, flight.plan.prompt.ids.count)
            }
            var notes = WorkloadNotes(lines: ["\(cuts) cuts; largest prompt \(largest) tokens (limit \(contextLimit), trigger \(policy.triggerTokens), target \(policy.targetTokens))"],
                                      figures: ["cuts": Double(cuts), "largest_prompt": Double(largest)])
            if strategy == .blockCut {
                // The whole conversation, never cut: sizes for the simulation.
                var full = state
                full.historyStart = 1
                full.messages.removeAll { summaries.contains($0.ordinal) }
                simulate(full, policy: policy, runner: runner, into: &notes)
            }
            return notes
        }
    }

    /// The ordinal of the user message after the first one requests still carry (the next
    /// turn), or nil when only one turn is left.
    static func nextTurnStart(_ state: ConversationState) -> Int? {
        let carried = state.sentMessages
        return carried.dropFirst().first { $0.role == .user }?.ordinal
    }

    /// `TruncationSimulation` over the measured turn sizes: the three strategies' prompt costs.
    static func simulate(_ full: ConversationState, policy: TruncationPolicy, runner: WorkloadRunner, into notes: inout WorkloadNotes) {
        let plan = RequestPlan(full, question: .lastUserMessage, renderer: runner.template)
        let sizes = plan.itemTokens.items
        let pinned = sizes.prefix(plan.pinnedCount).reduce(0, +)
        let history = sizes.dropFirst(plan.pinnedCount)
        let turns = stride(from: history.startIndex, to: history.endIndex - 1, by: 2).map {
            TruncationSimulation.Turn(prompt: history[$0], reply: history[$0 + 1])
        }
        let instruction = runner.template.render([.user(summaryInstruction)], settings: plan.settings, addGenerationPrompt: false).ids.count
        let simulation = TruncationSimulation(pinnedTokens: pinned, history: [], policy: policy)
        guard let price = runner.runner.prices.price(model: WorkloadRunner.model, at: WorkloadRunner.priceDate, currency: .usd)?.prices else { return }
        let replyOutput = Double(turns.reduce(0) { $0 + $1.reply }) * price.output / 1_000_000
        for (name, strategy) in [("block", TruncationSimulation.Strategy.blockCut), ("slide", .slidingWindow),
                                 ("summary", .summarise(summaryTokens: 200, instructionTokens: instruction))] {
            let outcome = simulation.run(strategy, next: turns)
            notes.figures["sim_\(name)_hit"] = Double(outcome.hitTokens)
            notes.figures["sim_\(name)_miss"] = Double(outcome.missTokens)
            notes.figures["sim_\(name)_cuts"] = Double(outcome.cuts)
            // The simulation leaves the replies out; add their output so it compares with measured costs.
            notes.figures["sim_\(name)_cost"] = outcome.cost(price) + replyOutput
            notes.lines.append("simulated \(name): \(outcome.requests) requests, \(outcome.hitTokens) hit, \(outcome.missTokens) miss, \(outcome.cuts) cuts, cost \(String(format: "%.6f", outcome.cost(price) + replyOutput)) USD")
        }
    }

    /// (e) A chat, then an early user message edited: the conversation forks before it and continues.
    public static func editFork(turns: Int, editAt userTurn: Int, continueFor more: Int) -> Workload {
        Workload(id: "e", title: "edit turn \(userTurn) of \(turns), fork, \(more) more") { runner in
            var state = WorkloadRunner.conversation(systemPrompt: Corpus.assistantSystem)
            let texts = Corpus.chatMessages(turns + more, seed: 31)
            for (i, text) in texts.prefix(turns).enumerated() { try runner.ask(text, in: &state, note: "turn \(i + 1)") }
            // The user message of turn `userTurn` (1-based): index 2 * (userTurn - 1).
            let target = state.messages[2 * (userTurn - 1)]
            var fork: ConversationState
            if let store = runner.history, let conversation = state.id {
                let forked = try store.forkConversation(conversation, atOrdinal: target.ordinal, title: "edit")
                fork = ConversationState.restore(forked, messages: try store.messages(in: forked.id)) { _, _ in nil }
            } else {
                fork = state
                fork.messages = Array(state.messages.prefix { $0.id != target.id })
            }
            try runner.ask(target.content + " Assume a budget of 50,000 euros.", in: &fork, note: "edited turn \(userTurn)")
            for (i, text) in texts.dropFirst(turns).enumerated() { try runner.ask(text, in: &fork, note: "fork turn \(i + 1)") }
            return WorkloadNotes()
        }
    }

    /// (f) A few-shot set edited between questions: a shot changed in the middle, a shot
    /// appended, a shot inserted at the front. The first request after each edit is
    /// compared with `FewShotImpact`'s prediction.
    public static func fewShotEdits(questionsPerVersion: Int, setPath: String) -> Workload {
        Workload(id: "f", title: "few-shot set edited 3 times, \(questionsPerVersion) questions each", replyTokens: 40) { runner in
            let original = try FewShotFile.load(path: setPath)
            var versions: [(String, FewShotSet)] = [("original", original)]
            var edited = original
            edited.shots[1].assistant += "\n-- counts every request, including failed ones"
            versions.append(("shot 2 edited", edited))
            edited.shots.append(.init(user: "Which conversation cost the most?",
                                      assistant: "SELECT conversation_id, ROUND(SUM(cost), 6) AS total\nFROM request\nWHERE cost IS NOT NULL\nGROUP BY conversation_id\nORDER BY total DESC\nLIMIT 1;"))
            versions.append(("shot appended", edited))
            edited.shots.insert(.init(user: "How many conversations do I have?", assistant: "SELECT COUNT(*) FROM conversation;"), at: 0)
            versions.append(("shot inserted first", edited))
            var notes = WorkloadNotes()
            var offset = 0
            var previous: FewShotSet? = nil
            for (name, set) in versions {
                var state = WorkloadRunner.conversation(fewShot: set, mode: .each)
                for (i, question) in historyQuestions(questionsPerVersion, offset: offset).enumerated() {
                    let flight = try runner.ask(question, in: &state, note: "\(name), question \(i + 1)")
                    if i == 0, let previous {
                        let impact = FewShotImpact.compute(from: previous, to: set, question: question, model: WorkloadRunner.model,
                                                           thinking: false, cacheModel: runner.kind, template: runner.template,
                                                           at: WorkloadRunner.priceDate)
                        let hit = flight.result?.usage?.resolvedCacheHitTokens ?? -1
                        notes.lines.append("\(name): FewShotImpact predicted \(impact.hitAfter) hit, actual \(hit)")
                        notes.figures["impact_error_\(name)"] = Double(impact.hitAfter - hit)
                    }
                }
                offset += questionsPerVersion
                previous = set
            }
            return notes
        }
    }

    /// (g) Questions about one document sent together. `warmups` 0 sends all at once; 1 or 2
    /// use `WarmupScheduler` (send, wait for the cache to be built, send the rest); nil uses
    /// the product's policy, `WarmupScheduler.recommendedWarmups(for:)` (v3: 1, v4: 2).
    public static func concurrent(questions: Int, sections: Int, warmups fixedWarmups: Int?, constructDelay: Double = 1) -> Workload {
        let id = switch fixedWarmups {
        case nil: "g"
        case 0?: "g-naive"
        case let n?: "g-warm\(n)"
        }
        let title = switch fixedWarmups {
        case nil: "\(questions) questions at once, WarmupScheduler"
        case 0?: "\(questions) questions at once, no warm-up"
        case let n?: "\(questions) questions at once, \(n) warm-up\(n == 1 ? "" : "s")"
        }
        return Workload(id: id, title: title, constructDelay: constructDelay) { runner in
            let warmups = fixedWarmups ?? WarmupScheduler<Int>.recommendedWarmups(for: runner.kind)
            let document = Corpus.handbook(sections: sections, seed: 41)
            let texts = Corpus.handbookQuestions(questions + 3).suffix(questions).map { document + "\n\nQuestion: " + $0 }
            var states = texts.map { _ in WorkloadRunner.conversation(systemPrompt: documentSystem) }
            let uptime = { ProcessInfo.processInfo.systemUptime }
            let prompts = states.indices.map { runner.plan(texts[$0], in: states[$0]).prompt.ids }
            let worth = WarmupScheduler<Int>.worthWarming(prompts, unit: runner.kind.defaultUnit)
            var scheduler = WarmupScheduler(Array(states.indices), constructDelay: constructDelay, warmups: worth ? warmups : 0)
            runner.onFinished = { _ in scheduler.finished(now: uptime()) }
            defer { runner.onFinished = nil }
            var flights: [WorkloadRunner.Flight] = []
            let started = uptime()
            while !scheduler.isDrained || flights.contains(where: { !$0.done }) {
                for i in scheduler.due(now: uptime()) {
                    flights.append(try runner.start(texts[i], in: &states[i], note: "question \(i + 1) at +\(String(format: "%.2f", uptime() - started)) s"))
                }
                runner.pollOnce(timeout: 0.01)
            }
            try runner.wait(flights)
            return WorkloadNotes(lines: ["\(worth ? warmups : 0) warm-ups; shared prefix \(WarmupScheduler<Int>.sharedPrefixLength(prompts)) tokens; all answered after \(String(format: "%.2f", uptime() - started)) s (construct delay \(constructDelay) s)"],
                                 figures: ["wall_seconds": uptime() - started])
        }
    }

}
