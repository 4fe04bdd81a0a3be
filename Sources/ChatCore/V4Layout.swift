/// DeepSeek-V4 prompt layout, following `encoding_dsv4.py` (docs/TEMPLATES.md).
///
/// Consecutive user and tool messages merge into one `<｜User｜>` turn joined by "\n\n"
/// (the encoder's `merge_tool_messages`), tool results are reordered to the order of the
/// calls, and in thinking mode only the last user turn opens `<think>`; every earlier turn
/// is closed with `</think>` and loses its reasoning.
enum V4Layout {
    static let effortMaxPrefix =
        "Reasoning Effort: Absolute maximum with no shortcuts permitted.\n"
        + "You MUST be very thorough in your thinking and comprehensively decompose the problem to resolve the root cause, rigorously stress-testing your logic against all potential paths, edge cases, and adversarial scenarios.\n"
        + "Explicitly write out your entire deliberation process, documenting every intermediate step, considered alternative, and rejected hypothesis to ensure absolutely no assumption is left unchecked.\n\n"

    private struct Turn {
        var role: TemplateRole  // .system, .user (incl. merged tools) or .assistant
        var members: [Int]
    }

    static func pieces(
        messages: [TemplateMessage], thinking: Bool, addGenerationPrompt: Bool,
        reasoningEffort: ReasoningEffort?
    ) -> [TemplatePiece] {
        let generation = messages.count
        let turns = sortToolResults(mergeTurns(messages), messages)
        let lastUserTurn = turns.lastIndex { $0.role == .user } ?? -1
        var out: [TemplatePiece] = []
        out.reserveCapacity(messages.count * 4 + 3)
        out.append(.special(SpecialToken.bos, turns.first?.members[0] ?? generation))

        for (k, turn) in turns.enumerated() {
            let first = turn.members[0]
            if k == 0, thinking, reasoningEffort == .max {
                out.append(.text(effortMaxPrefix, first))
            }
            switch turn.role {
            case .system:
                out.append(.text(messages[first].content, first, content: true))
            case .assistant:
                let message = messages[first]
                // A prefix (chat prefix completion) cut while still reasoning continues the
                // reasoning: its `</think>` is not written yet.
                let stillReasoning = message.prefix && message.content.isEmpty
                if thinking, k > lastUserTurn {
                    out.append(.text(message.reasoningContent ?? "", first))
                    if !stillReasoning { out.append(.special(SpecialToken.endThink, first)) }
                }
                out.append(.text(message.content, first, content: true))
                if !message.toolCalls.isEmpty {
                    out.append(.text(DSML.block(message.toolCalls), first))
                }
                if !message.prefix { out.append(.special(SpecialToken.eos, first)) }
            case .user, .tool:
                for (j, index) in turn.members.enumerated() {
                    out.append(j == 0 ? .special(SpecialToken.user, index) : .text("\n\n", index))
                    let message = messages[index]
                    if message.role == .tool {
                        out.append(.text("<tool_result>", index))
                        out.append(.text(message.content, index, content: true))
                        out.append(.text("</tool_result>", index))
                    } else {
                        out.append(.text(message.content, index, content: true))
                    }
                }
                // The hand-over to the model follows a user turn only when an assistant
                // turn (or the generation) comes next; before a system message it is omitted.
                let next = k + 1 < turns.count ? turns[k + 1].role : nil
                guard next == nil || next == .assistant else { continue }
                if next == nil, !addGenerationPrompt { continue }
                let owner = next == nil ? generation : turn.members[turn.members.count - 1]
                out.append(.special(SpecialToken.assistant, owner))
                let opensThinking = thinking && k >= lastUserTurn
                out.append(.special(opensThinking ? SpecialToken.think : SpecialToken.endThink, owner))
            }
        }
        return out
    }

    private static func mergeTurns(_ messages: [TemplateMessage]) -> [Turn] {
        var turns: [Turn] = []
        for (index, message) in messages.enumerated() {
            let role: TemplateRole = message.role == .tool ? .user : message.role
            if role == .user, let last = turns.last, last.role == .user {
                turns[turns.count - 1].members.append(index)
            } else {
                turns.append(Turn(role: role, members: [index]))
            }
        }
        return turns
    }

    /// Tool results inside a turn follow the order of the latest assistant's calls.
    private static func sortToolResults(_ turns: [Turn], _ messages: [TemplateMessage]) -> [Turn] {
        var turns = turns
        var callOrder: [String: Int] = [:]
        for k in turns.indices {
            let turn = turns[k]
            let first = messages[turn.members[0]]
            if turn.role == .assistant, !first.toolCalls.isEmpty {
                callOrder = [:]
                for (order, call) in first.toolCalls.enumerated() where !call.id.isEmpty {
                    callOrder[call.id] = order
                }
            } else if turn.role == .user, !callOrder.isEmpty {
                let toolSlots = turn.members.indices.filter { messages[turn.members[$0]].role == .tool }
                guard toolSlots.count > 1 else { continue }
                let tools = toolSlots.map { turn.members[$0] }
                // Stable sort, unknown ids first (order 0), as Python's sorted() does.
                let sorted = tools.enumerated().sorted { a, b in
                    let oa = callOrder[messages[a.element].toolCallID ?? ""] ?? 0
                    let ob = callOrder[messages[b.element].toolCallID ?? ""] ?? 0
                    return oa != ob ? oa < ob : a.offset < b.offset
                }.map(\.element)
                for (slot, index) in zip(toolSlots, sorted) { turns[k].members[slot] = index }
            }
        }
        return turns
    }
}
