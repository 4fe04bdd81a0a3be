import ArgumentParser
import ChatCore
import ChatWire
import Foundation
import Tokenizer

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Count or list DeepSeek tokens of a text, or the per-message token spans of a chat request.",
        discussion: """
            Tokens are exactly those of DeepSeek's V4 tokenizer (the ids Hugging Face tokenizers \
            gives with add_special_tokens=False). With --chat, REQUEST.json is a chat completions \
            body; its messages are rendered with the model's chat template and the spans printed as JSON.
            """
    )

    @Flag(help: "One token id per line.")
    var ids = false

    @Flag(help: "The number of tokens (the default).")
    var count = false

    @Flag(help: "One token per line: id, the token as the vocabulary writes it, and its text as JSON, tab-separated.")
    var pieces = false

    @Option(name: .customLong("chat"), help: ArgumentHelp("A chat request JSON file ('-' for stdin).", valueName: "REQUEST.json"))
    var chatRequest: String?

    @Option(help: "Chat template family for --chat: v3 or v4 (default: from the request's model).")
    var template: TemplateFamilyArgument?

    @Flag(inversion: .prefixedNo, help: "Render --chat in thinking mode (default: the request's `thinking` or the model's default).")
    var thinking: Bool?

    @Argument(help: "The text file to tokenize, or - for standard input (the default).")
    var file: String?

    func validate() throws {
        if [ids, count, pieces].filter({ $0 }).count > 1 { throw ValidationError("Use only one of --ids, --count, --pieces.") }
        if chatRequest != nil && (ids || pieces || file != nil) {
            throw ValidationError("--chat prints spans as JSON; it takes no FILE and no --ids/--pieces.")
        }
    }

    func run() throws {
        let tokenizer = DeepSeekTokenizer.shared
        if let chatRequest {
            try printSpans(of: try readText(chatRequest), tokenizer: tokenizer)
            return
        }
        let text = try readText(file ?? "-")
        let tokens = tokenizer.encode(text)
        if ids {
            Terminal.write(tokens.map(String.init).joined(separator: "\n") + (tokens.isEmpty ? "" : "\n"))
        } else if pieces {
            var lines: [String] = []
            lines.reserveCapacity(tokens.count)
            for id in tokens {
                let text = String(decoding: tokenizer.decodeBytes([id]), as: UTF8.self)
                lines.append("\(id)\t\(TerminalSanitizer.clean(tokenizer.piece(for: id) ?? "?"))\t\(JSONText.quote(text))")
            }
            Terminal.write(lines.joined(separator: "\n") + (tokens.isEmpty ? "" : "\n"))
        } else {
            Terminal.write("\(tokens.count)\n")
        }
    }

    private func printSpans(of json: String, tokenizer: DeepSeekTokenizer) throws {
        let request: ChatRequest
        do {
            request = try ChatRequest.decode(Array(json.utf8))
        } catch {
            throw CLIError.usage("\(chatRequest ?? "-") is not a chat request body: \(error)")
        }
        let model = ModelTemplates.template(forModel: request.model)
        let family = template?.family ?? model.family
        let useThinking = thinking ?? request.thinking.map(\.isEnabled) ?? model.thinkingByDefault
        let messages = request.messages.map(TemplateMessage.init(chat:))
        let rendered = ChatTemplate(tokenizer: tokenizer).render(messages: messages, family: family, thinking: useThinking)
        let report = SpanReport(template: family.rawValue, thinking: useThinking, promptTokens: rendered.ids.count,
                                spans: rendered.spans)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        Terminal.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
    }

    private func readText(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CLIError.usage("Cannot read \(path): no such file, or not readable.")
            }
            data = contents
        }
        // `AttachmentText`, as `ask -f` reads files: a leading U+FEFF is kept (the server counts
        // it; `String(data:encoding:)` would drop it), UTF-16 with a byte-order mark is decoded.
        do {
            return try AttachmentText.decode(data, name: path == "-" ? "Standard input" : path)
        } catch {
            throw CLIError.usage("\(error).")
        }
    }
}

enum TemplateFamilyArgument: String, ExpressibleByArgument {
    case v3, v4
    var family: TemplateFamily { self == .v3 ? .v3 : .v4 }
}

/// The JSON printed by `tokenize --chat`.
struct SpanReport: Encodable {
    var template: String
    var thinking: Bool
    var promptTokens: Int
    var spans: [MessageSpan]

    private enum Keys: String, CodingKey { case template, thinking, promptTokens = "prompt_tokens", messages, generationPrompt = "generation_prompt" }
    private enum SpanKeys: String, CodingKey {
        case index, role, start, end, tokens, contentStart = "content_start", contentEnd = "content_end",
             templateTokens = "template_tokens"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(template, forKey: .template)
        try container.encode(thinking, forKey: .thinking)
        try container.encode(promptTokens, forKey: .promptTokens)
        var messages = container.nestedUnkeyedContainer(forKey: .messages)
        for span in spans where !span.isGenerationPrompt { try encode(span, into: messages.nestedContainer(keyedBy: SpanKeys.self)) }
        if let generation = spans.first(where: \.isGenerationPrompt) {
            try encode(generation, into: container.nestedContainer(keyedBy: SpanKeys.self, forKey: .generationPrompt))
        } else {
            try container.encodeNil(forKey: .generationPrompt)
        }
    }

    private func encode(_ span: MessageSpan, into container: KeyedEncodingContainer<SpanKeys>) throws {
        var container = container
        if !span.isGenerationPrompt { try container.encode(span.messageIndex, forKey: .index) }
        try container.encode(span.role?.rawValue, forKey: .role)
        try container.encode(span.start, forKey: .start)
        try container.encode(span.end, forKey: .end)
        try container.encode(span.tokenCount, forKey: .tokens)
        try container.encode(span.contentStart, forKey: .contentStart)
        try container.encode(span.contentEnd, forKey: .contentEnd)
        try container.encode(span.tokenCount - (span.contentEnd - span.contentStart), forKey: .templateTokens)
    }
}

/// A JSON string literal: control characters escaped, so any token prints on one line.
enum JSONText {
    static func quote(_ text: String) -> String {
        guard let data = try? JSONEncoder().encode([text]) else { return "\"\"" }
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
