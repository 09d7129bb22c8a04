/// A name as written: a column, table, alias, field, function or type name.
public struct Identifier: Hashable, Sendable {
    /// The name, unescaped and with its case. A backtick-quoted name keeps any dots and dashes
    /// (`` `my-project.dataset.table` `` is one identifier) for the resolver to split.
    public var name: String
    /// Written in backticks; a quoted name may be a reserved keyword.
    public var isQuoted: Bool
    public var location: SourceLocation

    public init(_ name: String, isQuoted: Bool = false, at location: SourceLocation) {
        self.name = name
        self.isQuoted = isQuoted
        self.location = location
    }
}

/// A dotted name: `t`, `dataset.t`, `my-project.dataset.t`, `t.column`, `struct_column.field`. In a
/// FROM clause or as a DDL/DML target, the first component may be an unquoted dashed name
/// (`my-project`), which is kept as one component.
public struct PathExpression: Hashable, Sendable {
    public var components: [Identifier]
    public var location: SourceLocation

    public init(_ components: [Identifier]) {
        precondition(!components.isEmpty, "a path has at least one component")
        self.components = components
        self.location = components[0].location
    }

    /// The components' names joined with dots.
    public var dottedName: String { components.map(\.name).joined(separator: ".") }
}
