import BigQueryFunctions
import TerraceJSON
import TerraceSQLite

extension FunctionLibrary {
    /// A JSON document as BigQuery's JSON functions see it: object members keep their order and
    /// numbers keep their text, so `JSON_QUERY` answers the input's own members, compacted.
    indirect enum JSONText: Equatable {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([JSONText])
        case object([(String, JSONText)])

        static func == (lhs: JSONText, rhs: JSONText) -> Bool {
            switch (lhs, rhs) {
            case (.null, .null): return true
            case (.bool(let x), .bool(let y)): return x == y
            case (.number(let x), .number(let y)): return x == y
            case (.string(let x), .string(let y)): return x == y
            case (.array(let x), .array(let y)): return x == y
            case (.object(let x), .object(let y)):
                return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            default: return false
            }
        }

        var isScalar: Bool {
            switch self {
            case .array, .object: return false
            default: return true
            }
        }

        // MARK: Parsing

        /// Parses a complete JSON text; `nil` when it is not valid JSON.
        static func parse(_ text: String) -> JSONText? {
            var parser = Parser(bytes: Array(text.utf8))
            parser.skipSpace()
            guard let value = parser.value() else { return nil }
            parser.skipSpace()
            return parser.index == parser.bytes.count ? value : nil
        }

        struct Parser {
            let bytes: [UInt8]
            var index = 0
            var depth = 0

            mutating func skipSpace() {
                while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
            }

            mutating func literal(_ word: String) -> Bool {
                let w = Array(word.utf8)
                guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else { return false }
                index += w.count
                return true
            }

            mutating func value() -> JSONText? {
                guard index < bytes.count else { return nil }
                switch bytes[index] {
                case UInt8(ascii: "n"): return literal("null") ? .null : nil
                case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
                case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
                case UInt8(ascii: "\""): return string().map { .string($0) }
                case UInt8(ascii: "["):
                    depth += 1
                    defer { depth -= 1 }
                    guard depth < 1000 else { return nil }
                    index += 1
                    var elements: [JSONText] = []
                    skipSpace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                    while true {
                        skipSpace()
                        guard let element = value() else { return nil }
                        elements.append(element)
                        skipSpace()
                        guard index < bytes.count else { return nil }
                        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                        if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                        return nil
                    }
                case UInt8(ascii: "{"):
                    depth += 1
                    defer { depth -= 1 }
                    guard depth < 1000 else { return nil }
                    index += 1
                    var members: [(String, JSONText)] = []
                    skipSpace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                    while true {
                        skipSpace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                        skipSpace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                        index += 1
                        skipSpace()
                        guard let member = value() else { return nil }
                        members.append((key, member))
                        skipSpace()
                        guard index < bytes.count else { return nil }
                        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                        if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                        return nil
                    }
                default:
                    return number().map { .number($0) }
                }
            }

            mutating func number() -> String? {
                let start = index
                func digits() -> Int {
                    var count = 0
                    while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1; count += 1 }
                    return count
                }
                if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { return nil }
                if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                    index += 1
                    guard digits() > 0 else { return nil }
                }
                if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                    index += 1
                    if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                    guard digits() > 0 else { return nil }
                }
                return String(decoding: bytes[start..<index], as: UTF8.self)
            }

            mutating func string() -> String? {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                index += 1
                var out: [UInt8] = []
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    switch byte {
                    case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                    case UInt8(ascii: "\\"):
                        guard index < bytes.count else { return nil }
                        let escape = bytes[index]
                        index += 1
                        switch escape {
                        case UInt8(ascii: "\""): out.append(0x22)
                        case UInt8(ascii: "\\"): out.append(0x5C)
                        case UInt8(ascii: "/"): out.append(0x2F)
                        case UInt8(ascii: "b"): out.append(0x08)
                        case UInt8(ascii: "f"): out.append(0x0C)
                        case UInt8(ascii: "n"): out.append(0x0A)
                        case UInt8(ascii: "r"): out.append(0x0D)
                        case UInt8(ascii: "t"): out.append(0x09)
                        case UInt8(ascii: "u"):
                            guard var code = hex4() else { return nil }
                            if code >= 0xD800 && code < 0xDC00 {
                                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
                                index += 2
                                guard let low = hex4(), low >= 0xDC00, low < 0xE000 else { return nil }
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            }
                            guard let scalar = Unicode.Scalar(code) else { return nil }
                            out.append(contentsOf: Array(String(Character(scalar)).utf8))
                        default: return nil
                        }
                    case 0..<0x20: return nil
                    default: out.append(byte)
                    }
                }
                return nil
            }

            mutating func hex4() -> UInt32? {
                guard index + 4 <= bytes.count else { return nil }
                var value: UInt32 = 0
                for _ in 0..<4 {
                    let byte = bytes[index]
                    let digit: UInt32
                    switch byte {
                    case 0x30...0x39: digit = UInt32(byte - 0x30)
                    case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                    case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                    default: return nil
                    }
                    value = value * 16 + digit
                    index += 1
                }
                return value
            }
        }

        // MARK: Writing

        /// Compact JSON text; `pretty` indents by two spaces, one member per line.
        func encoded(pretty: Bool = false) -> String {
            var out = ""
            write(into: &out, pretty: pretty, depth: 0)
            return out
        }

        private func write(into out: inout String, pretty: Bool, depth: Int) {
            func newline(_ level: Int) {
                guard pretty else { return }
                out += "\n" + String(repeating: "  ", count: level)
            }
            switch self {
            case .null: out += "null"
            case .bool(let flag): out += flag ? "true" : "false"
            case .number(let text): out += text
            case .string(let text): out += JSONText.quoted(text)
            case .array(let elements):
                out += "["
                for (i, element) in elements.enumerated() {
                    if i > 0 { out += "," }
                    newline(depth + 1)
                    element.write(into: &out, pretty: pretty, depth: depth + 1)
                }
                if !elements.isEmpty { newline(depth) }
                out += "]"
            case .object(let members):
                out += "{"
                for (i, member) in members.enumerated() {
                    if i > 0 { out += "," }
                    newline(depth + 1)
                    out += JSONText.quoted(member.0) + (pretty ? ": " : ":")
                    member.1.write(into: &out, pretty: pretty, depth: depth + 1)
                }
                if !members.isEmpty { newline(depth) }
                out += "}"
            }
        }

        /// A JSON string literal: `"`, `\` and control characters escaped.
        static func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }

        /// JSON_VALUE's answer for a scalar: strings unquoted, numbers and booleans as written.
        var scalarText: String? {
            switch self {
            case .string(let text): return text
            case .number(let text): return text
            case .bool(let flag): return flag ? "true" : "false"
            default: return nil
            }
        }

        /// The same value in TerraceJSON (member order is lost), for nested storage.
        var json: JSON {
            switch self {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .number(let text):
                if let integer = Int64(text) { return .int(integer) }
                return .double(Double(text) ?? 0)
            case .string(let text): return .string(text)
            case .array(let elements): return .array(elements.map(\.json))
            case .object(let members):
                var object: [String: JSON] = [:]
                for (key, value) in members where object[key] == nil { object[key] = value.json }
                return .object(object)
            }
        }
    }

    /// A JSONPath as BigQuery's JSON functions take it: `$`, then `.name`, `."quoted name"`,
    /// `['quoted name']` (the legacy JSON_EXTRACT family) and `[index]`.
    enum JSONPath {
        enum Step: Equatable {
            case member(String)
            case index(Int)
        }

        static func parse(_ path: String, legacy: Bool) throws -> [Step] {
            let scalars = Array(path.unicodeScalars)
            guard scalars.first == "$" else { throw BigQueryFunctionError("JSONPath must start with '$'") }
            var steps: [Step] = []
            var i = 1
            func invalid() -> BigQueryFunctionError {
                BigQueryFunctionError("Invalid token in JSONPath at: \(String(String.UnicodeScalarView(scalars[min(i, scalars.count)...])))")
            }
            while i < scalars.count {
                switch scalars[i] {
                case ".":
                    i += 1
                    if i < scalars.count, scalars[i] == "\"" {
                        i += 1
                        var name = String.UnicodeScalarView()
                        while i < scalars.count, scalars[i] != "\"" {
                            if scalars[i] == "\\", i + 1 < scalars.count { i += 1 }
                            name.append(scalars[i])
                            i += 1
                        }
                        guard i < scalars.count else { throw invalid() }
                        i += 1
                        steps.append(.member(String(name)))
                    } else {
                        var name = String.UnicodeScalarView()
                        while i < scalars.count, scalars[i] != ".", scalars[i] != "[" {
                            name.append(scalars[i])
                            i += 1
                        }
                        guard !name.isEmpty else { throw invalid() }
                        steps.append(.member(String(name)))
                    }
                case "[":
                    i += 1
                    while i < scalars.count, scalars[i] == " " { i += 1 }
                    guard i < scalars.count else { throw invalid() }
                    if scalars[i] == "'" || scalars[i] == "\"" {
                        let quote = scalars[i]
                        i += 1
                        var name = String.UnicodeScalarView()
                        while i < scalars.count, scalars[i] != quote {
                            if scalars[i] == "\\", i + 1 < scalars.count { i += 1 }
                            name.append(scalars[i])
                            i += 1
                        }
                        guard i < scalars.count else { throw invalid() }
                        i += 1
                        while i < scalars.count, scalars[i] == " " { i += 1 }
                        guard i < scalars.count, scalars[i] == "]" else { throw invalid() }
                        i += 1
                        steps.append(.member(String(name)))
                    } else {
                        var digits = ""
                        while i < scalars.count, scalars[i] != "]" {
                            digits.unicodeScalars.append(scalars[i])
                            i += 1
                        }
                        guard i < scalars.count, let index = Int(digits.bqTrimmedSpaces), index >= 0 else { throw invalid() }
                        i += 1
                        steps.append(.index(index))
                    }
                default:
                    throw invalid()
                }
            }
            _ = legacy
            return steps
        }

        /// The value at `path` in `document`, or `nil` when the path leads nowhere.
        static func find(_ steps: [Step], in document: JSONText) -> JSONText? {
            var current = document
            for step in steps {
                switch (step, current) {
                case (.member(let name), .object(let members)):
                    guard let found = members.first(where: { $0.0 == name }) else { return nil }
                    current = found.1
                case (.index(let index), .array(let elements)):
                    guard index < elements.count else { return nil }
                    current = elements[index]
                case (.member(let name), .array(let elements)):
                    guard let index = Int(name), index >= 0, index < elements.count else { return nil }
                    current = elements[index]
                default:
                    return nil
                }
            }
            return current
        }
    }
}

private extension String {
    var bqTrimmedSpaces: String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
