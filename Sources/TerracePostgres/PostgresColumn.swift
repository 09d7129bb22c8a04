/// One column of a result: its name, its type's OID and that type's name.
public struct PostgresColumn: Sendable, Hashable {
    /// The column's name as the server reports it (`?column?` for an unnamed expression).
    public let name: String
    /// The type's OID (`pg_type.oid`). Domains arrive as their base type: PostgreSQL describes
    /// result columns that way.
    public let typeOID: UInt32
    /// The type's `pg_type.typname`: `int8`, `numeric`, `timestamptz`, `_int4` (an `int4[]`), …
    /// Built-in types are named from a table; others (enums, composites, extension types) are
    /// looked up in `pg_type` when a stream starts, and read `oid:<n>` if that lookup fails.
    public let typeName: String

    public init(name: String, typeOID: UInt32, typeName: String) {
        self.name = name
        self.typeOID = typeOID
        self.typeName = typeName
    }

    /// An array type (its name starts with `_`, as every array type's does in `pg_type`).
    public var isArray: Bool { typeName.hasPrefix("_") }
}

/// How a column's text is turned into JSON; chosen once per column from its type OID.
indirect enum ValueDecoding: Sendable, Equatable {
    case integer
    case float
    /// Exact decimal text (see ``PostgresConnection`` for why not a double).
    case numeric
    case boolean
    case json
    case string
    case timestamp
    case timestamptz
    case bytea
    /// An array (any number of dimensions) of elements decoded as `element`.
    case array(ValueDecoding)

    init(typeOID: UInt32) {
        if let scalar = ValueDecoding.scalars[typeOID] {
            self = scalar
        } else if let element = PostgresType.arrayElements[typeOID], let scalar = ValueDecoding.scalars[element] {
            self = .array(scalar)
        } else {
            self = .string
        }
    }

    private static let scalars: [UInt32: ValueDecoding] = [
        PostgresType.int2: .integer, PostgresType.int4: .integer, PostgresType.int8: .integer, PostgresType.oid: .integer,
        PostgresType.float4: .float, PostgresType.float8: .float,
        PostgresType.numeric: .numeric,
        PostgresType.bool: .boolean,
        PostgresType.json: .json, PostgresType.jsonb: .json,
        PostgresType.text: .string, PostgresType.varchar: .string, PostgresType.bpchar: .string,
        PostgresType.name: .string, PostgresType.uuid: .string,
        PostgresType.date: .string, PostgresType.time: .string,
        PostgresType.timestamp: .timestamp, PostgresType.timestamptz: .timestamptz,
        PostgresType.bytea: .bytea,
    ]
}

/// The OIDs of PostgreSQL's built-in types this module names or decodes (`pg_type.dat`; they
/// are fixed across versions).
enum PostgresType {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let char: UInt32 = 18
    static let name: UInt32 = 19
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let oid: UInt32 = 26
    static let json: UInt32 = 114
    static let xml: UInt32 = 142
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let money: UInt32 = 790
    static let inet: UInt32 = 869
    static let cidr: UInt32 = 650
    static let macaddr: UInt32 = 829
    static let bpchar: UInt32 = 1042
    static let varchar: UInt32 = 1043
    static let date: UInt32 = 1082
    static let time: UInt32 = 1083
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let interval: UInt32 = 1186
    static let timetz: UInt32 = 1266
    static let bit: UInt32 = 1560
    static let varbit: UInt32 = 1562
    static let numeric: UInt32 = 1700
    static let uuid: UInt32 = 2950
    static let jsonb: UInt32 = 3802

    /// `typname` of the built-in types, scalars and their arrays.
    static let names: [UInt32: String] = {
        var names: [UInt32: String] = [
            bool: "bool", bytea: "bytea", char: "char", name: "name", int8: "int8", int2: "int2", int4: "int4",
            text: "text", oid: "oid", json: "json", xml: "xml", float4: "float4", float8: "float8", money: "money",
            inet: "inet", cidr: "cidr", macaddr: "macaddr", bpchar: "bpchar", varchar: "varchar", date: "date",
            time: "time", timestamp: "timestamp", timestamptz: "timestamptz", interval: "interval", timetz: "timetz",
            bit: "bit", varbit: "varbit", numeric: "numeric", uuid: "uuid", jsonb: "jsonb",
            705: "unknown", 2249: "record", 2278: "void", 3614: "tsvector", 3615: "tsquery", 3904: "int4range",
            3906: "numrange", 3908: "tsrange", 3910: "tstzrange", 3912: "daterange", 3926: "int8range",
        ]
        for (array, element) in arrayElements {
            if let elementName = names[element] { names[array] = "_" + elementName }
        }
        return names
    }()

    /// Array type OID → element type OID, for the built-in arrays.
    static let arrayElements: [UInt32: UInt32] = [
        1000: bool, 1001: bytea, 1002: char, 1003: name, 1016: int8, 1005: int2, 1007: int4, 1009: text,
        1028: oid, 199: json, 143: xml, 1021: float4, 1022: float8, 791: money, 1041: inet, 651: cidr,
        1040: macaddr, 1014: bpchar, 1015: varchar, 1182: date, 1183: time, 1115: timestamp, 1185: timestamptz,
        1187: interval, 1270: timetz, 1561: bit, 1563: varbit, 1231: numeric, 2951: uuid, 3807: jsonb,
    ]
}
