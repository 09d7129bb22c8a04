import TerraceJSON

/// Records as readers hand them to the sink: parsed values, or JSON text with each record's
/// byte range (the records of a page, not parsed into trees).
enum RecordBatch: Sendable {
    case parsed([JSON])
    case raw(RawRecords)

    var isEmpty: Bool {
        switch self {
        case .parsed(let records): records.isEmpty
        case .raw(let records): records.ranges.isEmpty
        }
    }
}

/// JSON text holding records, and where each one lies in it.
struct RawRecords: Sendable {
    let bytes: [UInt8]
    let ranges: [Range<Int>]
}

/// A JSON page split for the raw path: its records array's elements as byte ranges, and the
/// rest of the page parsed (the records array replaced by `[]`) for pagination fields.
struct RawPage {
    var rest: JSON
    var records: RawRecords

    /// Splits `body` at the array at `path` (object keys), or nil when the page is not valid
    /// JSON or the path does not lead to an array: the caller then parses the page whole.
    init?(_ body: [UInt8], path: [String]) {
        var ranges: [Range<Int>] = []
        var found: Range<Int>?
        body.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner()
            guard let array = scanner.arrayRange(at: path, in: bytes) else { return }
            let valid = scanner.scanArray(UnsafeBufferPointer(rebasing: bytes[array])) { element in
                ranges.append((element.lowerBound + array.lowerBound)..<(element.upperBound + array.lowerBound))
            }
            if valid { found = array }
        }
        guard let found else { return nil }
        var restBytes: [UInt8] = []
        restBytes.reserveCapacity(body.count - found.count + 2)
        restBytes.append(contentsOf: body[..<found.lowerBound])
        restBytes.append(contentsOf: "[]".utf8)
        restBytes.append(contentsOf: body[found.upperBound...])
        guard let rest = try? JSON.parse(restBytes) else { return nil }
        self.rest = rest
        records = RawRecords(bytes: body, ranges: ranges)
    }

    /// The path's keys when the raw path can serve `records` (a dotted path of object keys)
    /// without changing what `others` (the pagination's paths) find in the rest of the page
    /// (none of them may lead into the records array).
    static func keys(_ records: String?, others: [String]) -> [String]? {
        guard let records else { return nil }
        let keys = JSONPath.components(records).map(String.init)
        guard !keys.isEmpty, keys.allSatisfy({ Int($0) == nil && $0.utf8.allSatisfy { $0 < 0x80 } }) else { return nil }
        for other in others where JSONPath.components(other).map(String.init).starts(with: keys) { return nil }
        return keys
    }
}
