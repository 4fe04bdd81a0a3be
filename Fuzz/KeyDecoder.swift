// libFuzzer target: key decoding is split-invariant and never yields a control character.
import TerminalUI

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = KeyDecoder()
    let expected = whole.feed(bytes)
    var split = KeyDecoder()
    let cut = size == 0 ? 0 : Int(bytes[0]) % (size + 1)
    precondition(split.feed(bytes[..<cut]) + split.feed(bytes[cut...]) == expected)
    for case .char(let character, _) in expected {
        precondition(!character.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }
    return 0
}
