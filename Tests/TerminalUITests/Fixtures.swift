import TerminalUI

/// Shared view models for widget and screen snapshots.
enum Fixtures {
    /// Draws into a fresh buffer of `size` and presents it on a virtual terminal.
    static func screen(_ size: Size, _ draw: (Painter) -> Point?) -> VirtualTerminal {
        let terminal = VirtualTerminal(size: size)
        let buffer = ScreenBuffer(size: size)
        let cursor = draw(Painter(buffer))
        terminal.present(buffer, cursor: cursor)
        return terminal
    }

    /// Framed text followed by the style grid, the usual golden content.
    static func dump(_ terminal: VirtualTerminal, styles: Bool = true) -> String {
        styles ? terminal.framedSnapshot() + "\n\n" + terminal.styleSnapshot() : terminal.framedSnapshot()
    }

    static var messages: [TranscriptMessage] { [
        TranscriptMessage(key: TranscriptKey(kind: 2, value: 1), role: .system, name: "System", time: "09:00",
                          text: "You are a helpful assistant. Answer briefly.", cacheMark: .reused),
        TranscriptMessage(key: TranscriptKey(kind: 2, value: 2), role: .user, name: "You", time: "09:01",
                          text: "用中文解释一下缓存命中。日本語でも:キャッシュとは?", cacheMark: .reused),
        TranscriptMessage(key: TranscriptKey(kind: 2, value: 3), role: .assistant, name: "deepseek-chat", time: "09:01",
                          text: """
                          **缓存命中**是指请求的前缀与之前的请求相同。

                          - Family: 👩‍👩‍👧‍👦 and thumbs 👍🏽
                          - Café, naïve, e\u{301}le\u{301}ve (combining accents)
                            1. nested item
                          """,
                          reasoning: "The user asks in Chinese and Japanese; answer in Chinese.", reasoningTokens: 1234,
                          cacheMark: .partial(reused: 30, total: 60)),
        TranscriptMessage(key: TranscriptKey(kind: 2, value: 4), role: .user, name: "You", time: "09:02",
                          text: "Show me a `swift` example.", cacheMark: .notReused),
        TranscriptMessage(key: TranscriptKey(kind: 2, value: 5), role: .assistant, name: "deepseek-chat", time: "09:02",
                          text: """
                          Here:

                          ```swift
                          let hits = 42 // cached
                          print("ok")
                          ```
                          """, notes: [MessageNote("■ interrupted", .info)]),
    ] }

    static var transcript: TranscriptModel {
        TranscriptModel(messages: messages, horizon: CacheHorizon(messageIndex: 2, insideMessage: true),
                        streaming: StreamingStatus(frame: 3, tokensPerSecond: 41.75, phase: "writing"))
    }

    static let panel = CachePanelModel(
        conversation: CacheTotals(hitTokens: 38_400, missTokens: 5_120, outputTokens: 2_048, cost: 0.0123, costWithoutCache: 0.0421),
        allTime: CacheTotals(hitTokens: 1_234_567, missTokens: 345_678, outputTokens: 98_765, cost: nil, costWithoutCache: nil),
        lastRequest: .init(hitTokens: 3_840, missTokens: 512, outputTokens: 300, timeToFirstToken: 0.412, cost: 0.000712),
        hitRatioHistory: [0, 0.5, 0.8, 0.9, 0.95, 1.0, 0.2, 0.88],
        reusedPrefixes: [.init(label: "system + 4 shots", tokens: 3_840, uses: 12), .init(label: "system", tokens: 512, uses: 30)],
        prediction: .init(hitTokens: 4_352, missTokens: 64, cost: 0.0009),
        warnings: ["Draft breaks the cache at message 3 (edited)"])

    static let status = StatusBarModel(
        left: [.init("api.deepseek.com"), .init("deepseek-chat", accent: true), .init("thinking: off")],
        hints: [.init("^J", "newline"), .init("F1", "help"), .init("^C", "quit")])

    static func chatModel(overlay: Overlay? = nil) -> ChatScreenModel {
        ChatScreenModel(transcript: transcript, panel: panel, status: status, panelPlacement: .auto, overlay: overlay)
    }

    static let help = HelpOverlay(sections: [
        .init("Editor", [("Enter", "send"), ("Alt-Enter", "newline"), ("Ctrl-K", "kill to end of line")]),
        .init("Transcript", [("PgUp/PgDn", "scroll"), ("Ctrl-End", "jump to newest")]),
    ])

    static let commands: [CommandLineBar.Command] = [
        .init("model", "switch model"), .init("mode", "thinking on/off"), .init("theme", "change colours"),
        .init("help", "show keys"),
    ]
}
