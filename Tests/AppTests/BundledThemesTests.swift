import Foundation
import App
import Testing

@Suite("Shipped themes")
struct BundledThemesTests {
    static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes")

    @Test func embeddedCopiesMatchThemesFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.themes.path).filter { $0.hasSuffix(".toml") }.sorted()
        #expect(ThemeFiles.bundled.map { $0.name + ".toml" } == files, "run scripts/embed_themes.py")
        for (name, text) in ThemeFiles.bundled {
            let disk = try String(contentsOf: Self.themes.appendingPathComponent(name + ".toml"), encoding: .utf8)
            #expect(text == disk, "themes/\(name).toml changed: run scripts/embed_themes.py")
        }
    }

    @Test func everyShippedThemeLoads() {
        let entries = ThemeFiles.all(environment: ["HOME": "/nonexistent"])
        #expect(entries.map(\.name).sorted() == ["dark", "high-contrast", "light", "monochrome"])
        for entry in entries {
            if case .failure(let problem) = entry.result { Issue.record("\(entry.name): \(problem)") }
        }
    }

    @Test func brokenUserThemesNameFileLineAndProblem() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        let directory = home.appendingPathComponent("cachechat/themes")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "name = \"bad\"\n[slots]\ncache-hit = { fg = \"#12\" }\n".write(to: directory.appendingPathComponent("bad.toml"), atomically: true, encoding: .utf8)
        try "[slots\n".write(to: directory.appendingPathComponent("syntax.toml"), atomically: true, encoding: .utf8)
        let entries = ThemeFiles.all(environment: ["XDG_CONFIG_HOME": home.path, "HOME": home.path])
        let bad = try #require(entries.first { $0.name == "bad" })
        guard case .failure(let problem) = bad.result else { Issue.record("bad.toml loaded"); return }
        #expect(problem.line == 3)
        #expect(problem.description.contains("cache-hit"))
        let syntax = try #require(entries.first { $0.name == "syntax" })
        guard case .failure(let syntaxProblem) = syntax.result else { Issue.record("syntax.toml loaded"); return }
        #expect(syntaxProblem.line == 1)
    }
}
