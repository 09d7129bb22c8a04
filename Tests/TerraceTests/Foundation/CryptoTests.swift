import Testing
import TerraceCrypto

@Suite("Crypto: digests, CRC32C, base64, RS256")
struct CryptoTests {
    @Test func crc32cMatchesCloudStorageVectors() {
        // RFC 3720 B.4 test vector, and GCS's crc32c of "hello world" (base64 yZRlqg==).
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        var crc = CRC32C()
        crc.update(Array("hello world".utf8))
        #expect(Base64.encode(crc.bigEndianBytes) == "yZRlqg==")
    }

    @Test func crc32cIsTheSameInOneOrManyChunks() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var chunked = CRC32C()
        for start in stride(from: 0, to: data.count, by: 777) { chunked.update(data[start..<min(start + 777, data.count)]) }
        #expect(chunked.value == CRC32C.checksum(data))
    }

    @Test func md5AndSHA256MatchKnownDigests() {
        #expect(Base64.encode(Digest.hash(.md5, Array("hello world".utf8))) == "XrY7u+Ae7tCTyyK7j1rNww==")
        #expect(Digest.hash(.sha256, Array("abc".utf8)).hexString
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func base64RoundTripsBothAlphabets() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0x00, 0x10, 0x80]
        #expect(Base64.encode(bytes) == "+/8AEIA=")
        #expect(Base64.encode(bytes, urlSafe: true, padding: false) == "-_8AEIA")
        #expect(Base64.decode("+/8AEIA=") == bytes)
        #expect(Base64.decode("-_8AEIA") == bytes)
        #expect(Base64.decode("not base64!") == nil)
    }

    @Test func rs256SignaturesVerifyOnlyWithTheRightKeyAndMessage() throws {
        let key = try RSAKey(generatingBits: 2048)
        let other = try RSAKey(generatingBits: 2048)
        let message = Array("header.payload".utf8)
        let signature = try key.signRS256(message)
        let reloaded = try RSAKey(pem: key.privateKeyPEM())
        #expect(reloaded.verifyRS256(message, signature: signature))
        #expect(try RSAKey(pem: key.publicKeyPEM()).verifyRS256(message, signature: signature))
        #expect(!other.verifyRS256(message, signature: signature))
        #expect(!key.verifyRS256(Array("header.payloaD".utf8), signature: signature))
    }
}
