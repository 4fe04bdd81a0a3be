import ChatCore
import ChatWire

/// The wire messages of a request that uses a few-shot set.
enum FewShotRequest {
    /// The set (system, then each shot's user and assistant message) and the question:
    /// DeepSeek's few-shot caching example, where only the question is new each time.
    static func messages(set: FewShotSet, question: String) -> [ChatMessage] {
        var messages: [ChatMessage] = [.system(set.system)]
        for shot in set.shots {
            messages.append(.user(shot.user))
            messages.append(.assistant(shot.assistant))
        }
        messages.append(.user(question))
        return messages
    }
}
