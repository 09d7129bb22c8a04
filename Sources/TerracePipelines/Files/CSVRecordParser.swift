import Glibc
import TerraceJSON

/// CSV records as JSON objects of strings (see ``CSVOptions`` for the rules), parsed by a byte
/// state machine: runs of ordinary bytes are copied in bulk into one buffer per record, and a
/// record becomes an object only once it is complete.
struct CSVRecordParser: RecordParser {
    private enum State {
        /// At the start of a field (and of a record when `recordStarted` is false).
        case fieldStart
        case unquoted
        case quoted
        /// A quote inside a quoted field: doubled (a literal quote) or closing.
        case quoteInQuoted
        /// After a closing quote, before the delimiter or the line end.
        case afterQuoted
    }

    private let delimiter: UInt8
    /// The quote byte, or -1 when there is none (never equals a byte).
    private let quote: Int
    private let hasHeader: Bool
    private let nullMarkers: [[UInt8]]
    private let maxRecordBytes: Int
    private var names: [String]?

    private var state = State.fieldStart
    /// The current record's field bytes back to back; `ends[k]` is where field k ends.
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var quotedFields: [Bool] = []
    private var fieldQuoted = false
    private var recordStarted = false
    /// A CR ended the last chunk: a LF starting the next one belongs to it.
    private var skipLineFeed = false
    /// The physical line being read, and the one the current record started on.
    private var line = 1
    private var recordLine = 1

    init(options: CSVOptions, maxRecordBytes: Int) {
        delimiter = options.delimiter
        quote = options.quote.map { Int($0) } ?? -1
        hasHeader = options.hasHeader
        nullMarkers = options.nullMarkers.map { Array($0.utf8) }
        self.maxRecordBytes = maxRecordBytes
        bytes.reserveCapacity(4096)
    }

    mutating func feed(_ input: UnsafeBufferPointer<UInt8>, into sink: inout RecordSink) throws {
        guard let p = input.baseAddress, input.count > 0 else { return }
        let n = input.count
        let delimiter = self.delimiter
        let quote = self.quote
        var i = 0
        if skipLineFeed {
            skipLineFeed = false
            if p[0] == lineFeed { i = 1 }
        }
        while i < n {
            switch state {
            case .fieldStart:
                let byte = p[i]
                if !recordStarted {
                    if byte == lineFeed || byte == carriageReturn {  // a blank line
                        i = consumeLineEnd(p, n, i)
                        continue
                    }
                    recordStarted = true
                    recordLine = line
                }
                if Int(byte) == quote {
                    state = .quoted
                    fieldQuoted = true
                    i += 1
                } else if byte == delimiter {
                    endField()
                    i += 1
                } else if byte == lineFeed || byte == carriageReturn {
                    try endRecord(&sink)
                    i = consumeLineEnd(p, n, i)
                } else {
                    state = .unquoted
                }
            case .unquoted:
                var j = i
                while j < n {
                    let byte = p[j]
                    if byte == delimiter || byte == lineFeed || byte == carriageReturn { break }
                    j += 1
                }
                if j > i { try append(p + i, j - i) }
                i = j
                if j < n {
                    if p[j] == delimiter {
                        endField()
                        i += 1
                    } else {
                        try endRecord(&sink)
                        i = consumeLineEnd(p, n, j)
                    }
                }
            case .quoted:
                var j = i
                while j < n {
                    let byte = p[j]
                    if Int(byte) == quote { break }
                    if byte == lineFeed { line += 1 }
                    j += 1
                }
                if j > i { try append(p + i, j - i) }
                i = j
                if j < n {
                    state = .quoteInQuoted
                    i += 1
                }
            case .quoteInQuoted:
                if Int(p[i]) == quote {
                    bytes.append(p[i])
                    state = .quoted
                    i += 1
                } else {
                    state = .afterQuoted
                }
            case .afterQuoted:
                let byte = p[i]
                if byte == delimiter {
                    endField()
                    i += 1
                } else if byte == lineFeed || byte == carriageReturn {
                    try endRecord(&sink)
                    i = consumeLineEnd(p, n, i)
                } else {
                    bytes.append(byte)
                    i += 1
                }
            }
        }
    }

    mutating func finish(into sink: inout RecordSink) throws {
        if state == .quoted {
            let start = recordLine
            reset()
            try sink.bad(line: start, "a quoted field is not closed before the end of the file")
            return
        }
        if recordStarted { try endRecord(&sink) }
    }

    /// Steps over the line end at `index` (LF, CR or CRLF), counting the line.
    private mutating func consumeLineEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ index: Int) -> Int {
        line += 1
        if p[index] == carriageReturn {
            if index + 1 < n {
                return p[index + 1] == lineFeed ? index + 2 : index + 1
            }
            skipLineFeed = true
        }
        return index + 1
    }

    private mutating func append(_ start: UnsafePointer<UInt8>, _ count: Int) throws {
        bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
        if bytes.count > maxRecordBytes {
            throw RecordStreamError(kind: .malformed, line: recordLine,
                                    message: "the record is larger than \(maxRecordBytes) bytes (a quote that is never closed?)")
        }
    }

    private mutating func endField() {
        ends.append(bytes.count)
        quotedFields.append(fieldQuoted)
        fieldQuoted = false
        state = .fieldStart
    }

    private mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        quotedFields.removeAll(keepingCapacity: true)
        fieldQuoted = false
        recordStarted = false
        state = .fieldStart
    }

    private mutating func endRecord(_ sink: inout RecordSink) throws {
        endField()
        defer { reset() }
        if names == nil {
            if hasHeader {
                names = headerNames()
                return
            }
            names = (0..<ends.count).map { "string_field_\($0)" }
        }
        let names = self.names!
        if ends.count != names.count {
            let what = hasHeader ? "the header has" : "the first record has"
            try sink.bad(line: recordLine, "the record has \(ends.count) field\(ends.count == 1 ? "" : "s"), \(what) \(names.count)")
            return
        }
        try sink.add(object(names))
    }

    /// The current record as an object keyed by `names`.
    private func object(_ names: [String]) -> JSON {
        var members = [String: JSON](minimumCapacity: names.count)
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            for index in 0..<ends.count {
                let end = ends[index]
                let field = UnsafeBufferPointer(rebasing: buffer[start..<end])
                if !quotedFields[index] && isNullMarker(field) {
                    members[names[index]] = .null
                } else {
                    members[names[index]] = .string(String(decoding: field, as: UTF8.self))
                }
                start = end
            }
        }
        return .object(members)
    }

    private func isNullMarker(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        for marker in nullMarkers where marker.count == field.count {
            if marker.isEmpty { return true }
            if marker.withUnsafeBufferPointer({ memcmp($0.baseAddress!, field.baseAddress!, field.count) == 0 }) { return true }
        }
        return false
    }

    /// The header record's names: blank ones become `string_field_N`, repeated ones get `_2`, `_3`, ….
    private func headerNames() -> [String] {
        var raw: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            for end in ends {
                raw.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self))
                start = end
            }
        }
        var taken = Set<String>()
        var names: [String] = []
        for (index, name) in raw.enumerated() {
            var base = name
            if base.allSatisfy(\.isWhitespace) { base = "string_field_\(index)" }
            var candidate = base
            var suffix = 2
            while taken.contains(candidate) {
                candidate = "\(base)_\(suffix)"
                suffix += 1
            }
            taken.insert(candidate)
            names.append(candidate)
        }
        return names
    }
}
