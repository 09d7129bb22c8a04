/// A constant written in the query.
public enum Literal: Hashable, Sendable {
    case null
    case boolean(Bool)
    /// Decimal digits or `0x` hex, as written; a leading `-` is a unary minus around the literal.
    case integer(String)
    /// As written: `1.5`, `.5`, `58.`, `4e2`.
    case float(String)
    /// Decoded text.
    case string(String)
    case bytes([UInt8])
    /// A type keyword before a string: `DATE '2024-01-31'`, `NUMERIC '1.5'`, `JSON '{"a": 1}'`,
    /// `RANGE<DATE> '[2024-01-01, 2024-02-01)'`. The string is not validated here.
    case typed(TypedLiteralType, String)
}

/// The type of a typed literal.
public enum TypedLiteralType: Hashable, Sendable {
    case date, datetime, time, timestamp, numeric, bignumeric, json
    case range(TypeName)
}

/// `@name` or `?` (numbered from 0 in order of appearance).
public enum QueryParameter: Hashable, Sendable {
    case named(String)
    case positional(Int)
}
