#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Start-up milestones, for finding where the time to the first frame goes:
/// `CACHECHAT_TRACE_STARTUP=FILE` (or `=1` for `cachechat-startup.trace` in the working
/// folder) writes each milestone with its time since `main` began and since the process
/// was started, once the first frame is on screen and again after the work deferred past it.
///
/// Main thread only; costs one environment lookup when off.
public enum StartupTrace {
    nonisolated(unsafe) private static var marks: [(name: String, time: Double, faults: Int)] = []
    nonisolated(unsafe) private static var path: String?
    nonisolated(unsafe) private static var started = false

    /// The first call (in `main`) decides whether tracing is on.
    public static func mark(_ name: String) {
        if !started {
            started = true
            if let value = getenv("CACHECHAT_TRACE_STARTUP").map({ String(cString: $0) }), !value.isEmpty, value != "0" {
                path = value == "1" ? "cachechat-startup.trace" : value
            }
        }
        guard path != nil else { return }
        marks.append((name, now(), faults()))
    }

    /// Whether tracing is on (after the first mark).
    public static var isOn: Bool { path != nil }

    /// Writes what was marked so far (the whole list, replacing the file).
    public static func flush() {
        guard let path, let first = marks.first else { return }
        let sinceExec = processAge(at: first.time)
        var text = "# cachechat start-up, ms since main (and since exec, ±10 ms), the marking thread's page faults\n"
        for mark in marks {
            let sinceMain = (mark.time - first.time) * 1000
            let exec = sinceExec.map { String(format: " (%7.1f)", ($0 + mark.time - first.time) * 1000) } ?? ""
            text += String(format: "%8.2f", sinceMain) + exec + String(format: " %6d", mark.faults) + "  " + mark.name + "\n"
        }
        guard let file = fopen(path, "w") else { return }
        fputs(text, file)
        fclose(file)
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Page faults of the calling thread so far (minor and major; on Linux the main thread's
    /// count includes those of the programs that exec'd into this one).
    static func faults() -> Int {
        var usage = rusage()
        #if canImport(Glibc)
        let who: __rusage_who_t = 1  // RUSAGE_THREAD (a GNU extension Glibc's module leaves out)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        return usage.ru_minflt + usage.ru_majflt
    }

    /// Seconds between the process's start (/proc/self/stat, in clock ticks since boot)
    /// and the monotonic time `time`; nil where /proc is not there.
    static func processAge(at time: Double) -> Double? {
        #if os(Linux)
        guard let file = fopen("/proc/self/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 1024)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Fields after the command name (which may contain spaces) start after ") ".
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // starttime is field 22 overall: the 20th after the name.
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        var boot = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        let bootNow = Double(boot.tv_sec) + Double(boot.tv_nsec) / 1e9
        let monotonicNow = now()
        let startBoot = ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
        return (bootNow - startBoot) - (monotonicNow - time)
        #else
        return nil
        #endif
    }
}
