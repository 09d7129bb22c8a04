extension StringFunctions {
    /// `LOWER(string)`: Unicode full case mapping with no language-specific rules (ICU's root
    /// locale), including the context-sensitive final sigma (Σ → ς at the end of a word).
    public static func lower(_ value: String?) -> String? {
        guard let value else { return nil }
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
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            out.append(contentsOf: scalar.properties.uppercaseMapping.unicodeScalars)
        }
        return String(out)
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
