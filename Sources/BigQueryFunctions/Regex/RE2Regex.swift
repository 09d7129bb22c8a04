import CRE2

/// A compiled RE2 regular expression (BigQuery's dialect). Immutable and safe to share across
/// threads: RE2 matching is const. The underlying RE2 object is freed on deinit.
public final class RE2Regex: @unchecked Sendable {
    /// How the pattern and the texts it is matched against are encoded.
    public enum Encoding: Sendable {
        /// `STRING` values: UTF-8, `.` matches one code point.
        case utf8
        /// `BYTES` values: every byte is one character.
        case latin1
    }

    /// A byte range of a match; `nil` (in ``Match/groups``) when a group did not participate.
    public struct Span: Sendable, Equatable {
        public let start: Int
        public let end: Int
        public var isEmpty: Bool { start == end }

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    /// The whole match (``Match/whole``) and each capturing group, as byte offsets into the text.
    public struct Match: Sendable, Equatable {
        public let whole: Span
        /// Index 0 is group 1.
        public let groups: [Span?]
    }

    public let pattern: String
    public let encoding: Encoding
    /// The number of capturing groups.
    public let groupCount: Int
    private let handle: OpaquePointer

    /// Compiles `pattern`. Throws `Cannot parse regular expression: <RE2 error>` like BigQuery.
    public convenience init(_ pattern: String) throws {
        try self.init(patternBytes: Array(pattern.utf8), encoding: .utf8)
    }

    /// Compiles a pattern given as bytes (for `BYTES` regular expressions use `.latin1`).
    public init(patternBytes: [UInt8], encoding: Encoding) throws {
        var errorText: UnsafeMutablePointer<CChar>?
        let compiled = patternBytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                cre2_compile($0.baseAddress, $0.count, encoding == .latin1 ? Int32(CRE2_LATIN1.rawValue) : Int32(CRE2_UTF8.rawValue), &errorText)
            }
        }
        guard let compiled else {
            let message = errorText.map { String(cString: $0) } ?? "unknown error"
            if let errorText { cre2_free_string(errorText) }
            throw BigQueryFunctionError("Cannot parse regular expression: \(message)")
        }
        self.handle = compiled
        self.pattern = String(decoding: patternBytes, as: UTF8.self)
        self.encoding = encoding
        self.groupCount = Int(cre2_num_groups(compiled))
    }

    deinit {
        cre2_free(handle)
    }

    /// `RE2::FullMatch`.
    public func fullMatch(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { fullMatch(bytes: $0) }
    }

    public func fullMatch(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withMemoryRebound(to: CChar.self) { cre2_full_match(handle, $0.baseAddress, $0.count) != 0 }
    }

    /// `RE2::PartialMatch`.
    public func partialMatch(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { partialMatch(bytes: $0) }
    }

    public func partialMatch(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withMemoryRebound(to: CChar.self) { cre2_partial_match(handle, $0.baseAddress, $0.count) != 0 }
    }

    /// The first match in `text` starting at byte `from` (bytes before `from` are context, so `^`
    /// does not match there unless `from` is 0), with its capture groups.
    public func firstMatch(in text: String, from: Int = 0) -> Match? {
        var text = text
        return text.withUTF8 { firstMatch(bytes: $0, from: from) }
    }

    public func firstMatch(bytes: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Match? {
        guard from >= 0, from <= bytes.count else { return nil }
        var spans = [cre2_span](repeating: cre2_span(start: -1, end: -1), count: groupCount + 1)
        let matched = bytes.withMemoryRebound(to: CChar.self) { text in
            spans.withUnsafeMutableBufferPointer { out in
                cre2_match(handle, text.baseAddress, text.count, from, text.count,
                           Int32(CRE2_UNANCHORED.rawValue), out.baseAddress, Int32(out.count))
            }
        }
        guard matched != 0 else { return nil }
        let whole = Span(start: Int(spans[0].start), end: Int(spans[0].end))
        let groups: [Span?] = spans.dropFirst().map { $0.start < 0 ? nil : Span(start: Int($0.start), end: Int($0.end)) }
        return Match(whole: whole, groups: groups)
    }

    /// `RE2::CheckRewriteString`: returns RE2's complaint about `rewrite`, or `nil` when it is valid.
    public func rewriteError(_ rewrite: [UInt8]) -> String? {
        var errorText: UnsafeMutablePointer<CChar>?
        let ok = rewrite.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cre2_check_rewrite(handle, $0.baseAddress, $0.count, &errorText) }
        }
        if ok != 0 { return nil }
        let message = errorText.map { String(cString: $0) } ?? "invalid rewrite"
        if let errorText { cre2_free_string(errorText) }
        return message
    }

    /// `RE2::GlobalReplace` (replacement syntax `\0`..`\9`, `\\`). Returns the result and the
    /// number of replacements. BigQuery's `REGEXP_REPLACE` is ``RegexFunctions/replace(_:_:_:)``.
    public func globalReplace(_ text: [UInt8], with rewrite: [UInt8]) -> (result: [UInt8], count: Int) {
        var outLength = 0
        var count: Int32 = 0
        let raw = text.withUnsafeBufferPointer { textBuffer in
            rewrite.withUnsafeBufferPointer { rewriteBuffer in
                textBuffer.withMemoryRebound(to: CChar.self) { t in
                    rewriteBuffer.withMemoryRebound(to: CChar.self) { r in
                        cre2_global_replace(handle, t.baseAddress, t.count, r.baseAddress, r.count, &outLength, &count)
                    }
                }
            }
        }
        guard let raw else { return (text, 0) }
        defer { cre2_free_string(raw) }
        let bytes = raw.withMemoryRebound(to: UInt8.self, capacity: outLength) { Array(UnsafeBufferPointer(start: $0, count: outLength)) }
        return (bytes, Int(count))
    }
}
