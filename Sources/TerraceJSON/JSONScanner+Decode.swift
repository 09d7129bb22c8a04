#if canImport(Glibc)
import Glibc
#endif

extension JSONScanner {
    /// The integer a JSON integer's text denotes, or nil when it does not fit Int64 (or is not
    /// an integer's text), as strtoll decides.
    public static func int64(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !text.isEmpty else { return nil }
        var index = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < text.count else { return nil }
        // Accumulated negatively, so that Int64.min fits.
        var value: Int64 = 0
        while index < text.count {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowMinus) = times.subtractingReportingOverflow(Int64(digit))
            guard !overflowTimes, !overflowMinus else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// The Double a JSON number's text denotes, as strtod reads it (infinite when it overflows).
    public static func double(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !text.isEmpty else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer -> Double? in
            guard let start = buffer.baseAddress, let source = text.baseAddress else { return nil }
            source.withMemoryRebound(to: CChar.self, capacity: text.count) { start.update(from: $0, count: text.count) }
            start[text.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(start, &end)
            return end == start + text.count ? value : nil
        }
    }

    /// The text of a JSON string given with or without its quotes, escapes decoded. The bytes
    /// must have been accepted by the scanner.
    public static func string(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        var slice = UnsafeBufferPointer(rebasing: bytes[range])
        if slice.count >= 2, slice.first == 0x22, slice.last == 0x22 {
            slice = UnsafeBufferPointer(rebasing: slice[1..<(slice.count - 1)])
        }
        guard slice.contains(0x5C) else { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = 0
        while i < slice.count {
            let byte = slice[i]
            guard byte == 0x5C, i + 1 < slice.count else {
                out.append(byte)
                i += 1
                continue
            }
            let escape = slice[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard let base = slice.baseAddress, var scalar = JSONCursor.hex4(base, i, slice.count) else { return String(decoding: slice, as: UTF8.self) }
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF, i + 1 < slice.count, slice[i] == 0x5C, let low = JSONCursor.hex4(base, i + 2, slice.count) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                appendUTF8(scalar, to: &out)
            default: out.append(escape)  // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A scalar value (string, number, boolean or null) as a ``JSON`` value, as ``JSON/parse(_:)``
    /// would give it; nil for objects and arrays, or for text the scanner did not accept.
    public static func scalar(_ kind: JSONValueKind, _ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> JSON? {
        switch kind {
        case .string: return .string(string(range, in: bytes))
        case .integer: return int64(UnsafeBufferPointer(rebasing: bytes[range])).map { .int($0) }
        case .float: return double(UnsafeBufferPointer(rebasing: bytes[range])).map { .double($0) }
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .null: return .null
        case .object, .array: return nil
        }
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
