/// An error BigQuery would raise while evaluating a function, carrying BigQuery's message text.
///
/// `SAFE.`-prefixed calls and `SAFE_CAST` turn these into `NULL`; see ``withSafePrefix(_:)``.
public struct BigQueryFunctionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Evaluates `body` the way BigQuery's `SAFE.` prefix does: an error becomes `NULL`.
@inlinable
public func withSafePrefix<T>(_ body: () throws -> T?) -> T? {
    do {
        return try body()
    } catch {
        return nil
    }
}
