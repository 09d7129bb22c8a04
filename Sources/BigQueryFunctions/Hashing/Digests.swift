import TerraceCrypto

// BigQuery's MD5, SHA1, SHA256 and SHA512 functions hash with libcrypto (one C library wrapped
// once, in TerraceCrypto).

enum MD5 {
    static func hash(_ message: [UInt8]) -> [UInt8] { Digest.hash(.md5, message) }
}

enum SHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] { Digest.hash(.sha1, message) }
}

enum SHA256 {
    static func hash(_ message: [UInt8]) -> [UInt8] { Digest.hash(.sha256, message) }
}

enum SHA512 {
    static func hash(_ message: [UInt8]) -> [UInt8] { Digest.hash(.sha512, message) }
}
