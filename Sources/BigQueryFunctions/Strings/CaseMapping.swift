extension StringFunctions {
    /// `LOWER(string)`: Unicode full case mapping with no language-specific rules (ICU's root
    /// locale), including the context-sensitive final sigma (Σ → ς at the end of a word).
    public static func lower(_ value: String?) -> String? {
        guard let value else { return nil }
        if let ascii = asciiMapped(value, from: 0x41, through: 0x5A, by: 32) { return ascii }
        let scalars = Array(value.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, scalar) in scalars.enumerated() {
            if scalar == "\u{03A3}" && isFinalSigma(scalars, at: i) {
                out.append("\u{03C2}")
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    /// `UPPER(string)`: Unicode full case mapping (for example ß → SS), no language rules.
    public static func upper(_ value: String?) -> String? {
        guard let value else { return nil }
        if let ascii = asciiMapped(value, from: 0x61, through: 0x7A, by: -32) { return ascii }
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            out.append(contentsOf: scalar.properties.uppercaseMapping.unicodeScalars)
        }
        return String(out)
    }

    /// An all-ASCII `value` with the letters `from…through` shifted `by` (the whole of Unicode's
    /// case mapping on ASCII); `nil` when `value` holds anything else.
    static func asciiMapped(_ value: String, from low: UInt8, through high: UInt8, by shift: Int8) -> String? {
        var value = value
        return value.withUTF8 { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard bytes.contains(where: { $0 >= low && $0 <= high }) else { return String(decoding: bytes, as: UTF8.self) }
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                for (index, byte) in bytes.enumerated() {
                    buffer[index] = byte >= low && byte <= high ? UInt8(Int8(bitPattern: byte) &+ shift) : byte
                }
                return bytes.count
            }
        }
    }

    /// `LOWER(bytes)`: ASCII letters only; bytes above 127 are left intact.
    public static func lower(_ value: [UInt8]?) -> [UInt8]? {
        value.map { $0.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 } }
    }

    /// `UPPER(bytes)`: ASCII letters only.
    public static func upper(_ value: [UInt8]?) -> [UInt8]? {
        value.map { $0.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 } }
    }

    /// Unicode's Final_Sigma condition: preceded by a cased letter (skipping case-ignorables) and
    /// not followed by one.
    static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var i = index - 1
        while i >= 0 && scalars[i].properties.isCaseIgnorable { i -= 1 }
        guard i >= 0, scalars[i].properties.isCased else { return false }
        var j = index + 1
        while j < scalars.count && scalars[j].properties.isCaseIgnorable { j += 1 }
        return !(j < scalars.count && scalars[j].properties.isCased)
    }
}
