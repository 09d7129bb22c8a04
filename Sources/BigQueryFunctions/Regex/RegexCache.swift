#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small process-wide cache of compiled patterns, so the `String`-pattern overloads of
/// ``RegexFunctions`` do not recompile RE2 for every row. Bounded; cleared wholesale when full.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache(capacity: 256)

    struct Key: Hashable {
        let pattern: [UInt8]
        let latin1: Bool
    }

    private let capacity: Int
    private var entries: [Key: RE2Regex] = [:]
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init(capacity: Int) {
        self.capacity = capacity
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func regex(_ pattern: [UInt8], encoding: RE2Regex.Encoding) throws -> RE2Regex {
        let key = Key(pattern: pattern, latin1: encoding == .latin1)
        pthread_mutex_lock(mutex)
        let cached = entries[key]
        pthread_mutex_unlock(mutex)
        if let cached { return cached }
        let compiled = try RE2Regex(patternBytes: pattern, encoding: encoding)
        pthread_mutex_lock(mutex)
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = compiled
        pthread_mutex_unlock(mutex)
        return compiled
    }
}

extension RE2Regex {
    /// A compiled `STRING` pattern from the shared cache (compiling it on first use).
    public static func cached(_ pattern: String) throws -> RE2Regex {
        try RegexCache.shared.regex(Array(pattern.utf8), encoding: .utf8)
    }

    /// A compiled `BYTES` (Latin-1) pattern from the shared cache.
    public static func cached(bytes pattern: [UInt8]) throws -> RE2Regex {
        try RegexCache.shared.regex(pattern, encoding: .latin1)
    }
}
