import COpenSSL

/// Why an RSA key could not be used.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// An RSA key read from PEM, for RS256 (RSASSA-PKCS1-v1_5 with SHA-256): the signature on
/// service-account JWTs.
public final class RSAKey: @unchecked Sendable {
    private let key: OpaquePointer
    public let isPrivate: Bool

    /// Reads a PEM private key (PKCS#8 or PKCS#1) or public key (SubjectPublicKeyInfo).
    public init(pem: String) throws(CryptoError) {
        // BIO_new_mem_buf reads the caller's memory without copying it, so every read happens
        // while the buffer is pinned.
        let bytes = Array(pem.utf8)
        let loaded: (OpaquePointer, Bool)? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            if let privateKey = PEM_read_bio_PrivateKey(bio, nil, nil, nil) { return (privateKey, true) }
            _ = BIO_ctrl(bio, BIO_CTRL_RESET, 0, nil)
            ERR_clear_error()
            if let publicKey = PEM_read_bio_PUBKEY(bio, nil, nil, nil) { return (publicKey, false) }
            ERR_clear_error()
            return nil
        }
        guard let (key, isPrivate) = loaded else {
            throw CryptoError("the text is not a PEM RSA private or public key")
        }
        self.key = key
        self.isPrivate = isPrivate
    }

    /// Generates a new private key (for tests and fixtures).
    public init(generatingBits bits: Int32 = 2048) throws(CryptoError) {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else { throw CryptoError("no RSA support") }
        defer { EVP_PKEY_CTX_free(context) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
            EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1,
            EVP_PKEY_keygen(context, &generated) == 1,
            let generated
        else { throw CryptoError("RSA key generation failed") }
        key = generated
        isPrivate = true
    }

    deinit { EVP_PKEY_free(key) }

    /// The private key as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), as in key files.
    public func privateKeyPEM() throws(CryptoError) -> String {
        guard isPrivate else { throw CryptoError("this is a public key") }
        return try writePEM { PEM_write_bio_PKCS8PrivateKey($0, key, nil, nil, 0, nil, nil) }
    }

    /// The public key as SubjectPublicKeyInfo PEM.
    public func publicKeyPEM() throws(CryptoError) -> String {
        try writePEM { PEM_write_bio_PUBKEY($0, key) }
    }

    private func writePEM(_ write: (OpaquePointer) -> Int32) throws(CryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError("out of memory") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw CryptoError("cannot write the key") }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard let pointer, length > 0 else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The RS256 signature of `message`.
    public func signRS256(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard isPrivate else { throw CryptoError("signing needs a private key") }
        guard let context = EVP_MD_CTX_new() else { throw CryptoError("out of memory") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else { throw CryptoError("cannot sign") }
        var length = 0
        guard message.withUnsafeBufferPointer({ EVP_DigestSign(context, nil, &length, $0.baseAddress, $0.count) }) == 1
        else { throw CryptoError("cannot sign") }
        var signature = [UInt8](repeating: 0, count: length)
        guard message.withUnsafeBufferPointer({ EVP_DigestSign(context, &signature, &length, $0.baseAddress, $0.count) }) == 1
        else { throw CryptoError("cannot sign") }
        return Array(signature.prefix(length))
    }

    /// Whether `signature` is a valid RS256 signature of `message` by this key.
    public func verifyRS256(_ message: [UInt8], signature: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context); ERR_clear_error() }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return message.withUnsafeBufferPointer { m in
            signature.withUnsafeBufferPointer { s in
                EVP_DigestVerify(context, s.baseAddress, s.count, m.baseAddress, m.count) == 1
            }
        }
    }
}
