/// A pipeline failure: one sentence of what went wrong (naming the source, record or object
/// involved) and what to do.
public struct PipelineError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A record that cannot be loaded: where it came from (`page 3`, `line 17`) and why.
public struct RejectedRecord: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: String
    public var message: String
    public var description: String { "\(location): \(message)" }

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }
}
