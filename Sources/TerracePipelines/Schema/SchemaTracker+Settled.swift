import TerraceJSON

/// The tracker's fast path: the fields a record can carry unchanged (``SchemaTracker/settledRecords``),
/// and whether a record passes as it is, given parsed or as the scanner's members of its text.
extension SchemaTracker {
    /// A field a record may carry as is.
    struct Settled: Sendable {
        enum Shape: Sendable, Equatable {
            case integer, float, string, boolean
            /// A RECORD, settled as `settledRecords[index]`.
            case record(Int)
        }
        /// The field's name, as bytes.
        var name: [UInt8]
        var shape: Shape
        var repeated: Bool
        /// The declared type, whose values are checked (nil: inferred).
        var declared: String?
        var required: Bool
    }

    /// The settled fields of the top level or of one RECORD field.
    struct SettledRecord: Sendable {
        var fields: [Settled] = []
        var byName: [String: Int] = [:]
        /// Required fields (declared with `required`), settled or not.
        var requiredCount = 0
        /// Scratch for ``admitsUnchanged(_:in:)``: the field each member position matched in
        /// the last object (objects usually share their keys' order), and the stamp of the
        /// last object that had each field.
        var hints: [Int] = []
        var seen: [UInt32] = []
    }

    /// Rebuilds the settled records from the schema.
    mutating func settle() {
        settledRecords = []
        stamp = 0
        _ = settle(root)
    }

    /// Adds `node`'s settled fields as a settled record, and those of its RECORD fields;
    /// answers the record's index.
    private mutating func settle(_ node: Node) -> Int {
        let index = settledRecords.count
        settledRecords.append(SettledRecord())
        var record = SettledRecord()
        for (name, child) in node.children {
            if child.required { record.requiredCount += 1 }
            guard child.declared || child.sample != nil, SchemaTracker.columnName(name) == name else { continue }
            let shape: Settled.Shape
            switch child.type {
            case .scalar("INTEGER"): shape = .integer
            case .scalar("FLOAT"): shape = .float
            case .scalar("STRING"): shape = .string
            case .scalar("BOOLEAN"): shape = .boolean
            case .record where !child.declared: shape = .record(settle(child))
            default: continue
            }
            let declared: String? = if child.declared, case .scalar(let type) = child.type { type } else { nil }
            record.byName[name] = record.fields.count
            record.fields.append(Settled(name: Array(name.utf8), shape: shape, repeated: child.repeated, declared: declared, required: child.required))
        }
        record.seen = Array(repeating: 0, count: record.fields.count)
        settledRecords[index] = record
        return index
    }

    /// Whether `fields` are all settled top-level scalars with values of their types
    /// (declared ones checked), so the record lands as it came and the schema learns nothing
    /// from it.
    func passesSettled(_ fields: [String: JSON], at location: String) throws -> Bool {
        let top = settledRecords[0]
        var required = 0
        for (name, value) in fields {
            guard let position = top.byName[name] else { return false }
            let field = top.fields[position]
            guard !field.repeated else { return false }
            if let declared = field.declared {
                guard !value.isNull else { return false }
                try Self.check(value, against: declared, path: name, location: location)
            } else {
                switch (field.shape, value) {
                case (.integer, .int), (.float, .int), (.float, .double), (.string, .string), (.boolean, .bool): break
                default: return false
                }
            }
            if field.required { required += 1 }
        }
        return required == top.requiredCount
    }

    /// Whether a record given as scanned members (of the object text `bytes`) passes as it
    /// is, as ``admit(_:at:)`` would pass it unchanged without touching the schema: in it and
    /// in every nested object, each key unescaped, given once, naming a settled field, with a
    /// value of the field's own kind (an array of them when the field is repeated; declared
    /// fields too: no value that needs their check), and every required field there. False
    /// says nothing against the record: it then goes through ``admit(_:at:)``.
    public mutating func admitsUnchanged(_ members: [JSONMember], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let stamp = nextStamp()
        var required = 0
        for (index, member) in members.enumerated() {
            guard admits(member, at: index, of: 0, stamp: stamp, required: &required, in: bytes) else { return false }
        }
        return required == settledRecords[0].requiredCount
    }

    private mutating func nextStamp() -> UInt32 {
        stamp &+= 1
        if stamp == 0 {
            for index in settledRecords.indices { settledRecords[index].seen = Array(repeating: 0, count: settledRecords[index].seen.count) }
            stamp = 1
        }
        return stamp
    }

    /// Whether `member`, the `index`th of an object stamped `stamp`, passes as a field of
    /// settled record `record`.
    private mutating func admits(_ member: JSONMember, at index: Int, of record: Int, stamp: UInt32, required: inout Int,
                                 in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !member.keyIsEscaped, let position = settledPosition(UnsafeBufferPointer(rebasing: bytes[member.key]), at: index, of: record),
              settledRecords[record].seen[position] != stamp else { return false }
        settledRecords[record].seen[position] = stamp
        let field = settledRecords[record].fields[position]
        if field.required { required += 1 }
        guard field.repeated else { return admits(member.kind, member.value, as: field.shape, in: bytes) }
        guard member.kind == .array else { return false }
        var passes = true
        let valid = JSONScanner.elements(of: member.value, in: bytes) { kind, range in
            if passes { passes = admits(kind, range, as: field.shape, in: bytes) }
        }
        return valid && passes
    }

    /// Whether a value of `kind` at `range` passes as it is as a value of `shape`.
    private mutating func admits(_ kind: JSONValueKind, _ range: Range<Int>, as shape: Settled.Shape, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch (shape, kind) {
        case (.integer, .integer), (.float, .integer), (.float, .float), (.string, .string), (.boolean, .true), (.boolean, .false):
            return true
        case (.record(let record), .object):
            let stamp = nextStamp()
            var required = 0
            var index = 0
            var passes = true
            let valid = JSONScanner.members(of: range, in: bytes) { member in
                guard passes else { return }
                passes = admits(member, at: index, of: record, stamp: stamp, required: &required, in: bytes)
                index += 1
            }
            return valid && passes && required == settledRecords[record].requiredCount
        default:
            return false
        }
    }

    /// The field of settled record `record` named by the ASCII `key` of the member at `index`.
    private mutating func settledPosition(_ key: UnsafeBufferPointer<UInt8>, at index: Int, of record: Int) -> Int? {
        let hints = settledRecords[record].hints
        if index < hints.count, hints[index] >= 0, settledRecords[record].fields[hints[index]].name.elementsEqual(key) {
            return hints[index]
        }
        guard key.allSatisfy({ $0 < 0x80 }), let position = settledRecords[record].byName[String(decoding: key, as: UTF8.self)] else { return nil }
        while settledRecords[record].hints.count <= index { settledRecords[record].hints.append(-1) }
        settledRecords[record].hints[index] = position
        return position
    }
}
