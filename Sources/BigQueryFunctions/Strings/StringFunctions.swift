/// BigQuery's string functions over `STRING` (Swift `String`, UTF-8, lengths and positions in
/// Unicode code points) and `BYTES` (`[UInt8]`, lengths and positions in bytes).
///
/// `nil` models SQL `NULL`: unless noted, a function returns `nil` when any argument is `nil`.
/// Optional trailing arguments are separate overloads, so `SUBSTR(x, 1)` and `SUBSTR(x, 1, NULL)`
/// stay distinct.
public enum StringFunctions {
    static let maxOutputSize = 1 << 20

    // MARK: LENGTH / CHAR_LENGTH / BYTE_LENGTH

    /// `LENGTH(string)` / `CHAR_LENGTH`: the number of code points.
    public static func length(_ value: String?) -> Int64? {
        value.map { Int64($0.unicodeScalars.count) }
    }

    /// `LENGTH(bytes)`: the number of bytes.
    public static func length(_ value: [UInt8]?) -> Int64? {
        value.map { Int64($0.count) }
    }

    /// `BYTE_LENGTH(string)`.
    public static func byteLength(_ value: String?) -> Int64? {
        value.map { Int64($0.utf8.count) }
    }

    // MARK: SUBSTR / LEFT / RIGHT

    /// `SUBSTR(value, position)`.
    public static func substr(_ value: String?, _ position: Int64?) throws -> String? {
        guard let value, let position else { return nil }
        return scalarsString(try substring(Array(value.unicodeScalars), position, Int64.max))
    }

    /// `SUBSTR(value, position, length)`; errors when `length` is negative.
    public static func substr(_ value: String?, _ position: Int64?, _ length: Int64?) throws -> String? {
        guard let value, let position, let length else { return nil }
        return scalarsString(try substring(Array(value.unicodeScalars), position, length))
    }

    public static func substr(_ value: [UInt8]?, _ position: Int64?) throws -> [UInt8]? {
        guard let value, let position else { return nil }
        return Array(try substring(value, position, Int64.max))
    }

    public static func substr(_ value: [UInt8]?, _ position: Int64?, _ length: Int64?) throws -> [UInt8]? {
        guard let value, let position, let length else { return nil }
        return Array(try substring(value, position, length))
    }

    /// SUBSTR over code points or bytes: 1-based, negative positions count from the end, a
    /// position before the start means 1, a position past the end gives an empty result.
    static func substring<T>(_ units: [T], _ position: Int64, _ length: Int64) throws -> ArraySlice<T> {
        if length < 0 { throw BigQueryFunctionError("Third argument in SUBSTR() cannot be negative") }
        let count = Int64(units.count)
        var start: Int64
        if position < 0 {
            start = count + position
            if start < 0 { start = 0 }
        } else if position == 0 {
            start = 0
        } else {
            start = position - 1
        }
        if start >= count { return [] }
        let end = length >= count - start ? count : start + length
        return units[Int(start)..<Int(end)]
    }

    /// `LEFT(value, length)`.
    public static func left(_ value: String?, _ length: Int64?) throws -> String? {
        guard let value, let length else { return nil }
        if length < 0 { throw BigQueryFunctionError("Second argument in LEFT() cannot be negative") }
        return scalarsString(try substring(Array(value.unicodeScalars), 1, length))
    }

    /// `RIGHT(value, length)`.
    public static func right(_ value: String?, _ length: Int64?) throws -> String? {
        guard let value, let length else { return nil }
        if length < 0 { throw BigQueryFunctionError("Second argument in RIGHT() cannot be negative") }
        let scalars = Array(value.unicodeScalars)
        return scalarsString(scalars.suffix(Int(min(length, Int64(scalars.count)))))
    }

    // MARK: LPAD / RPAD

    /// `LPAD(original_value, return_length[, pattern])` (pattern defaults to a space).
    public static func lpad(_ value: String?, _ length: Int64?, _ pattern: String? = " ") throws -> String? {
        guard let value, let length, let pattern else { return nil }
        return scalarsString(try pad(Array(value.unicodeScalars), length, Array(pattern.unicodeScalars), left: true, bytes: { $0.reduce(0) { $0 + $1.utf8.count } }))
    }

    /// `RPAD(original_value, return_length[, pattern])` (pattern defaults to a space).
    public static func rpad(_ value: String?, _ length: Int64?, _ pattern: String? = " ") throws -> String? {
        guard let value, let length, let pattern else { return nil }
        return scalarsString(try pad(Array(value.unicodeScalars), length, Array(pattern.unicodeScalars), left: false, bytes: { $0.reduce(0) { $0 + $1.utf8.count } }))
    }

    public static func lpad(_ value: [UInt8]?, _ length: Int64?, _ pattern: [UInt8]? = [0x20]) throws -> [UInt8]? {
        guard let value, let length, let pattern else { return nil }
        return Array(try pad(value, length, pattern, left: true, bytes: { $0.count }))
    }

    public static func rpad(_ value: [UInt8]?, _ length: Int64?, _ pattern: [UInt8]? = [0x20]) throws -> [UInt8]? {
        guard let value, let length, let pattern else { return nil }
        return Array(try pad(value, length, pattern, left: false, bytes: { $0.count }))
    }

    static func pad<T>(_ value: [T], _ length: Int64, _ pattern: [T], left: Bool, bytes: ([T]) -> Int) throws -> ArraySlice<T> {
        if length < 0 {
            throw BigQueryFunctionError("Second argument (output size) for LPAD/RPAD cannot be negative")
        }
        if length > Int64(maxOutputSize) {
            throw BigQueryFunctionError("Output of LPAD/RPAD exceeds max allowed output size of 1MB")
        }
        if pattern.isEmpty {
            throw BigQueryFunctionError("Third argument (pad pattern) for LPAD/RPAD cannot be empty")
        }
        if length <= Int64(value.count) { return value[0..<Int(length)] }
        let padCount = Int(length) - value.count
        var padding: [T] = []
        padding.reserveCapacity(padCount)
        while padding.count < padCount {
            padding.append(contentsOf: pattern.prefix(padCount - padding.count))
        }
        if bytes(padding) + bytes(value) > maxOutputSize {
            throw BigQueryFunctionError("Output of LPAD/RPAD exceeds max allowed output size of 1MB")
        }
        return ArraySlice(left ? padding + value : value + padding)
    }

    // MARK: REPEAT

    /// `REPEAT(original_value, repetitions)`.
    public static func `repeat`(_ value: String?, _ repetitions: Int64?) throws -> String? {
        guard let value, let repetitions else { return nil }
        return String(decoding: try repeatBytes(Array(value.utf8), repetitions), as: UTF8.self)
    }

    public static func `repeat`(_ value: [UInt8]?, _ repetitions: Int64?) throws -> [UInt8]? {
        guard let value, let repetitions else { return nil }
        return try repeatBytes(value, repetitions)
    }

    static func repeatBytes(_ value: [UInt8], _ repetitions: Int64) throws -> [UInt8] {
        if repetitions < 0 {
            throw BigQueryFunctionError("Second argument (repeat count) for REPEAT cannot be negative")
        }
        if value.isEmpty { return [] }
        if repetitions > Int64(maxOutputSize) || Int64(value.count) * repetitions > Int64(maxOutputSize) {
            throw BigQueryFunctionError("Output of REPEAT exceeds max allowed output size of 1MB")
        }
        var out: [UInt8] = []
        out.reserveCapacity(value.count * Int(repetitions))
        for _ in 0..<repetitions { out.append(contentsOf: value) }
        return out
    }

    // MARK: SPLIT

    /// `SPLIT(value[, delimiter])`: the delimiter defaults to `","`; an empty delimiter splits into
    /// code points; an empty value gives `[""]`.
    public static func split(_ value: String?, _ delimiter: String? = ",") -> [String]? {
        guard let value, let delimiter else { return nil }
        if delimiter.isEmpty {
            if value.isEmpty { return [""] }
            return value.unicodeScalars.map { String($0) }
        }
        return splitBytes(Array(value.utf8), Array(delimiter.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `SPLIT(bytes, delimiter)`: an empty delimiter splits into single bytes.
    public static func split(_ value: [UInt8]?, _ delimiter: [UInt8]?) -> [[UInt8]]? {
        guard let value, let delimiter else { return nil }
        if delimiter.isEmpty {
            if value.isEmpty { return [[]] }
            return value.map { [$0] }
        }
        return splitBytes(value, delimiter).map(Array.init)
    }

    static func splitBytes(_ value: [UInt8], _ delimiter: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i + delimiter.count <= value.count {
            if value[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                parts.append(value[start..<i])
                i += delimiter.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(value[start...])
        return parts
    }

    // MARK: TRIM / LTRIM / RTRIM

    /// `TRIM(value)`: removes leading and trailing Unicode whitespace.
    public static func trim(_ value: String?) -> String? {
        value.map { trimScalars($0, leading: true, trailing: true) { $0.properties.isWhitespace } }
    }

    /// `TRIM(value, set_of_characters_to_remove)`: removes leading and trailing code points in the set.
    public static func trim(_ value: String?, _ characters: String?) -> String? {
        guard let value, let characters else { return nil }
        let set = Set(characters.unicodeScalars)
        return trimScalars(value, leading: true, trailing: true) { set.contains($0) }
    }

    public static func ltrim(_ value: String?) -> String? {
        value.map { trimScalars($0, leading: true, trailing: false) { $0.properties.isWhitespace } }
    }

    public static func ltrim(_ value: String?, _ characters: String?) -> String? {
        guard let value, let characters else { return nil }
        let set = Set(characters.unicodeScalars)
        return trimScalars(value, leading: true, trailing: false) { set.contains($0) }
    }

    public static func rtrim(_ value: String?) -> String? {
        value.map { trimScalars($0, leading: false, trailing: true) { $0.properties.isWhitespace } }
    }

    public static func rtrim(_ value: String?, _ characters: String?) -> String? {
        guard let value, let characters else { return nil }
        let set = Set(characters.unicodeScalars)
        return trimScalars(value, leading: false, trailing: true) { set.contains($0) }
    }

    /// `TRIM(bytes, set_of_bytes)` (the set is required for `BYTES`).
    public static func trim(_ value: [UInt8]?, _ bytes: [UInt8]?) -> [UInt8]? {
        guard let value, let bytes else { return nil }
        return trimBytes(value, Set(bytes), leading: true, trailing: true)
    }

    public static func ltrim(_ value: [UInt8]?, _ bytes: [UInt8]?) -> [UInt8]? {
        guard let value, let bytes else { return nil }
        return trimBytes(value, Set(bytes), leading: true, trailing: false)
    }

    public static func rtrim(_ value: [UInt8]?, _ bytes: [UInt8]?) -> [UInt8]? {
        guard let value, let bytes else { return nil }
        return trimBytes(value, Set(bytes), leading: false, trailing: true)
    }

    static func trimScalars(_ value: String, leading: Bool, trailing: Bool, _ remove: (Unicode.Scalar) -> Bool) -> String {
        // Nothing to remove at either end (the common case): the value itself, not a copy.
        let view = value.unicodeScalars
        if let first = view.first, let last = view.last, !(leading && remove(first)), !(trailing && remove(last)) { return value }
        let scalars = Array(view)
        var start = 0
        var end = scalars.count
        if leading { while start < end && remove(scalars[start]) { start += 1 } }
        if trailing { while end > start && remove(scalars[end - 1]) { end -= 1 } }
        return scalarsString(scalars[start..<end])
    }

    static func trimBytes(_ value: [UInt8], _ set: Set<UInt8>, leading: Bool, trailing: Bool) -> [UInt8] {
        var start = 0
        var end = value.count
        if leading { while start < end && set.contains(value[start]) { start += 1 } }
        if trailing { while end > start && set.contains(value[end - 1]) { end -= 1 } }
        return Array(value[start..<end])
    }

    // MARK: REPLACE

    /// `REPLACE(original_value, from_pattern, to_pattern)`; an empty `from_pattern` returns the input.
    public static func replace(_ value: String?, _ from: String?, _ to: String?) throws -> String? {
        guard let value, let from, let to else { return nil }
        return String(decoding: try replaceBytes(Array(value.utf8), Array(from.utf8), Array(to.utf8)), as: UTF8.self)
    }

    public static func replace(_ value: [UInt8]?, _ from: [UInt8]?, _ to: [UInt8]?) throws -> [UInt8]? {
        guard let value, let from, let to else { return nil }
        return try replaceBytes(value, from, to)
    }

    static func replaceBytes(_ value: [UInt8], _ from: [UInt8], _ to: [UInt8]) throws -> [UInt8] {
        let tooLarge = BigQueryFunctionError("Output of REPLACE exceeds max allowed output size of 1MB")
        if from.isEmpty {
            if value.count > maxOutputSize { throw tooLarge }
            return value
        }
        var out: [UInt8] = []
        var i = 0
        var start = 0
        while i + from.count <= value.count {
            if value[i..<(i + from.count)].elementsEqual(from) {
                out.append(contentsOf: value[start..<i])
                out.append(contentsOf: to)
                i += from.count
                start = i
                if out.count > maxOutputSize { throw tooLarge }
            } else {
                i += 1
            }
        }
        out.append(contentsOf: value[start...])
        if out.count > maxOutputSize { throw tooLarge }
        return out
    }

    // MARK: STARTS_WITH / ENDS_WITH

    /// `STARTS_WITH(value, prefix)` (byte-wise, no Unicode normalization).
    public static func startsWith(_ value: String?, _ prefix: String?) -> Bool? {
        guard let value, let prefix else { return nil }
        return value.utf8.starts(with: prefix.utf8)
    }

    public static func startsWith(_ value: [UInt8]?, _ prefix: [UInt8]?) -> Bool? {
        guard let value, let prefix else { return nil }
        return value.starts(with: prefix)
    }

    /// `ENDS_WITH(value, suffix)` (byte-wise).
    public static func endsWith(_ value: String?, _ suffix: String?) -> Bool? {
        guard let value, let suffix else { return nil }
        return value.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    public static func endsWith(_ value: [UInt8]?, _ suffix: [UInt8]?) -> Bool? {
        guard let value, let suffix else { return nil }
        return value.reversed().starts(with: suffix.reversed())
    }

    // MARK: CONCAT / REVERSE

    /// `CONCAT(value1[, ...])`: `NULL` if any argument is `NULL`.
    public static func concat(_ values: [String?]) -> String? {
        var out = ""
        for value in values {
            guard let value else { return nil }
            out += value
        }
        return out
    }

    public static func concat(_ values: String?...) -> String? { concat(values) }

    public static func concat(_ values: [[UInt8]?]) -> [UInt8]? {
        var out: [UInt8] = []
        for value in values {
            guard let value else { return nil }
            out += value
        }
        return out
    }

    /// `REVERSE(value)`: reverses code points (not grapheme clusters).
    public static func reverse(_ value: String?) -> String? {
        value.map { scalarsString($0.unicodeScalars.reversed()) }
    }

    public static func reverse(_ value: [UInt8]?) -> [UInt8]? {
        value.map { $0.reversed() }
    }

    // MARK: STRPOS / INSTR

    /// `STRPOS(value, subvalue)`: the 1-based position of the first occurrence, 0 when absent.
    public static func strpos(_ value: String?, _ subvalue: String?) -> Int64? {
        guard let value, let subvalue else { return nil }
        return try? instrUnits(value.unicodeScalars.map(\.value), subvalue.unicodeScalars.map(\.value), 1, 1)
    }

    public static func strpos(_ value: [UInt8]?, _ subvalue: [UInt8]?) -> Int64? {
        guard let value, let subvalue else { return nil }
        return try? instrUnits(value, subvalue, 1, 1)
    }

    /// `INSTR(value, subvalue[, position[, occurrence]])`: a negative position searches backwards
    /// from the end; occurrences after the first may overlap. Errors when `position` is 0 or
    /// `occurrence` is not positive.
    public static func instr(_ value: String?, _ subvalue: String?, position: Int64? = 1, occurrence: Int64? = 1) throws -> Int64? {
        guard let value, let subvalue, let position, let occurrence else { return nil }
        return try instrUnits(value.unicodeScalars.map(\.value), subvalue.unicodeScalars.map(\.value), position, occurrence)
    }

    public static func instr(_ value: [UInt8]?, _ subvalue: [UInt8]?, position: Int64? = 1, occurrence: Int64? = 1) throws -> Int64? {
        guard let value, let subvalue, let position, let occurrence else { return nil }
        return try instrUnits(value, subvalue, position, occurrence)
    }

    static func instrUnits<T: Equatable>(_ value: [T], _ sub: [T], _ position: Int64, _ occurrence: Int64) throws -> Int64 {
        if occurrence < 1 { throw BigQueryFunctionError("Occurrence must be positive") }
        if position == 0 { throw BigQueryFunctionError("Position must be non-zero") }
        let n = Int64(value.count)
        func matches(at i: Int64) -> Bool {
            i >= 0 && i + Int64(sub.count) <= n && value[Int(i)..<Int(i) + sub.count].elementsEqual(sub)
        }
        if position > 0 {
            var start = position - 1
            if start > n { return 0 }
            var found: Int64 = -1
            for k in 0..<occurrence {
                if k > 0 { start = found + 1 }
                var i = start
                found = -1
                while i + Int64(sub.count) <= n {
                    if matches(at: i) { found = i; break }
                    i += 1
                }
                if found < 0 { return 0 }
            }
            return found + 1
        }
        // Negative position: the match must start at or before the position it names.
        var limit = n + position + (sub.isEmpty ? 1 : 0)
        if limit < 0 { return 0 }
        var found: Int64 = -1
        for k in 0..<occurrence {
            if k > 0 {
                if found == 0 { return 0 }
                limit = found - 1
            }
            var i = min(limit, n - Int64(sub.count))
            found = -1
            while i >= 0 {
                if matches(at: i) { found = i; break }
                i -= 1
            }
            if found < 0 { return 0 }
        }
        return found + 1
    }
}

func scalarsString<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
}
