/// What a scanned JSON value is, without decoding it.
public enum JSONValueKind: Sendable, Equatable {
    case string
    /// A number without a fraction or exponent (jansson's integer; `-0` is one).
    case integer
    /// A number with a fraction or an exponent (jansson's real).
    case float
    case `true`
    case `false`
    case null
    case object
    case array
}

/// One top-level member of a scanned object: where its key and value lie in the scanned bytes.
public struct JSONMember: Sendable, Equatable {
    /// The key's bytes between its quotes, as written.
    public var key: Range<Int>
    /// Whether the key holds escapes (decode it with ``JSONScanner/string(_:in:)``).
    public var keyIsEscaped: Bool
    public var kind: JSONValueKind
    /// The value's bytes (a string's with its quotes).
    public var value: Range<Int>
}

/// Reads JSON text without building a tree: an object's top-level members as byte ranges, an
/// array's elements as byte ranges, and scalars decoded on demand.
///
/// A text is accepted exactly when ``JSON/parse(_:)`` (jansson, with `\u0000` allowed in
/// strings) accepts it: RFC 8259 syntax, strings without raw control characters and with valid
/// UTF-8 and escapes (surrogates paired), integers within Int64, reals that do not overflow a
/// Double, at most 2048 levels of nesting, no `\u0000` in keys, nothing after the value but
/// whitespace (jansson's one quirk is kept too: a NUL byte right after a number or a literal is
/// skipped, see ``hasStrayNul``). Nothing is allocated per member once ``members`` has grown to fit.
public struct JSONScanner {
    /// The members found by the last successful ``scanObject(_:)``, in text order (duplicates kept).
    public private(set) var members: [JSONMember] = []
    /// Whether the last scanned text holds a raw line feed or carriage return (between tokens:
    /// strings cannot hold them), as pretty-printed JSON does.
    public private(set) var hasLineBreak = false
    /// Whether the last scanned text holds a NUL byte right after a number or literal, which
    /// jansson skips (so the text is valid, but its bytes are not clean JSON to pass on).
    public private(set) var hasStrayNul = false

    /// jansson's `JSON_PARSER_MAX_DEPTH`.
    static let maxDepth = 2048

    public init() {}

    /// Scans `bytes` as one JSON text that must be an object, filling ``members``; false when
    /// the text is not valid JSON or not an object.
    public mutating func scanObject(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        members.removeAll(keepingCapacity: true)
        var cursor = JSONCursor(bytes)
        defer { (hasLineBreak, hasStrayNul) = (cursor.sawLineBreak, cursor.sawStrayNul) }
        cursor.skipSpace()
        guard cursor.peek == UInt8(ascii: "{") else { return false }
        guard cursor.objectMembers(depth: 1, { members.append($0) }) else { return false }
        cursor.skipSpace()
        return cursor.atEnd
    }

    /// Scans `bytes` as one JSON text that must be an array, calling `element` with each
    /// element's range; false when the text is not valid JSON or not an array (elements may
    /// have been reported before the fault was found).
    public mutating func scanArray(_ bytes: UnsafeBufferPointer<UInt8>, element: (Range<Int>) -> Void) -> Bool {
        var cursor = JSONCursor(bytes)
        defer { (hasLineBreak, hasStrayNul) = (cursor.sawLineBreak, cursor.sawStrayNul) }
        cursor.skipSpace()
        guard cursor.peek == UInt8(ascii: "[") else { return false }
        guard cursor.arrayElements(depth: 1, { element($1) }) else { return false }
        cursor.skipSpace()
        return cursor.atEnd
    }

    /// Calls `member` with each member of the object at `range` of `bytes`, in text order
    /// (ranges within `bytes`); false when the value there is not a valid object.
    public static func members(of range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, _ member: (JSONMember) -> Void) -> Bool {
        var cursor = JSONCursor(UnsafeBufferPointer(rebasing: bytes[..<range.upperBound]))
        cursor.position = range.lowerBound
        guard cursor.peek == UInt8(ascii: "{"), cursor.objectMembers(depth: 1, member) else { return false }
        return cursor.position == range.upperBound
    }

    /// Calls `element` with the kind and range (within `bytes`) of each element of the array
    /// at `range` of `bytes`; false when the value there is not a valid array.
    public static func elements(of range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>,
                                _ element: (JSONValueKind, Range<Int>) -> Void) -> Bool {
        var cursor = JSONCursor(UnsafeBufferPointer(rebasing: bytes[..<range.upperBound]))
        cursor.position = range.lowerBound
        guard cursor.peek == UInt8(ascii: "["), cursor.arrayElements(depth: 1, element) else { return false }
        return cursor.position == range.upperBound
    }

    /// Whether `bytes` is one valid JSON text, and its kind.
    public static func validate(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValueKind? {
        var cursor = JSONCursor(bytes)
        cursor.skipSpace()
        guard let kind = cursor.value(depth: 1) else { return nil }
        cursor.skipSpace()
        return cursor.atEnd ? kind : nil
    }

    /// The range of the array at `path` (object keys, outermost first) in the valid JSON
    /// object `bytes`, where jansson would find it (the last of duplicate keys); nil when the
    /// text is invalid, a step is missing or not an object, the end is not an array, or a key
    /// on the way is escaped or not ASCII (where byte comparison could disagree with `String`'s).
    public mutating func arrayRange(at path: [String], in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard !path.isEmpty, scanObject(bytes) else { return nil }
        var current = 0..<bytes.count
        for (step, name) in path.enumerated() {
            if step > 0 {
                guard scanObject(UnsafeBufferPointer(rebasing: bytes[current])) else { return nil }
            }
            let base = current.lowerBound
            var found: JSONMember?
            for member in members {
                let key = UnsafeBufferPointer(rebasing: bytes[(member.key.lowerBound + base)..<(member.key.upperBound + base)])
                guard !member.keyIsEscaped, key.allSatisfy({ $0 < 0x80 }) else { return nil }
                if key.elementsEqual(name.utf8) { found = member }
            }
            guard let found, found.kind == (step == path.count - 1 ? .array : .object) else { return nil }
            current = (found.value.lowerBound + base)..<(found.value.upperBound + base)
        }
        return current
    }
}
