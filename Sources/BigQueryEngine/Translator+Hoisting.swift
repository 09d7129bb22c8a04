import GoogleSQL

/// Expressions that read only the rows to the left of an UNNEST, computed once per such row.
///
/// In `FROM carts AS c CROSS JOIN UNNEST(c.items) AS item`, SQLite evaluates
/// `CAST(c.created AS TIMESTAMP)` again for every item of a cart. Such an expression — one that
/// reads only `c`'s columns and calls a Swift function — is computed by a subquery over `c`
/// instead, once per cart, and the SELECT reads it from there:
///
///     (SELECT t3.*, bq_safe_cast(t3.c4, 's', 'T') AS h0 FROM (…) AS t3 LIMIT -1 OFFSET 0) AS t3
///     … COALESCE(t3.h0, bq_cast(t3.c4, 's', 'T')) …
///
/// The subquery computes the expression's SAFE form, which is NULL where the expression fails:
/// there, and where its value is NULL, the expression itself is evaluated for the row as before,
/// so it fails exactly where it did (only for rows that are output, never for a cart without
/// items) and every value is the same. Only deterministic `bq_*` functions are hoisted, and only
/// in a SELECT whose rows are independent of each other (no grouping, aggregates or windows).
struct Hoisting {
    struct Entry {
        /// The subquery's column (`h0`).
        let name: String
        /// The expression as translated.
        let original: String
        /// What the SELECT reads instead: `COALESCE(t3.h0, original)`.
        let use: String
        /// What the subquery computes: `original` with its functions in their SAFE form.
        let safe: String
    }

    /// The SQL alias of the FROM item to the left of the UNNEST.
    let alias: String
    private(set) var entries: [Entry] = []
    private var counter = 0

    init(alias: String) {
        self.alias = alias
    }

    /// `value`, translated since `mark` entries were made, read from the subquery when it can be:
    /// then the entries of its parts (made since `mark`) give way to one for the whole.
    mutating func hoist(_ value: Typed, since mark: Int) -> Typed {
        var original = value.sql
        for entry in entries[mark...] { original = original.replacing(entry.use, with: entry.original) }
        guard let safe = Self.safeForm(original, alias: alias) else { return value }
        entries.removeSubrange(mark...)
        let name = "h\(counter)"
        counter += 1
        let use = "COALESCE(\(alias).\(name), \(original))"
        entries.append(Entry(name: name, original: original, use: use, safe: safe))
        var hoisted = value
        hoisted.sql = use
        return hoisted
    }

    /// The FROM item `item` (`… AS t3`) as the subquery that computes the entries.
    func source(_ item: String) -> String {
        let columns = entries.map { "\($0.safe) AS \($0.name)" }
        return "(SELECT \(alias).*, \(columns.joined(separator: ", ")) FROM \(item) LIMIT -1 OFFSET 0) AS \(alias)"
    }

    /// `sql` with every `bq_` function in its SAFE form, when `sql` reads columns of `alias` and
    /// nothing else, calls a Swift function, and calls only deterministic ones that have a SAFE
    /// form; otherwise `nil`.
    static func safeForm(_ sql: String, alias: String) -> String? {
        let bytes = Array(sql.utf8)
        let prefix = Array(alias.utf8) + [UInt8(ascii: ".")]
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 32)
        var readsAlias = false
        var callsSwift = false
        var index = 0
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                out.append(byte)
                if byte == UInt8(ascii: "'") { inString = false }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "'") {
                inString = true
                out.append(byte)
                index += 1
                continue
            }
            let startsWord = index == 0 || !isIdentifier(bytes[index - 1])
            if startsWord, byte == UInt8(ascii: "t"), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
                // A range alias `t<n>.`: only the hoisting one may be read.
                var end = index + 1
                while end < bytes.count, isDigit(bytes[end]) { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: ".") {
                    guard bytes[index...end].elementsEqual(prefix) else { return nil }
                    readsAlias = true
                }
            } else if startsWord, byte == UInt8(ascii: "b"), bytes[index...].starts(with: Array("bq_".utf8)) {
                var end = index + 3
                while end < bytes.count, isIdentifier(bytes[end]) { end += 1 }
                guard end < bytes.count, bytes[end] == UInt8(ascii: "(") else { return nil }
                var name = String(decoding: bytes[(index + 3)..<end], as: UTF8.self)
                if name.hasPrefix("safe_") { name.removeFirst(5) }
                guard FunctionLibrary.Runtime.hoistable.contains(name) else { return nil }
                callsSwift = true
                out += Array("bq_safe_\(name)".utf8)
                index = end
                continue
            } else if startsWord, byte == UInt8(ascii: "S") || byte == UInt8(ascii: "r"),
                      bytes[index...].starts(with: Array("SELECT".utf8)) || bytes[index...].starts(with: Array("random(".utf8)) {
                // A subquery, or SQLite's own randomness.
                return nil
            }
            out.append(byte)
            index += 1
        }
        guard readsAlias, callsSwift else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isIdentifier(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }
}

extension FunctionLibrary.Runtime {
    /// The `bq_*` functions an expression may be hoisted with: deterministic, with a SAFE form.
    static let hoistable: Set<String> = Set(functions.filter(\.deterministic).map(\.name))
}

extension Translator {
    /// Whether each row of `select` is computed from its own FROM row alone: no grouping,
    /// aggregate or window (whose arguments must not move into a subquery).
    static func rowsAreIndependent(_ select: Select, orderBy: [OrderingTerm]) -> Bool {
        guard select.groupBy == nil, select.having == nil, select.qualify == nil, select.windows.isEmpty else { return false }
        var expressions: [Expression] = orderBy.map(\.expression)
        if let condition = select.whereCondition { expressions.append(condition) }
        for item in select.items {
            if case .expression(let expression, _) = item.kind { expressions.append(expression) }
        }
        return !expressions.contains { expression in
            containsCall(expression) { $0.over != nil || aggregateNames.contains($0.dottedName.uppercased()) }
        }
    }
}
