extension PriceTable {
    /// DeepSeek's prices (per 1M tokens: cache hit / cache miss / output), as data: each row
    /// with its first day and its source. docs/PRICES.md is generated from this table
    /// (`cachechat prices --markdown`; a test keeps it equal). Override in config.toml's `[prices]`.
    public static let builtIn = PriceTable(entries: [
        PriceEntry(models: ["deepseek-chat"], effective: "2024-08-02",
                   usd: TokenPrices(cacheHit: 0.014, cacheMiss: 0.14, output: 0.28),
                   cny: TokenPrices(cacheHit: 0.1, cacheMiss: 1, output: 2), note: "DeepSeek-V2",
                   source: pricingPage + ", 2024-08"),
        PriceEntry(models: ["deepseek-chat"], effective: "2025-02-09",
                   usd: TokenPrices(cacheHit: 0.07, cacheMiss: 0.27, output: 1.10),
                   cny: TokenPrices(cacheHit: 0.5, cacheMiss: 2, output: 8), note: "DeepSeek-V3",
                   source: pricingPage + ", 2025-02"),
        PriceEntry(models: ["deepseek-reasoner"], effective: "2025-02-09",
                   usd: TokenPrices(cacheHit: 0.14, cacheMiss: 0.55, output: 2.19),
                   cny: TokenPrices(cacheHit: 1, cacheMiss: 4, output: 16), note: "DeepSeek-R1",
                   source: pricingPage + ", 2025-02"),
        PriceEntry(models: ["deepseek-chat", "deepseek-reasoner"], effective: "2025-09-29",
                   usd: TokenPrices(cacheHit: 0.028, cacheMiss: 0.28, output: 0.42),
                   cny: TokenPrices(cacheHit: 0.2, cacheMiss: 2, output: 3), note: "DeepSeek-V3.2",
                   source: pricingPage + ", 2025-09-29"),
        PriceEntry(models: flashIDs, effective: "2026-04-24",
                   usd: TokenPrices(cacheHit: 0.028, cacheMiss: 0.14, output: 0.28),
                   cny: TokenPrices(cacheHit: 0.2, cacheMiss: 1, output: 2), note: "DeepSeek-V4-Flash",
                   source: pricingPage + ", 2026-04-24"),
        PriceEntry(models: proIDs, effective: "2026-04-24",
                   usd: TokenPrices(cacheHit: 0.145, cacheMiss: 1.74, output: 3.48),
                   cny: TokenPrices(cacheHit: 1, cacheMiss: 12, output: 24), note: "DeepSeek-V4-Pro",
                   source: pricingPage + ", 2026-04-24"),
        PriceEntry(models: flashIDs, effective: "2026-04-26",
                   usd: TokenPrices(cacheHit: 0.0028, cacheMiss: 0.14, output: 0.28),
                   cny: nil, note: "DeepSeek-V4-Flash, cache-hit price cut to 1/10",
                   source: pricingPage + ", 2026-04-26; no CNY price found"),
        PriceEntry(models: flashIDs, effective: "2026-08-16",
                   usd: TokenPrices(cacheHit: 0.014, cacheMiss: 0.44, output: 1.32),
                   cny: nil, offPeakFactor: 0.5, note: "DeepSeek-V4-Flash, peak/off-peak",
                   source: "two independent price-list changes in public repositories (not an official page); no CNY price found"),
        PriceEntry(models: flashIDs, effective: "2026-09-01",
                   usd: TokenPrices(cacheHit: 0.006, cacheMiss: 0.3, output: 1.2),
                   cny: nil, offPeakFactor: 0.5, note: "DeepSeek Flash (V4.1), peak/off-peak",
                   source: pricingPage + ", Sept 2026 snapshot, checked 2026-12; no CNY price found"),
        PriceEntry(models: proIDs, effective: "2026-09-01",
                   usd: TokenPrices(cacheHit: 0.044, cacheMiss: 1.32, output: 3.96),
                   cny: nil, offPeakFactor: 0.5, note: "DeepSeek-V4-Pro, peak/off-peak",
                   source: pricingPage + ", Sept 2026 snapshot, checked 2026-12; no CNY price found"),
    ])

    static let pricingPage = "DeepSeek pricing page"

    /// From 2026-04-24 the legacy ids are served by V4-Flash.
    static let flashIDs = ["deepseek-v4-flash", "deepseek-flash", "deepseek-chat", "deepseek-reasoner"]
    static let proIDs = ["deepseek-v4-pro", "deepseek-pro"]
}
