import TerraceJSON
import TerraceSQLite

/// Writes a RECORD or REPEATED field's stored text (``RowCodec``'s canonical JSON) straight
/// from the scanned text of its value, and its logical size, without a tree. It takes only the
/// values whose conversion is plain (objects for records, arrays for repeated fields, INTEGER
/// from integers, FLOAT from numbers, STRING from strings, BOOLEAN from true and false, nulls
/// where allowed); anything else — another type, a value to convert or to refuse, an unknown
/// key to report, two keys naming one field — answers false, and the row takes the tree path,
/// whose rows and errors are the reference.
final class ScannedNestedEncoder {
    let field: FieldSchema
    /// A RECORD's fields in the order the canonical text writes them (sorted by name).
    private let children: [ScannedNestedEncoder]
    /// Each child's `"name":` as written.
    private let keys: [[UInt8]]
    /// Child positions by lowercased name (names match case-insensitively, as in BigQuery).
    private let folded: [String: Int]
    private let ignoreUnknownValues: Bool
    /// Scratch per object: each child's value, and the child each member position matched in
    /// the last object (objects usually share their keys' order).
    private var given: [(kind: JSONValueKind, range: Range<Int>)?]
    private var hints: [Int] = []

    init(_ field: FieldSchema, ignoreUnknownValues: Bool) {
        self.field = field
        self.ignoreUnknownValues = ignoreUnknownValues
        let sorted = field.type == "RECORD" ? field.fields.sorted { $0.name < $1.name } : []
        children = sorted.map { ScannedNestedEncoder($0, ignoreUnknownValues: ignoreUnknownValues) }
        keys = sorted.map { JSON.string($0.name).encodedBytes() + [UInt8(ascii: ":")] }
        folded = Dictionary(sorted.enumerated().map { ($1.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        given = Array(repeating: nil, count: sorted.count)
    }

    /// Appends the stored text of the value of `kind` at `range` in `bytes` (text the scanner
    /// accepted) to `out` and its size to `size`; false when the tree path must decide.
    func encode(_ kind: JSONValueKind, _ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8],
                size: inout Int64) -> Bool {
        guard field.mode == .repeated else { return encodeElement(kind, range, in: bytes, into: &out, size: &size) }
        switch kind {
        case .null:
            out.append(contentsOf: "[]".utf8)
            return true
        case .array:
            out.append(UInt8(ascii: "["))
            var first = true
            var encoded = true
            let valid = JSONScanner.elements(of: range, in: bytes) { elementKind, elementRange in
                guard encoded else { return }
                // A NULL element is an error: the tree path words it.
                guard elementKind != .null else { encoded = false; return }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                encoded = encodeElement(elementKind, elementRange, in: bytes, into: &out, size: &size)
            }
            out.append(UInt8(ascii: "]"))
            return valid && encoded
        default:
            return false
        }
    }

    /// A value of the field as if it were not repeated.
    private func encodeElement(_ kind: JSONValueKind, _ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8],
                               size: inout Int64) -> Bool {
        if kind == .null {
            guard field.mode == .nullable else { return false }
            out.append(contentsOf: "null".utf8)
            return true
        }
        let value = UnsafeBufferPointer(rebasing: bytes[range])
        switch (field.type, kind) {
        case ("RECORD", .object):
            return encodeRecord(range, in: bytes, into: &out, size: &size)
        case ("INTEGER", .integer):
            guard let number = JSONScanner.int64(value) else { return false }
            JSON.int(number).appendEncoded(to: &out)
            size += 8
        case ("FLOAT", .integer):
            guard let number = JSONScanner.int64(value) else { return false }
            JSON.double(Double(number)).appendEncoded(to: &out)
            size += 8
        case ("FLOAT", .float):
            guard let number = JSONScanner.double(value), number.isFinite else { return false }
            JSON.double(number).appendEncoded(to: &out)
            size += 8
        case ("STRING", .string):
            if value.contains(0x5C) {
                let text = JSONScanner.string(range, in: bytes)
                JSON.string(text).appendEncoded(to: &out)
                size += 2 + Int64(text.utf8.count)
            } else {
                // Without escapes the text is already as the encoder writes it.
                out.append(contentsOf: value)
                size += 2 + Int64(value.count - 2)
            }
        case ("BOOLEAN", .true):
            out.append(contentsOf: "true".utf8)
            size += 1
        case ("BOOLEAN", .false):
            out.append(contentsOf: "false".utf8)
            size += 1
        default:
            return false
        }
        return true
    }

    /// An object as the record: every field of the schema, in name order, missing ones null
    /// (or `[]` when repeated).
    private func encodeRecord(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], size: inout Int64) -> Bool {
        for index in given.indices { given[index] = nil }
        var index = 0
        var settled = true
        let valid = JSONScanner.members(of: range, in: bytes) { member in
            defer { index += 1 }
            guard settled else { return }
            guard let position = position(of: member, at: index, in: bytes) else {
                settled = ignoreUnknownValues
                return
            }
            // Two keys naming one field: which one wins is the tree path's to decide.
            guard given[position] == nil else { settled = false; return }
            given[position] = (member.kind, member.value)
        }
        guard valid, settled else { return false }
        out.append(UInt8(ascii: "{"))
        for (position, child) in children.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: keys[position])
            if let value = given[position] {
                guard child.encode(value.kind, value.range, in: bytes, into: &out, size: &size) else { return false }
            } else if child.field.mode == .repeated {
                out.append(contentsOf: "[]".utf8)
            } else {
                guard child.field.mode != .required else { return false }
                out.append(contentsOf: "null".utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
        return true
    }

    /// The child `member`'s key names (exactly first, then case-insensitively).
    private func position(of member: JSONMember, at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let key = UnsafeBufferPointer(rebasing: bytes[member.key])
        if !member.keyIsEscaped, index < hints.count, hints[index] >= 0, children[hints[index]].field.name.utf8.elementsEqual(key) {
            return hints[index]
        }
        let name = member.keyIsEscaped ? JSONScanner.string(member.key, in: bytes) : String(decoding: key, as: UTF8.self)
        let position = folded[name.lowercased()]
        while hints.count <= index { hints.append(-1) }
        hints[index] = position ?? -1
        return position
    }
}
