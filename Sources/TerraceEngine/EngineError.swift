/// A plan, apply or state command that cannot proceed: one sentence of what went wrong, naming
/// the resource address, file or API reason, and what to do.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
