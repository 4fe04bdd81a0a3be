extension Palette {
    /// The built-in dark palette: the base that every ``Theme`` overrides.
    /// Colours are chosen as RGB and degrade well to 256/16/8 colours; the monochrome
    /// column keeps every slot distinguishable with attributes alone.
    public static let dark: Palette = {
        func rgb(_ hex: UInt32) -> Color { .rgb(UInt8(hex >> 16 & 0xFF), UInt8(hex >> 8 & 0xFF), UInt8(hex & 0xFF)) }
        let panel = rgb(0x1C2027), code = rgb(0x262A33), status = rgb(0x2E3440), dialog = rgb(0x303644)
        let s: [ColorSlot: SlotStyle] = [
            .text: SlotStyle(),
            .dimText: SlotStyle(rgb(0x7F8794)),
            .userName: SlotStyle(rgb(0x5FAFFF), attributes: .bold),
            .assistantName: SlotStyle(rgb(0x87D787), attributes: .bold),
            .systemName: SlotStyle(rgb(0xD7AF5F), attributes: .bold),
            .timestamp: SlotStyle(rgb(0x6C7380)),
            .reasoning: SlotStyle(rgb(0x8A8F98), attributes: .italic),
            .interrupted: SlotStyle(rgb(0xE5A04B), attributes: .bold),
            .heading: SlotStyle(rgb(0x87AFFF), attributes: .bold),
            .emphasis: SlotStyle(rgb(0xE0E0E0)),
            .quote: SlotStyle(rgb(0x9AA5B1), attributes: .italic),
            .link: SlotStyle(rgb(0x5FD7FF), attributes: .underline),
            .listBullet: SlotStyle(rgb(0x87AFFF)),
            .rule: SlotStyle(rgb(0x4C5360)),
            .inlineCode: SlotStyle(rgb(0xE6C07B), background: code),
            .codeBackground: SlotStyle(rgb(0xD0D4DA), background: code),
            .codeText: SlotStyle(rgb(0xD0D4DA), background: code),
            .codeKeyword: SlotStyle(rgb(0xC678DD), background: code, attributes: .bold),
            .codeString: SlotStyle(rgb(0x98C379), background: code),
            .codeComment: SlotStyle(rgb(0x7F848E), background: code, attributes: .italic),
            .codeNumber: SlotStyle(rgb(0xD19A66), background: code),
            .cacheHit: SlotStyle(rgb(0x5FD75F), attributes: .bold),
            .cachePartial: SlotStyle(rgb(0xD7D75F)),
            .cacheMiss: SlotStyle(rgb(0xD75F5F)),
            .cacheHorizon: SlotStyle(rgb(0x5F87AF)),
            .panelBackground: SlotStyle(background: panel),
            .panelBorder: SlotStyle(rgb(0x4C5360)),
            .panelTitle: SlotStyle(rgb(0x87AFFF), attributes: .bold),
            .panelLabel: SlotStyle(rgb(0x9AA5B1)),
            .panelValue: SlotStyle(rgb(0xE0E0E0), attributes: .bold),
            .statusBar: SlotStyle(rgb(0xC8CDD4), background: status),
            .statusBarAccent: SlotStyle(rgb(0x87D7FF), background: status, attributes: .bold),
            .inputBackground: SlotStyle(background: rgb(0x20242B)),
            .placeholder: SlotStyle(rgb(0x6C7380), attributes: .italic),
            .cursor: SlotStyle(attributes: .reverse),
            .selection: SlotStyle(background: rgb(0x3E4A5C)),
            .error: SlotStyle(rgb(0xFF5F5F), attributes: .bold),
            .warning: SlotStyle(rgb(0xFFAF5F)),
            .success: SlotStyle(rgb(0x5FD787)),
            .spinner: SlotStyle(rgb(0x5FD7FF)),
            .sparkline: SlotStyle(rgb(0x5FAFD7)),
            .dialogBackground: SlotStyle(rgb(0xE0E0E0), background: dialog),
            .dialogTitle: SlotStyle(rgb(0x87AFFF), background: dialog, attributes: .bold),
            .button: SlotStyle(rgb(0xC8CDD4), background: rgb(0x434C5E)),
            .buttonFocused: SlotStyle(rgb(0x1C2027), background: rgb(0x87AFFF), attributes: .bold),
            .helpKey: SlotStyle(rgb(0xFFD75F), attributes: .bold),
            .helpText: SlotStyle(rgb(0xC8CDD4)),
        ]
        let mono: [ColorSlot: TextAttributes] = [
            .dimText: .dim, .userName: .bold, .assistantName: .bold, .systemName: [.bold, .underline],
            .timestamp: .dim, .reasoning: .dim, .interrupted: [.bold, .underline],
            .heading: [.bold, .underline], .quote: .dim, .link: .underline, .rule: .dim,
            .inlineCode: .bold, .codeKeyword: .bold, .codeComment: .dim, .codeString: .underline,
            .cacheHit: .bold, .cachePartial: [.dim, .underline], .cacheMiss: .dim, .cacheHorizon: .dim,
            .panelBorder: .dim, .panelTitle: .bold, .panelLabel: .dim, .panelValue: .bold,
            .statusBar: [.reverse, .dim], .statusBarAccent: [.reverse, .bold],
            .placeholder: .dim, .cursor: .reverse, .selection: .reverse,
            .error: [.bold, .reverse], .warning: .bold, .success: .bold, .spinner: .bold, .sparkline: [],
            .dialogBackground: [], .dialogTitle: [.bold, .underline], .button: [], .buttonFocused: .reverse,
            .helpKey: .bold, .helpText: [],
        ]
        return Palette(depth: .trueColor, slots: s, monochrome: mono)
    }()
}
