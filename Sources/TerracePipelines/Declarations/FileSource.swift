/// A file: CSV with a header, NDJSON or a JSON array, gzip or not, or a member of a zip
/// archive, from a local path (relative to the project), an HTTP(S) URL or `gs://bucket/object`.
public struct FileSource: Sendable {
    /// Where the file is; environments may override it (`"sources": {"<name>": {"location": …}}`).
    public var location: String
    public var format: FileFormat
    public var compression: FileCompression
    /// The member to read when the file is a zip archive.
    public var zipMember: String?

    public init(_ location: String, format: FileFormat, compression: FileCompression = .auto, zipMember: String? = nil) {
        self.location = location
        self.format = format
        self.compression = compression
        self.zipMember = zipMember
    }
}

