/// Text meters for panels (htop-style display modes): a two-part bar and a sparkline.
public enum Meter {
    static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A hit/miss bar `width` cells wide: hit cells "█" in ``ColorSlot/cacheHit``, miss
    /// cells "░" in ``ColorSlot/cacheMiss``. Any non-zero part gets at least one cell.
    public static func bar(hit: Int, miss: Int, width: Int) -> StyledLine {
        guard width > 0 else { return StyledLine() }
        let total = hit + miss
        guard total > 0 else { return StyledLine(String(repeating: "·", count: width), Style(.dimText)) }
        var hitCells = Int((Double(hit) / Double(total) * Double(width)).rounded())
        if hit > 0 && hitCells == 0 { hitCells = 1 }
        if miss > 0 && hitCells == width && width > 1 { hitCells = width - 1 }
        var line = StyledLine(String(repeating: "█", count: hitCells), Style(.cacheHit))
        line.append(String(repeating: "░", count: width - hitCells), Style(.cacheMiss))
        return line
    }

    /// One block per value (0…1), the most recent `width` values.
    public static func sparkline(_ values: [Double], width: Int) -> String {
        guard width > 0 else { return "" }
        return String(values.suffix(width).map { value -> Character in
            let clamped = value.isFinite ? min(1, max(0, value)) : 0
            return sparks[min(sparks.count - 1, Int(clamped * Double(sparks.count - 1) + 0.5))]
        })
    }
}
