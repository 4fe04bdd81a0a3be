// libFuzzer target: the SSE decoder gives the same events however the bytes are split.
import ChatWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = SSEDecoder(maxEventBytes: 4096)
    let expected = whole.feed(bytes) + whole.finish()
    var split = SSEDecoder(maxEventBytes: 4096)
    let cut = size == 0 ? 0 : Int(bytes[0]) % (size + 1)
    let got = split.feed(bytes[..<cut]) + split.feed(bytes[cut...]) + split.finish()
    precondition(got == expected, "split at \(cut) changed the events")
    return 0
}
