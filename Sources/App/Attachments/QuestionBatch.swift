import ChatCore
import ChatWire
import Foundation

/// Several questions over one shared prefix (attached documents, a system prompt), each
/// its own request, sent so that they hit the cache: the cache model's warm-ups one at a
/// time (`WarmupScheduler`: v3 one, v4 two), a wait while the server builds its cache,
/// then the rest with at most `parallel` in flight. `cachechat ask --questions` and the
/// workload benchmark send through here (and so through `RequestRunner`).
///
/// Single-threaded: `run` polls the runner's transport on the caller's thread.
public final class QuestionBatch {
    /// One question's request, its place in the batch and, once it ended, its result.
    public final class Entry {
        public let index: Int
        public let plan: RequestPlan
        public fileprivate(set) var run: RequestRunner.Run?
        public var result: TurnResult? { run?.result }
        init(index: Int, plan: RequestPlan) {
            self.index = index
            self.plan = plan
        }
    }

    public let runner: RequestRunner
    public let entries: [Entry]
    public let warmups: Int
    public let parallel: Int
    private var scheduler: WarmupScheduler<Int>
    private var ready: [Int] = []
    /// Called on the polling thread when an entry's request ends.
    public var onFinished: ((Entry) -> Void)?
    /// Called just before an entry's request is sent (the benchmark measures from here).
    public var onStart: ((Entry) -> Void)?

    /// - Parameters:
    ///   - plans: one per question, in question order.
    ///   - warmups: requests sent alone first (`WarmupScheduler.recommendedWarmups`); none
    ///     when the plans share less than one cache unit.
    ///   - constructDelay: seconds to wait after each warm-up for the server's cache.
    ///   - parallel: requests in flight at most once warmed up (1 or more).
    public init(runner: RequestRunner, plans: [RequestPlan], kind: CacheModelKind, warmups: Int? = nil,
                constructDelay: Double, parallel: Int) {
        self.runner = runner
        entries = plans.enumerated().map { Entry(index: $0.offset, plan: $0.element) }
        let worth = WarmupScheduler<Int>.worthWarming(plans.map(\.prompt.ids), unit: kind.defaultUnit)
        self.warmups = worth ? warmups ?? WarmupScheduler<Int>.recommendedWarmups(for: kind) : 0
        self.parallel = max(1, parallel)
        scheduler = WarmupScheduler(Array(plans.indices), constructDelay: constructDelay, warmups: self.warmups)
    }

    /// Whether every request has ended.
    public var isFinished: Bool { scheduler.isDrained && ready.isEmpty && entries.allSatisfy { $0.run == nil || $0.result != nil } }

    /// Sends everything and polls until every request has ended. `poll(timeout)` waits in
    /// the transport (and may cancel runs, e.g. on Ctrl-C).
    public func run(poll: (Double) -> Void) {
        while !isFinished {
            step()
            let now = runner.clock.uptime()
            let wake = scheduler.nextWakeUp.map { max(0, $0 - now) } ?? 1
            poll(min(wake, 1))
        }
    }

    /// Starts what is due now. Public for callers running their own loop.
    public func step() {
        ready += scheduler.due(now: runner.clock.uptime())
        while !ready.isEmpty, inFlight < parallel {
            start(entries[ready.removeFirst()])
        }
    }

    /// Cancels every request in flight and sends nothing more.
    public func cancelAll() {
        ready.removeAll()
        scheduler = WarmupScheduler([], constructDelay: 0)
        for entry in entries { if let run = entry.run, !run.isFinished { runner.cancel(run) } }
    }

    private var inFlight: Int { entries.filter { $0.run != nil && $0.result == nil }.count }

    private func start(_ entry: Entry) {
        onStart?(entry)
        entry.run = runner.start(entry.plan) { [weak self, unowned entry] event in
            guard let self, case .finished = event else { return }
            self.scheduler.finished(now: self.runner.clock.uptime())
            self.onFinished?(entry)
            self.step()
        }
    }
}
