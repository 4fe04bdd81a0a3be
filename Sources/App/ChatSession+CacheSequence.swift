import ChatCore
import ChatWire

extension ChatSession {
    /// What a finished turn leaves in the server's cache: its prompt followed by the reply
    /// as the next request renders it (`ChatTemplate.continuation`, the definition the
    /// emulator stores and `CachePredictor.record` replays).
    public func cacheSequence(for turn: Turn) -> CacheSequence {
        let entry = ModelTemplates.template(forModel: model)
        let thinking = effectiveThinking
        let reasoning = turn.reply.reasoningContent
        let reply = TemplateMessage(role: .assistant, content: turn.reply.content,
                                    reasoningContent: thinking ? reasoning : nil)
        return template.continuation(of: turn.prompt, messages: turn.request.messages.map(TemplateMessage.init(chat:)),
                                     reply: reply, family: entry.family, thinking: thinking)
    }
}
