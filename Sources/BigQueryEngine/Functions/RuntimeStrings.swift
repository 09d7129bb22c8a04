import BigQueryFunctions
import TerraceSQLite

extension FunctionLibrary.Runtime {
    typealias F = FunctionLibrary.RuntimeFunction
    typealias A = FunctionLibrary.Arg
    typealias O = FunctionLibrary.Out

    /// String, bytes, regular-expression, hashing and LIKE functions. `_s` takes STRING, `_b` BYTES.
    static let stringFunctions: [F] = [
        F("length_s") { a in O.int(StringFunctions.length(A.string(a[bq: 0]))) },
        F("length_b") { a in O.int(StringFunctions.length(A.bytes(a[bq: 0]))) },
        F("byte_length_s") { a in O.int(StringFunctions.byteLength(A.string(a[bq: 0]))) },
        F("lower_s") { a in O.string(StringFunctions.lower(A.string(a[bq: 0]))) },
        F("upper_s") { a in O.string(StringFunctions.upper(A.string(a[bq: 0]))) },
        F("lower_b") { a in O.bytes(StringFunctions.lower(A.bytes(a[bq: 0]))) },
        F("upper_b") { a in O.bytes(StringFunctions.upper(A.bytes(a[bq: 0]))) },
        F("substr_s") { a in
            a.count < 3
                ? O.string(try StringFunctions.substr(A.string(a[bq: 0]), try A.int64(a[bq: 1])))
                : O.string(try StringFunctions.substr(A.string(a[bq: 0]), try A.int64(a[bq: 1]), try A.int64(a[bq: 2])))
        },
        F("substr_b") { a in
            a.count < 3
                ? O.bytes(try StringFunctions.substr(A.bytes(a[bq: 0]), try A.int64(a[bq: 1])))
                : O.bytes(try StringFunctions.substr(A.bytes(a[bq: 0]), try A.int64(a[bq: 1]), try A.int64(a[bq: 2])))
        },
        F("left_s") { a in O.string(try StringFunctions.left(A.string(a[bq: 0]), try A.int64(a[bq: 1]))) },
        F("right_s") { a in O.string(try StringFunctions.right(A.string(a[bq: 0]), try A.int64(a[bq: 1]))) },
        F("left_b") { a in
            guard let value = A.bytes(a[bq: 0]), let length = try A.int64(a[bq: 1]) else { return .null }
            if length < 0 { throw BigQueryFunctionError("Second argument in LEFT() cannot be negative") }
            return .blob(Array(value.prefix(Int(min(length, Int64(value.count))))))
        },
        F("right_b") { a in
            guard let value = A.bytes(a[bq: 0]), let length = try A.int64(a[bq: 1]) else { return .null }
            if length < 0 { throw BigQueryFunctionError("Second argument in RIGHT() cannot be negative") }
            return .blob(Array(value.suffix(Int(min(length, Int64(value.count))))))
        },
        F("concat_s") { a in O.string(StringFunctions.concat(a.map(A.string))) },
        F("concat_b") { a in O.bytes(StringFunctions.concat(a.map(A.bytes))) },
        F("trim_s") { a in
            a.count < 2 ? O.string(StringFunctions.trim(A.string(a[bq: 0]))) : O.string(StringFunctions.trim(A.string(a[bq: 0]), A.string(a[bq: 1])))
        },
        F("ltrim_s") { a in
            a.count < 2 ? O.string(StringFunctions.ltrim(A.string(a[bq: 0]))) : O.string(StringFunctions.ltrim(A.string(a[bq: 0]), A.string(a[bq: 1])))
        },
        F("rtrim_s") { a in
            a.count < 2 ? O.string(StringFunctions.rtrim(A.string(a[bq: 0]))) : O.string(StringFunctions.rtrim(A.string(a[bq: 0]), A.string(a[bq: 1])))
        },
        F("trim_b") { a in O.bytes(StringFunctions.trim(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]))) },
        F("ltrim_b") { a in O.bytes(StringFunctions.ltrim(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]))) },
        F("rtrim_b") { a in O.bytes(StringFunctions.rtrim(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]))) },
        F("replace_s") { a in O.string(try StringFunctions.replace(A.string(a[bq: 0]), A.string(a[bq: 1]), A.string(a[bq: 2]))) },
        F("replace_b") { a in O.bytes(try StringFunctions.replace(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]), A.bytes(a[bq: 2]))) },
        F("starts_with_s") { a in O.bool(StringFunctions.startsWith(A.string(a[bq: 0]), A.string(a[bq: 1]))) },
        F("starts_with_b") { a in O.bool(StringFunctions.startsWith(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]))) },
        F("ends_with_s") { a in O.bool(StringFunctions.endsWith(A.string(a[bq: 0]), A.string(a[bq: 1]))) },
        F("ends_with_b") { a in O.bool(StringFunctions.endsWith(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]))) },
        F("strpos_s") { a in O.int(StringFunctions.strpos(A.string(a[bq: 0]), A.string(a[bq: 1]))) },
        F("strpos_b") { a in O.int(StringFunctions.strpos(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]))) },
        F("instr_s") { a in
            O.int(try StringFunctions.instr(A.string(a[bq: 0]), A.string(a[bq: 1]),
                                            position: a.count > 2 ? try A.int64(a[2]) : 1,
                                            occurrence: a.count > 3 ? try A.int64(a[3]) : 1))
        },
        F("instr_b") { a in
            O.int(try StringFunctions.instr(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]),
                                            position: a.count > 2 ? try A.int64(a[2]) : 1,
                                            occurrence: a.count > 3 ? try A.int64(a[3]) : 1))
        },
        F("lpad_s") { a in
            a.count < 3
                ? O.string(try StringFunctions.lpad(A.string(a[bq: 0]), try A.int64(a[bq: 1])))
                : O.string(try StringFunctions.lpad(A.string(a[bq: 0]), try A.int64(a[bq: 1]), A.string(a[bq: 2])))
        },
        F("rpad_s") { a in
            a.count < 3
                ? O.string(try StringFunctions.rpad(A.string(a[bq: 0]), try A.int64(a[bq: 1])))
                : O.string(try StringFunctions.rpad(A.string(a[bq: 0]), try A.int64(a[bq: 1]), A.string(a[bq: 2])))
        },
        F("lpad_b") { a in
            a.count < 3
                ? O.bytes(try StringFunctions.lpad(A.bytes(a[bq: 0]), try A.int64(a[bq: 1])))
                : O.bytes(try StringFunctions.lpad(A.bytes(a[bq: 0]), try A.int64(a[bq: 1]), A.bytes(a[bq: 2])))
        },
        F("rpad_b") { a in
            a.count < 3
                ? O.bytes(try StringFunctions.rpad(A.bytes(a[bq: 0]), try A.int64(a[bq: 1])))
                : O.bytes(try StringFunctions.rpad(A.bytes(a[bq: 0]), try A.int64(a[bq: 1]), A.bytes(a[bq: 2])))
        },
        F("repeat_s") { a in O.string(try StringFunctions.repeat(A.string(a[bq: 0]), try A.int64(a[bq: 1]))) },
        F("repeat_b") { a in O.bytes(try StringFunctions.repeat(A.bytes(a[bq: 0]), try A.int64(a[bq: 1]))) },
        F("reverse_s") { a in O.string(StringFunctions.reverse(A.string(a[bq: 0]))) },
        F("reverse_b") { a in O.bytes(StringFunctions.reverse(A.bytes(a[bq: 0]))) },
        F("split_s") { a in
            O.stringArray(a.count < 2 ? StringFunctions.split(A.string(a[bq: 0])) : StringFunctions.split(A.string(a[bq: 0]), A.string(a[bq: 1])))
        },
        F("split_b") { a in O.bytesArray(StringFunctions.split(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]))) },
        F("to_hex") { a in O.string(StringFunctions.toHex(A.bytes(a[bq: 0]))) },
        F("from_hex") { a in O.bytes(try StringFunctions.fromHex(A.string(a[bq: 0]))) },
        F("to_base64") { a in O.string(StringFunctions.toBase64(A.bytes(a[bq: 0]))) },
        F("from_base64") { a in
            guard let text = A.string(a[bq: 0]) else { return .null }
            let trimmed = text.filter { !$0.isWhitespace }
            guard trimmed.utf8.count % 4 != 1, let bytes = FunctionLibrary.Base64Decoding.decode(trimmed) else {
                throw BigQueryFunctionError("Failed to decode invalid base64 string")
            }
            return .blob(bytes)
        },
        F("to_code_points_s") { a in O.array(StringFunctions.toCodePoints(A.string(a[bq: 0]))?.map { .int($0) }) },
        F("to_code_points_b") { a in O.array(StringFunctions.toCodePoints(A.bytes(a[bq: 0]))?.map { .int($0) }) },
        F("code_points_to_string") { a in
            guard let elements = try A.array(a[bq: 0]) else { return .null }
            return O.string(try StringFunctions.codePointsToString(elements.map { $0.intValue }))
        },
        F("code_points_to_bytes") { a in
            guard let elements = try A.array(a[bq: 0]) else { return .null }
            var out: [UInt8] = []
            for element in elements {
                guard let value = element.intValue else { return .null }
                guard (0...255).contains(value) else { throw BigQueryFunctionError("Invalid code point \(value)") }
                out.append(UInt8(value))
            }
            return .blob(out)
        },
        F("safe_convert_bytes_to_string") { a in O.string(StringFunctions.safeConvertBytesToString(A.bytes(a[bq: 0]))) },
        F("ascii_s") { a in
            guard let value = A.string(a[bq: 0]) else { return .null }
            return .int(Int64(value.unicodeScalars.first?.value ?? 0))
        },
        F("chr") { a in
            guard let code = try A.int64(a[bq: 0]) else { return .null }
            if code == 0 { return .text("") }
            guard code > 0, code <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(code)) else {
                throw BigQueryFunctionError("Invalid codepoint \(code)")
            }
            return .text(String(Character(scalar)))
        },
        F("initcap") { a in
            guard let value = A.string(a[bq: 0]) else { return .null }
            let delimiters: Set<Unicode.Scalar> = a.count > 1
                ? Set((A.string(a[1]) ?? "").unicodeScalars)
                : Set(" [](){}/|\n\t\r\u{0B}\u{0C}<>!?@\"^#$&~_,.:;*%+-".unicodeScalars)
            if a.count > 1, case .null = a[1] { return .null }
            var out = String.UnicodeScalarView()
            var atStart = true
            for scalar in value.unicodeScalars {
                let mapped = atStart ? scalar.properties.titlecaseMapping : scalar.properties.lowercaseMapping
                out.append(contentsOf: mapped.unicodeScalars)
                atStart = delimiters.contains(scalar)
            }
            return .text(String(out))
        },

        // MARK: Regular expressions (RE2)

        F("regexp_contains_s") { a in O.bool(try RegexFunctions.contains(A.string(a[bq: 0]), A.string(a[bq: 1]))) },
        F("regexp_contains_b") { a in O.bool(try RegexFunctions.contains(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]))) },
        F("regexp_extract_s") { a in
            O.string(try RegexFunctions.extract(A.string(a[bq: 0]), A.string(a[bq: 1]),
                                                position: a.count > 2 ? try A.int64(a[2]) : 1,
                                                occurrence: a.count > 3 ? try A.int64(a[3]) : 1))
        },
        F("regexp_extract_b") { a in
            O.bytes(try RegexFunctions.extract(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]),
                                               position: a.count > 2 ? try A.int64(a[2]) : 1,
                                               occurrence: a.count > 3 ? try A.int64(a[3]) : 1))
        },
        F("regexp_extract_all_s") { a in O.stringArray(try RegexFunctions.extractAll(A.string(a[bq: 0]), A.string(a[bq: 1]))) },
        F("regexp_extract_all_b") { a in O.bytesArray(try RegexFunctions.extractAll(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]))) },
        F("regexp_replace_s") { a in O.string(try RegexFunctions.replace(A.string(a[bq: 0]), A.string(a[bq: 1]), A.string(a[bq: 2]))) },
        F("regexp_replace_b") { a in O.bytes(try RegexFunctions.replace(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]), A.bytes(a[bq: 2]))) },
        F("regexp_instr_s") { a in
            O.int(try RegexFunctions.instr(A.string(a[bq: 0]), A.string(a[bq: 1]),
                                           position: a.count > 2 ? try A.int64(a[2]) : 1,
                                           occurrence: a.count > 3 ? try A.int64(a[3]) : 1,
                                           occurrencePosition: a.count > 4 ? try A.int64(a[4]) : 0))
        },
        F("regexp_instr_b") { a in
            O.int(try RegexFunctions.instr(A.bytes(a[bq: 0]), A.bytes(a[bq: 1]),
                                           position: a.count > 2 ? try A.int64(a[2]) : 1,
                                           occurrence: a.count > 3 ? try A.int64(a[3]) : 1,
                                           occurrencePosition: a.count > 4 ? try A.int64(a[4]) : 0))
        },
        F("like_s") { a in
            guard let value = A.string(a[bq: 0]), let pattern = A.string(a[bq: 1]) else { return .null }
            return O.bool(try FunctionLibrary.Like.regex(Array(pattern.utf8), bytes: false).fullMatch(value))
        },
        F("like_b") { a in
            guard let value = A.bytes(a[bq: 0]), let pattern = A.bytes(a[bq: 1]) else { return .null }
            let regex = try FunctionLibrary.Like.regex(pattern, bytes: true)
            return O.bool(value.withUnsafeBufferPointer { regex.fullMatch(bytes: $0) })
        },

        // MARK: Hashing

        F("md5") { a in O.bytes(HashFunctions.md5(A.bytes(a[bq: 0]))) },
        F("sha1") { a in O.bytes(HashFunctions.sha1(A.bytes(a[bq: 0]))) },
        F("sha256") { a in O.bytes(HashFunctions.sha256(A.bytes(a[bq: 0]))) },
        F("sha512") { a in O.bytes(HashFunctions.sha512(A.bytes(a[bq: 0]))) },
        F("farm_fingerprint") { a in O.int(HashFunctions.farmFingerprint(A.bytes(a[bq: 0]))) },
        F("generate_uuid", deterministic: false) { _ in .text(UUIDFunctions.generateUUID()) },
    ]
}

extension FunctionLibrary {
    /// BigQuery's LIKE as an RE2 full match (GoogleSQL's like.cc): `%` is `.*`, `_` is `.`, a
    /// backslash makes the next character literal, everything else matches itself; case-sensitive;
    /// `_` and `%` match newlines too. STRING patterns are UTF-8 (one code point per `_`), BYTES
    /// patterns Latin-1 (one byte per `_`).
    enum Like {
        static func regex(_ pattern: [UInt8], bytes: Bool) throws -> RE2Regex {
            var out: [UInt8] = Array("(?s)".utf8)
            var i = 0
            func literal(_ byte: UInt8) {
                let isWord = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                if byte >= 0x80 {
                    if bytes {
                        out += Array("\\x".utf8) + Array(hex(byte).utf8)
                    } else {
                        out.append(byte)
                    }
                } else if isWord {
                    out.append(byte)
                } else {
                    out += Array("\\x".utf8) + Array(hex(byte).utf8)
                }
            }
            while i < pattern.count {
                let byte = pattern[i]
                switch byte {
                case UInt8(ascii: "\\"):
                    guard i + 1 < pattern.count else { throw BigQueryFunctionError("LIKE pattern ends with a backslash") }
                    i += 1
                    literal(pattern[i])
                case UInt8(ascii: "%"): out += Array(".*".utf8)
                case UInt8(ascii: "_"): out.append(UInt8(ascii: "."))
                default: literal(byte)
                }
                i += 1
            }
            return bytes ? try RE2Regex.cached(bytes: out) : try RE2Regex.cached(String(decoding: out, as: UTF8.self))
        }

        private static func hex(_ byte: UInt8) -> String {
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }
    }
}
