/// How a file's records are written.
public enum FileFormat: Sendable, Equatable {
    /// Comma- (or otherwise) separated values, RFC 4180; every value is a string or null. See
    /// ``CSVOptions``.
    case csv(CSVOptions = .init())
    /// Newline-delimited JSON: one JSON object per line; blank lines are skipped.
    case ndjson
    /// One top-level JSON array of objects (`[{…}, {…}]`), streamed element by element.
    case jsonArray
}

/// How a CSV file is read.
///
/// - Quoting follows RFC 4180: a field that starts with the quote character runs to the next
///   lone quote; a doubled quote inside it is one quote; delimiters and line ends inside it are
///   data. Reading is lenient where RFC 4180 is strict: a quote inside an unquoted field is an
///   ordinary character, and text after a closing quote (`"ab"c`) is appended to the field.
/// - Records end at LF, CRLF or a lone CR (outside quotes). Blank lines are skipped (so a
///   single-column file cannot express an empty value by an empty line; quote it: `""`).
/// - With ``hasHeader``, the first record names the fields: a blank name becomes
///   `string_field_N` (N the 0-based column, BigQuery's name for a headerless column) and a
///   name seen before gets `_2`, `_3`, … appended (skipping names already taken). Without it,
///   the fields are `string_field_0`, `string_field_1`, … and the first record sets how many
///   fields every record has.
/// - Values are strings. An **unquoted** value equal to one of ``nullMarkers`` is null; a
///   quoted value never is (as PostgreSQL's `COPY … CSV` reads `""` as the empty string), so
///   `a,,"",b` with the default markers reads `"a", null, "", "b"`.
public struct CSVOptions: Sendable, Equatable {
    /// The field separator (an ASCII byte).
    public var delimiter: UInt8
    /// The quote character (an ASCII byte), or `nil` when quotes are ordinary characters (as in
    /// many tab-separated exports).
    public var quote: UInt8?
    public var hasHeader: Bool
    /// Unquoted values read as null (default: the empty value).
    public var nullMarkers: [String]

    /// `delimiter` and `quote` are ASCII characters: `.init(delimiter: ";")`, `.init(delimiter: "\t", quote: nil)`.
    public init(delimiter: Unicode.Scalar = ",", quote: Unicode.Scalar? = "\"", hasHeader: Bool = true, nullMarkers: [String] = [""]) {
        precondition(delimiter.isASCII && delimiter != "\n" && delimiter != "\r", "a CSV delimiter is one ASCII character other than a line end")
        precondition(quote.map { $0.isASCII && $0 != delimiter && $0 != "\n" && $0 != "\r" } ?? true,
                     "a CSV quote is one ASCII character other than the delimiter and line ends")
        self.delimiter = UInt8(delimiter.value)
        self.quote = quote.map { UInt8($0.value) }
        self.hasHeader = hasHeader
        self.nullMarkers = nullMarkers
    }
}

/// How a file's bytes are compressed. With a zip archive it applies to the member's bytes.
public enum FileCompression: Sendable, Equatable {
    case none
    /// gzip; a file that does not start with gzip's magic bytes is an error. Concatenated gzip
    /// members (`cat a.gz b.gz`) read as one text.
    case gzip
    /// gzip when the bytes start with gzip's magic bytes (`1f 8b`), else none. A file that is a
    /// zip archive (starts with `PK\3\4`) read without a `zipMember` is read as its only file
    /// (entries under `__MACOSX/` aside); with several, the error lists them.
    case auto
}

/// A record that could not be read; the read goes on (the caller decides how many it tolerates).
public struct BadRecord: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based physical line where the record starts (for a JSON array: where the element
    /// starts), in the decompressed text.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

/// A problem with a whole file (not one record): the read stops. The description names the file
/// (and the zip member and line where they apply).
public struct FileReadError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// There is no file at the path.
        case missing
        /// The file cannot be opened or read (permissions, a directory, an I/O error).
        case unreadable
        /// Declared gzip but not gzip.
        case notGzip
        /// Compressed data that does not decompress, or a zip member whose CRC-32 or size is wrong.
        case corrupt
        /// The file ends early: inside a gzip or deflate stream, a zip member, or the JSON array.
        case truncated
        /// A zip member was asked for but the file is not a zip archive (or its directory is unreadable).
        case notZip
        /// The zip archive has no such member; `members` lists the files it has.
        case zipMemberNotFound(members: [String])
        /// A zip feature this reader does not handle (encryption, compression other than stored
        /// and deflate, archives spanning disks).
        case unsupported
        /// A `.jsonArray` file that is not one JSON array (wrong start, a structural error, data
        /// after the array), or a record too large to hold.
        case malformed
    }

    public var kind: Kind
    public var path: String
    /// The zip member read, when the file is an archive.
    public var member: String?
    /// The 1-based line of the decompressed text, where it applies.
    public var line: Int?
    public var message: String

    public init(_ kind: Kind, path: String, member: String? = nil, line: Int? = nil, message: String) {
        self.kind = kind
        self.path = path
        self.member = member
        self.line = line
        self.message = message
    }

    public var description: String {
        var place = path
        if let member { place += " (zip member \(member))" }
        if let line { place += ", line \(line)" }
        return "\(place): \(message)"
    }
}
