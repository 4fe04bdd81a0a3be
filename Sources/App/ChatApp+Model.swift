import ChatCore
import ChatWire
import Foundation
import TerminalUI

extension ChatApp {
    /// Transcript ids for messages that are not stored rows.
    static let streamingID = Int.max - 1
    static let welcomeID = Int.min + 1
    static func pinnedID(_ index: Int) -> Int { -1 - index }

    /// The transcript: pinned messages, the stored conversation, and the reply in flight.
    func transcriptModel() -> TranscriptModel {
        if transcriptStale {
            transcriptBase = baseTranscriptMessages()
            transcriptStale = false
        }
        var messages = transcriptBase
        appendStreaming(to: &messages)
        var transcript = TranscriptModel(messages: messages)
        if let horizonMark, !bare, let index = messages.firstIndex(where: { $0.id == horizonMark.id }) {
            transcript.horizon = CacheHorizon(messageIndex: index, insideMessage: horizonMark.inside)
        }
        if let turn {
            let phase = turn.reply.content.isEmpty ? (turn.reply.reasoningContent.isEmpty ? "waiting" : "thinking") : "writing"
            transcript.streaming = StreamingStatus(frame: spinnerFrame, tokensPerSecond: turn.tokensPerSecond(now: clock.uptime()),
                                                   phase: turn.retryCountdown(now: clock.uptime()) ?? phase)
        }
        return transcript
    }

    private func baseTranscriptMessages() -> [TranscriptMessage] {
        var messages: [TranscriptMessage] = []
        for (index, message) in state.pinned.enumerated() {
            let role: MessageRole = message.role == .system ? .system : message.role == .assistant ? .assistant : .user
            messages.append(TranscriptMessage(
                id: Self.pinnedID(index), revision: (message.content ?? "").utf8.count, role: role,
                name: role == .system ? "System" : role == .user ? "Example question" : "Example answer",
                text: TerminalSanitizer.clean(message.content ?? ""), cacheMark: mark(for: Self.pinnedID(index))))
        }
        for message in state.messages {
            messages.append(transcriptMessage(message))
        }
        if messages.isEmpty {
            messages.append(TranscriptMessage(
                id: Self.welcomeID, role: .system, name: "cachechat",
                text: "Connected to **\(TerminalSanitizer.clean(session.endpoint.displayName))** with `\(session.model)`. "
                    + "Type a message and press Enter. After each reply the gutter shows which messages the prompt cache served "
                    + "(● reused, ◐ partly, ○ not) and the panel on the right adds up what it saved; while you type, it predicts "
                    + "the next request's hit and cost.\n\nF1 lists every key, `/` opens the commands, Ctrl-O your conversations, "
                    + "`/fewshot` your few-shot sets."))
        }
        if bare {
            for index in messages.indices { messages[index].cacheMark = .none }
        }
        return messages
    }

    private func appendStreaming(to messages: inout [TranscriptMessage]) {
        if let turn {
            let reply = turn.reply
            messages.append(TranscriptMessage(
                id: Self.streamingID, revision: turn.deltaCount, role: .assistant, name: session.model,
                time: Self.time(turn.startedAt), text: TerminalSanitizer.clean(reply.content),
                reasoning: reply.reasoningContent.isEmpty ? nil : TerminalSanitizer.clean(reply.reasoningContent),
                reasoningTokens: reply.usage?.reasoningTokens,
                reasoningExpanded: reasoningExpanded || reply.content.isEmpty))
        }
    }

    func transcriptMessage(_ message: StoredMessage) -> TranscriptMessage {
        let role: MessageRole = switch message.role {
        case .user: .user
        case .assistant, .tool: .assistant
        case .system: .system
        }
        var text = TerminalSanitizer.clean(message.content)
        var interrupted = false
        switch message.state {
        case .interrupted: interrupted = true
        case .failed(let error):
            interrupted = true
            text += (text.isEmpty ? "" : "\n\n") + "> ⚠ " + TerminalSanitizer.clean(error)
        case .streaming: interrupted = true
        case .complete: break
        }
        let id = Int(message.id.rawValue)
        return TranscriptMessage(
            id: id, revision: message.content.utf8.count &+ (interrupted ? 1 : 0) &* 7_919 &+ (message.reasoningContent?.utf8.count ?? 0),
            role: role, name: role == .user ? "You" : role == .system ? "System" : message.model ?? session.model,
            time: Self.time(message.created), text: text,
            reasoning: message.reasoningContent.flatMap { $0.isEmpty ? nil : TerminalSanitizer.clean($0) },
            reasoningTokens: message.reasoningContent.flatMap { $0.isEmpty ? nil : reasoningTokenCount(message.id, $0) },
            reasoningExpanded: reasoningExpanded, interrupted: interrupted, cacheMark: mark(for: id))
    }

    /// Reasoning tokens of a stored reply, counted once per message.
    func reasoningTokenCount(_ id: MessageID, _ text: String) -> Int {
        if let known = reasoningTokens[id] { return known }
        let count = session.template.tokenizer.encode(text).count
        reasoningTokens[id] = count
        return count
    }

    /// Transcript ids of the messages of the current request, in request order.
    func requestMessageIDs() -> [Int] {
        var ids = state.pinned.indices.map { Self.pinnedID($0) }
        for message in state.messages {
            switch message.state {
            case .complete: ids.append(Int(message.id.rawValue))
            case .interrupted where !message.content.isEmpty: ids.append(Int(message.id.rawValue))
            default: continue
            }
        }
        return ids
    }

    func mark(for transcriptID: Int) -> CacheMark {
        marks[transcriptID] ?? .none
    }

    func statusModel() -> StatusBarModel {
        var left: [StatusBarModel.Item] = [StatusBarModel.Item(session.endpoint.displayName, accent: true),
                                           StatusBarModel.Item(session.model),
                                           StatusBarModel.Item(session.effectiveThinking ? "thinking on" : "thinking off")]
        if let title = state.conversation?.title { left.append(StatusBarModel.Item(TerminalSanitizer.clean(title))) }
        if let countdown = turn?.retryCountdown(now: clock.uptime()) {
            left.insert(StatusBarModel.Item("⟳ " + countdown, accent: true), at: 0)
        } else if let notice {
            let prefix = notice.level == .error ? "⚠ " : notice.level == .warning ? "! " : ""
            left.insert(StatusBarModel.Item(prefix + notice.text, accent: notice.level != .info), at: 0)
        }
        let hints: [StatusBarModel.Hint] = turn != nil
            ? [.init("Esc", "stop"), .init("F1", "help")]
            : [.init("F1", "help"), .init("^O", "chats"), .init("^N", "new"), .init("F3", "panel"), .init("^Q", "quit")]
        return StatusBarModel(left: left, hints: hints)
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }
}
