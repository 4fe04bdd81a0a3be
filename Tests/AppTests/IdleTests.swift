import App
import ChatWire
import Testing
import TestSupport

/// `AppRuntime.onIdle`: called once per idle spell, `idleDelay` seconds after the last key,
/// frame or reply, never while a reply is in flight (the CLI returns memory there).
@Suite("Idle")
struct IdleTests {
    final class Calls {
        var times: [Double] = []
        var frames: [Int] = []
    }

    @Test func calledOnceTwoSecondsAfterTheLastActivityAndAgainAfterTheNext() throws {
        let harness = try AppHarness()
        let calls = Calls()
        harness.runtime.onIdle = {
            calls.times.append(harness.clock.uptime())
            calls.frames.append(harness.runtime.frames)
        }
        harness.start()
        let started = harness.clock.uptime()
        #expect(harness.run { calls.times.count == 1 })
        #expect(calls.times[0] - started >= AppRuntime.idleDelay)
        #expect(calls.times[0] - started < AppRuntime.idleDelay + 0.1)
        // Ten idle minutes: a second call only after something was painted (a timer's frame).
        _ = harness.session.run(until: { false }, limit: 600)
        for (before, after) in zip(calls.frames, calls.frames.dropFirst()) { #expect(after > before) }
        if harness.runtime.frames == calls.frames[0] { #expect(calls.times.count == 1, "called again with nothing painted") }

        let idleCalls = calls.times.count
        harness.type("a")
        let typed = harness.clock.uptime()
        #expect(harness.run { calls.times.count == idleCalls + 1 })
        #expect(calls.times[idleCalls] - typed >= AppRuntime.idleDelay)
    }

    @Test func notWhileAReplyIsInFlight() throws {
        let harness = try AppHarness { _ in [.wait(30)] + InMemoryTransport.streamedReply(["late", " but here"]) }
        let calls = Calls()
        harness.runtime.onIdle = { calls.times.append(harness.clock.uptime()) }
        harness.start()
        #expect(harness.run { calls.times.count == 1 })
        harness.session.type("Hello?")
        harness.session.press([13])
        let sent = harness.clock.uptime()
        #expect(harness.run { harness.state.turn == nil })
        let answered = harness.clock.uptime()
        #expect(answered - sent >= 30)
        #expect(calls.times.count == 1, "called during the 30 s the reply took")
        #expect(harness.run { calls.times.count == 2 })
        #expect(calls.times[1] - answered >= AppRuntime.idleDelay)
    }
}
