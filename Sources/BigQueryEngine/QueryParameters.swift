import GoogleSQL
import TerraceJSON

/// A query's parameters (`@name` or `?`), as the REST API's `queryParameters` give them: a type
/// and a value in BigQuery's text form, which the query reads as if CAST from that text.
public struct QueryParameters: Sendable {
    /// One parameter's type and value.
    public struct Parameter: Sendable {
        public indirect enum Value: Sendable {
            case null
            /// A scalar's text (`"5"`, `"2024-01-31"`, base64 for BYTES).
            case scalar(String)
            case array([Value])
            case `struct`([Value])
        }

        public var type: SQLType
        public var value: Value

        public init(type: SQLType, value: Value) {
            self.type = type
            self.value = value
        }
    }

    /// Named parameters by lower-case name (`@Day` and `@day` are one parameter).
    public var named: [String: Parameter] = [:]
    public var positional: [Parameter] = []

    public init(named: [String: Parameter] = [:], positional: [Parameter] = []) {
        self.named = named.reduce(into: [:]) { $0[$1.key.lowercased()] = $1.value }
        self.positional = positional
    }

    /// `queryParameters` of a query request or job configuration (`parameterMode` NAMED or
    /// POSITIONAL; parameters with a name are named).
    public init(json: JSON?) throws(QueryError) {
        for (index, parameter) in (json?.arrayValue ?? []).enumerated() {
            let what = parameter["name"]?.stringValue.map { "query parameter \($0)" } ?? "positional query parameter \(index + 1)"
            let type = try Self.type(parameter["parameterType"], what)
            let value = try Self.value(parameter["parameterValue"], type, what)
            if let name = parameter["name"]?.stringValue, !name.isEmpty {
                guard named[name.lowercased()] == nil else { throw QueryError("invalid", "Duplicate query parameter name: \(name)") }
                named[name.lowercased()] = Parameter(type: type, value: value)
            } else {
                positional.append(Parameter(type: type, value: value))
            }
        }
        if !named.isEmpty && !positional.isEmpty {
            throw QueryError("invalid", "Query parameters must be all named or all positional")
        }
    }

    static func type(_ json: JSON?, _ what: String) throws(QueryError) -> SQLType {
        guard let name = json?["type"]?.stringValue else { throw QueryError("invalid", "The type of \(what) is missing") }
        switch name.uppercased() {
        case "ARRAY":
            let element = try type(json?["arrayType"], what)
            if case .array = element { throw QueryError("invalid", "The type of \(what) is an array of arrays, which BigQuery does not support") }
            return .array(element)
        case "STRUCT", "RECORD":
            var fields: [SQLType.StructField] = []
            for field in json?["structTypes"]?.arrayValue ?? [] {
                fields.append(.init(field["name"]?.stringValue ?? "", try type(field["type"], what)))
            }
            return .struct(fields)
        default:
            guard let type = SQLType(schemaType: name), !type.isNested, type != .interval, type != .geography else {
                throw QueryError("invalid", "Unsupported type \(name) for \(what)")
            }
            return type
        }
    }

    static func value(_ json: JSON?, _ type: SQLType, _ what: String) throws(QueryError) -> Parameter.Value {
        guard let json, !json.isNull else { return .null }
        switch type {
        case .array(let element):
            guard let values = json["arrayValues"]?.arrayValue else { return json["value"] == nil ? .array([]) : .null }
            var elements: [Parameter.Value] = []
            for value in values { elements.append(try self.value(value, element, what)) }
            return .array(elements)
        case .struct(let fields):
            guard let values = json["structValues"]?.objectValue else { return .null }
            var result: [Parameter.Value] = []
            for field in fields { result.append(try value(values[field.name], field.type, what)) }
            return .struct(result)
        default:
            guard let text = json["value"] else { return .null }
            if text.isNull { return .null }
            guard let string = text.stringValue else { throw QueryError("invalid", "The value of \(what) must be a string") }
            return .scalar(string)
        }
    }
}

extension Translator {
    /// `@name` or `?`: the parameter's value as SQL, cast from its text with BigQuery's casts.
    func parameter(_ reference: QueryParameter, at location: SourceLocation) throws(QueryError) -> Typed {
        let found: QueryParameters.Parameter?
        switch reference {
        case .named(let name):
            found = parameters.named[name.lowercased()]
            if found == nil { throw .at(location, "Query parameter '\(name)' not found") }
        case .positional(let index):
            found = index >= 0 && index < parameters.positional.count ? parameters.positional[index] : nil
            if found == nil { throw .at(location, "Query parameter number \(index + 1) is not defined") }
        }
        guard let found else { throw .at(location, "Query parameter not found") }
        return Typed(try parameterSQL(found.value, found.type, at: location), found.type)
    }

    func parameterSQL(_ value: QueryParameters.Parameter.Value, _ type: SQLType, at location: SourceLocation) throws(QueryError) -> String {
        switch (value, type) {
        case (.null, _):
            return "NULL"
        case (.array(let elements), .array(let element)):
            var sqls: [String] = []
            for value in elements { sqls.append(try parameterSQL(value, element, at: location)) }
            return makeArray(sqls, type: type)
        case (.struct(let values), .struct(let fields)):
            var sqls: [String] = []
            for (value, field) in zip(values, fields) { sqls.append(try parameterSQL(value, field.type, at: location)) }
            return "bq_make_struct(\(([typeCode(type)] + sqls).joined(separator: ", ")))"
        case (.scalar(let text), .string), (.scalar(let text), .json):
            return SQLText.quote(text)
        case (.scalar(let text), .bytes):
            return try resolved(FunctionLibrary.function("FROM_BASE64", argumentTypes: [.string], safe: false) ?? .noMatch("FROM_BASE64"),
                                [Typed(SQLText.quote(text), .string)], at: location).sql
        case (.scalar(let text), _):
            return try resolved(FunctionLibrary.cast(from: .string, to: type, safe: false), [Typed(SQLText.quote(text), .string)], at: location).sql
        default:
            throw .at(location, "A query parameter's value does not match its type \(type)")
        }
    }
}
