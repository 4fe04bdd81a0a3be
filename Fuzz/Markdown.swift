// libFuzzer target: Markdown and wrapping never produce a line wider than the width.
import TerminalUI

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let width = 1 + Int(data[0]) % 120
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    for line in MarkdownRenderer.renderUncached(text, width: width) { precondition(line.width <= width) }
    for line in TextWrap.wrap(text, width: width) { precondition(DisplayWidth.of(line) <= width) }
    return 0
}
