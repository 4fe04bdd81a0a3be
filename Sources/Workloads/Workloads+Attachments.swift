import App
import ChatCore
import Foundation

extension Workloads {
    /// (a) through `ask -f`'s path: the handbook attached (`Attachment`, rendered by
    /// `DocumentBlock` after the system prompt), each question a new conversation.
    public static func longDocumentAttached(questions: Int, sections: Int) -> Workload {
        Workload(id: "a-attach", title: "long document attached, \(questions) questions") { runner in
            let document = ChatCore.Attachment(name: "handbook.md", text: Corpus.handbook(sections: sections))
            for (i, question) in Corpus.handbookQuestions(questions).enumerated() {
                var state = WorkloadRunner.conversation(systemPrompt: documentSystem)
                state.attachments = [document]
                try runner.ask(question, in: &state, note: "question \(i + 1)")
            }
            return WorkloadNotes(lines: ["document attached: \(runner.records.first?.localPromptTokens ?? 0) prompt tokens with the first question"])
        }
    }

    /// (g) through `ask -f --questions`'s path: the handbook attached, the questions sent by
    /// `QuestionBatch` (the cache model's warm-ups, then `parallel` at a time).
    public static func concurrentAttached(questions: Int, sections: Int, parallel: Int = 4, constructDelay: Double = 1) -> Workload {
        Workload(id: "g-attach", title: "\(questions) questions about an attached document, QuestionBatch",
                 constructDelay: constructDelay) { runner in
            let document = ChatCore.Attachment(name: "handbook.md", text: Corpus.handbook(sections: sections, seed: 41))
            var states: [ConversationState] = []
            for question in Corpus.handbookQuestions(questions + 3).suffix(questions) {
                var state = WorkloadRunner.conversation(systemPrompt: documentSystem)
                state.attachments = [document]
                _ = try runner.runner.saveQuestion(question, in: &state, unsavedSerial: states.count + 1)
                states.append(state)
            }
            let started = ProcessInfo.processInfo.systemUptime
            let batch = try runner.sendBatch(states, notes: states.indices.map { "question \($0 + 1)" },
                                             constructDelay: constructDelay, parallel: parallel)
            let seconds = ProcessInfo.processInfo.systemUptime - started
            return WorkloadNotes(lines: ["\(batch.warmups) warm-ups, up to \(parallel) at once; all answered after \(String(format: "%.2f", seconds)) s (construct delay \(constructDelay) s)"],
                                 figures: ["wall_seconds": seconds])
        }
    }
}
