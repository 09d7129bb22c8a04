extension JSON {
    /// How ``JSON/encoded(_:)`` lays out its text.
    public enum Layout: Sendable {
        /// No whitespace: for the wire.
        case compact
        /// Two-space indentation, one member per line: for files people read and diff.
        case pretty
    }

    /// The JSON text of this value, with object keys in sorted order.
    public func encoded(_ layout: Layout = .compact) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        encode(into: &out, layout: layout, depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// The UTF-8 bytes of ``encoded(_:)``.
    /// Appends the compact encoding to `out` (one NDJSON line's worth, without the newline).
    public func appendEncoded(to out: inout [UInt8]) {
        encode(into: &out, layout: .compact, depth: 0)
    }

    public func encodedBytes(_ layout: Layout = .compact) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        encode(into: &out, layout: layout, depth: 0)
        return out
    }

    private func newline(_ out: inout [UInt8], _ layout: Layout, _ depth: Int) {
        guard layout == .pretty else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: depth * 2))
    }

    func encode(into out: inout [UInt8], layout: Layout, depth: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            if d.isFinite {
                if d.rounded() == d && abs(d) < 1e15 {
                    out.append(contentsOf: String(Int64(d)).utf8)
                } else {
                    out.append(contentsOf: d.description.utf8)
                }
            } else {
                out.append(contentsOf: "null".utf8)  // JSON has no NaN or infinity
            }
        case .string(let s): JSON.encodeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, layout, depth + 1)
                element.encode(into: &out, layout: layout, depth: depth + 1)
            }
            if !elements.isEmpty { newline(&out, layout, depth) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, layout, depth + 1)
                JSON.encodeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if layout == .pretty { out.append(0x20) }
                member.value.encode(into: &out, layout: layout, depth: depth + 1)
            }
            if !members.isEmpty { newline(&out, layout, depth) }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func encodeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied at once.
            var runStart = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                out.append(0x5C)
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(UInt8(ascii: "u"))
                    out.append(0x30)
                    out.append(0x30)
                    out.append(hexDigit(byte >> 4))
                    out.append(hexDigit(byte & 0xF))
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10 }
}
