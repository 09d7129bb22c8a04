/// CREATE TABLE, CREATE VIEW, DROP and TRUNCATE.
extension Parser {
    /// `CREATE [OR REPLACE] [TEMP|TEMPORARY] TABLE|VIEW …`.
    mutating func parseCreate() throws(GoogleSQLSyntaxError) -> Statement.Kind {
        let start = index
        advance()
        var orReplace = false
        if accept(.or) {
            try expect(word: "REPLACE")
            orReplace = true
        }
        let isTemporary = accept(word: "TEMP") || accept(word: "TEMPORARY")
        if accept(word: "TABLE") {
            if isWord("FUNCTION") { throw unsupportedForm(from: start) }
            return .createTable(try parseCreateTable(orReplace: orReplace, isTemporary: isTemporary))
        }
        if !isTemporary && accept(word: "VIEW") {
            return .createView(try parseCreateView(orReplace: orReplace))
        }
        if Self.unsupportedObjectKinds.contains(current.text.uppercased()) { throw unsupportedForm(from: start) }
        throw unexpected()
    }

    /// Objects BigQuery can create and drop that this parser does not cover yet.
    static let unsupportedObjectKinds: Set<String> = [
        "AGGREGATE", "ASSIGNMENT", "CAPACITY", "EXTERNAL", "FUNCTION", "MATERIALIZED", "MODEL", "PROCEDURE",
        "RESERVATION", "ROW", "SCHEMA", "SEARCH", "SNAPSHOT", "TEMP", "TEMPORARY", "VECTOR", "VIEW",
    ]

    /// `IF NOT EXISTS`.
    mutating func parseIfNotExists() throws(GoogleSQLSyntaxError) -> Bool {
        guard accept(.if) else { return false }
        try expect(.not)
        try expect(.exists)
        return true
    }

    mutating func parseCreateTable(orReplace: Bool, isTemporary: Bool) throws(GoogleSQLSyntaxError) -> CreateTable {
        let ifNotExists = try parseIfNotExists()
        var table = CreateTable(orReplace: orReplace, isTemporary: isTemporary, ifNotExists: ifNotExists,
                                name: try parseTablePath(), columns: [], partitionBy: nil, clusterBy: [], options: [], query: nil)
        if isWord("LIKE") || isWord("COPY") || isWord("CLONE") || isKeyword(.like) {
            throw GoogleSQLSyntaxError("Unsupported statement: CREATE TABLE \(current.text.uppercased())", at: current.location,
                                       kind: .unsupported)
        }
        if accept(.leftParen) {
            table.columns = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseColumnDefinition() }
            try expectListEnd()
        }
        if accept(.partition) {
            try expect(.by)
            table.partitionBy = try parseExpression()
        }
        if accept(word: "CLUSTER") {
            try expect(.by)
            table.clusterBy = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseExpression() }
        }
        if isWord("OPTIONS") { table.options = try parseOptions() }
        if accept(.as) { table.query = try parseQuery() }
        return table
    }

    /// `name type [DEFAULT expression] [NOT NULL] [OPTIONS(…)]`.
    mutating func parseColumnDefinition() throws(GoogleSQLSyntaxError) -> ColumnDefinition {
        if isWord("CONSTRAINT") || ((isWord("PRIMARY") || isWord("FOREIGN")) && isWord("KEY", at: 1)) {
            throw GoogleSQLSyntaxError("Table constraints are not supported", at: current.location, kind: .unsupported)
        }
        let name = try parseIdentifier()
        let type = try parseType(allowsFieldAttributes: true)
        var column = ColumnDefinition(name: name, type: type, isNotNull: false, defaultValue: nil, options: [],
                                      location: name.location)
        if accept(.default) { column.defaultValue = try parseExpression() }
        if accept(.not) {
            try expect(.null)
            column.isNotNull = true
        }
        if isWord("OPTIONS") { column.options = try parseOptions() }
        return column
    }

    /// `OPTIONS(name = value, …)`, possibly empty.
    mutating func parseOptions() throws(GoogleSQLSyntaxError) -> [OptionEntry] {
        try expect(word: "OPTIONS")
        try expect(.leftParen)
        if accept(.rightParen) { return [] }
        let entries = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in
            let name = try parser.parseIdentifier()
            try parser.expect(.equal)
            return OptionEntry(name: name, value: try parser.parseExpression())
        }
        try expectListEnd()
        return entries
    }

    mutating func parseCreateView(orReplace: Bool) throws(GoogleSQLSyntaxError) -> CreateView {
        let ifNotExists = try parseIfNotExists()
        let name = try parseTablePath()
        let columns = isSymbol(.leftParen) ? try parseIdentifierList() : []
        let options = isWord("OPTIONS") ? try parseOptions() : []
        try expect(.as)
        return CreateView(orReplace: orReplace, ifNotExists: ifNotExists, name: name, columns: columns, options: options,
                          query: try parseQuery())
    }

    /// `DROP TABLE|VIEW [IF EXISTS] name`.
    mutating func parseDrop() throws(GoogleSQLSyntaxError) -> Statement.Kind {
        let start = index
        advance()
        let objectType: Drop.ObjectType
        if accept(word: "TABLE") {
            objectType = .table
        } else if accept(word: "VIEW") {
            objectType = .view
        } else if Self.unsupportedObjectKinds.contains(current.text.uppercased()) {
            throw unsupportedForm(from: start)
        } else {
            throw unexpected()
        }
        var ifExists = false
        if accept(.if) {
            try expect(.exists)
            ifExists = true
        }
        return .drop(Drop(objectType: objectType, ifExists: ifExists, name: try parseTablePath()))
    }

    /// `TRUNCATE TABLE name`.
    mutating func parseTruncate() throws(GoogleSQLSyntaxError) -> TruncateTable {
        advance()
        try expect(word: "TABLE")
        return TruncateTable(name: try parseTablePath())
    }
}
