import TerraceJSON

/// Checks request bodies against the request schemas of Google's discovery documents
/// (field names and JSON types), so that a field of the wrong type is answered with a 400 naming
/// the field before anything is stored.
public struct SchemaValidator: Sendable {
    public static let shared = SchemaValidator()

    private let schemas: [String: JSON]

    init() {
        schemas = (try? JSON.parse(discoverySchemasJSON))?.objectValue ?? [:]
    }

    /// Whether a schema named "api.Name" is known.
    public func has(_ name: String) -> Bool { schemas[name] != nil }

    /// Validates `body` against the schema "api.Name". Unknown fields are rejected for the
    /// canonical-style APIs (as Google's front end does for them) and ignored for the others.
    public func validate(_ body: JSON, schema name: String, root: String, rejectUnknown: Bool) throws {
        guard let schema = schemas[name] else { return }
        try check(body, against: schema, path: root, rejectUnknown: rejectUnknown, depth: 0)
    }

    private func resolve(_ schema: JSON) -> JSON {
        var current = schema
        var hops = 0
        while let ref = current["r"]?.stringValue, let target = schemas[ref], hops < 16 {
            current = target
            hops += 1
        }
        return current
    }

    private func check(_ value: JSON, against raw: JSON, path: String, rejectUnknown: Bool, depth: Int) throws {
        guard depth < 64 else { return }
        if value == .null { return }
        let schema = resolve(raw)
        let type = schema["t"]?.stringValue ?? "any"
        func mismatch(_ expected: String) -> GCPError {
            GCPError.invalid("Invalid value for field '\(path)': expected \(expected), got \(describe(value)).")
        }
        switch type {
        case "string":
            guard case .string(let s) = value else { throw mismatch("a string") }
            if let allowed = schema["e"]?.arrayValue?.compactMap(\.stringValue), !allowed.contains(s) {
                throw GCPError.invalid("Invalid value for field '\(path)': \"\(s)\" is not one of \(allowed.joined(separator: ", ")).")
            }
        case "int64", "int32":
            switch value {
            case .int: break
            case .double(let d) where d.rounded() == d: break
            case .string(let s) where Int64(s) != nil: break
            default: throw mismatch("an integer")
            }
        case "number":
            switch value {
            case .int, .double: break
            case .string(let s) where Double(s) != nil: break
            default: throw mismatch("a number")
            }
        case "boolean":
            guard case .bool = value else { throw mismatch("a boolean") }
        case "array":
            guard case .array(let elements) = value else { throw mismatch("an array") }
            if let items = schema["i"] {
                for (index, element) in elements.enumerated() {
                    try check(element, against: items, path: "\(path)[\(index)]", rejectUnknown: rejectUnknown, depth: depth + 1)
                }
            }
        case "object":
            guard case .object(let members) = value else { throw mismatch("an object") }
            let properties = schema["p"]?.objectValue
            let mapValues = schema["m"]
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if let property = properties?[key] {
                    try check(member, against: property, path: childPath, rejectUnknown: rejectUnknown, depth: depth + 1)
                } else if let mapValues {
                    try check(member, against: mapValues, path: childPath, rejectUnknown: rejectUnknown, depth: depth + 1)
                } else if properties != nil && rejectUnknown {
                    throw GCPError.invalid("Invalid JSON payload received. Unknown name \"\(key)\" at '\(path)': Cannot find field.")
                }
            }
        default:
            break
        }
    }

    private func describe(_ value: JSON) -> String {
        switch value {
        case .string(let s): "string \"\(s.prefix(60))\""
        case .object: "an object"
        case .array: "an array"
        default: "\(value.typeName) \(value.encoded())"
        }
    }
}
