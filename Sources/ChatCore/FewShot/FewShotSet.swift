/// A named system prompt with an ordered list of example exchanges ("shots"), sent in
/// front of a question so that the model answers in the shown style.
///
/// The set is rendered as `system, user₁, assistant₁, …, userₙ, assistantₙ` and then the
/// question. Because that prefix is identical for every question, DeepSeek serves it from
/// its context cache after the first request (the "few-shot" example of DeepSeek's
/// caching guide). Files: `Store.FewShotFile`; format: docs/FEWSHOT.md.
public struct FewShotSet: Sendable, Hashable {
    /// One example exchange.
    public struct Shot: Sendable, Hashable {
        public var user: String
        public var assistant: String

        public init(user: String, assistant: String) {
            self.user = user
            self.assistant = assistant
        }
    }

    /// The set's name; also its file name (`NAME.toml`).
    public var name: String
    public var description: String
    /// The model the set was written for, if any (used when no model is chosen explicitly).
    public var model: String?
    public var system: String
    public var shots: [Shot]

    public init(name: String, description: String = "", model: String? = nil, system: String, shots: [Shot]) {
        self.name = name
        self.description = description
        self.model = model
        self.system = system
        self.shots = shots
    }

    /// The prefix the set puts in front of every question, as template messages.
    public var messages: [TemplateMessage] {
        var result: [TemplateMessage] = [.system(system)]
        result.reserveCapacity(1 + 2 * shots.count)
        for shot in shots {
            result.append(.user(shot.user))
            result.append(.assistant(shot.assistant))
        }
        return result
    }

    /// The set followed by one question: the request of "ask with a set".
    public func messages(question: String) -> [TemplateMessage] {
        messages + [.user(question)]
    }
}
