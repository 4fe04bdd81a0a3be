/// DeepSeek-V3 prompt layout, following the Jinja `chat_template` of DeepSeek-V3's
/// tokenizer_config.json (docs/TEMPLATES.md).
///
/// All system messages are hoisted to the front (joined by "\n\n"); `<｜Assistant｜>` opens
/// each assistant message. The tool-call flags (`is_first`, `is_output_first`) are never
/// reset in the original template; that is reproduced on purpose.
enum V3Layout {
    static func pieces(messages: [TemplateMessage], addGenerationPrompt: Bool) -> [TemplatePiece] {
        let generation = messages.count
        let systems = messages.indices.filter { messages[$0].role == .system }
        var out: [TemplatePiece] = []
        out.reserveCapacity(messages.count * 3 + 3)
        out.append(.special(SpecialToken.bos, systems.first ?? (messages.isEmpty ? generation : 0)))
        for (j, index) in systems.enumerated() {
            if j > 0 { out.append(.text("\n\n", index)) }
            out.append(.text(messages[index].content, index, content: true))
        }

        var callsOpened = false, afterTool = false, firstOutput = true
        for (index, message) in messages.enumerated() {
            switch message.role {
            case .system:
                continue
            case .user:
                afterTool = false
                out.append(.special(SpecialToken.user, index))
                out.append(.text(message.content, index, content: true))
            case .assistant where message.content.isEmpty && !message.toolCalls.isEmpty:
                // `content is none` in the template: the tool-call form.
                afterTool = false
                for call in message.toolCalls {
                    let opening = !callsOpened
                    if opening {
                        out.append(.special(SpecialToken.assistant, index))
                        out.append(.special(SpecialToken.toolCallsBegin, index))
                        callsOpened = true
                    } else {
                        out.append(.text("\n", index))
                    }
                    out.append(.special(SpecialToken.toolCallBegin, index))
                    out.append(.text("function", index))
                    out.append(.special(SpecialToken.toolSep, index))
                    out.append(.text(call.name + "\n```json\n" + call.arguments + "\n```", index))
                    out.append(.special(SpecialToken.toolCallEnd, index))
                    // The template closes the block only after a non-first call.
                    if !opening {
                        out.append(.special(SpecialToken.toolCallsEnd, index))
                        out.append(.special(SpecialToken.eos, index))
                    }
                }
            case .assistant:
                out.append(.special(afterTool ? SpecialToken.toolOutputsEnd : SpecialToken.assistant, index))
                out.append(.text(message.content, index, content: true))
                if !message.prefix { out.append(.special(SpecialToken.eos, index)) }
                afterTool = false
            case .tool:
                afterTool = true
                if firstOutput {
                    out.append(.special(SpecialToken.toolOutputsBegin, index))
                } else {
                    out.append(.text("\n", index))
                }
                firstOutput = false
                out.append(.special(SpecialToken.toolOutputBegin, index))
                out.append(.text(message.content, index, content: true))
                out.append(.special(SpecialToken.toolOutputEnd, index))
            }
        }
        if afterTool { out.append(.special(SpecialToken.toolOutputsEnd, generation)) }
        if addGenerationPrompt, !afterTool { out.append(.special(SpecialToken.assistant, generation)) }
        return out
    }
}
