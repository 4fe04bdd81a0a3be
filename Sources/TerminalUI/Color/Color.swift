/// How many colours the terminal can show. The caller picks it (from `COLORTERM`,
/// `tput colors`, and `NO_COLOR`, which means ``monochrome``); the palette degrades to it.
public enum ColorDepth: Int, CaseIterable, Comparable, Sendable {
    /// Attributes only (bold, dim, underline, reverse): also what `NO_COLOR` asks for.
    case monochrome = 0
    case ansi8 = 8
    case ansi16 = 16
    case indexed256 = 256
    case trueColor = 16_777_216

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }
}

/// A concrete terminal colour.
public enum Color: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own default foreground/background.
    case `default`
    /// ANSI colours 0–15 (0–7 normal, 8–15 bright).
    case ansi(UInt8)
    /// The xterm 256-colour cube and grey ramp (16–255; 0–15 are the ANSI colours).
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    public static let black = Color.ansi(0), red = Color.ansi(1), green = Color.ansi(2), yellow = Color.ansi(3)
    public static let blue = Color.ansi(4), magenta = Color.ansi(5), cyan = Color.ansi(6), white = Color.ansi(7)

    public var description: String {
        switch self {
        case .default: "default"
        case .ansi(let n): n < 8 ? Color.ansiNames[Int(n)] : "bright-" + Color.ansiNames[Int(n) - 8]
        case .indexed(let n): "color\(n)"
        case .rgb(let r, let g, let b): "#" + [r, g, b].map { hex2($0) }.joined()
        }
    }

    /// Names of ANSI colours 0–7 in theme files; 8–15 are `bright-<name>`.
    public static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// The same colour on a terminal of `depth`: nearest 256-colour index, nearest ANSI
    /// colour, bright colours folded to normal for 8 colours, `.default` for monochrome.
    public func degraded(to depth: ColorDepth) -> Color {
        switch (self, depth) {
        case (.default, _): return .default
        case (_, .monochrome): return .default
        case (_, .trueColor): return self
        case (.rgb(let r, let g, let b), .indexed256): return .indexed(Color.nearest256(r, g, b))
        case (.indexed(let n), .indexed256): return .indexed(n)
        case (.ansi(let n), .indexed256), (.ansi(let n), .ansi16): return .ansi(n)
        case (.ansi(let n), .ansi8): return .ansi(n % 8)
        case (_, .ansi16): return .ansi(Color.nearestANSI(rgbComponents, colours: 16))
        case (_, .ansi8): return .ansi(Color.nearestANSI(rgbComponents, colours: 8))
        }
    }

    /// Approximate RGB of any colour (the xterm defaults for ANSI and indexed colours).
    public var rgbComponents: (Int, Int, Int) {
        switch self {
        case .default: return (192, 192, 192)
        case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
        case .ansi(let n): return Color.ansiRGB[Int(n) % 16]
        case .indexed(let n):
            if n < 16 { return Color.ansiRGB[Int(n)] }
            if n >= 232 { let v = 8 + 10 * (Int(n) - 232); return (v, v, v) }
            let i = Int(n) - 16
            return (Color.cubeLevels[i / 36], Color.cubeLevels[(i / 6) % 6], Color.cubeLevels[i % 6])
        }
    }

    static let cubeLevels = [0, 95, 135, 175, 215, 255]
    static let ansiRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func level(_ v: UInt8) -> Int {
            cubeLevels.indices.min { abs(cubeLevels[$0] - Int(v)) < abs(cubeLevels[$1] - Int(v)) }!
        }
        let (ri, gi, bi) = (level(r), level(g), level(b))
        let cube = 16 + 36 * ri + 6 * gi + bi
        let cubeRGB = (cubeLevels[ri], cubeLevels[gi], cubeLevels[bi])
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyIndex = min(23, max(0, (average - 3) / 10))
        let greyValue = 8 + 10 * greyIndex
        let target = (Int(r), Int(g), Int(b))
        return distance(target, (greyValue, greyValue, greyValue)) < distance(target, cubeRGB)
            ? UInt8(232 + greyIndex) : UInt8(cube)
    }

    static func nearestANSI(_ rgb: (Int, Int, Int), colours: Int) -> UInt8 {
        UInt8((0..<colours).min { distance(rgb, ansiRGB[$0]) < distance(rgb, ansiRGB[$1]) }!)
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        // Weighted for the eye's sensitivity (green most, blue least).
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}

private func hex2(_ v: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(v >> 4)], digits[Int(v & 15)]])
}
