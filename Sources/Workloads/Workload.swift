import ChatCore
import Foundation

/// A scripted use of cachechat, run against the emulator under one cache model.
public struct Workload: Sendable {
    public var id: String
    public var title: String
    /// Emulator construction delay, seconds.
    public var constructDelay: Double = 0
    /// Content tokens of every reply.
    public var replyTokens: Int = 120
    /// Runs the script; returns notes for the report (and extra numbers).
    public var script: @Sendable (WorkloadRunner) throws -> WorkloadNotes

    public init(id: String, title: String, constructDelay: Double = 0, replyTokens: Int = 120,
                script: @escaping @Sendable (WorkloadRunner) throws -> WorkloadNotes) {
        self.id = id
        self.title = title
        self.constructDelay = constructDelay
        self.replyTokens = replyTokens
        self.script = script
    }

    /// Runs the workload on a fresh emulator and session.
    public func run(_ kind: CacheModelKind, useStore: Bool = true) throws -> WorkloadResult {
        let runner = try WorkloadRunner(kind: kind, constructDelay: constructDelay, replyTokens: replyTokens, useStore: useStore)
        let started = ProcessInfo.processInfo.systemUptime
        let notes = try script(runner)
        return WorkloadResult(id: id, title: title, cacheModel: kind.rawValue, records: runner.records, notes: notes.lines,
                              figures: notes.figures, seconds: ProcessInfo.processInfo.systemUptime - started)
    }
}

/// What a script reports beyond its requests.
public struct WorkloadNotes: Sendable {
    public var lines: [String] = []
    public var figures: [String: Double] = [:]
    public init(lines: [String] = [], figures: [String: Double] = [:]) {
        self.lines = lines
        self.figures = figures
    }
}

/// A workload's measured requests and totals under one cache model.
public struct WorkloadResult: Codable, Sendable {
    public var id: String
    public var title: String
    public var cacheModel: String
    public var records: [RequestRecord]
    public var notes: [String]
    public var figures: [String: Double]
    public var seconds: Double

    public var requests: Int { records.count }
    public var promptTokens: Int { records.reduce(0) { $0 + $1.promptTokens } }
    public var hitTokens: Int { records.reduce(0) { $0 + $1.hitTokens } }
    public var ceiling: Int { records.reduce(0) { $0 + $1.ceiling } }
    public var ideal: Int { records.reduce(0) { $0 + $1.ideal } }
    /// Hit tokens as a share of the ceiling (1 when the ceiling is 0 and nothing hit).
    public var hitOfCeiling: Double { ceiling == 0 ? (hitTokens == 0 ? 1 : .infinity) : Double(hitTokens) / Double(ceiling) }
    public var cost: Double { records.reduce(0) { $0 + $1.cost } }
    public var costWithoutCache: Double { records.reduce(0) { $0 + $1.costWithoutCache } }
    public var saved: Double { costWithoutCache - cost }
    public var predictionMAE: Double {
        records.isEmpty ? 0 : Double(records.reduce(0) { $0 + abs($1.predicted - $1.hitTokens) }) / Double(records.count)
    }
    public var predictionExactShare: Double {
        records.isEmpty ? 1 : Double(records.filter { $0.predicted == $0.hitTokens }.count) / Double(records.count)
    }
    /// Requests whose local prompt count differs from the server's.
    public var countMismatches: Int { records.filter { $0.promptTokens != $0.localPromptTokens }.count }
    /// Requests under their ceiling.
    public var belowCeiling: [RequestRecord] { records.filter { $0.hitTokens < $0.ceiling } }
}
