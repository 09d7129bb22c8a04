/// A stack: the declarations of one platform, built with ``StackBuilder``.
///
/// ```swift
/// let stack = Stack {
///     Bucket("raw", name: env.name("raw"), location: env.region, labels: env.labels)
///     Topic("carts_events", name: env.name("carts-events"))
/// }
/// ```
public struct Stack: Sendable {
    public let declarations: [any Declaration]

    public init(declarations: [any Declaration]) { self.declarations = declarations }

    public init(@StackBuilder _ content: () -> [any Declaration]) { self.declarations = content() }
}

/// Collects declarations: single ones, arrays, `if`, `if`/`else` and `for` loops.
@resultBuilder
public enum StackBuilder {
    public static func buildExpression(_ declaration: some Declaration) -> [any Declaration] { [declaration] }
    public static func buildExpression(_ declarations: [any Declaration]) -> [any Declaration] { declarations }
    public static func buildExpression(_ stack: Stack) -> [any Declaration] { stack.declarations }
    public static func buildBlock(_ parts: [any Declaration]...) -> [any Declaration] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any Declaration]?) -> [any Declaration] { part ?? [] }
    public static func buildEither(first: [any Declaration]) -> [any Declaration] { first }
    public static func buildEither(second: [any Declaration]) -> [any Declaration] { second }
    public static func buildArray(_ parts: [[any Declaration]]) -> [any Declaration] { parts.flatMap { $0 } }
}
