/// `GENERATE_UUID()`: a random (version 4) UUID as a lowercase 36-character `STRING`.
public enum UUIDFunctions {
    /// Uses the system's cryptographically secure generator.
    public static func generateUUID() -> String {
        var generator = SystemRandomNumberGenerator()
        return generateUUID(using: &generator)
    }

    /// Draws the 128 bits from `generator` (inject a seeded generator in tests), then sets the
    /// version (4) and RFC 4122 variant (10xx) bits.
    public static func generateUUID<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map(hexByte)
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
            + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }
}

let hexDigits: [Character] = Array("0123456789abcdef")

func hexByte(_ byte: UInt8) -> String {
    String([hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
}
