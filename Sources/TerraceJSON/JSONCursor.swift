/// The validating reader behind ``JSONScanner``: a position in a byte buffer and jansson's
/// grammar, one value at a time. Every method answers false (or nil) at the first fault and
/// leaves the position unspecified.
struct JSONCursor {
    let base: UnsafePointer<UInt8>?
    let count: Int
    var position = 0
    /// Whether whitespace skipped so far held a line feed or carriage return.
    var sawLineBreak = false
    /// Whether a NUL byte right after a number or literal was skipped, as jansson skips it
    /// (its lexer drops a NUL it puts back).
    var sawStrayNul = false

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        base = bytes.baseAddress
        count = bytes.count
    }

    var atEnd: Bool { position >= count }

    /// The byte at the position, or nil at the end.
    var peek: UInt8? { position < count ? base.unsafelyUnwrapped[position] : nil }

    mutating func skipSpace() {
        guard let p = base else { return }
        while position < count {
            switch p[position] {
            case 0x20, 0x09: position += 1
            case 0x0A, 0x0D:
                sawLineBreak = true
                position += 1
            default: return
            }
        }
    }

    /// The end of the value just read: the position, less a stray NUL skipped after it.
    var valueEnd: Int {
        guard position > 0, let p = base, p[position - 1] == 0 else { return position }
        return position - 1
    }

    /// Skips a NUL byte right after a number or literal, as jansson does.
    private mutating func skipStrayNul(_ p: UnsafePointer<UInt8>) {
        if position < count && p[position] == 0 {
            position += 1
            sawStrayNul = true
        }
    }

    /// Reads one value starting at the position (no leading whitespace) at nesting `depth`
    /// (the top level is 1).
    mutating func value(depth: Int) -> JSONValueKind? {
        guard depth <= JSONScanner.maxDepth, let byte = peek, let p = base else { return nil }
        switch byte {
        case UInt8(ascii: "\""):
            guard string(key: false) != nil else { return nil }
            return .string
        case UInt8(ascii: "{"):
            return objectMembers(depth: depth, { _ in }) ? .object : nil
        case UInt8(ascii: "["):
            return arrayElements(depth: depth, { _, _ in }) ? .array : nil
        case UInt8(ascii: "t"):
            return literal(p, "true") ? .true : nil
        case UInt8(ascii: "f"):
            return literal(p, "false") ? .false : nil
        case UInt8(ascii: "n"):
            return literal(p, "null") ? .null : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number(p)
        default:
            return nil
        }
    }

    /// An object at the position (its `{`), each member reported as read.
    mutating func objectMembers(depth: Int, _ member: (JSONMember) -> Void) -> Bool {
        position += 1
        skipSpace()
        if peek == UInt8(ascii: "}") {
            position += 1
            return true
        }
        while true {
            guard peek == UInt8(ascii: "\"") else { return false }
            let keyStart = position + 1
            guard let escaped = string(key: true) else { return false }
            let key = keyStart..<(position - 1)
            skipSpace()
            guard peek == UInt8(ascii: ":") else { return false }
            position += 1
            skipSpace()
            let valueStart = position
            guard let kind = value(depth: depth + 1) else { return false }
            member(JSONMember(key: key, keyIsEscaped: escaped, kind: kind, value: valueStart..<valueEnd))
            skipSpace()
            switch peek {
            case UInt8(ascii: ","):
                position += 1
                skipSpace()
            case UInt8(ascii: "}"):
                position += 1
                return true
            default:
                return false
            }
        }
    }

    /// An array at the position (its `[`), each element's kind and range reported as read.
    mutating func arrayElements(depth: Int, _ element: (JSONValueKind, Range<Int>) -> Void) -> Bool {
        position += 1
        skipSpace()
        if peek == UInt8(ascii: "]") {
            position += 1
            return true
        }
        while true {
            let start = position
            guard let kind = value(depth: depth + 1) else { return false }
            element(kind, start..<valueEnd)
            skipSpace()
            switch peek {
            case UInt8(ascii: ","):
                position += 1
                skipSpace()
            case UInt8(ascii: "]"):
                position += 1
                return true
            default:
                return false
            }
        }
    }

    /// `true`, `false` or `null`, not followed by another letter (jansson reads identifiers whole).
    private mutating func literal(_ p: UnsafePointer<UInt8>, _ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard count - position >= length else { return false }
        let letters = word.utf8Start
        for index in 0..<length where p[position + index] != letters[index] { return false }
        position += length
        if position < count {
            let next = p[position] | 0x20
            if next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z") { return false }
        }
        skipStrayNul(p)
        return true
    }

    /// A string at the position (its opening quote), left after its closing quote; answers
    /// whether it held escapes, or nil when it is malformed (a raw control character, a bad
    /// escape, an unpaired surrogate, invalid UTF-8, or `\u0000` in a key).
    mutating func string(key: Bool) -> Bool? {
        guard let p = base else { return nil }
        var i = position + 1
        var escaped = false
        while true {
            // Plain ASCII runs, the common case.
            while i < count {
                let byte = p[i]
                if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte >= 0x80 { break }
                i += 1
            }
            guard i < count else { return nil }
            let byte = p[i]
            if byte == 0x22 {
                position = i + 1
                return escaped
            }
            if byte < 0x20 { return nil }
            if byte >= 0x80 {
                guard let length = Self.utf8Sequence(p, i, count) else { return nil }
                i += length
                continue
            }
            // A backslash.
            escaped = true
            guard i + 1 < count else { return nil }
            switch p[i + 1] {
            case 0x22, 0x5C, 0x2F, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                i += 2
            case UInt8(ascii: "u"):
                guard let unit = Self.hex4(p, i + 2, count) else { return nil }
                i += 6
                if unit >= 0xD800 && unit <= 0xDBFF {
                    guard i + 1 < count, p[i] == 0x5C, p[i + 1] == UInt8(ascii: "u"), let low = Self.hex4(p, i + 2, count),
                          low >= 0xDC00 && low <= 0xDFFF else { return nil }
                    i += 6
                } else if unit >= 0xDC00 && unit <= 0xDFFF {
                    return nil
                } else if unit == 0 && key {
                    return nil
                }
            default:
                return nil
            }
        }
    }

    /// Four hex digits at `i`, or nil.
    static func hex4(_ p: UnsafePointer<UInt8>, _ i: Int, _ count: Int) -> UInt32? {
        guard count - i >= 4 else { return nil }
        var value: UInt32 = 0
        for index in i..<(i + 4) {
            let byte = p[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The length of the valid UTF-8 sequence starting at `i` (a byte of 0x80 or more), or nil
    /// (jansson's rules: no overlong forms, no surrogates, nothing past U+10FFFF).
    static func utf8Sequence(_ p: UnsafePointer<UInt8>, _ i: Int, _ count: Int) -> Int? {
        let first = p[i]
        let length: Int
        var scalar: UInt32
        switch first {
        case 0xC2...0xDF: length = 2; scalar = UInt32(first & 0x1F)
        case 0xE0...0xEF: length = 3; scalar = UInt32(first & 0x0F)
        case 0xF0...0xF4: length = 4; scalar = UInt32(first & 0x07)
        default: return nil
        }
        guard count - i >= length else { return nil }
        for index in (i + 1)..<(i + length) {
            let byte = p[index]
            guard byte & 0xC0 == 0x80 else { return nil }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        switch length {
        case 3: if scalar < 0x800 || (scalar >= 0xD800 && scalar <= 0xDFFF) { return nil }
        case 4: if scalar < 0x10000 || scalar > 0x10FFFF { return nil }
        default: break
        }
        return length
    }

    /// A number at the position, as jansson lexes it: an integer that must fit Int64, or a real
    /// (fraction or exponent) that must not overflow a Double.
    private mutating func number(_ p: UnsafePointer<UInt8>) -> JSONValueKind? {
        let start = position
        var i = position
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < count, Self.isDigit(p[i]) else { return nil }
        let digitsStart = i
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < count && Self.isDigit(p[i]) { return nil }
        } else {
            while i < count && Self.isDigit(p[i]) { i += 1 }
        }
        let integerDigits = i - digitsStart
        var isReal = false
        if i < count && p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < count, Self.isDigit(p[i]) else { return nil }
            while i < count && Self.isDigit(p[i]) { i += 1 }
            isReal = true
        }
        var exponent = 0
        if i < count && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var negative = false
            if i < count && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
                negative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < count, Self.isDigit(p[i]) else { return nil }
            while i < count && Self.isDigit(p[i]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(p[i] - UInt8(ascii: "0")) }
                i += 1
            }
            if negative { exponent = -exponent }
            isReal = true
        }
        position = i
        skipStrayNul(p)
        let text = UnsafeBufferPointer(start: p + start, count: i - start)
        if !isReal {
            return integerDigits < 19 || JSONScanner.int64(text) != nil ? .integer : nil
        }
        // Below 10^300 a real cannot overflow; nearer the edge strtod decides, as in jansson.
        if integerDigits + exponent < 300 { return .float }
        return JSONScanner.double(text).map { $0.isFinite ? JSONValueKind.float : nil } ?? nil
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}
