import Synchronization

/// Seeded, reproducible fault injection: `--faults SPEC`.
///
/// SPEC is a `;`-separated list of settings and rules:
/// - `seed=N` (default 1): the same seed and the same request order give the same faults.
/// - `consistency=SECONDS`: newly created resources answer 404 for that long.
/// - `stall=SECONDS` (default 30): how long a `stall` fault holds a request before answering.
/// - `SELECTOR=RATE:KIND` where SELECTOR is `*`, an API (`storage`, `bigquery`, `pubsub`, `iam`,
///   `cloudresourcemanager`, `serviceusage`, `iamcredentials`, `oauth2`, `sampleshop`) or `API.METHOD` with an
///   HTTP method (`storage.PUT`); RATE is a share from 0 to 1; KIND is `429`, `500`, `502`,
///   `503`, `504`, `429+retry-after=S` or `503+retry-after=S`, `stall` or `reset`.
///
/// Example: `seed=7;storage.GET=0.2:503+retry-after=1;pubsub=0.1:reset;consistency=2`.
public struct FaultPlan: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case status(Int, retryAfter: Int?)
        case stall
        case reset
    }

    public struct Rule: Sendable, Equatable {
        public let api: String?
        public let method: String?
        public let rate: Double
        public let kind: Kind
    }

    public var seed: UInt64 = 1
    public var rules: [Rule] = []
    public var consistencySeconds: Double = 0
    public var stallSeconds: Double = 30

    public init() {}

    static let apis: Set<String> = ["storage", "bigquery", "pubsub", "iam", "cloudresourcemanager", "serviceusage",
                                    "iamcredentials", "oauth2", "sampleshop"]
    static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]

    /// Parses SPEC; a bad part is an error quoting it and saying what is expected.
    public init(spec: String) throws {
        for raw in spec.split(separator: ";") {
            let part = raw.trimmingSpaces()
            if part.isEmpty { continue }
            guard let equals = part.firstIndex(of: "=") else {
                throw LocalCloudError("--faults: \"\(part)\" is not NAME=VALUE; see `terrace local serve --help`")
            }
            let name = String(part[..<equals])
            let value = String(part[part.index(after: equals)...])
            switch name {
            case "seed":
                guard let seed = UInt64(value) else { throw LocalCloudError("--faults: seed must be a whole number, got \"\(value)\"") }
                self.seed = seed
            case "consistency":
                guard let seconds = Self.seconds(value), seconds >= 0 else {
                    throw LocalCloudError("--faults: consistency must be seconds (e.g. 2 or 1.5s), got \"\(value)\"")
                }
                consistencySeconds = seconds
            case "stall":
                guard let seconds = Self.seconds(value), seconds > 0 else {
                    throw LocalCloudError("--faults: stall must be seconds (e.g. 30), got \"\(value)\"")
                }
                stallSeconds = seconds
            default:
                rules.append(try Self.rule(selector: name, value: value, part: part))
            }
        }
    }

    static func seconds(_ text: String) -> Double? {
        Double(text.hasSuffix("s") ? String(text.dropLast()) : text)
    }

    static func rule(selector: String, value: String, part: String) throws -> Rule {
        var api: String?
        var method: String?
        if selector != "*" {
            let pieces = selector.split(separator: ".", maxSplits: 1).map(String.init)
            guard let first = pieces.first, apis.contains(first) else {
                throw LocalCloudError("--faults: unknown API \"\(selector)\" in \"\(part)\"; use * or one of \(apis.sorted().joined(separator: ", "))")
            }
            api = first
            if pieces.count == 2 {
                guard methods.contains(pieces[1].uppercased()) else {
                    throw LocalCloudError("--faults: unknown HTTP method \"\(pieces[1])\" in \"\(part)\"")
                }
                method = pieces[1].uppercased()
            }
        }
        let fields = value.split(separator: ":", maxSplits: 1).map(String.init)
        guard fields.count == 2, let rate = Double(fields[0]), (0...1).contains(rate) else {
            throw LocalCloudError("--faults: \"\(part)\" needs RATE:KIND with RATE from 0 to 1 (e.g. storage=0.1:503)")
        }
        let kindText = fields[1]
        let kind: Kind
        switch kindText {
        case "stall": kind = .stall
        case "reset": kind = .reset
        default:
            let codeAndOptions = kindText.split(separator: "+", maxSplits: 1).map(String.init)
            guard let code = Int(codeAndOptions[0]), [429, 500, 502, 503, 504].contains(code) else {
                throw LocalCloudError("--faults: unknown fault \"\(kindText)\" in \"\(part)\"; use 429, 500, 502, 503, 504, stall or reset")
            }
            var retryAfter: Int?
            if codeAndOptions.count == 2 {
                let option = codeAndOptions[1]
                guard option.hasPrefix("retry-after="), let seconds = Int(option.dropFirst("retry-after=".count)), seconds >= 0 else {
                    throw LocalCloudError("--faults: \"\(option)\" in \"\(part)\" should be retry-after=SECONDS")
                }
                retryAfter = seconds
            }
            kind = .status(code, retryAfter: retryAfter)
        }
        return Rule(api: api, method: method, rate: rate, kind: kind)
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

/// Draws faults from a plan: one SplitMix64 stream per rule, advanced once per request the rule
/// selects, so the sequence of faults for a given seed and request order is always the same.
public final class FaultInjector: Sendable {
    public let plan: FaultPlan
    private let states: Mutex<[UInt64]>

    public init(plan: FaultPlan) {
        self.plan = plan
        self.states = Mutex(plan.rules.indices.map { plan.seed &+ UInt64($0) &* 0x9E37_79B9_7F4A_7C15 })
    }

    /// The fault for a request to `api` with `method`, if one is drawn.
    public func draw(api: String, method: String) -> FaultPlan.Kind? {
        guard !plan.rules.isEmpty else { return nil }
        return states.withLock { states in
            for (index, rule) in plan.rules.enumerated() {
                if let ruleAPI = rule.api, ruleAPI != api { continue }
                if let ruleMethod = rule.method, ruleMethod != method { continue }
                states[index] &+= 0x9E37_79B9_7F4A_7C15
                var z = states[index]
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                let sample = Double(z >> 11) / Double(1 << 53)
                if sample < rule.rate { return rule.kind }
            }
            return nil
        }
    }
}
