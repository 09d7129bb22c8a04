import TerraceJSON
import TerraceSQLite

/// Encodes NDJSON lines as rows without building a tree per line: the line is scanned, each
/// key mapped to its field through the layout, each value decoded to the same `JSON` value
/// jansson would give (only nested values are parsed, alone), then stored by the same
/// ``RowCodec/values(_:layout:ignoreUnknownValues:)`` as the tree path, so rows and errors are
/// the same. A line it cannot settle this way (not a valid object, unknown fields to report,
/// two keys naming one field) is left to the tree path.
struct ScannedRowEncoder {
    let layout: RowCodec.Layout
    let ignoreUnknownValues: Bool
    private var scanner = JSONScanner()
    private var given: [JSON?]
    /// The position the key at each member index had in the last line (lines of a file
    /// usually share their keys' order), checked before the layout is asked.
    private var hints: [Int] = []

    init(layout: RowCodec.Layout, ignoreUnknownValues: Bool) {
        self.layout = layout
        self.ignoreUnknownValues = ignoreUnknownValues
        given = Array(repeating: nil, count: layout.fields.count)
    }

    /// The row `line` holds, or nil when the line must take the tree path.
    mutating func encode(_ line: UnsafeBufferPointer<UInt8>) throws(RowError) -> [SQLValue]? {
        guard scanner.scanObject(line) else { return nil }
        for index in given.indices { given[index] = nil }
        for (index, member) in scanner.members.enumerated() {
            guard let position = position(of: member, at: index, in: line) else {
                if ignoreUnknownValues { continue }
                return nil
            }
            // Two keys naming one field: which one wins is the tree path's to decide.
            guard given[position] == nil else { return nil }
            if let value = JSONScanner.scalar(member.kind, member.value, in: line) {
                given[position] = value
            } else if let nested = try? JSON.parse(UnsafeBufferPointer(rebasing: line[member.value])) {
                given[position] = nested
            } else {
                return nil
            }
        }
        return try RowCodec.values(given, layout: layout, ignoreUnknownValues: ignoreUnknownValues)
    }

    /// The layout position of `member`'s key (exact name first, then case-insensitively).
    private mutating func position(of member: JSONMember, at index: Int, in line: UnsafeBufferPointer<UInt8>) -> Int? {
        let key = UnsafeBufferPointer(rebasing: line[member.key])
        if !member.keyIsEscaped, index < hints.count, hints[index] >= 0, layout.fields[hints[index]].name.utf8.elementsEqual(key) {
            return hints[index]
        }
        let name = member.keyIsEscaped ? JSONScanner.string(member.key, in: line) : String(decoding: key, as: UTF8.self)
        let position = layout.position(of: name)
        while hints.count <= index { hints.append(-1) }
        hints[index] = position ?? -1
        return position
    }
}
