// libFuzzer target: the stream parser ends with exactly one .done/.failure, and the
// accumulator holds exactly the content the events carried.
import ChatWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var parser = ChatStreamParser(maxEventBytes: 65536)
    let events = parser.feed(bytes) + parser.finish()
    let terminal = events.indices.filter {
        switch events[$0] {
        case .done, .failure: true
        default: false
        }
    }
    precondition(terminal == [events.count - 1], "not exactly one final event")
    var accumulator = ReplyAccumulator()
    accumulator.apply(events)
    let content = events.map { if case .content(let text) = $0 { text } else { "" } }.joined()
    precondition(accumulator.reply.content == content)
    return 0
}
