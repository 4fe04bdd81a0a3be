// libFuzzer target: sanitised text has no control, bidi or invisible character, and
// cleaning is idempotent and split-invariant.
import ChatCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let clean = TerminalSanitizer.clean(text)
    precondition(clean.unicodeScalars.allSatisfy(TerminalSanitizer.isAllowedOnScreen)
                 || clean.unicodeScalars.contains { (0xE0020...0xE007F).contains($0.value) })
    precondition(TerminalSanitizer.clean(clean) == clean)
    let scalars = Array(text.unicodeScalars)
    let cut = scalars.isEmpty ? 0 : Int(scalars[0].value) % (scalars.count + 1)
    var streaming = TerminalSanitizer()
    var first = String.UnicodeScalarView(), second = String.UnicodeScalarView()
    first.append(contentsOf: scalars[..<cut])
    second.append(contentsOf: scalars[cut...])
    precondition(streaming.clean(String(first)) + streaming.clean(String(second)) == clean)
    return 0
}
