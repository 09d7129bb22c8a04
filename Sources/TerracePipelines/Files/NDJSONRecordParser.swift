import Glibc
import TerraceJSON

/// Newline-delimited JSON: lines found with `memchr`, each scanned (handed on as its text when
/// the sink takes text) or parsed by jansson straight from the chunk (only a line split across
/// chunks is copied). A CR before the LF is dropped; blank lines
/// are skipped; a line that is not a JSON object is a bad record.
struct NDJSONRecordParser: RecordParser {
    private let maxRecordBytes: Int
    /// The start of a line the previous chunks ended inside.
    private var pending: [UInt8] = []
    /// The line being read.
    private var line = 1

    init(maxRecordBytes: Int) {
        self.maxRecordBytes = maxRecordBytes
    }

    mutating func feed(_ input: UnsafeBufferPointer<UInt8>, into sink: inout RecordSink) throws {
        guard let p = input.baseAddress, input.count > 0 else { return }
        let n = input.count
        var start = 0
        while start < n {
            guard let found = memchr(p + start, Int32(lineFeed), n - start) else {
                pending.append(contentsOf: UnsafeBufferPointer(start: p + start, count: n - start))
                if pending.count > maxRecordBytes {
                    throw RecordStreamError(kind: .malformed, line: line,
                                            message: "the line is longer than \(maxRecordBytes) bytes")
                }
                return
            }
            let end = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - p
            if pending.isEmpty {
                try Self.record(UnsafeBufferPointer(start: p + start, count: end - start), line: line, into: &sink)
            } else {
                pending.append(contentsOf: UnsafeBufferPointer(start: p + start, count: end - start))
                let line = self.line
                try pending.withUnsafeBufferPointer { try Self.record($0, line: line, into: &sink) }
                pending.removeAll(keepingCapacity: true)
            }
            line += 1
            start = end + 1
        }
    }

    mutating func finish(into sink: inout RecordSink) throws {
        guard !pending.isEmpty else { return }
        let line = self.line
        try pending.withUnsafeBufferPointer { try Self.record($0, line: line, into: &sink) }
        pending.removeAll()
    }

    /// One line, without its LF.
    private static func record(_ text: UnsafeBufferPointer<UInt8>, line: Int, into sink: inout RecordSink) throws {
        var count = text.count
        if count > 0 && text[count - 1] == carriageReturn { count -= 1 }
        var blank = true
        for index in 0..<count {
            let byte = text[index]
            if byte != 0x20 && byte != 0x09 && byte != carriageReturn {
                blank = false
                break
            }
        }
        if blank { return }
        try addJSONRecord(UnsafeBufferPointer(rebasing: text[0..<count]), line: line, into: &sink) { "not a JSON object but \($0)" }
    }
}

/// "an object", "a number".
func article(_ typeName: String) -> String {
    (typeName.first.map { "aeiou".contains($0) } ?? false) ? "an \(typeName)" : "a \(typeName)"
}
