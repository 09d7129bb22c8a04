/// Code points, hexadecimal and base64 conversions of `STRING` and `BYTES` values.
extension StringFunctions {
    // MARK: Code points, hex, base64

    /// `TO_CODE_POINTS(string)`.
    public static func toCodePoints(_ value: String?) -> [Int64]? {
        value.map { $0.unicodeScalars.map { Int64($0.value) } }
    }

    /// `TO_CODE_POINTS(bytes)`.
    public static func toCodePoints(_ value: [UInt8]?) -> [Int64]? {
        value.map { $0.map(Int64.init) }
    }

    /// `CODE_POINTS_TO_STRING(array)`: `NULL` if any element is `NULL`.
    public static func codePointsToString(_ codePoints: [Int64?]?) throws -> String? {
        guard let codePoints else { return nil }
        var scalars: [Unicode.Scalar] = []
        for codePoint in codePoints {
            guard let codePoint else { return nil }
            guard codePoint >= 0, codePoint <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(codePoint)) else {
                throw BigQueryFunctionError("Invalid codepoint \(codePoint)")
            }
            scalars.append(scalar)
        }
        return scalarsString(scalars)
    }

    /// `TO_HEX(bytes)`: lowercase hexadecimal.
    public static func toHex(_ value: [UInt8]?) -> String? {
        value.map { $0.map(hexByte).joined() }
    }

    /// `FROM_HEX(string)`: case-insensitive; an odd length acts as if a leading `0` were present.
    public static func fromHex(_ value: String?) throws -> [UInt8]? {
        guard let value else { return nil }
        var digits: [UInt8] = []
        for (offset, byte) in value.utf8.enumerated() {
            guard let digit = hexValue(byte) else {
                throw BigQueryFunctionError("Failed to decode invalid hexadecimal string due to character at offset \(offset): \(value)")
            }
            digits.append(digit)
        }
        if digits.count % 2 == 1 { digits.insert(0, at: 0) }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `TO_BASE64(bytes)`: RFC 4648 alphabet with padding.
    public static func toBase64(_ value: [UInt8]?) -> String? {
        guard let value else { return nil }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i < value.count {
            let chunk = value[i..<min(i + 3, value.count)]
            var bits: UInt32 = 0
            for (k, byte) in chunk.enumerated() { bits |= UInt32(byte) << (16 - 8 * UInt32(k)) }
            for k in 0..<4 {
                if k <= chunk.count {
                    out.append(alphabet[Int((bits >> (18 - 6 * UInt32(k))) & 0x3F)])
                } else {
                    out.append("=")
                }
            }
            i += 3
        }
        return out
    }

    /// `SAFE_CONVERT_BYTES_TO_STRING(bytes)`: each byte of an invalid UTF-8 sequence becomes U+FFFD.
    public static func safeConvertBytesToString(_ value: [UInt8]?) -> String? {
        guard let value else { return nil }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < value.count {
            if let (scalar, width) = decodeUTF8(value, at: i) {
                out.append(scalar)
                i += width
            } else {
                out.append("\u{FFFD}")
                i += 1
            }
        }
        return String(out)
    }

    /// Decodes one well-formed UTF-8 sequence at `i`.
    static func decodeUTF8(_ bytes: [UInt8], at i: Int) -> (Unicode.Scalar, Int)? {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let width: Int
        var value: UInt32
        var minimum: UInt32
        switch b0 {
        case 0xC2...0xDF: width = 2; value = UInt32(b0 & 0x1F); minimum = 0x80
        case 0xE0...0xEF: width = 3; value = UInt32(b0 & 0x0F); minimum = 0x800
        case 0xF0...0xF4: width = 4; value = UInt32(b0 & 0x07); minimum = 0x10000
        default: return nil
        }
        guard i + width <= bytes.count else { return nil }
        for k in 1..<width {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, width)
    }
}
