/// Decodes the body of a string, bytes or quoted-identifier literal: BigQuery's escape sequences
/// (`\n`, `\t`, `\\`, `\'`, `\x41`, `\101`, `\u00e9`, `\U0001F600`…), every line break as `\n`, and raw
/// literals verbatim. The messages are ZetaSQL's.
struct EscapeDecoder {
    struct Failure: Error {
        var message: String
        /// Byte offset of the offending escape's backslash.
        var offset: Int
    }

    let bytes: [UInt8]
    let range: Range<Int>
    let isRaw: Bool
    let isBytes: Bool
    private var output: [UInt8] = []

    init(bytes: [UInt8], range: Range<Int>, isRaw: Bool, isBytes: Bool) {
        self.bytes = bytes
        self.range = range
        self.isRaw = isRaw
        self.isBytes = isBytes
    }

    mutating func decode() throws(Failure) -> [UInt8] {
        var position = range.lowerBound
        let end = range.upperBound
        while position < end {
            let byte = bytes[position]
            if byte == 0x0D {
                output.append(0x0A)
                position += position + 1 < end && bytes[position + 1] == 0x0A ? 2 : 1
            } else if byte != UInt8(ascii: "\\") {
                output.append(byte)
                position += 1
            } else if isRaw {
                output.append(byte)
                output.append(bytes[position + 1])
                position += 2
            } else {
                position = try decodeEscape(at: position)
            }
        }
        return output
    }

    /// Decodes the escape whose backslash is at `backslash`; returns the offset after it.
    private mutating func decodeEscape(at backslash: Int) throws(Failure) -> Int {
        let end = range.upperBound
        let p = backslash + 1
        func fail(_ message: String) -> Failure { Failure(message: message, offset: backslash) }
        func excerpt(_ length: Int) -> String {
            String(decoding: bytes[p..<min(p + length, end)], as: UTF8.self)
        }
        let letter = bytes[p]
        switch letter {
        case UInt8(ascii: "a"): output.append(0x07)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "v"): output.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "?"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
            output.append(letter)
        case UInt8(ascii: "0")...UInt8(ascii: "3"):
            let prefix = "Illegal escape sequence: Octal escape must be followed by 3 octal digits but saw: \\"
            guard p + 2 < end else { throw fail(prefix + excerpt(end - p)) }
            var value: UInt32 = 0
            for digit in bytes[p...(p + 2)] {
                guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "7") else { throw fail(prefix + excerpt(3)) }
                value = value * 8 + UInt32(digit - UInt8(ascii: "0"))
            }
            appendCodeUnit(value)
            return p + 3
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            let prefix = "Illegal escape sequence: Hex escape must be followed by 2 hex digits but saw: \\"
            guard p + 2 < end else { throw fail(prefix + excerpt(end - p)) }
            guard let value = Self.hexValue(bytes[(p + 1)...(p + 2)]) else { throw fail(prefix + excerpt(3)) }
            appendCodeUnit(value)
            return p + 3
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let letterText = letter == UInt8(ascii: "u") ? "u" : "U"
            if isBytes {
                throw fail("Illegal escape sequence: Unicode escape sequence \\\(letterText) cannot be used in bytes literals")
            }
            let digits = letter == UInt8(ascii: "u") ? 4 : 8
            let prefix = "Illegal escape sequence: \\\(letterText) must be followed by \(digits) hex digits but saw: \\"
            guard p + digits < end else { throw fail(prefix + excerpt(end - p)) }
            var value: UInt32 = 0
            for index in 1...digits {
                guard let digit = Self.hexValue(bytes[(p + index)...(p + index)]) else { throw fail(prefix + excerpt(digits + 1)) }
                value = value << 4 + digit
                if value > 0x10FFFF {
                    throw fail("Illegal escape sequence: Value of \\\(excerpt(digits + 1)) exceeds Unicode limit (0x0010FFFF)")
                }
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw fail("Illegal escape sequence: Unicode value \\\(excerpt(digits + 1)) is invalid")
            }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
            return p + 1 + digits
        case 0x0A, 0x0D:
            throw fail("Illegal escaped newline")
        default:
            throw fail("Illegal escape sequence: \\\(Self.character(in: bytes, at: p, end: end))")
        }
        return p + 1
    }

    /// Octal and hex escapes are one byte in bytes literals and one code point in strings.
    private mutating func appendCodeUnit(_ value: UInt32) {
        if isBytes {
            output.append(UInt8(value))
        } else {
            output.append(contentsOf: Array(String(Character(Unicode.Scalar(UInt8(value)))).utf8))
        }
    }

    private static func hexValue(_ digits: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 + UInt32(nibble)
        }
        return value
    }

    /// The whole UTF-8 character starting at `offset`.
    private static func character(in bytes: [UInt8], at offset: Int, end: Int) -> String {
        var stop = offset + 1
        while stop < end, bytes[stop] & 0xC0 == 0x80 { stop += 1 }
        return String(decoding: bytes[offset..<stop], as: UTF8.self)
    }
}
