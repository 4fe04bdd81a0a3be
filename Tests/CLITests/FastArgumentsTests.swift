import ArgumentParser
import Foundation
import Testing
@testable import cachechat

/// The fast reader (FastArguments.swift) against argument-parser, whose declarations stay
/// the definition: whatever the reader decides, argument-parser decides the same; and every
/// option the reader knows exists in argument-parser with the same arity.
@Suite("Fast argument reader")
struct FastArgumentsTests {
    struct Vector: Sendable, CustomStringConvertible {
        var arguments: [String]
        /// Whether the fast reader takes it (false: it leaves it to argument-parser).
        var fast: Bool
        var description: String { arguments.debugDescription }
    }

    static let vectors: [Vector] = [
        // chat, named or the default.
        Vector(arguments: [], fast: true),
        Vector(arguments: ["chat"], fast: true),
        Vector(arguments: ["--model", "deepseek-chat"], fast: true),
        Vector(arguments: ["chat", "--model", "deepseek-chat"], fast: true),
        Vector(arguments: ["--model=x"], fast: true),
        Vector(arguments: ["--model=a=b"], fast: true),
        Vector(arguments: ["--model", "é"], fast: true),
        Vector(arguments: ["--model", "ask"], fast: true),
        Vector(arguments: ["--model", "chat"], fast: true),
        Vector(arguments: ["--theme", "help"], fast: true),
        Vector(arguments: ["--theme", "light", "--base-url", "http://127.0.0.1:1", "--api-key", "sk-x", "--profile", "p",
                           "--fewshot", "s", "--each", "--cache-model", "v3"], fast: true),
        Vector(arguments: ["--each", "--fewshot=s"], fast: true),
        Vector(arguments: ["--cache-model=v4"], fast: true),
        Vector(arguments: ["--cache-model", "v5"], fast: false),
        Vector(arguments: ["--cache-model", "V3"], fast: false),
        Vector(arguments: ["--model", "-x"], fast: false),
        Vector(arguments: ["--model=-x"], fast: false),
        Vector(arguments: ["--model="], fast: false),
        Vector(arguments: ["--model=", "x"], fast: false),
        Vector(arguments: ["--model", ""], fast: false),
        Vector(arguments: ["--model"], fast: false),
        Vector(arguments: ["--model", "--"], fast: false),
        Vector(arguments: ["--model=\u{301}x"], fast: false),
        Vector(arguments: ["--model", "a", "--model", "b"], fast: false),
        Vector(arguments: ["--each", "--each"], fast: false),
        Vector(arguments: ["--each=true"], fast: false),
        Vector(arguments: ["--each", "yes"], fast: false),
        Vector(arguments: ["--help"], fast: false),
        Vector(arguments: ["-h"], fast: false),
        Vector(arguments: ["chat", "--help"], fast: false),
        Vector(arguments: ["--version"], fast: false),
        Vector(arguments: ["--unknown"], fast: false),
        Vector(arguments: ["--Model", "x"], fast: false),
        Vector(arguments: ["---model", "x"], fast: false),
        Vector(arguments: ["-model", "x"], fast: false),
        Vector(arguments: ["--\u{301}model", "x"], fast: false),
        Vector(arguments: ["--"], fast: false),
        Vector(arguments: ["chat", "--"], fast: false),
        Vector(arguments: ["x"], fast: false),
        Vector(arguments: ["help"], fast: false),
        Vector(arguments: ["chat", "chat"], fast: false),
        Vector(arguments: ["--model", "x", "chat"], fast: false),
        Vector(arguments: [""], fast: false),
        Vector(arguments: ["--experimental-dump-help"], fast: false),
        Vector(arguments: ["--generate-completion-script", "bash"], fast: false),
        Vector(arguments: ["--system", "x"], fast: false),
        // ask
        Vector(arguments: ["ask", "Hello there"], fast: true),
        Vector(arguments: ["ask", "--base-url", "http://127.0.0.1:18900", "--api-key", "sk-x", "--model", "deepseek-chat", "Hello there"],
               fast: true),
        Vector(arguments: ["ask", "--no-save", "hi"], fast: true),
        Vector(arguments: ["ask", "hi", "--no-save"], fast: true),
        Vector(arguments: ["ask", "--model=deepseek-chat", "hi"], fast: true),
        Vector(arguments: ["ask", "help"], fast: true),
        Vector(arguments: ["ask", "chat"], fast: true),
        Vector(arguments: ["ask", "ask"], fast: true),
        Vector(arguments: ["ask", "--", "-5 degrees?"], fast: true),
        Vector(arguments: ["ask", "--model", "m", "--", "--"], fast: true),
        Vector(arguments: ["ask", "--", "-h"], fast: true),
        Vector(arguments: ["ask", "--", "--help"], fast: true),
        Vector(arguments: ["ask", "--thinking", "on", "x"], fast: true),
        Vector(arguments: ["ask", "--thinking=off", "x"], fast: true),
        Vector(arguments: ["ask", "--effort", "xhigh", "x"], fast: true),
        Vector(arguments: ["ask", "--effort=MAX", "x"], fast: true),
        Vector(arguments: ["ask", "--continue", "x"], fast: true),
        Vector(arguments: ["ask", "--json", "--json-object", "--no-stream", "--show-reasoning", "--pinned", "--fewshot", "s",
                           "--cache-model", "v4", "x"], fast: true),
        Vector(arguments: ["ask", "--system", "Be brief.", "--profile", "work", "x"], fast: true),
        Vector(arguments: ["ask", "--fewshot", "s", "--system", "y", "x"], fast: true),
        Vector(arguments: ["ask", "--thinking", "maybe", "x"], fast: false),
        Vector(arguments: ["ask", "--effort", "huge", "x"], fast: false),
        Vector(arguments: ["ask", "--continue", "--no-save", "x"], fast: false),
        Vector(arguments: ["ask"], fast: true),
        Vector(arguments: ["ask", "--no-save"], fast: true),
        Vector(arguments: ["ask", "a", "b"], fast: false),
        Vector(arguments: ["ask", ""], fast: false),
        Vector(arguments: ["ask", "-5"], fast: false),
        Vector(arguments: ["ask", "-"], fast: false),
        Vector(arguments: ["ask", "x", "--", "y"], fast: false),
        Vector(arguments: ["ask", "--", "x", "y"], fast: false),
        Vector(arguments: ["ask", "--", ""], fast: false),
        Vector(arguments: ["ask", "x", "--"], fast: true),
        Vector(arguments: ["ask", "--"], fast: true),
        Vector(arguments: ["ask", "--json", "--model", "m"], fast: true),
        Vector(arguments: ["ask", "--no-save=1", "x"], fast: false),
        Vector(arguments: ["ask", "--no-save", "--no-save", "x"], fast: false),
        Vector(arguments: ["ask", "--model", "a", "--model", "b", "x"], fast: false),
        Vector(arguments: ["ask", "x", "--model"], fast: false),
        Vector(arguments: ["ask", "--model", "-x", "y"], fast: false),
        Vector(arguments: ["ask", "-f", "doc.md", "x"], fast: false),
        Vector(arguments: ["ask", "--max-tokens", "5", "x"], fast: false),
        Vector(arguments: ["ask", "--questions", "q.txt"], fast: false),
        Vector(arguments: ["ask", "--continue-reply"], fast: false),
        Vector(arguments: ["ask", "--help"], fast: false),
        Vector(arguments: ["ask", "x", "-h"], fast: false),
        Vector(arguments: ["ask", "--each", "x"], fast: false),
        Vector(arguments: ["ask", "--theme", "dark", "x"], fast: false),
        Vector(arguments: ["--model", "m", "ask", "x"], fast: false),
        Vector(arguments: ["chat", "ask", "x"], fast: false),
        // Other commands are argument-parser's.
        Vector(arguments: ["serve", "--port", "1"], fast: false),
        Vector(arguments: ["models"], fast: false),
    ]

    /// argument-parser's answer as the same plain value (nil: it refused, or asked for help).
    static func argumentParser(_ arguments: [String]) -> FastArguments.Decision? {
        guard let command = try? Cachechat.parseAsRoot(arguments) else { return nil }
        if let chat = command as? ChatCommand { return .chat(chat.launch) }
        if let ask = command as? AskCommand { return .ask(ask.options) }
        return nil
    }

    @Test(arguments: vectors)
    func whatTheFastReaderDecidesArgumentParserDecidesTheSame(_ vector: Vector) throws {
        let fast = FastArguments.read(vector.arguments[...])
        #expect((fast != nil) == vector.fast, "fast reader: \(String(describing: fast))")
        guard let fast else { return }
        let parsed = Self.argumentParser(vector.arguments)
        #expect(parsed == fast, "argument-parser: \(String(describing: parsed))")
    }

    /// Each option the reader knows, alone: taken, and read as argument-parser reads it.
    @Test func everyKnownOptionIsReadAsArgumentParserReadsIt() {
        let samples = ["cache-model": "v3", "thinking": "off", "effort": "low"]
        for (command, known) in [("chat", FastArguments.chatOptions), ("ask", FastArguments.askOptions)] {
            for (name, takesValue) in known {
                for form in takesValue ? ["separate", "joined"] : ["flag"] {
                    let value = samples[name] ?? "some-value"
                    var arguments = [command]
                    switch form {
                    case "separate": arguments += ["--\(name)", value]
                    case "joined": arguments += ["--\(name)=\(value)"]
                    default: arguments += ["--\(name)"]
                    }
                    if command == "ask" { arguments.append("A prompt") }
                    let fast = FastArguments.read(arguments[...])
                    #expect(fast != nil, "\(arguments)")
                    #expect(fast == Self.argumentParser(arguments), "\(arguments)")
                }
            }
        }
    }

    /// argument-parser's own description of a command: its options' long names, each
    /// with whether it takes a value (`--experimental-dump-help`, the ToolInfo JSON).
    static func declaredOptions(of command: String) throws -> [String: Bool] {
        let message: String
        do {
            _ = try Cachechat.parseAsRoot([command, "--experimental-dump-help"])
            Issue.record("--experimental-dump-help did not stop the parse")
            return [:]
        } catch {
            message = Cachechat.fullMessage(for: error)
        }
        let root = try #require(try JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any])
        func find(_ node: [String: Any]) -> [String: Any]? {
            if node["commandName"] as? String == command { return node }
            for child in node["subcommands"] as? [[String: Any]] ?? [] { if let found = find(child) { return found } }
            return nil
        }
        let top = try #require(root["command"] as? [String: Any])
        let info = try #require(find(top), "no \(command) in \(message.prefix(200))")
        var options: [String: Bool] = [:]
        for argument in info["arguments"] as? [[String: Any]] ?? [] {
            let kind = argument["kind"] as? String
            guard kind == "option" || kind == "flag" else { continue }
            for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                if let long = name["name"] as? String { options[long] = kind == "option" }
            }
        }
        return options
    }

    @Test(arguments: ["chat", "ask"])
    func everyOptionTheReaderKnowsIsDeclaredWithTheSameArity(_ command: String) throws {
        let declared = try Self.declaredOptions(of: command)
        #expect(declared["model"] == true, "the dump is read: \(declared)")
        let known = command == "chat" ? FastArguments.chatOptions : FastArguments.askOptions
        for (name, takesValue) in known {
            #expect(declared[name] != nil, "--\(name) is not an option of \(command)")
            #expect(declared[name] == takesValue, "--\(name): the reader says \(takesValue ? "value" : "flag")")
        }
    }
}
