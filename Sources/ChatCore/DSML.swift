/// DeepSeek-V4's DSML rendering of assistant tool calls (`encode_arguments_to_dsml`).
///
/// Arguments are parsed as JSON; string values are written raw, every other value is
/// re-serialised the way Python's `json.dumps(ensure_ascii=False)` prints it. Arguments
/// that are not a JSON object become a single `arguments` string parameter.
enum DSML {
    static func block(_ calls: [TemplateToolCall]) -> String {
        let dsml = SpecialToken.dsml
        let invokes = calls.map { call in
            "<\(dsml)invoke name=\"\(call.name)\">\n\(parameters(call.arguments))\n</\(dsml)invoke>"
        }
        return "\n\n<\(dsml)tool_calls>\n" + invokes.joined(separator: "\n") + "\n</\(dsml)tool_calls>"
    }

    static func parameters(_ arguments: String) -> String {
        let fields: [(String, PythonJSON)]
        if case .object(let object)? = PythonJSON.parse(arguments) {
            fields = object
        } else {
            fields = [("arguments", .string(arguments))]
        }
        let dsml = SpecialToken.dsml
        return fields.map { key, value in
            let isString: Bool
            let text: String
            if case .string(let raw) = value {
                isString = true
                text = raw
            } else {
                isString = false
                text = value.pythonDumps()
            }
            return "<\(dsml)parameter name=\"\(key)\" string=\"\(isString)\">\(text)</\(dsml)parameter>"
        }.joined(separator: "\n")
    }
}
