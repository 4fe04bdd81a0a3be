import Foundation
import Testing
@testable import TerminalUI

@Suite struct ThemeTests {
    @Test func parsesColourStrings() throws {
        #expect(try ColorSpec.parseColor("#ff8000").get() == .rgb(255, 128, 0))
        #expect(try ColorSpec.parseColor("#F80").get() == .rgb(255, 136, 0))
        #expect(try ColorSpec.parseColor("color123").get() == .indexed(123))
        #expect(try ColorSpec.parseColor("color9").get() == .ansi(9))
        #expect(try ColorSpec.parseColor("red").get() == .red)
        #expect(try ColorSpec.parseColor("bright-blue").get() == .ansi(12))
        #expect(try ColorSpec.parseColor(" default ").get() == .default)
        #expect(throws: ThemeError.Problem.self) { try ColorSpec.parseColor("#12345").get() }
        #expect(throws: ThemeError.Problem.self) { try ColorSpec.parseColor("color256").get() }
        #expect(throws: ThemeError.Problem.self) { try ColorSpec.parseColor("purple").get() }
    }

    @Test func errorsNameSlotAndProblem() {
        do {
            _ = try Theme(name: "bad", overrides: [
                "user-nam": ColorSpec(fg: "red"),
                "cache-hit": ColorSpec(fg: "#zzzzzz", attributes: ["bold", "blink"]),
                "heading": ColorSpec(fg: "green"),
            ])
            Issue.record("expected an error")
        } catch {
            #expect(error.issues.count == 3)
            #expect(error.description.contains("slot \"user-nam\": unknown slot (did you mean \"user-name\"?)"))
            #expect(error.description.contains("slot \"cache-hit\".fg: bad colour \"#zzzzzz\""))
            #expect(error.description.contains("slot \"cache-hit\".attrs: unknown attribute \"blink\""))
        }
    }

    @Test func slotNamesRoundTrip() {
        for slot in ColorSlot.allCases {
            #expect(ColorSlot(name: slot.name) == slot)
            #expect(ColorSlot(name: slot.rawValue) == slot)
        }
        #expect(ColorSlot(name: "cache_hit") == .cacheHit)
        #expect(Set(ColorSlot.allCases.map(\.snapshotCode)).count == ColorSlot.allCases.count)
    }

    @Test func themesOverrideSparsely() throws {
        let theme = try Theme(name: "t", overrides: ["cache-hit": ColorSpec(fg: "green"), "link": ColorSpec(attributes: [])])
        let palette = Palette.dark.applying(theme)
        #expect(palette[.cacheHit].foreground == .green)
        #expect(palette[.cacheHit].attributes == .bold)  // kept from the base
        #expect(palette[.link].attributes == [])
        #expect(palette[.userName] == Palette.dark[.userName])
    }

    @Test func degradesThroughEveryDepth() {
        let orange = Color.rgb(255, 135, 0)
        #expect(orange.degraded(to: .indexed256) == .indexed(208))
        #expect(Color.rgb(128, 128, 128).degraded(to: .indexed256) == .indexed(244))
        #expect(orange.degraded(to: .ansi16) == .ansi(3) || orange.degraded(to: .ansi16) == .ansi(11))
        #expect(Color.ansi(12).degraded(to: .ansi8) == .ansi(4))
        #expect(orange.degraded(to: .monochrome) == .default)
        for depth in ColorDepth.allCases {
            let palette = Palette.dark.degraded(to: depth)
            for slot in ColorSlot.allCases {
                if case .rgb = palette[slot].foreground { #expect(depth == .trueColor) }
            }
        }
    }

    @Test func monochromeKeepsSlotsDistinguishable() {
        let mono = Palette.dark.degraded(to: .monochrome)
        let important: [ColorSlot] = [.text, .cacheHit, .cacheMiss, .cachePartial, .error, .statusBar, .cursor, .link, .heading]
        let looks = important.map { mono.resolve(Style($0)) }
        #expect(Set(looks).count == important.count)
        for look in looks {
            #expect(look.foreground == .default && look.background == .default)
        }
    }

    @Test func shippedThemeNamesAreValidSlots() {
        // The theme files use these keys; keep them in sync with ColorSlot.
        for key in ["text", "user-name", "code-background", "cache-hit", "status-bar", "help-key"] {
            #expect(ColorSlot(name: key) != nil)
        }
    }
}

/// The shipped themes/*.toml files, read with a tiny parser for the inline-table subset
/// they use (the real loader is TOMLKit in the Store target).
@Suite struct ShippedThemeTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes")

    static func slots(_ text: String) -> [String: ColorSpec] {
        var out: [String: ColorSpec] = [:]
        var inSlots = false
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") { inSlots = line == "[slots]"; continue }
            guard inSlots, !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let body = String(line[line.index(after: eq)...])
            func string(_ field: String) -> String? {
                guard let r = body.range(of: field + " = \"") else { return nil }
                return String(body[r.upperBound...].prefix { $0 != "\"" })
            }
            var attrs: [String]? = nil
            if let r = body.range(of: "attrs = [") {
                attrs = body[r.upperBound...].prefix { $0 != "]" }.split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            out[key] = ColorSpec(fg: string("fg"), bg: string("bg"), attributes: attrs)
        }
        return out
    }

    @Test(arguments: ["dark", "light", "high-contrast", "monochrome"])
    func themeFileIsValid(name: String) throws {
        let url = Self.folder.appendingPathComponent(name + ".toml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let theme = try Theme(name: name, overrides: Self.slots(text))
        #expect(name == "dark" ? theme.overrides.isEmpty : !theme.overrides.isEmpty)
        if name == "monochrome" {
            let palette = Palette.dark.applying(theme)
            for slot in ColorSlot.allCases { #expect(palette[slot].foreground == .default, "\(slot)") }
        }
    }
}
