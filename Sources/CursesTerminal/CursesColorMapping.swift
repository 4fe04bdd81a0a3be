import TerminalUI

/// A cell style as curses takes it: attribute flags and a pair of curses colour numbers
/// (-1 is the terminal's default colour).
struct CursesCellStyle: Hashable, Sendable {
    var attributes: TextAttributes
    var foreground: Int32
    var background: Int32

    /// Both colours are the terminal defaults: colour pair 0, nothing to allocate.
    var usesDefaultColors: Bool { foreground == -1 && background == -1 }
}

/// Maps resolved styles onto what a curses screen with `colors` colours accepts. Pure.
struct CursesColorMapping: Hashable, Sendable {
    /// `COLORS` of the terminal (0 without colour support).
    var colors: Int
    /// Whether `use_default_colors()` succeeded, so -1 may be used in a pair.
    var defaultColors: Bool
    var depth: ColorDepth

    /// Attributes a monochrome terminal is given: italic is dropped, it is rarely shown
    /// and often rendered as reverse.
    static let monochromeAttributes: TextAttributes = [.bold, .dim, .underline, .reverse]

    func cellStyle(_ resolved: ResolvedStyle) -> CursesCellStyle {
        if depth == .monochrome || colors < 8 {
            return CursesCellStyle(attributes: resolved.attributes.intersection(Self.monochromeAttributes),
                                   foreground: -1, background: -1)
        }
        var foreground = colorNumber(resolved.foreground)
        var background = colorNumber(resolved.background)
        if !defaultColors {
            // Without default-colour support a pair must name real colours.
            if foreground < 0 { foreground = 7 }
            if background < 0 { background = 0 }
        }
        return CursesCellStyle(attributes: resolved.attributes, foreground: foreground, background: background)
    }

    /// The curses colour number of `color`, degraded to what the terminal has.
    func colorNumber(_ color: Color) -> Int32 {
        if case .default = color { return -1 }
        if colors >= 1 << 24 { return directColorNumber(color) }
        let fitted = color.degraded(to: colors >= 256 ? .indexed256 : colors >= 16 ? .ansi16 : .ansi8)
        switch fitted {
        case .default: return -1
        case .ansi(let n): return Int32(n) % Int32(min(colors, 16))
        case .indexed(let n): return Int32(n) < Int32(colors) ? Int32(n) : Int32(n) % 8
        case .rgb: return -1  // not produced by degraded(to:) below true colour
        }
    }

    /// Direct-colour terminfo (xterm-direct): numbers 0–7 are the ANSI colours, anything
    /// else is 0xRRGGBB. An RGB value below 8 is nudged to 8 so it is not read as ANSI.
    private func directColorNumber(_ color: Color) -> Int32 {
        if case .ansi(let n) = color, n < 8 { return Int32(n) }
        if case .indexed(let n) = color, n < 8 { return Int32(n) }
        let (r, g, b) = color.rgbComponents
        return max(8, Int32(r << 16 | g << 8 | b))
    }
}
