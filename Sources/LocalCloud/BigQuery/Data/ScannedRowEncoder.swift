import TerraceJSON
import TerraceSQLite

/// Encodes NDJSON lines as rows without building a tree per line: the line is scanned, each
/// key mapped to its field through the layout, each scalar decoded to the same `JSON` value
/// jansson would give and stored by the same ``RowCodec/column(_:field:path:ignoreUnknownValues:)``
/// as the tree path, each RECORD or REPEATED value written to its stored text by a
/// ``ScannedNestedEncoder``, so rows and errors are the same. A line it cannot settle this way
/// (not a valid object, unknown fields to report, two keys naming one field, a nested value
/// that needs converting or refusing) is left to the tree path.
struct ScannedRowEncoder {
    let layout: RowCodec.Layout
    let ignoreUnknownValues: Bool
    private var scanner = JSONScanner()
    private var given: [JSON?]
    /// The stored value of each nested field given, by position.
    private var nested: [SQLValue?]
    /// Each nested field's encoder (nil for scalars).
    private let nestedEncoders: [ScannedNestedEncoder?]
    private var text: [UInt8] = []
    /// The position the key at each member index had in the last line (lines of a file
    /// usually share their keys' order), checked before the layout is asked.
    private var hints: [Int] = []
    /// The logical size (``RowCodec/size(_:field:)``) of the last row encoded.
    private(set) var rowBytes: Int64 = 0

    init(layout: RowCodec.Layout, ignoreUnknownValues: Bool) {
        self.layout = layout
        self.ignoreUnknownValues = ignoreUnknownValues
        given = Array(repeating: nil, count: layout.fields.count)
        nested = Array(repeating: nil, count: layout.fields.count)
        nestedEncoders = layout.fields.map { $0.isNested ? ScannedNestedEncoder($0, ignoreUnknownValues: ignoreUnknownValues) : nil }
    }

    /// The row `line` holds, or nil when the line must take the tree path.
    mutating func encode(_ line: UnsafeBufferPointer<UInt8>) throws(RowError) -> [SQLValue]? {
        guard scanner.scanObject(line) else { return nil }
        for index in given.indices {
            given[index] = nil
            nested[index] = nil
        }
        var bytes: Int64 = 0
        for (index, member) in scanner.members.enumerated() {
            guard let position = position(of: member, at: index, in: line) else {
                if ignoreUnknownValues { continue }
                return nil
            }
            // Two keys naming one field: which one wins is the tree path's to decide.
            guard given[position] == nil, nested[position] == nil else { return nil }
            if let encoder = nestedEncoders[position] {
                guard let value = encodeNested(member, with: encoder, in: line, size: &bytes) else { return nil }
                nested[position] = value
            } else if let value = JSONScanner.scalar(member.kind, member.value, in: line) {
                given[position] = value
            } else if let value = try? JSON.parse(UnsafeBufferPointer(rebasing: line[member.value])) {
                // An object or array for a scalar field (a JSON column's value, or an error).
                given[position] = value
            } else {
                return nil
            }
        }
        var values: [SQLValue] = []
        values.reserveCapacity(layout.fields.count)
        for (position, field) in layout.fields.enumerated() {
            if nestedEncoders[position] != nil {
                if let value = nested[position] {
                    values.append(value)
                } else if field.mode == .repeated {
                    values.append(.text("[]"))
                } else {
                    guard field.mode != .required else { return nil }
                    values.append(.null)
                }
            } else {
                let value = try RowCodec.column(given[position], field: field, path: field.name, ignoreUnknownValues: ignoreUnknownValues)
                bytes += RowCodec.scalarSize(value, type: field.type)
                values.append(value)
            }
        }
        rowBytes = bytes
        return values
    }

    /// A nested field's stored value, or nil when the tree path must decide.
    private mutating func encodeNested(_ member: JSONMember, with encoder: ScannedNestedEncoder, in line: UnsafeBufferPointer<UInt8>,
                                       size: inout Int64) -> SQLValue? {
        if member.kind == .null, encoder.field.mode != .repeated {
            return encoder.field.mode == .required ? nil : .null
        }
        text.removeAll(keepingCapacity: true)
        guard encoder.encode(member.kind, member.value, in: line, into: &text, size: &size) else { return nil }
        return .text(String(decoding: text, as: UTF8.self))
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
