import Foundation

/// The table and the JSON file of a benchmark run.
public struct WorkloadReport: Codable, Sendable {
    public var date: String
    public var machine: [String: String]
    public var priceNote: String
    public var results: [WorkloadResult]

    public init(date: String, machine: [String: String], priceNote: String, results: [WorkloadResult]) {
        self.date = date
        self.machine = machine
        self.priceNote = priceNote
        self.results = results
    }

    static func money(_ value: Double) -> String { String(format: "%.5f", value) }
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
    static func percent(_ value: Double) -> String { value.isFinite ? String(format: "%.1f%%", value * 100) : "—" }

    /// A Markdown table: one row per workload and cache model, then a summary line.
    public var table: String {
        var lines = ["| workload | cache | req | prompt | hit | ceiling | hit/ceiling | cost $ | no cache $ | saved | pred. MAE | pred. exact |",
                     "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
        for r in results {
            let saved = r.costWithoutCache > 0 ? r.saved / r.costWithoutCache : 0
            lines.append("| \(r.id) \(r.title) | \(r.cacheModel) | \(r.requests) | \(Self.grouped(r.promptTokens)) | \(Self.grouped(r.hitTokens)) | \(Self.grouped(r.ceiling)) | \(Self.percent(r.hitOfCeiling)) | \(Self.money(r.cost)) | \(Self.money(r.costWithoutCache)) | \(Self.percent(saved)) | \(String(format: "%.1f", r.predictionMAE)) | \(Self.percent(r.predictionExactShare)) |")
        }
        return lines.joined(separator: "\n") + "\n\n" + summary
    }

    /// One line over every run.
    public var summary: String {
        let prompt = results.reduce(0) { $0 + $1.promptTokens }, hit = results.reduce(0) { $0 + $1.hitTokens }
        let ceiling = results.reduce(0) { $0 + $1.ceiling }
        let requests = results.reduce(0) { $0 + $1.requests }
        let exact = results.reduce(0) { $0 + $1.records.filter { $0.predicted == $0.hitTokens }.count }
        let cost = results.reduce(0) { $0 + $1.cost }, without = results.reduce(0) { $0 + $1.costWithoutCache }
        let below = results.filter { $0.hitTokens < $0.ceiling }.map { "\($0.id)/\($0.cacheModel)" }
        let mismatches = results.reduce(0) { $0 + $1.countMismatches }
        return "Summary: \(results.count) runs, \(requests) requests, \(Self.grouped(prompt)) prompt tokens, \(Self.grouped(hit)) hit = \(Self.percent(ceiling == 0 ? 1 : Double(hit) / Double(ceiling))) of the ceiling (\(Self.grouped(ceiling))); cost \(Self.money(cost)) vs \(Self.money(without)) USD without cache; predictions exact \(exact)/\(requests); local prompt counts off: \(mismatches); under the ceiling: \(below.isEmpty ? "none" : below.joined(separator: ", "))."
    }

    /// Notes of every run, for the reader of the table.
    public var notes: String {
        results.filter { !$0.notes.isEmpty }.map { r in
            "\(r.id)/\(r.cacheModel): " + r.notes.joined(separator: "; ")
        }.joined(separator: "\n")
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
