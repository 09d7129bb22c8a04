/// A broken environment file: one sentence naming the file and the key (or the JSON line and
/// column), what is wrong and what to do.
public struct EnvironmentError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case missingFile, unreadable, syntax, notAnObject, unknownKey, missingKey, wrongType, invalidValue
    }

    let code: Code
    /// The file as the user would name it (`environments/dev.json`).
    public let file: String
    /// The key at fault, when there is one.
    public let key: String?
    /// The whole sentence the user sees.
    public let description: String

    init(_ code: Code, file: String, key: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.key = key
        self.description = message
    }

    static func invalid(_ file: String, _ key: String, _ what: String, fix: String) -> EnvironmentError {
        EnvironmentError(.invalidValue, file: file, key: key, "\(file): key \"\(key)\": \(what) (\(fix))")
    }
}
