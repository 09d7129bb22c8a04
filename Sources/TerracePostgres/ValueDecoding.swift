import CPostgres
import TerraceJSON

extension ValueDecoding {
    /// The JSON value of one field's text (PostgreSQL's text output format, in the session
    /// settings ``PostgresConnection`` pins: UTC, ISO dates, hex bytea, shortest floats).
    func decode(_ text: UnsafeBufferPointer<UInt8>) -> JSON {
        switch self {
        case .integer:
            if let value = parseInteger(text) { return .int(value) }
            return .string(String(decoding: text, as: UTF8.self))
        case .float:
            let string = String(decoding: text, as: UTF8.self)
            // JSON has no NaN or infinities: PostgreSQL's own spellings travel as strings.
            if string == "NaN" || string == "Infinity" || string == "-Infinity" { return .string(string) }
            if let value = Double(string) { return .double(value) }
            return .string(string)
        case .boolean:
            if text.count == 1 { return .bool(text[0] == UInt8(ascii: "t")) }
            return .string(String(decoding: text, as: UTF8.self))
        case .json:
            if let value = try? JSON.parse(text) { return value }
            return .string(String(decoding: text, as: UTF8.self))
        case .numeric, .string:
            return .string(String(decoding: text, as: UTF8.self))
        case .timestamp:
            return .string(isoTimestamp(text, utc: false))
        case .timestamptz:
            return .string(isoTimestamp(text, utc: true))
        case .bytea:
            if let bytes = decodeHexBytea(text) { return .string(base64(bytes)) }
            return .string(base64(unescapeBytea(text)))
        case .array(let element):
            var parser = ArrayParser(text: text, element: element)
            if let value = parser.parse() { return value }
            return .string(String(decoding: text, as: UTF8.self))
        }
    }
}

/// An integer's decimal text, without going through `String`.
private func parseInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard !text.isEmpty else { return nil }
    var index = 0
    let negative = text[0] == UInt8(ascii: "-")
    if negative || text[0] == UInt8(ascii: "+") { index = 1 }
    guard index < text.count else { return nil }
    var value: Int64 = 0
    while index < text.count {
        let digit = text[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (next, overflow2) =
            negative ? shifted.subtractingReportingOverflow(Int64(digit)) : shifted.addingReportingOverflow(Int64(digit))
        guard !overflow1, !overflow2 else { return nil }
        value = next
        index += 1
    }
    return value
}

/// `2024-01-02 03:04:05.5` → `2024-01-02T03:04:05.5`; with `utc`, the session's `+00` offset
/// becomes `Z`. `infinity`, `-infinity` and BC values keep PostgreSQL's text.
private func isoTimestamp(_ text: UnsafeBufferPointer<UInt8>, utc: Bool) -> String {
    var bytes = Array(text)
    if bytes.count >= 3, bytes[(bytes.count - 3)...].elementsEqual(" BC".utf8) {
        return String(decoding: bytes, as: UTF8.self)
    }
    guard let space = bytes.firstIndex(of: UInt8(ascii: " ")) else { return String(decoding: bytes, as: UTF8.self) }
    bytes[space] = UInt8(ascii: "T")
    if utc {
        for suffix in ["+00:00:00", "+00:00", "+00"] where bytes.count > suffix.utf8.count {
            if bytes[(bytes.count - suffix.utf8.count)...].elementsEqual(suffix.utf8) {
                bytes.removeLast(suffix.utf8.count)
                bytes.append(UInt8(ascii: "Z"))
                break
            }
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// bytea's hex output (`\x0a0b`), the format the session pins.
private func decodeHexBytea(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else {
        return nil
    }
    var out: [UInt8] = []
    out.reserveCapacity((text.count - 2) / 2)
    var index = 2
    while index < text.count {
        guard let high = hexValue(text[index]), let low = hexValue(text[index + 1]) else { return nil }
        out.append(high << 4 | low)
        index += 2
    }
    return out
}

/// bytea's older escape output, through libpq.
private func unescapeBytea(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var terminated = Array(text)
    terminated.append(0)
    var length = 0
    let decoded = terminated.withUnsafeBufferPointer { PQunescapeBytea($0.baseAddress, &length) }
    guard let decoded else { return Array(text) }
    defer { PQfreemem(decoded) }
    return Array(UnsafeBufferPointer(start: decoded, count: length))
}

private let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

/// Standard base64 with padding (RFC 4648 §4).
func base64(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index + 3 <= bytes.count {
        let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
        out.append(base64Alphabet[Int(chunk >> 18 & 63)])
        out.append(base64Alphabet[Int(chunk >> 12 & 63)])
        out.append(base64Alphabet[Int(chunk >> 6 & 63)])
        out.append(base64Alphabet[Int(chunk & 63)])
        index += 3
    }
    let remaining = bytes.count - index
    if remaining > 0 {
        let chunk = UInt32(bytes[index]) << 16 | (remaining == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
        out.append(base64Alphabet[Int(chunk >> 18 & 63)])
        out.append(base64Alphabet[Int(chunk >> 12 & 63)])
        out.append(remaining == 2 ? base64Alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "="))
        out.append(UInt8(ascii: "="))
    }
    return String(decoding: out, as: UTF8.self)
}

/// PostgreSQL's array text format (`array_out`): `{1,2,NULL}`, `{"a b","q\"uote",NULL,"NULL"}`,
/// nested braces for more dimensions, and an optional `[0:2]=` prefix for non-default bounds.
/// Elements are double-quoted when they are empty, hold a delimiter, brace, quote, backslash or
/// whitespace, or spell NULL; inside quotes a backslash escapes the next character. An unquoted
/// `NULL` (any case) is SQL NULL. The delimiter is `,` for every type decoded here.
struct ArrayParser {
    let text: UnsafeBufferPointer<UInt8>
    let element: ValueDecoding
    var index = 0

    init(text: UnsafeBufferPointer<UInt8>, element: ValueDecoding) {
        self.text = text
        self.element = element
    }

    /// The array, or `nil` for text that is not a well-formed array literal.
    mutating func parse() -> JSON? {
        if peek == UInt8(ascii: "[") {
            // Dimension decoration: `[1:2][3:4]=`.
            while index < text.count, text[index] != UInt8(ascii: "=") { index += 1 }
            index += 1
        }
        skipSpaces()
        guard let value = parseArray() else { return nil }
        skipSpaces()
        return index == text.count ? value : nil
    }

    private var peek: UInt8? { index < text.count ? text[index] : nil }

    private mutating func skipSpaces() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func parseArray() -> JSON? {
        guard peek == UInt8(ascii: "{") else { return nil }
        index += 1
        var elements: [JSON] = []
        skipSpaces()
        if peek == UInt8(ascii: "}") {
            index += 1
            return .array(elements)
        }
        while true {
            skipSpaces()
            switch peek {
            case UInt8(ascii: "{"):
                guard let nested = parseArray() else { return nil }
                elements.append(nested)
            case UInt8(ascii: "\""):
                guard let quoted = parseQuoted() else { return nil }
                elements.append(quoted.withUnsafeBufferPointer { element.decode($0) })
            case nil:
                return nil
            default:
                guard let unquoted = parseUnquoted() else { return nil }
                elements.append(unquoted)
            }
            skipSpaces()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .array(elements)
            default: return nil
            }
        }
    }

    private mutating func parseQuoted() -> [UInt8]? {
        index += 1
        var bytes: [UInt8] = []
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return bytes
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { return nil }
                bytes.append(escaped)
                index += 1
            default: bytes.append(byte)
            }
        }
        return nil
    }

    private mutating func parseUnquoted() -> JSON? {
        let start = index
        while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}") {
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "\"") { return nil }
            index += 1
        }
        var end = index
        while end > start, text[end - 1] == 0x20 || text[end - 1] == 0x09 { end -= 1 }
        guard end > start else { return nil }
        let slice = UnsafeBufferPointer(rebasing: text[start..<end])
        if slice.count == 4, slice.elementsEqual("NULL".utf8, by: { $0 | 0x20 == $1 | 0x20 }) { return .null }
        return element.decode(slice)
    }
}
