// Cache-efficiency workloads: headless cachechat sessions against the built-in emulator,
// under both cache models; one table on stdout, every request in a JSON file.
//
//   scripts/bench_workloads.sh [--json PATH] [--only a,d,g-warm2] [--models v3,v4] [--no-store]
import ChatCore
import Foundation
import Workloads

func value(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let jsonPath = value("--json") ?? ".build/workloads.json"
let only = value("--only").map { Set($0.split(separator: ",").map(String.init)) }
let models = (value("--models") ?? "v3,v4").split(separator: ",").compactMap { CacheModelKind(rawValue: String($0)) }
let useStore = !CommandLine.arguments.contains("--no-store")
let fewShotDirectory = value("--fewshot-dir") ?? "fewshot"

var results: [WorkloadResult] = []
for workload in Workloads.all(fewShotDirectory: fewShotDirectory) where only?.contains(workload.id) ?? true {
    for kind in models {
        do {
            let result = try workload.run(kind, useStore: useStore)
            FileHandle.standardError.write(Data("\(workload.id) \(kind.rawValue): \(result.requests) requests, \(String(format: "%.1f", result.seconds)) s\n".utf8))
            results.append(result)
        } catch {
            FileHandle.standardError.write(Data("workload-bench: \(workload.id) under \(kind.rawValue) failed: \(error)\n".utf8))
            exit(1)
        }
    }
}

let formatter = ISO8601DateFormatter()
var machine = ["cores": String(ProcessInfo.processInfo.activeProcessorCount),
               "memory_gb": String(format: "%.1f", Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824),
               "os": ProcessInfo.processInfo.operatingSystemVersionString]
if let swift = ProcessInfo.processInfo.environment["SWIFT_VERSION_LINE"] { machine["swift"] = swift }
let report = WorkloadReport(date: formatter.string(from: Date()), machine: machine,
                            priceNote: "deepseek-v4-flash, built-in prices at 2026-10-01 08:00 UTC (peak): USD 0.006 hit / 0.3 miss / 1.2 output per 1M",
                            results: results)
print(report.table)
print("")
print(report.notes)
do {
    try report.json().write(to: URL(fileURLWithPath: jsonPath))
    print("\nJSON: \(jsonPath)")
} catch {
    FileHandle.standardError.write(Data("workload-bench: could not write \(jsonPath): \(error)\n".utf8))
    exit(1)
}
