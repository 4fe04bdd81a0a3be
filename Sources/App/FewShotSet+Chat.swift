import ChatCore
import ChatWire

extension FewShotSet {
    /// The set as the API receives it: the system prompt, then each shot's user and
    /// assistant message. Pinned at the front of every request that uses the set.
    public var chatMessages: [ChatMessage] {
        var messages: [ChatMessage] = [.system(system)]
        for shot in shots {
            messages.append(.user(shot.user))
            messages.append(.assistant(shot.assistant))
        }
        return messages
    }
}
