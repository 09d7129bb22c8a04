import CJansson

/// A JSON text that could not be parsed, with the 1-based line and column jansson reports.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let line: Int
    public let column: Int

    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}

extension JSON {
    /// Parses a complete JSON text (any value at the top level) with jansson.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSON {
        var error = json_error_t()
        let flags = Int(JSON_DECODE_ANY | JSON_ALLOW_NUL)
        let array = bytes as? [UInt8] ?? Array(bytes)
        let root = array.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                json_loadb(chars.baseAddress, chars.count, flags, &error)
            }
        }
        guard let root else {
            let text = withUnsafeBytes(of: error.text) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            throw JSONParseError(message: text, line: Int(error.line), column: Int(error.column))
        }
        defer { terrace_json_decref(root) }
        return JSON(jansson: root)
    }

    /// Parses a JSON text given as a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        try parse(Array(text.utf8))
    }

    init(jansson value: UnsafeMutablePointer<json_t>) {
        switch terrace_json_typeof(value) {
        case Int32(JSON_OBJECT.rawValue):
            var members: [String: JSON] = [:]
            members.reserveCapacity(json_object_size(value))
            var iterator = json_object_iter(value)
            while let current = iterator {
                let keyLength = json_object_iter_key_len(current)
                let key = json_object_iter_key(current).map { pointer in
                    pointer.withMemoryRebound(to: UInt8.self, capacity: keyLength) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: keyLength), as: UTF8.self)
                    }
                } ?? ""
                if let member = json_object_iter_value(current) {
                    members[key] = JSON(jansson: member)
                }
                iterator = json_object_iter_next(value, current)
            }
            self = .object(members)
        case Int32(JSON_ARRAY.rawValue):
            let count = json_array_size(value)
            var elements: [JSON] = []
            elements.reserveCapacity(count)
            for index in 0..<count {
                if let element = json_array_get(value, index) { elements.append(JSON(jansson: element)) }
            }
            self = .array(elements)
        case Int32(JSON_STRING.rawValue):
            let length = json_string_length(value)
            if let chars = json_string_value(value) {
                self = .string(chars.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                })
            } else {
                self = .string("")
            }
        case Int32(JSON_INTEGER.rawValue):
            self = .int(Int64(json_integer_value(value)))
        case Int32(JSON_REAL.rawValue):
            self = .double(json_real_value(value))
        case Int32(JSON_TRUE.rawValue):
            self = .bool(true)
        case Int32(JSON_FALSE.rawValue):
            self = .bool(false)
        default:
            self = .null
        }
    }
}
