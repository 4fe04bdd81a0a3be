import ChatCore
import ArgumentParser
import Emulator
import EmulatorServer
import Foundation
import Synchronization
import Config
import History

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the local DeepSeek-compatible endpoint that emulates context caching.",
        discussion: """
            Point any OpenAI- or DeepSeek-style client at it (any API key works; each key has its own \
            cache) and read prompt_cache_hit_tokens / prompt_cache_miss_tokens in its usage. \
            With --api-key or --keys-file only those keys are accepted; they are required with \
            --upstream and on any address beyond loopback. \
            Fault plans (--fault) are listed in docs/EMULATOR.md.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    static let defaultPort = 8787

    @Option(parsing: .unconditional,
            help: "Port to listen on, \(NumberRanges.port) (0 picks a free one). (default: \(ServeCommand.defaultPort))",
            transform: NumberRanges.port.transform)
    var port = ServeCommand.defaultPort

    @Option(name: .customLong("log-file"),
            help: ArgumentHelp("Append one JSON line per request when its response has ended (- for standard error).", valueName: "PATH"))
    var logFile: String?

    @OptionGroup var emulator: EmulatorOptions

    @Option(help: ArgumentHelp("Forward generation to this OpenAI-compatible base URL; the emulator still does the cache accounting (key: CACHECHAT_UPSTREAM_API_KEY).", valueName: "URL"))
    var upstream: String?

    @Option(name: .customLong("api-key"),
            help: ArgumentHelp("A key clients must send (Bearer); repeat for more. Required with --upstream or beyond loopback.",
                               valueName: "KEY"))
    var apiKeys: [String] = []

    @Option(name: .customLong("keys-file"),
            help: ArgumentHelp("A file of accepted keys, one per line (blank lines and # comments skipped).", valueName: "PATH"))
    var keysFile: String?

    @Option(name: .customLong("max-body"), parsing: .unconditional,
            help: ArgumentHelp("The largest request body accepted, e.g. 32MiB or 500KiB; larger ones get 413. (default: 32MiB)",
                               valueName: "SIZE"))
    var maxBody = "32MiB"

    @Option(name: .customLong("header-timeout"), parsing: .unconditional,
            help: "How long a connection may take to send its request head, e.g. 10s. (default: 10s)")
    var headerTimeout = "10s"

    @Option(name: .customLong("idle-timeout"), parsing: .unconditional,
            help: "How long a request body may stall before the connection is closed, e.g. 30s. (default: 30s)")
    var idleTimeout = "30s"

    @Option(name: .customLong("max-connections"), parsing: .unconditional,
            help: "Connections held at once, \(NumberRanges.maxConnections); the oldest still waiting for its request makes room. (default: 512)",
            transform: NumberRanges.maxConnections.transform)
    var maxConnections = 512

    @Option(name: .customLong("upstream-model"), help: "Model id to ask the upstream server for (default: the request's).")
    var upstreamModel: String?

    func run() throws {
        var policy = ServerPolicy()
        policy.acceptedKeys = try acceptedKeys()
        policy.maxBodyBytes = try SizeArgument.bytes(maxBody, flag: "--max-body")
        policy.headerTimeout = try DurationArgument.seconds(headerTimeout, flag: "--header-timeout", minimum: 0.001)
        policy.idleTimeout = try DurationArgument.seconds(idleTimeout, flag: "--idle-timeout", minimum: 0.001)
        policy.maxConnections = maxConnections
        if policy.acceptedKeys.isEmpty {
            if upstream != nil {
                throw CLIError.usage("--upstream forwards with your upstream key, so serve must know who may use it: "
                    + "give the keys clients send with --api-key KEY (repeatable) or --keys-file PATH")
            }
            if !ServerPolicy.isLoopback(host) {
                throw CLIError.usage("--host \(host) can be reached from other machines, and without keys anyone there could use it: "
                    + "give the keys clients send with --api-key KEY or --keys-file PATH, or listen on 127.0.0.1")
            }
        }
        var configuration = try emulator.configuration()
        // A cache folder that cannot be written would silently keep nothing: say so.
        var unwritable: String?
        if let directory = configuration.dataDirectory {
            let probe = directory + "/.write-test-\(getpid())"
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data().write(to: URL(fileURLWithPath: probe))
                try? FileManager.default.removeItem(atPath: probe)
            } catch {
                unwritable = directory
                configuration.dataDirectory = nil
            }
        }
        var generator: EmulatorEngine.Generator? = nil
        if let upstream {
            guard upstream.hasPrefix("http://") || upstream.hasPrefix("https://") else {
                throw CLIError.usage("--upstream must be an http:// or https:// base URL")
            }
            let key = ProcessInfo.processInfo.environment["CACHECHAT_UPSTREAM_API_KEY"]
            generator = UpstreamGenerator.make(baseURL: String(upstream.reversed().drop { $0 == "/" }.reversed()),
                                               apiKey: key, model: upstreamModel)
        }
        var requestLog: RequestLog? = nil
        if let logFile {
            do {
                requestLog = try RequestLog.file(logFile)
            } catch {
                throw CLIError.usage("--log-file: \(error)")
            }
        }
        // Before the URL is printed (a client that stops the server as soon as it has read
        // the URL must not find SIGTERM with no handler yet), and before the server's
        // threads start, so they inherit the mask with the signals unblocked.
        InterruptSignal.install()
        let server = EmulatorServer(engine: EmulatorEngine(configuration: configuration, generator: generator), eventLoopThreads: 2,
                                    policy: policy, requestLog: requestLog)
        do {
            try server.start(host: host, port: port)
        } catch {
            throw CLIError.usage("Cannot listen on \(host):\(port): \(error). Is another server using the port? Try --port 0.")
        }
        let cache = configuration.cacheModel.rawValue
        let storage = configuration.dataDirectory.map { "cache in \($0)" }
            ?? unwritable.map { "cache in memory only: \($0) cannot be written" } ?? "cache in memory"
        print("cachechat emulator listening on \(server.baseURL) (cache model \(cache), unit \(configuration.cache.unit), \(storage)"
              + (upstream.map { ", generation from \($0)" } ?? "") + ")")
        print("Try: DEEPSEEK_BASE_URL=\(server.baseURL) DEEPSEEK_API_KEY=sk-anything cachechat ask \"Hello\"")
        fflushStandardOutput()
        let signals = InterruptSignal.waitForSignal()
        // The requests being answered get `stopGrace` seconds to finish. One that does not
        // end by then — an upstream that never answers, a prompt of millions of tokens —
        // is cut off, and so is everything at a second signal.
        let stopped = DispatchSemaphore(value: 0)
        let finished = Mutex(true)
        let grace = signals > 1 ? 0 : Self.stopGrace
        Thread {
            let clean = server.stop(grace: grace)
            finished.withLock { $0 = clean }
            stopped.signal()
        }.start()
        let deadline = Date().addingTimeInterval(grace + 1)
        var cutOff = false
        while stopped.wait(timeout: .now() + 0.05) == .timedOut {
            if InterruptSignal.waitForSignal(seconds: 0) || Date() >= deadline {
                cutOff = true
                break
            }
        }
        if cutOff || !finished.withLock({ $0 }) {
            Terminal.errorLine("cachechat emulator stopped, cutting off a request still being answered")
            Cachechat.end(ExitStatus.interrupted.code)
        }
        Terminal.errorLine("cachechat emulator stopped")
    }

    /// Seconds `serve` waits, once told to stop, for the requests being answered.
    static let stopGrace = 5.0

    /// `--api-key` values and the lines of `--keys-file`, each checked for a shape a client
    /// can send in a header.
    func acceptedKeys() throws -> Set<String> {
        var keys = apiKeys.map { ("--api-key", $0) }
        if let keysFile {
            let text: String
            do {
                text = try String(contentsOfFile: keysFile, encoding: .utf8)
            } catch {
                throw CLIError.usage("--keys-file: cannot read \(keysFile): \(error.localizedDescription)")
            }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            let found = lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !found.isEmpty else { throw CLIError.usage("--keys-file: \(keysFile) holds no keys (one per line)") }
            keys += found.map { ("--keys-file \(keysFile)", $0) }
        }
        for (origin, key) in keys {
            let printable = key.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
            guard key.count >= 8, printable else {
                throw CLIError.usage("\(origin): a key must be 8 or more printable ASCII characters without spaces")
            }
        }
        return Set(keys.map(\.1))
    }
}

/// Emulator settings shared by `serve` and the built-in endpoint.
struct EmulatorOptions: ParsableArguments {
    /// The emulator's own defaults, shown in the help of the options that parse their range.
    static let defaults = EmulatorConfiguration()

    @Option(name: .customLong("cache-model"), help: "Cache behaviour to emulate: v3 (64-token units) or v4 (prefix units).")
    var cacheModel: CacheModelKindArgument = .v4

    @Option(parsing: .unconditional, help: "Hit granularity in tokens, \(NumberRanges.unit) (default: 64 for v3, 128 for v4).",
            transform: NumberRanges.unit.transform)
    var unit: Int?

    @Option(name: .customLong("data-dir"), help: "Where the cache is kept (default: $XDG_DATA_HOME/cachechat/emulator).")
    var dataDirectory: String?

    @Flag(name: .customLong("memory"), help: "Keep the cache in memory only.")
    var memoryOnly = false

    @Option(name: .customLong("max-cache-size"), parsing: .unconditional,
            help: ArgumentHelp("The cache files' total size, e.g. 1GiB; past it the least recently used keys' caches are forgotten. (default: 1GiB)",
                               valueName: "SIZE"))
    var maxCacheSize = "1GiB"

    @Option(parsing: .unconditional, help: "How long an unused cache unit lives, e.g. 30m, 6h, 2d.")
    var ttl = "24h"

    @Option(name: .customLong("construct-delay"), parsing: .unconditional, help: "Time before a new cache unit can be hit, e.g. 2s.")
    var constructDelay = "0s"

    @Option(parsing: .unconditional,
            help: "Generation speed in tokens per second, \(NumberRanges.speed) (0: all at once). (default: \(Int(EmulatorOptions.defaults.tokensPerSecond)))",
            transform: NumberRanges.speed.transform)
    var speed = EmulatorOptions.defaults.tokensPerSecond

    @Option(name: .customLong("reply-tokens"), parsing: .unconditional,
            help: ArgumentHelp("Make every reply exactly this many content tokens (\(NumberRanges.replyTokens)).", valueName: "N"),
            transform: NumberRanges.replyTokens.transform)
    var replyTokens: Int?

    @Option(name: .customLong("usage-chunk"), help: "Where usage goes in streams: finish (real traffic) or trailing (as documented).")
    var usageChunk: UsagePlacementArgument = .finish

    @Option(name: .customLong("max-concurrent"), parsing: .unconditional,
            help: "Requests generated at once, \(NumberRanges.maxConcurrent); others wait with keep-alives. (default: \(EmulatorOptions.defaults.maxConcurrent))",
            transform: NumberRanges.maxConcurrent.transform)
    var maxConcurrent = EmulatorOptions.defaults.maxConcurrent

    @Option(name: .customLong("fault"), help: "Inject a fault, e.g. status=429,retry-after=1,every=3 (see docs/EMULATOR.md).")
    var faults: [String] = []

    @Option(name: .customLong("fault-file"),
            help: "A file of fault plans, one per line, reread before each request (changing it restarts their counting).")
    var faultFile: String?

    @Option(name: .customLong("balance-currency"), help: "The account's currency: USD or CNY (requests are charged their built-in price in it).")
    var balanceCurrency: CurrencyArgument = .USD

    @Option(name: .customLong("charge-factor"), parsing: .unconditional,
            help: ArgumentHelp("Charge each request its price times X (\(NumberRanges.chargeFactor); default 1), to test reconciliation.", valueName: "X"),
            transform: NumberRanges.chargeFactor.transform)
    var chargeFactor: Double = 1

    func configuration() throws -> EmulatorConfiguration {
        let plans: [FaultPlan]
        do {
            plans = try faults.map(FaultPlan.parse)
        } catch {
            throw CLIError.usage("--fault: \(error)")
        }
        let directory = memoryOnly ? nil : dataDirectory
            ?? Paths.dataDirectory(environment: ProcessInfo.processInfo.environment) + "/emulator"
        var configuration = EmulatorConfiguration(
            cacheModel: cacheModel.kind, unit: unit, ttl: try DurationArgument.seconds(ttl, flag: "--ttl"),
            constructDelay: try DurationArgument.seconds(constructDelay, flag: "--construct-delay"),
            dataDirectory: directory, tokensPerSecond: speed, replyTokens: replyTokens,
            usagePlacement: usageChunk.placement, faults: plans, maxConcurrent: maxConcurrent)
        configuration.faultFile = faultFile
        configuration.balanceCurrency = balanceCurrency.currency
        configuration.chargeFactor = chargeFactor
        configuration.maxCacheBytes = try SizeArgument.bytes(maxCacheSize, flag: "--max-cache-size")
        return configuration
    }
}

enum CacheModelKindArgument: String, ExpressibleByArgument {
    case v3, v4
    var kind: CacheModelKind { self == .v3 ? .v3 : .v4 }
}

enum CurrencyArgument: String, ExpressibleByArgument {
    case USD, CNY
    var currency: Currency { self == .USD ? .usd : .cny }
}

enum UsagePlacementArgument: String, ExpressibleByArgument {
    case finish, trailing
    var placement: UsagePlacement { self == .finish ? .finish : .trailing }
}

/// "500ms", "30s", "5m", "2h", "1d" or plain seconds.
enum DurationArgument {
    static func seconds(_ text: String, flag: String, minimum: Double = 0) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var seconds: Double? = nil
        for (suffix, scale) in units where text.hasSuffix(suffix) && seconds == nil {
            if let value = Double(text.dropLast(suffix.count)), value >= 0, value.isFinite { seconds = value * scale }
        }
        if seconds == nil, let value = Double(text), value >= 0, value.isFinite { seconds = value }
        guard let seconds, seconds >= minimum else {
            let least = minimum > 0 ? "more than 0" : "0 or more"
            throw CLIError.usage("\(flag) takes a duration of \(least), such as 500ms, 30s, 5m, 2h or 1d; got `\(text)`")
        }
        return seconds
    }
}

/// "32MiB", "500KiB", "1GiB", "64K", "2M" (powers of 1,024) or plain bytes, 1 or more.
enum SizeArgument {
    static func bytes(_ text: String, flag: String) throws -> Int {
        let units: [(String, Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Int(text.dropLast(suffix.count)), value >= 1, value <= Int.max / scale { return value * scale }
            break
        }
        if let value = Int(text), value >= 1 { return value }
        throw CLIError.usage("\(flag) takes a size of 1 byte or more, such as 32MiB, 500KiB or 65536; got `\(text)`")
    }
}
