extension PriceTable {
    /// DeepSeek's published prices (per 1M tokens: cache hit / cache miss / output), as data.
    /// Sources and dates: docs/PRICES.md. Override them in config.toml's `[prices]`.
    public static let builtIn = PriceTable(entries: [
        PriceEntry(models: ["deepseek-chat"], effective: "2024-08-02",
                   usd: TokenPrices(cacheHit: 0.014, cacheMiss: 0.14, output: 0.28),
                   cny: TokenPrices(cacheHit: 0.1, cacheMiss: 1, output: 2), note: "DeepSeek-V2"),
        PriceEntry(models: ["deepseek-chat"], effective: "2025-02-09",
                   usd: TokenPrices(cacheHit: 0.07, cacheMiss: 0.27, output: 1.10),
                   cny: TokenPrices(cacheHit: 0.5, cacheMiss: 2, output: 8), note: "DeepSeek-V3"),
        PriceEntry(models: ["deepseek-reasoner"], effective: "2025-02-09",
                   usd: TokenPrices(cacheHit: 0.14, cacheMiss: 0.55, output: 2.19),
                   cny: TokenPrices(cacheHit: 1, cacheMiss: 4, output: 16), note: "DeepSeek-R1"),
        PriceEntry(models: ["deepseek-chat", "deepseek-reasoner"], effective: "2025-09-29",
                   usd: TokenPrices(cacheHit: 0.028, cacheMiss: 0.28, output: 0.42),
                   cny: TokenPrices(cacheHit: 0.2, cacheMiss: 2, output: 3), note: "DeepSeek-V3.2"),
        PriceEntry(models: flashIDs, effective: "2026-04-24",
                   usd: TokenPrices(cacheHit: 0.028, cacheMiss: 0.14, output: 0.28),
                   cny: TokenPrices(cacheHit: 0.2, cacheMiss: 1, output: 2), note: "DeepSeek-V4-Flash"),
        PriceEntry(models: proIDs, effective: "2026-04-24",
                   usd: TokenPrices(cacheHit: 0.145, cacheMiss: 1.74, output: 3.48),
                   cny: TokenPrices(cacheHit: 1, cacheMiss: 12, output: 24), note: "DeepSeek-V4-Pro"),
        PriceEntry(models: flashIDs, effective: "2026-04-26",
                   usd: TokenPrices(cacheHit: 0.0028, cacheMiss: 0.14, output: 0.28),
                   cny: nil, note: "DeepSeek-V4-Flash, cache-hit price cut to 1/10"),
        PriceEntry(models: flashIDs, effective: "2026-09-01",
                   usd: TokenPrices(cacheHit: 0.006, cacheMiss: 0.3, output: 1.2),
                   cny: nil, offPeakFactor: 0.5, note: "DeepSeek Flash, peak/off-peak"),
        PriceEntry(models: proIDs, effective: "2026-09-01",
                   usd: TokenPrices(cacheHit: 0.044, cacheMiss: 1.32, output: 3.96),
                   cny: nil, offPeakFactor: 0.5, note: "DeepSeek-V4-Pro, peak/off-peak"),
    ])

    /// From 2026-04-24 the legacy ids are served by V4-Flash.
    static let flashIDs = ["deepseek-v4-flash", "deepseek-flash", "deepseek-chat", "deepseek-reasoner"]
    static let proIDs = ["deepseek-v4-pro", "deepseek-pro"]
}
