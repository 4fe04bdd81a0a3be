import Testing
@testable import ChatWire

@Suite struct SSEDecoderTests {
    private func decode(_ parts: [String]) -> [SSEEvent] {
        var decoder = SSEDecoder()
        var events: [SSEEvent] = []
        for part in parts { events += decoder.feed(Array(part.utf8)) }
        return events + decoder.finish()
    }

    @Test func dataEventsAndDone() {
        #expect(decode(["data: {\"a\":1}\n\ndata: [DONE]\n\n"]) == [.data("{\"a\":1}"), .done])
    }

    @Test func lineEndingsLFCRLFAndLoneCRAreEquivalent() {
        let expected: [SSEEvent] = [.comment("keep-alive"), .data("one"), .data("two\nthree"), .done]
        #expect(decode([": keep-alive\n\ndata: one\n\ndata: two\ndata: three\n\ndata: [DONE]\n\n"]) == expected)
        #expect(decode([": keep-alive\r\n\r\ndata: one\r\n\r\ndata: two\r\ndata: three\r\n\r\ndata: [DONE]\r\n\r\n"]) == expected)
        #expect(decode([": keep-alive\r\rdata: one\r\rdata: two\rdata: three\r\rdata: [DONE]\r\r"]) == expected)
    }

    @Test func crlfSplitAcrossFeedsIsOneLineBreak() {
        // If the LF after a CR ending one feed counted as a blank line, "a" would dispatch alone.
        #expect(decode(["data: a\r", "\ndata: b\r\n\r\n"]) == [.data("a\nb")])
    }

    @Test func commentsWithAndWithoutSpace() {
        #expect(decode([": keep-alive\n", ":ping\n", ":\n"]) == [.comment("keep-alive"), .comment("ping"), .comment("")])
    }

    @Test func dataWithoutSpaceAndOnlyOneSpaceStripped() {
        #expect(decode(["data:x\n\ndata:  two spaces\n\n"]) == [.data("x"), .data(" two spaces")])
    }

    @Test func otherFieldsAreIgnored() {
        let text = "event: message\nid: 7\nretry: 1000\nfoo: bar\nnocolon\ndata: kept\n\nevent: only\n\n"
        #expect(decode([text]) == [.data("kept")])
    }

    @Test func fieldNamedDataWithoutColonAddsEmptyLine() {
        #expect(decode(["data: a\ndata\ndata: b\n\n"]) == [.data("a\n\nb")])
    }

    @Test func byteOrderMarkIsDropped() {
        #expect(decode(["\u{FEFF}data: x\n\n"]) == [.data("x")])
    }

    @Test func doneMarkerToleratesSurroundingSpaces() {
        #expect(decode(["data:[DONE] \n\n"]) == [.done])
        #expect(decode(["data: [DONE]x\n\n"]) == [.data("[DONE]x")])
    }

    @Test func unterminatedLastEventIsDispatchedAtFinish() {
        #expect(decode(["data: [DONE]"]) == [.done])
        #expect(decode(["data: {}\n"]) == [.data("{}")])
    }

    @Test func blankLinesWithoutDataDispatchNothing() {
        #expect(decode(["\n\n\r\n\n"]) == [])
    }

    @Test func multiByteCharactersSplitAtEveryByte() {
        let text = "data: a🤔b答c\n\n"
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            var decoder = SSEDecoder()
            let events = decoder.feed(bytes[..<split]) + decoder.feed(bytes[split...]) + decoder.finish()
            #expect(events == [.data("a🤔b答c")], "split at \(split)")
        }
    }

    @Test func oneByteAtATimeMatchesWholeFeed() {
        let text = StreamFixtures.thinking.replacingOccurrences(of: "\n", with: "\r\n")
        var whole = SSEDecoder()
        let expected = whole.feed(Array(text.utf8)) + whole.finish()
        var single = SSEDecoder()
        var events: [SSEEvent] = []
        for byte in text.utf8 { events += single.feed(CollectionOfOne(byte)) }
        events += single.finish()
        #expect(events == expected)
        #expect(expected.count == 9)
    }

    @Test func oversizedEventIsReportedOnceAndDecodingRecovers() {
        var decoder = SSEDecoder(maxEventBytes: 64)
        let big = "data: " + String(repeating: "x", count: 50) + "\ndata: " + String(repeating: "y", count: 50) + "\n\n"
        var events = decoder.feed(Array(big.utf8))
        events += decoder.feed(Array("data: small\n\n".utf8))
        #expect(events == [.tooLarge(limit: 64), .data("small")])
    }

    @Test func unterminatedHugeLineIsCapped() {
        var decoder = SSEDecoder(maxEventBytes: 1000)
        var events: [SSEEvent] = []
        let piece = [UInt8](repeating: UInt8(ascii: "z"), count: 300)
        events += decoder.feed(Array("data: ".utf8))
        for _ in 0..<100 { events += decoder.feed(piece) }
        #expect(events == [.tooLarge(limit: 1000)])
        events = decoder.feed(Array("\n\ndata: ok\n\n".utf8))
        #expect(events == [.data("ok")])
    }
}
