import GoogleSQL

/// What translating an expression produced: its SQLite SQL, its GoogleSQL type, and what the
/// grouping check needs to know.
struct Typed: Sendable {
    var sql: String
    var type: SQLType
    /// A `NULL` literal: its type gives way to whatever it meets.
    var isNullLiteral = false
    /// A column referenced outside an aggregate that is not a GROUP BY key (name, where).
    var ungrouped: (name: String, location: SourceLocation)?
    /// Contains an aggregate call (outside any window).
    var hasAggregate = false
    /// The text of a STRING literal (it coerces to DATE, TIMESTAMP, … where one is compared).
    var stringLiteral: String?

    /// The type to resolve functions with: `nil` for an untyped NULL.
    var resolutionType: SQLType? { isNullLiteral ? nil : type }

    init(_ sql: String, _ type: SQLType, isNullLiteral: Bool = false) {
        self.sql = sql
        self.type = type
        self.isNullLiteral = isNullLiteral
    }
}

/// A column a FROM clause makes visible.
struct ScopeColumn: Sendable {
    /// The range variable it belongs to (lower case), if any.
    var qualifier: String?
    var name: String
    var type: SQLType
    /// How SQL reads it (`t0."c0"`).
    var sql: String
    /// Whether `*` shows it (not the struct value of an UNNEST of STRUCTs, whose fields it shows).
    var inStar = true
    /// A side's own column of a `JOIN … USING` name: reachable only through its range variable
    /// (`a.k`, `a.*`); the unqualified name and `*` mean the merged column.
    var hiddenByUsing = false
}

/// The names a query's expressions can use: the columns of its FROM clause, and those of the
/// queries around it (for correlated subqueries).
final class Scope {
    var columns: [ScopeColumn]
    /// Range variables (table aliases) in lower case, in FROM order.
    var rangeVariables: [String]
    let parent: Scope?

    init(columns: [ScopeColumn] = [], rangeVariables: [String] = [], parent: Scope? = nil) {
        self.columns = columns
        self.rangeVariables = rangeVariables
        self.parent = parent
    }

    /// The columns of range variable `name`, when it is one.
    func range(_ name: String) -> [ScopeColumn]? {
        let key = name.lowercased()
        if rangeVariables.contains(key) { return columns.filter { $0.qualifier == key } }
        return parent?.range(name)
    }

    /// The column called `name`, unique across range variables; throws on ambiguity.
    func column(_ name: String, at location: SourceLocation) throws(QueryError) -> ScopeColumn? {
        let matches = columns.filter { !$0.hiddenByUsing && $0.name.lowercased() == name.lowercased() }
        if matches.count > 1 {
            throw QueryError.at(location, "Column name \(name) is ambiguous")
        }
        if let match = matches.first { return match }
        return try parent?.column(name, at: location)
    }
}

/// SQL spelling helpers.
public enum SQLText {
    /// A SQL string literal.
    public static func quote(_ text: String) -> String {
        var out = "'"
        for character in text {
            if character == "'" { out += "''" } else { out.append(character) }
        }
        return out + "'"
    }

    /// A SQL quoted identifier.
    public static func identifier(_ name: String) -> String {
        var out = "\""
        for character in name {
            if character == "\"" { out += "\"\"" } else { out.append(character) }
        }
        return out + "\""
    }
}
