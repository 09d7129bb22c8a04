/// BigQuery's regular-expression functions (`REGEXP_CONTAINS`, `REGEXP_EXTRACT`/`REGEXP_SUBSTR`,
/// `REGEXP_EXTRACT_ALL`, `REGEXP_INSTR`, `REGEXP_REPLACE`, `REGEXP_MATCH`) over RE2.
///
/// Every function returns `nil` (SQL `NULL`) when any argument is `nil`. Functions taking a pattern
/// `String` use a small shared cache of compiled patterns; an ``RE2Regex`` can also be passed. `STRING` overloads use
/// UTF-8 patterns; `[UInt8]` (`BYTES`) overloads use Latin-1 patterns, as BigQuery does.
public enum RegexFunctions {
    static let tooManyGroups = "Regular expressions passed into extraction functions must not have more than 1 capturing group"

    // MARK: REGEXP_CONTAINS / REGEXP_MATCH

    public static func contains(_ value: String?, _ regex: RE2Regex?) -> Bool? {
        guard let value, let regex else { return nil }
        return regex.partialMatch(value)
    }

    public static func contains(_ value: String?, _ pattern: String?) throws -> Bool? {
        guard let value, let pattern else { return nil }
        return try RE2Regex.cached(pattern).partialMatch(value)
    }

    public static func contains(_ value: [UInt8]?, _ pattern: [UInt8]?) throws -> Bool? {
        guard let value, let pattern else { return nil }
        let regex = try RE2Regex.cached(bytes: pattern)
        return value.withUnsafeBufferPointer { regex.partialMatch(bytes: $0) }
    }

    /// The deprecated `REGEXP_MATCH`: a full match.
    public static func fullMatch(_ value: String?, _ pattern: String?) throws -> Bool? {
        guard let value, let pattern else { return nil }
        return try RE2Regex.cached(pattern).fullMatch(value)
    }

    // MARK: REGEXP_EXTRACT / REGEXP_SUBSTR

    /// `REGEXP_EXTRACT(value, regexp[, position[, occurrence]])`.
    public static func extract(_ value: String?, _ regex: RE2Regex?, position: Int64? = 1, occurrence: Int64? = 1) throws -> String? {
        guard let value, let regex, let position, let occurrence else { return nil }
        return try extractBytes(Array(value.utf8), regex, position: position, occurrence: occurrence)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    public static func extract(_ value: String?, _ pattern: String?, position: Int64? = 1, occurrence: Int64? = 1) throws -> String? {
        guard let value, let pattern, let position, let occurrence else { return nil }
        return try extract(value, try RE2Regex.cached(pattern), position: position, occurrence: occurrence)
    }

    public static func extract(_ value: [UInt8]?, _ pattern: [UInt8]?, position: Int64? = 1, occurrence: Int64? = 1) throws -> [UInt8]? {
        guard let value, let pattern, let position, let occurrence else { return nil }
        let regex = try RE2Regex.cached(bytes: pattern)
        return try extractBytes(value, regex, position: position, occurrence: occurrence).map(Array.init)
    }

    // MARK: REGEXP_EXTRACT_ALL

    public static func extractAll(_ value: String?, _ regex: RE2Regex?) throws -> [String]? {
        guard let value, let regex else { return nil }
        return try extractAllBytes(Array(value.utf8), regex).map { String(decoding: $0, as: UTF8.self) }
    }

    public static func extractAll(_ value: String?, _ pattern: String?) throws -> [String]? {
        guard let value, let pattern else { return nil }
        return try extractAll(value, try RE2Regex.cached(pattern))
    }

    public static func extractAll(_ value: [UInt8]?, _ pattern: [UInt8]?) throws -> [[UInt8]]? {
        guard let value, let pattern else { return nil }
        return try extractAllBytes(value, try RE2Regex.cached(bytes: pattern)).map(Array.init)
    }

    // MARK: REGEXP_INSTR

    /// `REGEXP_INSTR(source_value, regexp[, position[, occurrence[, occurrence_position]]])`.
    /// `occurrencePosition` 0 returns the start of the match, 1 the position after its end.
    public static func instr(_ value: String?, _ regex: RE2Regex?, position: Int64? = 1, occurrence: Int64? = 1, occurrencePosition: Int64? = 0) throws -> Int64? {
        guard let value, let regex, let position, let occurrence, let occurrencePosition else { return nil }
        return try instrBytes(Array(value.utf8), regex, position: position, occurrence: occurrence, occurrencePosition: occurrencePosition)
    }

    public static func instr(_ value: String?, _ pattern: String?, position: Int64? = 1, occurrence: Int64? = 1, occurrencePosition: Int64? = 0) throws -> Int64? {
        guard let value, let pattern, let position, let occurrence, let occurrencePosition else { return nil }
        return try instr(value, try RE2Regex.cached(pattern), position: position, occurrence: occurrence, occurrencePosition: occurrencePosition)
    }

    public static func instr(_ value: [UInt8]?, _ pattern: [UInt8]?, position: Int64? = 1, occurrence: Int64? = 1, occurrencePosition: Int64? = 0) throws -> Int64? {
        guard let value, let pattern, let position, let occurrence, let occurrencePosition else { return nil }
        let regex = try RE2Regex.cached(bytes: pattern)
        return try instrBytes(value, regex, position: position, occurrence: occurrence, occurrencePosition: occurrencePosition)
    }

    // MARK: REGEXP_REPLACE

    /// `REGEXP_REPLACE(value, regexp, replacement)`: `\1`..`\9` insert a group, `\0` the whole
    /// match, `\\` a backslash. Only non-overlapping matches are replaced; an empty match right
    /// after the previous match is ignored.
    public static func replace(_ value: String?, _ regex: RE2Regex?, _ replacement: String?) throws -> String? {
        guard let value, let regex, let replacement else { return nil }
        return String(decoding: try replaceBytes(Array(value.utf8), regex, Array(replacement.utf8)), as: UTF8.self)
    }

    public static func replace(_ value: String?, _ pattern: String?, _ replacement: String?) throws -> String? {
        guard let value, let pattern, let replacement else { return nil }
        return try replace(value, try RE2Regex.cached(pattern), replacement)
    }

    public static func replace(_ value: [UInt8]?, _ pattern: [UInt8]?, _ replacement: [UInt8]?) throws -> [UInt8]? {
        guard let value, let pattern, let replacement else { return nil }
        return try replaceBytes(value, try RE2Regex.cached(bytes: pattern), replacement)
    }

    // MARK: Implementation (byte level, following GoogleSQL's RegExp)

    /// Walks successive non-overlapping matches like GoogleSQL's ExtractAllIterator.
    struct MatchIterator {
        enum Step { case end, match(RE2Regex.Span?) }
        let regex: RE2Regex
        let input: [UInt8]
        var position = 0
        var captureGroupEnd = 0
        var finished = false

        mutating func next() throws -> Step {
            if regex.groupCount > 1 { throw BigQueryFunctionError(RegexFunctions.tooManyGroups) }
            if finished { return .end }
            let found = input.withUnsafeBufferPointer { regex.firstMatch(bytes: $0, from: position) }
            guard let found else { return .end }
            position = found.whole.end
            let out: RE2Regex.Span?
            if regex.groupCount == 0 {
                out = found.whole
            } else {
                out = found.groups[0]
                captureGroupEnd = found.groups[0]?.end ?? 0
            }
            if found.whole.isEmpty && position < input.count {
                position += regex.encoding == .utf8 ? utf8Width(input[position]) : 1
            }
            if position >= input.count { finished = true }
            return .match(out)
        }
    }

    static func utf8Width(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead < 0xE0 { return 2 }
        if lead < 0xF0 { return 3 }
        return 4
    }

    /// The byte offset of character `count` (0-based) in `bytes`, or nil when there are fewer.
    static func byteOffset(ofCharacter count: Int64, in bytes: [UInt8], encoding: RE2Regex.Encoding) -> Int? {
        if encoding == .latin1 { return count <= Int64(bytes.count) ? Int(count) : nil }
        var offset = 0
        var remaining = count
        while remaining > 0 {
            if offset >= bytes.count { return nil }
            offset += utf8Width(bytes[offset])
            remaining -= 1
        }
        return min(offset, bytes.count)
    }

    static func validate(position: Int64, occurrence: Int64) throws {
        if position < 1 { throw BigQueryFunctionError("Position must be positive") }
        if occurrence < 1 { throw BigQueryFunctionError("Occurrence must be positive") }
    }

    static func extractBytes(_ value: [UInt8], _ regex: RE2Regex, position: Int64, occurrence: Int64) throws -> ArraySlice<UInt8>? {
        try validate(position: position, occurrence: occurrence)
        if position > Int64(value.count) && !(value.isEmpty && position == 1) { return nil }
        guard let offset = byteOffset(ofCharacter: position - 1, in: value, encoding: regex.encoding) else { return nil }
        let input = Array(value[offset...])
        var iterator = MatchIterator(regex: regex, input: input)
        var current: RE2Regex.Span?
        for _ in 0..<occurrence {
            switch try iterator.next() {
            case .end: return nil
            case .match(let span): current = span
            }
        }
        guard let current else { return nil }
        return input[current.start..<current.end]
    }

    static func extractAllBytes(_ value: [UInt8], _ regex: RE2Regex) throws -> [ArraySlice<UInt8>] {
        var iterator = MatchIterator(regex: regex, input: value)
        var results: [ArraySlice<UInt8>] = []
        while case .match(let span) = try iterator.next() {
            results.append(span.map { value[$0.start..<$0.end] } ?? [])
        }
        return results
    }

    static func instrBytes(_ value: [UInt8], _ regex: RE2Regex, position: Int64, occurrence: Int64, occurrencePosition: Int64) throws -> Int64 {
        try validate(position: position, occurrence: occurrence)
        if occurrencePosition != 0 && occurrencePosition != 1 {
            throw BigQueryFunctionError("Invalid return_position_after_match: \(occurrencePosition)")
        }
        if position > Int64(value.count) || regex.pattern.isEmpty { return 0 }
        guard let offset = byteOffset(ofCharacter: position - 1, in: value, encoding: regex.encoding) else { return 0 }
        let input = Array(value[offset...])
        var iterator = MatchIterator(regex: regex, input: input)
        var current: RE2Regex.Span?
        for _ in 0..<occurrence {
            switch try iterator.next() {
            case .end: return 0
            case .match(let span): current = span
            }
        }
        guard let current else { return 0 }
        var visited = regex.groupCount == 0 ? iterator.position : iterator.captureGroupEnd
        if occurrencePosition == 0 { visited -= current.end - current.start }
        if regex.encoding == .utf8 {
            let characters = input[..<visited].reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
            return Int64(characters) + position
        }
        return Int64(visited) + position
    }

    static func replaceBytes(_ value: [UInt8], _ regex: RE2Regex, _ rewrite: [UInt8]) throws -> [UInt8] {
        if let problem = regex.rewriteError(rewrite) {
            throw BigQueryFunctionError("Invalid REGEXP_REPLACE pattern: \(problem)")
        }
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        var lastEnd = -1
        var p = 0
        while p <= value.count {
            guard let match = value.withUnsafeBufferPointer({ regex.firstMatch(bytes: $0, from: p) }) else {
                out.append(contentsOf: value[p...])
                break
            }
            out.append(contentsOf: value[p..<match.whole.start])
            p = match.whole.start
            if !match.whole.isEmpty {
                try rewriteMatch(rewrite, match, in: value, into: &out)
                p = match.whole.end
            } else {
                if match.whole.start != lastEnd {
                    try rewriteMatch(rewrite, match, in: value, into: &out)
                }
                if p < value.count {
                    let width = regex.encoding == .utf8 ? min(utf8Width(value[p]), value.count - p) : 1
                    out.append(contentsOf: value[p..<(p + width)])
                    p += width
                } else {
                    break
                }
            }
            lastEnd = match.whole.end
        }
        return out
    }

    static func rewriteMatch(_ rewrite: [UInt8], _ match: RE2Regex.Match, in value: [UInt8], into out: inout [UInt8]) throws {
        var i = 0
        while i < rewrite.count {
            let byte = rewrite[i]
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                i += 1
                continue
            }
            i += 1
            guard i < rewrite.count else { throw BigQueryFunctionError("Invalid REGEXP_REPLACE pattern") }
            let next = rewrite[i]
            if next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9") {
                let n = Int(next - UInt8(ascii: "0"))
                let span: RE2Regex.Span? = n == 0 ? match.whole : (n <= match.groups.count ? match.groups[n - 1] : nil)
                if let span { out.append(contentsOf: value[span.start..<span.end]) }
            } else if next == UInt8(ascii: "\\") {
                out.append(next)
            } else {
                throw BigQueryFunctionError("Invalid REGEXP_REPLACE pattern")
            }
            i += 1
        }
    }
}
