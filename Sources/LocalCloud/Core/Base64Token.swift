import TerraceCrypto

/// URL-safe base64 of a UTF-8 string, for opaque tokens (page tokens, upload ids).
enum Base64Token {
    static func encode(_ text: String) -> String { Base64.encode(Array(text.utf8), urlSafe: true, padding: false) }

    static func decode(_ token: String) -> String? {
        Base64.decode(token).flatMap { String(validating: $0, as: UTF8.self) }
    }
}
