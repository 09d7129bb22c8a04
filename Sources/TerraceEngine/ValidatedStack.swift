import TerraceDSL

/// A stack evaluated against an environment that passed validation: the only way the engine
/// gets resources, so no API call can happen before every declaration has been checked.
public struct ValidatedStack: Sendable {
    /// The environment file it was evaluated against.
    public let configuration: EnvironmentConfiguration
    /// Every declared resource, sorted by address.
    public let resources: [Resource]

    /// Evaluates `declare` with the environment and validates the result, collecting every
    /// error into one ``ValidationError``.
    public init(
        configuration: EnvironmentConfiguration, declare: (Environment) -> Stack
    ) throws(ValidationError) {
        self.configuration = configuration
        self.resources = try declare(configuration.environment).model(in: configuration.environment)
    }

    /// The resource at `address`, if declared.
    public func resource(_ address: Address) -> Resource? {
        resources.first { $0.address == address }
    }
}
