/// A type as written in CAST, typed constructors and column definitions.
public struct TypeName: Hashable, Sendable {
    public indirect enum Kind: Hashable, Sendable {
        /// `INT64`, `string`, `STRING(10)`, `NUMERIC(10, 2)`: the name as written and its parameters.
        /// Whether the name is a type is the resolver's business.
        case named(String, parameters: [Int])
        case array(TypeName)
        case `struct`([StructField])
        /// `RANGE<DATE>`.
        case range(TypeName)
    }

    /// A field of `STRUCT<…>`. In column schemas it may carry `NOT NULL` and `OPTIONS(…)`.
    public struct StructField: Hashable, Sendable {
        public var name: Identifier?
        public var type: TypeName
        public var isNotNull: Bool
        public var options: [OptionEntry]
        public var location: SourceLocation
    }

    public var kind: Kind
    public var location: SourceLocation
}
