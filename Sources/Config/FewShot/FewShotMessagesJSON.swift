import ChatCore
import Foundation

/// A few-shot set as the API's `messages` array, so a set can move between code and
/// cachechat: `[{"role": "system", …}, {"role": "user", …}, {"role": "assistant", …}, …]`.
///
/// Import accepts the bare array or a request body holding one (`{"messages": [...]}`):
/// first the system message, then user/assistant pairs, ending with an assistant answer.
public enum FewShotMessagesJSON {
    public static func parse(_ data: Data, name: String, path: String) throws(FileProblem) -> FewShotSet {
        func problem(_ message: String) -> FileProblem { FileProblem(path: path, line: nil, column: nil, message: message) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw problem("is not valid JSON (\(shortReason(error)))")
        }
        let messages: [Any]
        var model: String? = nil
        if let array = object as? [Any] {
            messages = array
        } else if let body = object as? [String: Any], let array = body["messages"] as? [Any] {
            messages = array
            model = body["model"] as? String
        } else {
            throw problem("must be the API's `messages` array (or a request body with one): [{\"role\": \"system\", \"content\": …}, …]")
        }
        var texts: [(role: String, content: String)] = []
        for (index, element) in messages.enumerated() {
            guard let message = element as? [String: Any] else {
                throw problem("message \(index + 1) must be an object with `role` and `content`")
            }
            guard let role = message["role"] as? String else {
                throw problem("message \(index + 1) has no `role` string")
            }
            guard let content = message["content"] as? String else {
                throw problem("message \(index + 1) (\(role)) must have a `content` string")
            }
            let expected = index == 0 ? "system" : (index % 2 == 1 ? "user" : "assistant")
            guard role == expected else {
                let rule = "a set is the system message first, then user/assistant pairs"
                throw problem("message \(index + 1) has role \"\(role)\" where \"\(expected)\" belongs (\(rule))")
            }
            texts.append((role, content))
        }
        guard let system = texts.first else { throw problem("the `messages` array is empty") }
        guard texts.count % 2 == 1 else {
            throw problem("message \(texts.count) (user) has no assistant answer after it; a set ends with an answer")
        }
        guard texts.count >= 3 else { throw problem("has a system message but no user/assistant pair") }
        let shots = stride(from: 1, to: texts.count, by: 2).map {
            FewShotSet.Shot(user: texts[$0].content, assistant: texts[$0 + 1].content)
        }
        return FewShotSet(name: name, model: model, system: system.content, shots: shots)
    }

    /// The set as a pretty-printed `messages` array, one message per line.
    public static func encode(_ set: FewShotSet) -> String {
        var lines: [String] = [line("system", set.system)]
        for shot in set.shots {
            lines.append(line("user", shot.user))
            lines.append(line("assistant", shot.assistant))
        }
        return "[\n" + lines.map { "  " + $0 }.joined(separator: ",\n") + "\n]\n"
    }

    private static func line(_ role: String, _ content: String) -> String {
        "{\"role\": \"\(role)\", \"content\": \(jsonString(content))}"
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || TOMLString.invisible.contains(scalar.value) {
                    let digits = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func shortReason(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return text.count > 160 ? String(text.prefix(160)) + "…" : text
    }
}
