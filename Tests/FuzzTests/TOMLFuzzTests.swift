import ChatCore
import Foundation
@testable import Config
@testable import App
import Testing

@Suite("Fuzz: TOML loaders (config, themes, few-shot sets) and messages JSON")
struct TOMLFuzzTests {
    static let configSeed = """
        profile = "deepseek"
        currency = "CNY"

        [profiles.deepseek]
        base_url = "https://api.deepseek.com"
        api_key_command = "pass show deepseek"   # a comment
        model = "deepseek-v4-flash"

        [profiles."local vllm"]
        base_url = 'http://127.0.0.1:8000/v1'
        user_id = \"\"\"multi
        line [x] = 1\"\"\"

        [prices."deepseek-v4-flash"]
        input_cache_hit = 0.028
        input_cache_miss = 0.28
        output = 0.42
        """

    /// Checks the problem a loader reported: it names the file, a syntax error names a
    /// line, and it can be printed to a terminal as is.
    static func checkProblem(_ problem: FileProblem, path: String, syntax: Bool) throws {
        let text = problem.description
        try Fuzz.check(text.hasPrefix(path + ":"), "problem does not start with the path: \(text.debugDescription)")
        if syntax {
            try Fuzz.check((problem.line ?? 0) >= 1, "syntax error without a line: \(text.debugDescription)")
        }
        if let line = problem.line {
            try Fuzz.check(line >= 1, "line \(line) in \(text.debugDescription)")
        }
        let bad = text.unicodeScalars.first { $0.value != 0x0A && $0.properties.generalCategory == .control }
        try Fuzz.check(bad == nil, "control character U+\(String(bad?.value ?? 0, radix: 16)) in \(text.debugDescription)")
    }

    /// Parses the text as TOML; nil (after checking the problem) on a syntax error.
    static func tomlFile(_ text: String, path: String) throws -> TOMLFile? {
        do {
            return try TOMLFile(path: path, text: text)
        } catch {
            try checkProblem(error, path: path, syntax: true)
            return nil
        }
    }

    @Test func configFile() {
        let path = "/home/u/.config/cachechat/config.toml"
        Fuzz.run("toml-config", seeds: [Array(Self.configSeed.utf8)]) { input, _ in
            guard let file = try Self.tomlFile(input.text, path: path) else { return }
            let config: ConfigFile
            do throws(FileProblem) {
                config = try ConfigFile.parse(file)
            } catch {
                try Self.checkProblem(error, path: path, syntax: false)
                return
            }
            for warning in config.warnings { try Fuzz.check(warning.hasPrefix(path + ":"), "warning without path: \(warning)") }
        }
    }

    @Test func themeFiles() {
        let seeds = ["dark", "light", "high-contrast", "monochrome"].compactMap { Fuzz.repositoryFile("themes/\($0).toml") }
        let path = "/home/u/.config/cachechat/themes/mine.toml"
        Fuzz.run("toml-theme", seeds: seeds) { input, _ in
            let entry = ThemeFiles.load(text: input.text, path: path, isUser: true)
            if case .failure(let problem) = entry.result {
                let syntax = (try? TOMLFile(path: path, text: input.text)) == nil
                try Self.checkProblem(problem, path: path, syntax: syntax)
            }
        }
    }

    @Test func fewShotFiles() {
        let seeds = ["sentiment", "commit-messages", "sql-from-question", "translate-en-zh"].compactMap {
            Fuzz.repositoryFile("fewshot/\($0).toml")
        }
        let path = "/home/u/.config/cachechat/fewshot/mine.toml"
        Fuzz.run("toml-fewshot", seeds: seeds) { input, _ in
            guard let file = try Self.tomlFile(input.text, path: path) else { return }
            let set: FewShotSet
            do throws(FileProblem) {
                set = try FewShotFile.parse(file, name: "mine")
            } catch {
                try Self.checkProblem(error, path: path, syntax: false)
                return
            }
            // Saving and loading a set keeps every byte that is sent (and so its version).
            let written = FewShotFile.toml(set)
            let again = try FewShotFile.parse(TOMLFile(path: path, text: written), name: "mine")
            try Fuzz.check(again.contentVersion == set.contentVersion, "save/load changed the set: \(set) -> \(again)")
        }
    }

    @Test func fewShotMessagesJSON() {
        let seeds = [
            #"[{"role":"system","content":"Be brief."},{"role":"user","content":"Q1"},{"role":"assistant","content":"A1\n\u001b[2J"}]"#,
            #"{"model":"deepseek-chat","messages":[{"role":"system","content":""},{"role":"user","content":"中文"},{"role":"assistant","content":"🇫🇷"}]}"#,
        ].map { Array($0.utf8) }
        let path = "/tmp/request.json"
        Fuzz.run("fewshot-json", seeds: seeds) { input, _ in
            do {
                let set = try FewShotMessagesJSON.parse(Data(input), name: "imported", path: path)
                let written = FewShotFile.toml(set)
                let again = try FewShotFile.parse(TOMLFile(path: "/tmp/imported.toml", text: written), name: "imported")
                try Fuzz.check(again.contentVersion == set.contentVersion, "import then save/load changed the set")
            } catch let problem as FileProblem {
                try Self.checkProblem(problem, path: path, syntax: false)
            }
        }
    }
}
