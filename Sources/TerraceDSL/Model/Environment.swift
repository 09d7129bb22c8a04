import TerraceJSON

/// The values a stack is evaluated with: which project and region, the name prefix that keeps
/// globally unique names apart, the labels every resource carries, and free-form variables.
///
/// A pure value: `TerraceEngine` loads it from `environments/<name>.json`.
public struct Environment: Sendable, Hashable {
    /// The environment's name (`local`, `dev`, …).
    public var name: String
    /// The GCP project id.
    public var project: String
    /// The default location (`US`, `EU`, `europe-west1`, …).
    public var region: String
    /// Prepended to derived names by ``name(_:separator:)``; empty for none.
    public var namePrefix: String
    /// Labels for every resource that takes labels.
    public var labels: [String: String]
    /// Free-form values (`analysts`, …), read with ``variable(_:)`` and ``strings(_:)``.
    public var variables: [String: JSON]

    public init(
        name: String, project: String, region: String, namePrefix: String = "",
        labels: [String: String] = [:], variables: [String: JSON] = [:]
    ) {
        self.name = name
        self.project = project
        self.region = region
        self.namePrefix = namePrefix
        self.labels = labels
        self.variables = variables
    }

    /// `base` with the environment's name prefix: `name("raw")` is `terrace-dev-raw` when the
    /// prefix is `terrace-dev`. Datasets take `separator: "_"` (the prefix's hyphens become
    /// underscores too, since dataset ids allow none).
    public func name(_ base: String, separator: String = "-") -> String {
        guard !namePrefix.isEmpty else { return base }
        let prefix = separator == "_" ? namePrefix.replacingAll("-", with: "_") : namePrefix
        return prefix + separator + base
    }

    /// The environment's labels with `extra` added (extra wins on a clash).
    public func labels(_ extra: [String: String]) -> [String: String] {
        labels.merging(extra, uniquingKeysWith: { _, new in new })
    }

    /// The variable `key`, or `nil` when the environment does not set it.
    public func variable(_ key: String) -> JSON? { variables[key] }

    /// The variable `key` as a list of strings: a string array, a single string, or empty when
    /// the variable is missing (non-string elements are skipped).
    public func strings(_ key: String) -> [String] {
        switch variables[key] {
        case .string(let s): [s]
        case .array(let elements): elements.compactMap(\.stringValue)
        default: []
        }
    }
}

extension String {
    /// This string with every occurrence of `target` replaced (no Foundation here).
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
