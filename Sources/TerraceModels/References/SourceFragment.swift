import GoogleSQL

/// A piece of a file's text (a model's body, a header value) and where it starts in the file, so
/// that a location inside it can be reported as the file's line and column.
struct SourceFragment: Hashable, Sendable {
    var text: String
    var file: String
    /// Where `text` starts in the file (1-based).
    var line: Int
    var column: Int

    /// The file's line and column of a location in `text`.
    func fileLocation(_ location: SourceLocation) -> (line: Int, column: Int) {
        location.line == 1 ? (line, column + location.column - 1) : (line + location.line - 1, location.column)
    }

    /// An error located at `location` in `text`.
    func error(_ kind: ModelError.Kind, at location: SourceLocation, _ message: String, fix: String? = nil) -> ModelError {
        let (line, column) = fileLocation(location)
        return ModelError(kind, file: file, line: line, column: column, message, fix: fix)
    }
}

/// Converts between UTF-8 offsets and GoogleSQL's line and column (tabs stop every 8 columns;
/// `\r\n`, `\n` and `\r` end lines; columns count Unicode scalars), as the lexer counts them.
struct TextLocator {
    let bytes: [UInt8]
    /// The offset where each line starts.
    private let lineStarts: [Int]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var starts = [0]
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                index += 1
            }
            if bytes[index] == 0x0A || bytes[index] == 0x0D { starts.append(index + 1) }
            index += 1
        }
        lineStarts = starts
    }

    /// The offset of a location (the end of its line when the column lies beyond it).
    func offset(of location: SourceLocation) -> Int {
        let lineIndex = min(max(location.line - 1, 0), lineStarts.count - 1)
        var offset = lineStarts[lineIndex]
        var column = 1
        while offset < bytes.count, column < location.column, !isLineBreak(bytes[offset]) {
            column = Self.advance(column, over: bytes[offset])
            offset += 1
            while offset < bytes.count, (0x80...0xBF).contains(bytes[offset]) { offset += 1 }
        }
        return offset
    }

    /// The location of an offset.
    func location(of offset: Int) -> SourceLocation {
        var lineIndex = 0
        while lineIndex + 1 < lineStarts.count, lineStarts[lineIndex + 1] <= offset { lineIndex += 1 }
        var column = 1
        var cursor = lineStarts[lineIndex]
        while cursor < min(offset, bytes.count) {
            if !(0x80...0xBF).contains(bytes[cursor]) { column = Self.advance(column, over: bytes[cursor]) }
            cursor += 1
        }
        return SourceLocation(line: lineIndex + 1, column: column)
    }

    private func isLineBreak(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }

    private static func advance(_ column: Int, over byte: UInt8) -> Int {
        byte == 0x09 ? ((column - 1) / 8 + 1) * 8 + 1 : column + 1
    }
}
