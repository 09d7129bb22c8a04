/// `CAST` and `SAFE_CAST` between `INT64`, `FLOAT64`, `BOOL`, `STRING` and `BYTES`, with
/// BigQuery's rules (`conversion_functions` page). `nil` is SQL `NULL` and casts to `NULL`.
/// Every `cast…` has a `safeCast…` twin that returns `nil` instead of throwing.
public enum Conversions {
    // MARK: To STRING

    public static func castToString(_ value: Int64?) -> String? {
        value.map { String($0) }
    }

    /// `CAST(FLOAT64 AS STRING)`: the shortest of `%.15g`/`%.17g` that round-trips, `inf`, `-inf`,
    /// `nan`; zero and NaN are never signed. So `1.0` → `"1"`, `0.1` → `"0.1"`, `1e20` → `"1e+20"`.
    public static func castToString(_ value: Double?) -> String? {
        value.map(formatDouble)
    }

    public static func castToString(_ value: Bool?) -> String? {
        value.map { $0 ? "true" : "false" }
    }

    /// `CAST(BYTES AS STRING)`: errors when the bytes are not valid UTF-8.
    public static func castToString(_ value: [UInt8]?) throws -> String? {
        guard let value else { return nil }
        var i = 0
        while i < value.count {
            guard let (_, width) = StringFunctions.decodeUTF8(value, at: i) else {
                throw BigQueryFunctionError("Invalid UTF-8 string: \(cEscape(value))")
            }
            i += width
        }
        return String(decoding: value, as: UTF8.self)
    }

    public static func castToBytes(_ value: String?) -> [UInt8]? {
        value.map { Array($0.utf8) }
    }

    static func formatDouble(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        let short = CFormat.double("%.*g", precision: 15, value)
        if CFormat.strtod(short) == value { return short }
        return CFormat.double("%.*g", precision: 17, value)
    }

    // MARK: To INT64

    /// `CAST(STRING AS INT64)`: optional leading/trailing whitespace and sign; `0x`/`0X`
    /// hexadecimal accepted. Errors with `Bad int64 value: …`.
    public static func castToInt64(_ value: String?) throws -> Int64? {
        guard let value else { return nil }
        if let parsed = parseInt64(value) { return parsed }
        throw BigQueryFunctionError(formatError("Bad int64 value: ", value))
    }

    /// `CAST(FLOAT64 AS INT64)`: rounds halfway cases away from zero; errors for NaN, ±inf and
    /// values outside `INT64`.
    public static func castToInt64(_ value: Double?) throws -> Int64? {
        guard let value else { return nil }
        if !value.isFinite {
            throw BigQueryFunctionError("Illegal conversion of non-finite floating point number to an integer: \(formatDouble(value))")
        }
        let rounded = value.rounded(.toNearestOrAwayFromZero)
        guard rounded >= -9_223_372_036_854_775_808.0, rounded < 9_223_372_036_854_775_808.0 else {
            throw BigQueryFunctionError("int64 out of range: \(formatDouble(value))")
        }
        return Int64(rounded)
    }

    public static func castToInt64(_ value: Bool?) -> Int64? {
        value.map { $0 ? 1 : 0 }
    }

    // MARK: To FLOAT64

    public static func castToDouble(_ value: Int64?) -> Double? {
        value.map(Double.init)
    }

    /// `CAST(STRING AS FLOAT64)`: a decimal literal, or `inf`/`+inf`/`-inf`/`infinity`/`nan`
    /// (case-insensitive), with optional surrounding whitespace. Errors with `Bad double value: …`.
    public static func castToDouble(_ value: String?) throws -> Double? {
        guard let value else { return nil }
        if let parsed = parseDouble(value) { return parsed }
        throw BigQueryFunctionError(formatError("Bad double value: ", value))
    }

    // MARK: To BOOL

    public static func castToBool(_ value: Int64?) -> Bool? {
        value.map { $0 != 0 }
    }

    /// `CAST(STRING AS BOOL)`: `"true"`/`"false"`, case-insensitive; anything else errors.
    public static func castToBool(_ value: String?) throws -> Bool? {
        guard let value else { return nil }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw BigQueryFunctionError(formatError("Bad bool value: ", value))
        }
    }

    // MARK: SAFE_CAST

    public static func safeCastToInt64(_ value: String?) -> Int64? { try? castToInt64(value) }
    public static func safeCastToInt64(_ value: Double?) -> Int64? { try? castToInt64(value) }
    public static func safeCastToDouble(_ value: String?) -> Double? { try? castToDouble(value) }
    public static func safeCastToBool(_ value: String?) -> Bool? { try? castToBool(value) }
    public static func safeCastToString(_ value: [UInt8]?) -> String? { try? castToString(value) }

    // MARK: Parsing helpers

    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    static func stripASCIIWhitespace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isASCIIWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isASCIIWhitespace(last) { slice = slice.dropLast() }
        return slice
    }

    static func parseInt64(_ text: String) -> Int64? {
        var bytes = ArraySlice(Array(text.utf8))
        while bytes.first == 0x20 { bytes = bytes.dropFirst() }
        var unsigned = bytes
        if let first = unsigned.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { unsigned = unsigned.dropFirst() }
        let isHex = unsigned.count >= 2 && unsigned.first == UInt8(ascii: "0")
            && (unsigned[unsigned.startIndex + 1] == UInt8(ascii: "x") || unsigned[unsigned.startIndex + 1] == UInt8(ascii: "X"))
        var body = stripASCIIWhitespace(bytes)
        var negative = false
        if let first = body.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        let radix: UInt64 = isHex ? 16 : 10
        if isHex { body = body.dropFirst(2) }
        guard !body.isEmpty else { return nil }
        var magnitude: UInt64 = 0
        for byte in body {
            let digit: UInt64
            if let hex = StringFunctions.hexValue(byte), radix == 16 || hex < 10 {
                digit = UInt64(hex)
            } else {
                return nil
            }
            let (shifted, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, o2) = shifted.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            magnitude = sum
        }
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude > UInt64(Int64.max) ? nil : Int64(magnitude)
    }

    static func parseDouble(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parseDouble(bytes: $0) }
    }

    /// `[sign][digits][.digits][(e|E)[sign]digits]` (at least one mantissa digit) or
    /// `inf`/`infinity`/`nan` in any case, with optional surrounding whitespace: read from the
    /// bytes, without building strings (a NUMERIC's text is cast for every row).
    static func parseDouble(bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var start = 0, end = bytes.count
        while start < end, isASCIIWhitespace(bytes[start]) { start += 1 }
        while end > start, isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
        var negative = false
        if start < end, bytes[start] == UInt8(ascii: "+") || bytes[start] == UInt8(ascii: "-") {
            negative = bytes[start] == UInt8(ascii: "-")
            start += 1
        }
        func isWord(_ word: StaticString) -> Bool {
            guard end - start == word.utf8CodeUnitCount else { return false }
            let letters = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            for index in 0..<letters.count where bytes[start + index] | 0x20 != letters[index] { return false }
            return true
        }
        if start < end, bytes[start] | 0x20 == UInt8(ascii: "i") || bytes[start] | 0x20 == UInt8(ascii: "n") {
            if isWord("inf") || isWord("infinity") { return negative ? -.infinity : .infinity }
            if isWord("nan") { return .nan }
            return nil
        }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        var i = start
        var mantissaDigits = 0
        while i < end, isDigit(bytes[i]) { i += 1; mantissaDigits += 1 }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, isDigit(bytes[i]) { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return nil }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            var exponentDigits = 0
            while i < end, isDigit(bytes[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == end else { return nil }
        // strtod wants a NUL-terminated text: the number (sign first) copied onto the stack.
        let length = end - start + 1
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            buffer[0] = negative ? CChar(UInt8(ascii: "-")) : CChar(UInt8(ascii: "+"))
            for index in 0..<(end - start) { buffer[index + 1] = CChar(bitPattern: bytes[start + index]) }
            buffer[length] = 0
            return CFormat.strtod(buffer.baseAddress!)
        }
    }

    /// Error text the way GoogleSQL builds it: the value C-escaped, cut at 32 bytes.
    static func formatError(_ message: String, _ value: String) -> String {
        let bytes = Array(value.utf8)
        if bytes.count > 32 { return message + cEscape(Array(bytes[0..<32])) + "..." }
        return message + cEscape(bytes)
    }

    /// absl::CEscape: C escapes for control characters, quotes and backslash; octal for others.
    static func cEscape(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes {
            switch byte {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x22: out += "\\\""
            case 0x27: out += "\\'"
            case 0x5C: out += "\\\\"
            case 0x20...0x7E: out.append(Character(Unicode.Scalar(byte)))
            default:
                let octal = String(byte, radix: 8)
                out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return out
    }
}
