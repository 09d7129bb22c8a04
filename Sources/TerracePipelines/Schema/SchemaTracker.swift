import TerraceJSON

/// A field of a bronze table's schema, in BigQuery's REST form.
public struct SchemaField: Sendable, Equatable {
    public var name: String
    /// `STRING`, `INTEGER`, `FLOAT`, `BOOLEAN`, `RECORD`, `JSON`, … (legacy names, as BigQuery answers).
    public var type: String
    /// `NULLABLE`, `REQUIRED` or `REPEATED`.
    public var mode: String
    public var fields: [SchemaField]
    public var description: String?

    public init(_ name: String, _ type: String, mode: String = "NULLABLE", fields: [SchemaField] = [], description: String? = nil) {
        self.name = name
        self.type = type
        self.mode = mode
        self.fields = fields
        self.description = description
    }

    public var json: JSON {
        var body: [String: JSON] = ["name": .string(name), "type": .string(type), "mode": .string(mode)]
        if !fields.isEmpty { body["fields"] = .array(fields.map(\.json)) }
        if let description { body["description"] = .string(description) }
        return .object(body)
    }

    public init?(json: JSON) {
        guard let name = json["name"]?.stringValue, let type = json["type"]?.stringValue else { return nil }
        self.init(name, Self.legacy(type), mode: json["mode"]?.stringValue ?? "NULLABLE",
                  fields: (json["fields"]?.arrayValue ?? []).compactMap(SchemaField.init(json:)), description: json["description"]?.stringValue)
    }

    /// BigQuery's legacy spelling of a standard type name.
    static func legacy(_ type: String) -> String {
        switch type.uppercased() {
        case "INT64": "INTEGER"
        case "FLOAT64": "FLOAT"
        case "BOOL": "BOOLEAN"
        case "STRUCT": "RECORD"
        default: type.uppercased()
        }
    }
}

/// The schema of a source's records as they pass: declared columns checked and enforced by the
/// contract, everything else inferred (INTEGER widens to FLOAT; any other change of type is a
/// conflict, reported with the field and the first record that had the other type). Field names
/// BigQuery would refuse are rewritten (`first-name` → `first_name`).
public struct SchemaTracker: Sendable {
    let declared: [Column]?
    let contract: SchemaContract
    /// Inferred fields in order of first appearance.
    private(set) var root = Node(type: .record)
    /// The fields a record can carry unchanged, by record: the top level first, then each
    /// settled RECORD field's own. A record made only of these, each with a value of its kind
    /// (nested records and arrays alike), passes without touching the schema (most records).
    var settledRecords: [SettledRecord] = []
    /// Stamps the objects ``admitsUnchanged(_:in:)`` visits (to find a key given twice).
    var stamp: UInt32 = 0

    /// Column names (lower case) a record's field may not take: the metadata columns the
    /// runner adds to every row (``ReservedColumn``).
    public var reserved: Set<String> = []

    public init(declared: [Column]?, contract: SchemaContract) {
        self.declared = declared
        self.contract = contract
        if let declared {
            for column in declared {
                root.fieldOrder.append(column.name)
                root.children[column.name] = Node(type: .scalar(column.type.rawValue), required: column.isRequired, declared: true,
                                                  description: column.description)
            }
        }
        settle()
    }

    indirect enum Kind: Sendable, Equatable {
        case scalar(String)
        case record
        case json
    }

    struct Node: Sendable {
        var type: Kind
        var repeated = false
        var required = false
        var declared = false
        var description: String?
        var children: [String: Node] = [:]
        var fieldOrder: [String] = []
        /// The first record that gave the field its type (for conflict messages).
        var sample: String?
    }

    /// Checks `record` (a JSON object) and answers it as it will be landed (renamed fields,
    /// discarded fields gone, nulls dropped); a record the contract refuses is a ``RejectedRecord``.
    public mutating func admit(_ record: JSON, at location: String) throws -> JSON {
        guard case .object(let fields) = record else {
            throw RejectedRecord(location: location, message: "a record must be a JSON object, got \(record.encoded().prefix(80))")
        }
        if try passesSettled(fields, at: location) { return record }
        var out: [String: JSON] = [:]
        var schemaChanged = false
        var changed = false
        var newNames: [String] = []
        // New fields join the schema even when the record is refused half-way, so the schema
        // and the nodes stay one (a later record's value of such a field is then known).
        defer {
            // A JSON object's field order is not kept, so new fields join the schema sorted: the
            // schema's order must not depend on a dictionary's.
            root.fieldOrder += newNames.sorted()
            if schemaChanged || !newNames.isEmpty { settle() }
        }
        // Encoded only when a field first appears or conflicts: most records add nothing new.
        let sample = { record.encoded() }
        for (rawName, value) in fields {
            if case .null = value {
                changed = true
                continue
            }
            let name = try Self.column(for: rawName, among: root.children, given: out, fields: fields.keys, location: location)
            if name != rawName { changed = true }
            if root.children[name] == nil || root.children[name]?.declared == false, declared != nil {
                switch contract {
                case .discard:
                    changed = true
                    continue
                case .freeze:
                    throw RejectedRecord(location: location, message: "field \(rawName) is not among the declared columns and the contract is freeze "
                                        + "(declare the column, or use contract: .evolve)")
                case .evolve: break
                }
            }
            let isNew = root.children[name] == nil
            if isNew, reserved.contains(name.lowercased()) { throw ReservedColumn(field: rawName, location: location) }
            if isNew {
                var node = Node(type: .json)
                out[name] = try Self.merge(value, into: &node, isNew: true, path: name, sample: sample, location: location, changed: &changed,
                                           schemaChanged: &schemaChanged)
                root.children[name] = node
                newNames.append(name)
            } else {
                // Merged in place: a copy of the node would copy its children on every record.
                out[name] = try Self.merge(value, into: &root.children[name]!, isNew: false, path: name, sample: sample, location: location,
                                           changed: &changed, schemaChanged: &schemaChanged)
            }
        }
        if settledRecords[0].requiredCount > 0 {
            for name in root.fieldOrder where root.children[name]?.required == true && out[name] == nil {
                throw RejectedRecord(location: location, message: "required field \(name) is missing or null")
            }
        }
        return changed ? .object(out) : record
    }

    /// Folds `value`'s type into `node` and answers the value to land, nil for none (`changed`
    /// is set when it differs from `value`: fields renamed or nulls dropped inside it).
    static func merge(_ value: JSON, into node: inout Node, isNew: Bool, path: String, sample: () -> String, location: String,
                      changed: inout Bool, schemaChanged: inout Bool) throws -> JSON? {
        if node.declared, case .scalar(let type) = node.type {
            try check(value, against: type, path: path, location: location)
            return value
        }
        if node.sample == nil, carriesNothing(value) {
            // An empty array or object (or one of nulls): nothing to learn. Until the field has
            // a type it lands as if absent (BigQuery keeps an empty array and a missing one alike,
            // and a field's first `{}` would otherwise fix it as JSON for good).
            changed = true
            return nil
        }
        let (kind, repeated) = infer(value)
        if repeated, case .array(let elements) = value, let index = elements.firstIndex(of: .null) {
            throw RejectedRecord(location: location, message: "field \(path) holds a null at [\(index)], and a BigQuery array cannot hold NULL "
                                     + "(drop nulls from it in the source's transform)")
        }
        guard let kind else {
            // An empty array of a field with a type.
            guard node.repeated || node.type == .json else {
                throw PipelineError("field \(path) changed type: it was \(describe(node.type, node.repeated)) (first in \(node.sample ?? "?")), "
                                        + "but \(location) has an empty array (\(sample().prefix(200))); fix the source or declare the column")
            }
            return value
        }
        if isNew || node.sample == nil {
            node.type = kind
            node.repeated = repeated
            node.sample = String(sample().prefix(200))
            schemaChanged = true
        } else if node.repeated != repeated || !compatible(node.type, kind) {
            throw PipelineError("field \(path) changed type: it was \(describe(node.type, node.repeated)) (first in \(node.sample ?? "?")), "
                                    + "but \(location) has \(describe(kind, repeated)) (\(sample().prefix(200))); fix the source or declare the column")
        } else if case .scalar("INTEGER") = node.type, case .scalar("FLOAT") = kind {
            node.type = kind
            node.sample = String(sample().prefix(200))  // the record that made it FLOAT, for conflict messages
            schemaChanged = true
        }
        guard case .record = node.type else { return value }
        // Objects (or arrays of objects): their fields are tracked like the top level's.
        let objects: [JSON] = repeated ? (value.arrayValue ?? []) : [value]
        var rewritten: [JSON] = []
        var anyChanged = false
        for object in objects {
            guard case .object(let fields) = object else { continue }
            var out: [String: JSON] = [:]
            var newNames: [String] = []
            defer { node.fieldOrder += newNames.sorted() }
            for (rawName, child) in fields {
                if case .null = child {
                    anyChanged = true
                    continue
                }
                let name = try column(for: rawName, among: node.children, given: out, fields: fields.keys, path: path + ".", location: location)
                if name != rawName { anyChanged = true }
                if node.children[name] == nil {
                    var childNode = Node(type: .json)
                    out[name] = try merge(child, into: &childNode, isNew: true, path: path + "." + name, sample: sample, location: location,
                                          changed: &anyChanged, schemaChanged: &schemaChanged)
                    node.children[name] = childNode
                    newNames.append(name)
                } else {
                    out[name] = try merge(child, into: &node.children[name]!, isNew: false, path: path + "." + name, sample: sample,
                                          location: location, changed: &anyChanged, schemaChanged: &schemaChanged)
                }
            }
            rewritten.append(.object(out))
        }
        guard anyChanged else { return value }
        changed = true
        return repeated ? .array(rewritten) : (rewritten.first ?? value)
    }

    /// The column a record's field `rawName` lands in: its BigQuery name (``columnName(_:)``),
    /// spelled as the schema already has it when only the case differs (BigQuery's names ignore
    /// case). Two fields of one record landing in one column is a ``RejectedRecord``: one value
    /// would be lost.
    static func column(for rawName: String, among children: [String: Node], given out: [String: JSON],
                       fields: Dictionary<String, JSON>.Keys, path: String = "", location: String) throws -> String {
        var name = columnName(rawName)
        if children[name] == nil {
            let folded = name.lowercased()
            if let spelled = children.keys.first(where: { $0.lowercased() == folded }) { name = spelled }
        }
        guard out[name] == nil else {
            let all = fields.filter { columnName($0).lowercased() == name.lowercased() }.sorted()
            throw RejectedRecord(location: location, message: "fields \(all.map { path + $0 }.joined(separator: " and ")) land in one "
                                     + "column, \(path)\(name) (BigQuery's column names ignore case and take _ for other characters); keep one "
                                     + "in the source's transform")
        }
        return name
    }

    /// Whether `value` holds no data to learn a type from: null, an empty array, or an object
    /// whose members carry nothing.
    static func carriesNothing(_ value: JSON) -> Bool {
        switch value {
        case .null: true
        case .array(let elements): elements.isEmpty
        case .object(let members): members.values.allSatisfy(carriesNothing)
        default: false
        }
    }

    /// The type a value suggests, and whether it is an array of it (nil: an empty array).
    static func infer(_ value: JSON) -> (Kind?, Bool) {
        switch value {
        case .bool: return (.scalar("BOOLEAN"), false)
        case .int: return (.scalar("INTEGER"), false)
        case .double: return (.scalar("FLOAT"), false)
        case .string: return (.scalar("STRING"), false)
        case .object: return (.record, false)
        case .array(let elements):
            var kind: Kind?
            for element in elements where !element.isNull {
                let (elementKind, nested) = infer(element)
                guard let elementKind else { continue }
                if nested { return (.json, false) }  // arrays of arrays: BigQuery holds them as JSON
                if let existing = kind, !compatible(existing, elementKind) { return (.json, false) }
                if case .scalar("FLOAT") = elementKind { kind = elementKind } else if kind == nil { kind = elementKind }
            }
            return (kind, true)
        case .null: return (nil, false)
        }
    }

    static func compatible(_ a: Kind, _ b: Kind) -> Bool {
        if a == b { return true }
        let numbers: Set<String> = ["INTEGER", "FLOAT"]
        if case .scalar(let x) = a, case .scalar(let y) = b { return numbers.contains(x) && numbers.contains(y) }
        return false
    }

    static func describe(_ kind: Kind, _ repeated: Bool) -> String {
        let name = switch kind {
        case .scalar(let type): type
        case .record: "RECORD"
        case .json: "JSON"
        }
        return repeated ? "REPEATED \(name)" : name
    }

    /// A declared column's value must convert to its type.
    static func check(_ value: JSON, against type: String, path: String, location: String) throws {
        let ok: Bool = switch (type, value) {
        case ("INTEGER", .int): true
        case ("INTEGER", .double(let d)): d.rounded() == d
        case ("INTEGER", .string(let s)): Int64(s) != nil
        case ("FLOAT", .int), ("FLOAT", .double): true
        case ("FLOAT", .string(let s)): Double(s) != nil
        case ("BOOLEAN", .bool): true
        case ("BOOLEAN", .string(let s)): ["true", "false", "1", "0"].contains(s.lowercased())
        case ("JSON", _): true
        case (_, .object), (_, .array): false
        default: true
        }
        if !ok {
            throw RejectedRecord(location: location, message: "field \(path) is declared \(type) but has \(value.encoded().prefix(80))")
        }
    }

    /// A BigQuery column name for `name`: letters, digits and underscores, not starting with a digit.
    public static func columnName(_ name: String) -> String {
        var valid = !name.isEmpty
        for (index, byte) in name.utf8.enumerated() {
            let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
            let digit = byte >= 0x30 && byte <= 0x39
            if !(letter || (digit && index > 0)) { valid = false; break }
        }
        if valid { return name }
        var out = ""
        for scalar in name.unicodeScalars {
            out.append(scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) ? Character(scalar) : "_")
        }
        if let first = out.unicodeScalars.first, ("0"..."9").contains(first) { out = "_" + out }
        return out.isEmpty ? "_" : out
    }

    /// For each top-level field, the first record that had it (for conflict messages).
    public var samples: [String: String] {
        root.children.compactMapValues(\.sample)
    }

    /// The schema learned so far (fields never seen with a value are left out).
    public var fields: [SchemaField] { Self.fields(of: root) }

    static func fields(of node: Node) -> [SchemaField] {
        node.fieldOrder.compactMap { name in
            guard let child = node.children[name], child.declared || child.sample != nil else { return nil }
            let type: String = switch child.type {
            case .scalar(let type): type
            case .record: "RECORD"
            case .json: "JSON"
            }
            let mode = child.repeated ? "REPEATED" : (child.required ? "REQUIRED" : "NULLABLE")
            let children = child.type == .record ? fields(of: child) : []
            if child.type == .record && children.isEmpty { return SchemaField(name, "JSON", mode: mode) }
            return SchemaField(name, type, mode: mode, fields: children, description: child.description)
        }
    }
}

/// A record's field named like a column the runner adds to every row: landing it would lose one
/// of the two values.
public struct ReservedColumn: Error, Sendable {
    public let field: String
    public let location: String
}
