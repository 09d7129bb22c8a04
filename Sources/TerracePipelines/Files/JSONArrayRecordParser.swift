import TerraceJSON

/// A top-level JSON array's elements as records: ``JSONArrayScanner`` finds each element and
/// jansson parses it; an element that is not an object, or does not parse, is a bad record at
/// the line where it starts. A stream that is not one array is a file-level error.
struct JSONArrayRecordParser: RecordParser {
    private var scanner: JSONArrayScanner

    init(maxRecordBytes: Int) {
        scanner = JSONArrayScanner(maxElementBytes: maxRecordBytes)
    }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout RecordSink) throws {
        do {
            try scanner.feed(bytes) { element, line in
                try addJSONRecord(element, line: line, into: &sink) { "the array element is not a JSON object but \($0)" }
            }
        } catch let failure as JSONArrayScanner.Failure {
            throw RecordStreamError(failure)
        }
    }

    mutating func finish(into sink: inout RecordSink) throws {
        do {
            try scanner.finish()
        } catch let failure as JSONArrayScanner.Failure {
            throw RecordStreamError(failure)
        }
    }
}

extension RecordStreamError {
    init(_ failure: JSONArrayScanner.Failure) {
        self.init(kind: failure.isTruncated ? .truncated : .malformed, line: failure.line, message: failure.message)
    }
}
