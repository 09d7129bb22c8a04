import TerraceJSON

/// Protobuf Duration strings ("600s", "3.5s") as microseconds.
public enum ProtoDuration {
    private static func isDigit(_ c: Character) -> Bool { ("0"..."9").contains(c) }

    public static func parse(_ text: String, field: String) throws -> Int64 {
        let bad = GCPError.invalid("Invalid value for field '\(field)': \"\(text)\" is not a duration like \"600s\".")
        guard text.hasSuffix("s") else { throw bad }
        let number = text.dropLast()
        let pieces = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = pieces.first, !whole.isEmpty, whole.allSatisfy(isDigit), whole.count <= 12,
              let seconds = Int64(whole)
        else { throw bad }
        var micros = seconds * 1_000_000
        if pieces.count == 2 {
            let fraction = pieces[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy(isDigit) else { throw bad }
            let padded = String((fraction + "000000").prefix(6))
            micros += Int64(padded) ?? 0
        }
        return micros
    }

    public static func format(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000
        let fraction = micros % 1_000_000
        guard fraction != 0 else { return "\(seconds)s" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(seconds).\(digits)s"
    }

    /// Parses `text` and checks it lies in `range` (seconds); answers the normalised string.
    public static func normalise(_ text: String, field: String, range: ClosedRange<Int64>, rangeText: String) throws -> String {
        let micros = try parse(text, field: field)
        guard micros >= range.lowerBound * 1_000_000, micros <= range.upperBound * 1_000_000 else {
            throw GCPError.invalid("Invalid value for field '\(field)': \(text) must be \(rangeText).")
        }
        return format(micros)
    }
}

/// Field masks (`google.protobuf.FieldMask` in JSON: "a,b.c") of the newer APIs' update requests.
public enum FieldMask {
    /// The paths of `mask`, trimmed; empty for none.
    public static func split(_ mask: String?) -> [String] {
        (mask ?? "").split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
    }

    /// The top-level fields named by `mask`; empty or not in `allowed` is a 400.
    public static func paths(_ mask: String?, allowed: Set<String>) throws -> [String] {
        let paths = split(mask)
        guard !paths.isEmpty else {
            throw GCPError.invalid("The update_mask in the request must be set and must contain at least one field.")
        }
        for path in paths {
            let top = path.split(separator: ".").first.map(String.init) ?? path
            guard allowed.contains(top) else {
                throw GCPError.invalid("Invalid update_mask provided in the request: \"\(path)\" is not a field that can be updated.")
            }
        }
        return paths.map { $0.split(separator: ".").first.map(String.init) ?? $0 }
    }
}
