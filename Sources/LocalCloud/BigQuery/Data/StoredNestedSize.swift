import TerraceJSON

extension RowCodec {
    /// ``nestedSize(_:field:)`` of a nested column's stored text, read by the scanner instead of
    /// parsed into a tree; nil for text or types it leaves to the tree (JSON and BYTES fields,
    /// values not in the stored form).
    static func nestedSize(stored bytes: UnsafeBufferPointer<UInt8>, field: FieldSchema) -> Int64? {
        guard let kind = JSONScanner.validate(bytes) else { return nil }
        return storedSize(kind, 0..<bytes.count, in: bytes, field: field)
    }

    private static func storedSize(_ kind: JSONValueKind, _ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, field: FieldSchema) -> Int64? {
        if field.mode == .repeated {
            if kind == .null { return 0 }
            guard kind == .array else { return nil }
            let element = FieldSchema(name: field.name, type: field.type, mode: .nullable, fields: field.fields)
            var total: Int64 = 0
            var known = true
            let valid = JSONScanner.elements(of: range, in: bytes) { elementKind, elementRange in
                guard known, let size = storedSize(elementKind, elementRange, in: bytes, field: element) else { known = false; return }
                total += size
            }
            return valid && known ? total : nil
        }
        if kind == .null { return field.type == "JSON" ? nil : 0 }
        if field.type == "RECORD" {
            guard kind == .object else { return nil }
            var total: Int64 = 0
            var known = true
            var seen = Set<Int>()
            let valid = JSONScanner.members(of: range, in: bytes) { member in
                guard known, !member.keyIsEscaped else { known = false; return }
                let key = UnsafeBufferPointer(rebasing: bytes[member.key])
                // Members the schema does not name are not counted (as in the tree).
                guard let index = field.fields.firstIndex(where: { $0.name.utf8.elementsEqual(key) }) else { return }
                guard seen.insert(index).inserted, let size = storedSize(member.kind, member.value, in: bytes, field: field.fields[index]) else {
                    known = false
                    return
                }
                total += size
            }
            return valid && known ? total : nil
        }
        switch (field.type, kind) {
        case ("STRING", .string), ("GEOGRAPHY", .string):
            let value = UnsafeBufferPointer(rebasing: bytes[range])
            guard value.contains(0x5C) else { return 2 + Int64(value.count - 2) }
            return 2 + Int64(JSONScanner.string(range, in: bytes).utf8.count)
        case ("INTEGER", .integer), ("TIMESTAMP", .integer), ("FLOAT", .integer), ("FLOAT", .float), ("DATE", .string), ("DATETIME", .string),
             ("TIME", .string):
            return 8
        case ("BOOLEAN", .true), ("BOOLEAN", .false): return 1
        case ("NUMERIC", .string): return 16
        case ("BIGNUMERIC", .string): return 32
        default: return nil
        }
    }
}
