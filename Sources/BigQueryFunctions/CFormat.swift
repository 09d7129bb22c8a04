#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// printf-style formatting of a single double through the C library, used where BigQuery's
/// behaviour is defined by C's `%g` (float-to-string casts, error messages).
enum CFormat {
    static func double(_ format: String, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        let count = withVaList([value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 512, format, args) }
        }
        if count <= 0 { return "" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func double(_ format: String, precision: Int32, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        let count = withVaList([precision, value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 512, format, args) }
        }
        if count <= 0 { return "" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// `strtod` over an ASCII string (caller validates the syntax first).
    static func strtod(_ text: String) -> Double {
        text.withCString { cStringToDouble($0) }
    }

    static func strtod(_ text: UnsafePointer<CChar>) -> Double {
        cStringToDouble(text)
    }
}

@inline(__always)
private func cStringToDouble(_ ptr: UnsafePointer<CChar>) -> Double {
    strtod(ptr, nil)
}

/// How BigQuery (through absl::StrCat) prints a double inside an error message: 6 significant digits.
func errorText(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return CFormat.double("%.6g", value)
}
