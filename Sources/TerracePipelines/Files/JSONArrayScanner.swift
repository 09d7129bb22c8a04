import TerraceJSON

/// Finds the elements of one top-level JSON array in a byte stream fed in chunks of any size,
/// without parsing them: it tracks strings (and their escapes) and bracket nesting, and hands
/// out each element's bytes (with the line it starts on) as soon as the element is complete, so
/// an array of any length is read in memory proportional to its largest element. Parse an
/// element with `JSON.parse`.
///
/// Only the array's structure is checked (the opening `[`, commas, matching brackets, the
/// closing `]`, nothing but whitespace after it); an element's own syntax is its parser's
/// business, so a malformed element costs one record, not the file.
///
///     var scanner = JSONArrayScanner()
///     for chunk in chunks {
///         try scanner.feed(chunk) { bytes, line in records.append(try JSON.parse(bytes)) }
///     }
///     try scanner.finish()
public struct JSONArrayScanner: Sendable {
    /// The stream is not one JSON array (or is truncated): `line` is where the problem is.
    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public var message: String
        public var line: Int
        /// The input ended before the array closed.
        public var isTruncated: Bool
        public var description: String { "line \(line): \(message)" }
    }

    private enum State {
        /// Before the `[`.
        case start
        /// After the `[`: an element or `]`.
        case open
        /// After a comma: an element.
        case afterComma
        case inElement
        /// After an element: a comma or `]`.
        case afterElement
        /// After the `]`: whitespace only.
        case done
    }

    private enum Mode {
        /// An object or array: ends when its bracket closes.
        case container
        /// A string: ends at its closing quote.
        case string
        /// A number, `true`, `false` or `null`: ends before whitespace, `,` or `]`.
        case scalar
    }

    private var state = State.start
    private var mode = Mode.container
    /// The open brackets of the current element, innermost last.
    private var stack: [UInt8] = []
    private var inString = false
    private var escaped = false
    /// The current element's bytes from earlier chunks.
    private var partial: [UInt8] = []
    private var line = 1
    private var elementLine = 1
    /// Elements handed out so far.
    public private(set) var count = 0
    /// An element larger than this is a failure (a safeguard against an unclosed string or
    /// bracket swallowing a whole file into memory).
    public let maxElementBytes: Int

    public init(maxElementBytes: Int = 64 << 20) {
        self.maxElementBytes = maxElementBytes
        stack.reserveCapacity(16)
    }

    /// Whether the closing `]` has been seen.
    public var isComplete: Bool { state == .done }

    /// Scans the next chunk, calling `element` with each element completed in it: its bytes
    /// (valid only during the call) and the 1-based line where it starts.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>,
                              element: (_ bytes: UnsafeBufferPointer<UInt8>, _ line: Int) throws -> Void) throws {
        guard let p = chunk.baseAddress, chunk.count > 0 else { return }
        let n = chunk.count
        var i = 0
        /// Where the current element starts in this chunk.
        var elementStart = 0
        while i < n {
            switch state {
            case .inElement:
                switch mode {
                case .string:
                    i = scanString(p, n, i)
                    if !inString {
                        try emit(p, from: elementStart, to: i, element)
                    }
                case .container:
                    if inString {
                        i = scanString(p, n, i)
                        continue
                    }
                    var j = i
                    scan: while j < n {
                        let byte = p[j]
                        switch byte {
                        case 0x22:  // "
                            break scan
                        case 0x7B, 0x5B:  // { [
                            stack.append(byte)
                        case 0x7D, 0x5D:  // } ]
                            let open: UInt8 = byte == 0x7D ? 0x7B : 0x5B
                            guard stack.last == open else {
                                throw Failure(message: "'\(Character(Unicode.Scalar(byte)))' does not match '\(Character(Unicode.Scalar(stack.last ?? 0x20)))' in the element that starts at line \(elementLine)",
                                              line: line, isTruncated: false)
                            }
                            stack.removeLast()
                            if stack.isEmpty {
                                j += 1
                                break scan
                            }
                        case lineFeed:
                            line += 1
                        default:
                            break
                        }
                        j += 1
                    }
                    i = j
                    if stack.isEmpty {
                        try emit(p, from: elementStart, to: i, element)
                    } else if i < n {  // a quote
                        inString = true
                        i += 1
                    }
                case .scalar:
                    var j = i
                    while j < n {
                        let byte = p[j]
                        if byte == 0x2C || byte == 0x5D || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { break }
                        j += 1
                    }
                    i = j
                    if j < n { try emit(p, from: elementStart, to: i, element) }
                }
            case .start, .open, .afterComma, .afterElement, .done:
                let byte = p[i]
                if byte == 0x20 || byte == 0x09 || byte == carriageReturn {
                    i += 1
                    continue
                }
                if byte == lineFeed {
                    line += 1
                    i += 1
                    continue
                }
                switch state {
                case .start:
                    guard byte == 0x5B else {
                        throw Failure(message: "not a JSON array: it starts with \(Self.describe(byte))", line: line, isTruncated: false)
                    }
                    state = .open
                    i += 1
                case .afterElement:
                    if byte == 0x2C {
                        state = .afterComma
                    } else if byte == 0x5D {
                        state = .done
                    } else {
                        throw Failure(message: "expected ',' or ']' after the element that starts at line \(elementLine), found \(Self.describe(byte))",
                                      line: line, isTruncated: false)
                    }
                    i += 1
                case .open, .afterComma:
                    if byte == 0x5D && state == .open {
                        state = .done
                        i += 1
                        continue
                    }
                    if byte == 0x5D || byte == 0x2C {
                        throw Failure(message: "expected an array element, found \(Self.describe(byte))", line: line, isTruncated: false)
                    }
                    state = .inElement
                    elementStart = i
                    elementLine = line
                    switch byte {
                    case 0x7B, 0x5B:
                        mode = .container
                        stack.append(byte)
                        i += 1
                    case 0x22:
                        mode = .string
                        inString = true
                        i += 1
                    default:
                        mode = .scalar
                    }
                case .done:
                    throw Failure(message: "unexpected \(Self.describe(byte)) after the end of the JSON array", line: line, isTruncated: false)
                case .inElement:
                    break
                }
            }
        }
        if state == .inElement {
            partial.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[elementStart..<n]))
            if partial.count > maxElementBytes {
                throw Failure(message: "the element that starts here is larger than \(maxElementBytes) bytes", line: elementLine, isTruncated: false)
            }
        }
    }

    /// ``feed(_:element:)`` over an array.
    public mutating func feed(_ chunk: [UInt8], element: (_ bytes: UnsafeBufferPointer<UInt8>, _ line: Int) throws -> Void) throws {
        try chunk.withUnsafeBufferPointer { try feed($0, element: element) }
    }

    /// The input has ended: a failure unless the array was closed.
    public mutating func finish() throws {
        switch state {
        case .done:
            return
        case .start:
            throw Failure(message: "not a JSON array: the input is empty", line: line, isTruncated: false)
        case .inElement:
            throw Failure(message: "the input ends inside the element that starts at line \(elementLine) (truncated?)", line: line, isTruncated: true)
        case .open, .afterComma, .afterElement:
            throw Failure(message: "the input ends before the JSON array closes (truncated?)", line: line, isTruncated: true)
        }
    }

    /// Inside a string from `index`: returns where scanning stopped (after the closing quote,
    /// which clears `inString`, or at the end of the chunk).
    private mutating func scanString(_ p: UnsafePointer<UInt8>, _ n: Int, _ index: Int) -> Int {
        var j = index
        if escaped {
            guard j < n else { return j }
            escaped = false
            j += 1
        }
        while j < n {
            let byte = p[j]
            if byte == 0x22 {
                inString = false
                return j + 1
            }
            if byte == 0x5C {  // backslash: the next byte is escaped
                if j + 1 < n {
                    j += 2
                    continue
                }
                escaped = true
                return n
            }
            if byte == lineFeed { line += 1 }
            j += 1
        }
        return j
    }

    /// The element ends before `end`: hands out its bytes.
    private mutating func emit(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int,
                               _ element: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        state = .afterElement
        count += 1
        let line = elementLine
        if partial.isEmpty {
            try element(UnsafeBufferPointer(start: p + start, count: end - start), line)
        } else {
            partial.append(contentsOf: UnsafeBufferPointer(start: p + start, count: end - start))
            try partial.withUnsafeBufferPointer { try element($0, line) }
            partial.removeAll(keepingCapacity: true)
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16)
    }
}
