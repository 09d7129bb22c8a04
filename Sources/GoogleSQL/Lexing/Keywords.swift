/// Keyword tables of the lexer.
enum Keywords {
    /// Reserved keywords by their uppercase spelling.
    static let reserved: [String: Keyword] = Dictionary(uniqueKeysWithValues: Keyword.allCases.map { ($0.rawValue, $0) })

    /// ZetaSQL's non-reserved keywords. They lex as identifiers (they are usable as names); the list
    /// only serves error messages, which call them `keyword X` as BigQuery does.
    static let nonReserved: Set<String> = [
        "ABORT", "ACCESS", "ACTION", "ADD", "AGGREGATE", "ALTER", "ANALYZE", "ANONYMIZATION", "ARE", "ASSERT",
        "BATCH", "BEGIN", "BIGDECIMAL", "BIGNUMERIC", "BREAK", "CALL", "CASCADE", "CHECK", "CLAMPED", "CLONE",
        "CLUSTER", "COLUMN", "COLUMNS", "COMMIT", "CONNECTION", "CONSTANT", "CONSTRAINT", "CONTINUE", "COPY",
        "CORRESPONDING", "DATA", "DATABASE", "DATE", "DATETIME", "DECIMAL", "DECLARE", "DEFINER", "DELETE",
        "DELETION", "DESCRIBE", "DESCRIPTOR", "DETERMINISTIC", "DO", "DROP", "ELSEIF", "ENFORCED", "ERROR",
        "EXCEPTION", "EXECUTE", "EXPLAIN", "EXPORT", "EXTERNAL", "FILES", "FILL", "FILTER", "FILTER_FIELDS",
        "FIRST", "FOREIGN", "FORMAT", "FUNCTION", "GENERATED", "GRANT", "GROUP_ROWS", "HIDDEN", "IMMEDIATE",
        "IMMUTABLE", "IMPORT", "INCLUDE", "INDEX", "INOUT", "INPUT", "INSERT", "INTERLEAVE", "INVOKER",
        "ISOLATION", "ITERATE", "JSON", "KEY", "LANGUAGE", "LAST", "LEAVE", "LEVEL", "LOAD", "LOOP", "MACRO",
        "MATCH", "MATCHED", "MATERIALIZED", "MAX", "MESSAGE", "MIN", "MODEL", "MODULE", "NULL_FILTERED",
        "NUMERIC", "OFFSET", "ONLY", "OPTIONS", "OUT", "OUTPUT", "OVERWRITE", "PARENT", "PARTITIONS", "PERCENT",
        "PIVOT", "POLICIES", "POLICY", "PRIMARY", "PRIVATE", "PRIVILEGE", "PRIVILEGES", "PROCEDURE", "PUBLIC",
        "RAISE", "READ", "REFERENCES", "REMOTE", "REMOVE", "RENAME", "REPEAT", "REPEATABLE", "REPLACE",
        "REPLACE_FIELDS", "REPLICA", "REPORT", "RESTRICT", "RESTRICTION", "RETURN", "RETURNS", "REVOKE",
        "ROLLBACK", "ROW", "RUN", "SAFE_CAST", "SCHEMA", "SEARCH", "SECURITY", "SEQUENCE", "SHOW", "SIMPLE",
        "SNAPSHOT", "SOURCE", "SQL", "STABLE", "START", "STORED", "STORING", "STRICT", "SYSTEM", "SYSTEM_TIME",
        "TABLE", "TABLES", "TARGET", "TEMP", "TEMPORARY", "TIME", "TIMESTAMP", "TRANSACTION", "TRANSFORM",
        "TRUNCATE", "TYPE", "UNDROP", "UNIQUE", "UNKNOWN", "UNPIVOT", "UNTIL", "UPDATE", "VALUE", "VALUES",
        "VIEW", "VIEWS", "VOLATILE", "WEIGHT", "WHILE", "WRITE", "ZONE",
    ]
}
