/// A fault the emulator injects, for tests and demos. Parsed from `--fault` values:
///
/// | plan | effect |
/// |---|---|
/// | `status=429,retry-after=2` | answer with that status and DeepSeek's error body (400, 401, 402, 422, 429, 500, 503) |
/// | `disconnect=20` | reset the connection after 20 streamed tokens |
/// | `eof=20` | end the stream cleanly after 20 tokens, without a finish chunk or `[DONE]` |
/// | `stall=5` | send `: keep-alive` comments for 5 s before the first token |
/// | `malformed=3` | replace the 3rd content chunk with broken JSON |
/// | `split-utf8` | write every multi-byte character in two writes, 50 ms apart |
/// | `drip=0.01` | write the reply one byte at a time, 10 ms apart |
///
/// Options for every plan: `every=N` (only every Nth request, counting from the first;
/// default 1 = every request; `every=3` fires on the 3rd, 6th, ...) and `times=N`
/// (at most N times: `status=429,times=1` fails only the first request).
public struct FaultPlan: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case status(code: Int, retryAfter: String?)
        case disconnect(afterTokens: Int)
        case endOfStream(afterTokens: Int)
        case stall(seconds: Double)
        case malformedChunk(index: Int)
        case splitUTF8
        case drip(secondsPerByte: Double)
    }

    public var kind: Kind
    public var every: Int
    public var times: Int?

    public init(kind: Kind, every: Int = 1, times: Int? = nil) {
        self.kind = kind
        self.every = every
        self.times = times
    }

    public static func parse(_ text: String) throws -> FaultPlan {
        var fields: [(String, String?)] = []
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            fields.append((pieces[0].lowercased(), pieces.count > 1 ? pieces[1] : nil))
        }
        guard let (name, value) = fields.first else { throw EmulatorFailure("empty fault plan") }
        var options: [String: String] = [:]
        for (key, value) in fields.dropFirst() {
            guard let value else { throw EmulatorFailure("fault option `\(key)` needs a value, e.g. \(key)=2") }
            options[key] = value
        }
        func number(_ text: String?, _ what: String) throws -> Double {
            guard let text, let value = Double(text.hasSuffix("s") ? String(text.dropLast()) : text), value >= 0 else {
                throw EmulatorFailure("fault `\(name)` needs a number for \(what), got `\(text ?? "")`")
            }
            return value
        }
        let kind: Kind
        switch name {
        case "status":
            let code = Int(try number(value, "the status"))
            guard [400, 401, 402, 422, 429, 500, 503].contains(code) else {
                throw EmulatorFailure("fault status must be one of 400, 401, 402, 422, 429, 500, 503; got \(code)")
            }
            kind = .status(code: code, retryAfter: options.removeValue(forKey: "retry-after"))
        case "disconnect": kind = .disconnect(afterTokens: Int(try number(value, "tokens")))
        case "eof": kind = .endOfStream(afterTokens: Int(try number(value, "tokens")))
        case "stall": kind = .stall(seconds: try number(value, "seconds"))
        case "malformed": kind = .malformedChunk(index: max(1, Int(try number(value ?? "1", "the chunk number"))))
        case "split-utf8": kind = .splitUTF8
        case "drip": kind = .drip(secondsPerByte: try number(value ?? "0.005", "seconds per byte"))
        default:
            throw EmulatorFailure("unknown fault `\(name)`; use status, disconnect, eof, stall, malformed, split-utf8 or drip")
        }
        let every = Int(try number(options.removeValue(forKey: "every") ?? "1", "every"))
        let times = try options.removeValue(forKey: "times").map { Int(try number($0, "times")) }
        if let unknown = options.keys.first { throw EmulatorFailure("unknown fault option `\(unknown)`") }
        return FaultPlan(kind: kind, every: max(1, every), times: times)
    }
}

/// Decides, request by request, which plans fire.
public struct FaultSchedule: Sendable {
    public private(set) var plans: [FaultPlan]
    private var fired: [Int]
    private var seen = 0

    public init(_ plans: [FaultPlan]) {
        self.plans = plans
        fired = Array(repeating: 0, count: plans.count)
    }

    /// The faults for the next request (numbered from 1).
    public mutating func next() -> [FaultPlan.Kind] {
        seen += 1
        var kinds: [FaultPlan.Kind] = []
        for (index, plan) in plans.enumerated() where seen % plan.every == 0 {
            if let times = plan.times, fired[index] >= times { continue }
            fired[index] += 1
            kinds.append(plan.kind)
        }
        return kinds
    }
}
