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

    /// The catalog parses only the user's files at start; a shipped theme is parsed when
    /// it is asked for, and is the theme a full load gives. A user file replaces a shipped
    /// theme of its name, broken or not.
    @Test func shippedThemesAreParsedWhenAskedFor() throws {
        let catalog = ThemeCatalog.load(environment: ["HOME": "/nonexistent"], preferred: "light")
        #expect(catalog.themes.isEmpty)
        #expect(catalog.names == ["dark", "high-contrast", "light", "monochrome"])
        #expect(catalog.defaultName == "light" && catalog.problems.isEmpty)
        for entry in ThemeFiles.all(environment: ["HOME": "/nonexistent"]) {
            #expect(catalog.theme(named: entry.name) == (try? entry.result.get()), "\(entry.name)")
        }
        #expect(catalog.theme(named: "nope") == nil)

        let home = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        let directory = home.appendingPathComponent("cachechat/themes")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try "name = \"light\"\n[slots]\ncache-hit = { fg = \"#12\" }\n".write(to: directory.appendingPathComponent("light.toml"), atomically: true, encoding: .utf8)
        try "name = \"mine\"\n[slots]\ncache-hit = { fg = \"#123456\" }\n".write(to: directory.appendingPathComponent("mine.toml"), atomically: true, encoding: .utf8)
        let user = ThemeCatalog.load(environment: ["XDG_CONFIG_HOME": home.path, "HOME": home.path], preferred: "light")
        #expect(user.names == ["dark", "high-contrast", "monochrome", "mine"])
        #expect(user.theme(named: "light") == nil && user.broken["light"] != nil)
        #expect(user.defaultName == "dark" && user.problems.first?.contains("Theme `light` cannot be used") == true)
        #expect(user.theme(named: "mine")?.overrides.isEmpty == false)
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

    /// A theme is called by its file's name: a copy of a shipped theme keeps its `name =`
    /// line but is a theme of its own and does not replace the shipped one.
    @Test func aThemeIsNamedByItsFileNotByTheNameInside() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        let directory = home.appendingPathComponent("cachechat/themes")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try "name = \"light\"\n[slots]\nuser-name = { fg = \"#ff0000\" }\n"
            .write(to: directory.appendingPathComponent("mylight.toml"), atomically: true, encoding: .utf8)
        try "name = \"ok\"\n[slots]\ncache-hit = { fg = \"#12\" }\n"
            .write(to: directory.appendingPathComponent("unk.toml"), atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog.load(environment: ["XDG_CONFIG_HOME": home.path], preferred: nil)
        #expect(catalog.names.contains("mylight"))
        #expect(catalog.theme(named: "mylight")?.overrides.isEmpty == false)
        let shipped = try #require(ThemeFiles.bundled.first { $0.name == "light" })
        #expect(catalog.theme(named: "light") == (try? ThemeFiles.load(text: shipped.text, path: "themes/light.toml", isUser: false).result.get()),
                "the shipped light is untouched")
        #expect(catalog.broken["unk"] != nil && catalog.broken["ok"] == nil, "\(catalog.broken)")
        #expect(!catalog.names.contains("ok"))
    }
}
