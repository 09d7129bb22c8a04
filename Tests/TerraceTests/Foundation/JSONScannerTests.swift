import Testing
import TerraceJSON

/// The scanner must accept exactly what jansson accepts and read the same values.
@Suite("JSON scanner against jansson")
struct JSONScannerTests {
    /// What the scanner makes of a text: nil when it refuses it, else the value rebuilt from
    /// its members (nested values through `JSON.parse` of their ranges).
    static func scanned(_ text: [UInt8]) -> JSON? {
        text.withUnsafeBufferPointer { bytes -> JSON? in
            guard let kind = JSONScanner.validate(bytes) else { return nil }
            guard kind == .object else {
                if kind == .array || kind == .object { return try? JSON.parse(text) }
                var start = 0, end = bytes.count
                while start < end, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
                while end > start, [0x00, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
                return JSONScanner.scalar(kind, start..<end, in: bytes)
            }
            var scanner = JSONScanner()
            guard scanner.scanObject(bytes) else { return .string("scanObject refused a valid object") }
            var members: [String: JSON] = [:]
            for member in scanner.members {
                let key = JSONScanner.string(member.key, in: bytes)
                let value = JSONScanner.scalar(member.kind, member.value, in: bytes)
                    ?? (try? JSON.parse(Array(bytes[member.value]))) ?? .string("unparseable member")
                members[key] = value
            }
            return .object(members)
        }
    }

    static func parsed(_ text: [UInt8]) -> JSON? { try? JSON.parse(text) }

    static func agree(_ text: [UInt8]) -> Bool {
        let mine = scanned(text)
        let theirs = parsed(text)
        if mine != theirs {
            Issue.record("scanner \(mine.map(\.description) ?? "refused"), jansson \(theirs.map(\.description) ?? "refused"): \(Array(text.prefix(120)))")
            return false
        }
        return true
    }

    @Test(arguments: [
        #"{}"#, #"  { }  "#, "{\n\t\"a\" :\r\n 1 }\n", #"{"a":1,"a":2}"#, #"{"a\"b":"c\\d\/e\b\f\n\r\t"}"#,
        #"{"u":"\u00e9\u4e2d\ud83d\ude00","k\u00e9y":1}"#, #"{"s":"é中😀"}"#, #"{"n":-0}"#, #"{"n":-0.0}"#, #"{"n":0}"#,
        #"{"big":9223372036854775807,"small":-9223372036854775808}"#, #"{"f":1.5e300,"g":1e-400,"h":1E+2,"i":0.1}"#,
        #"{"d":1.7976931348623157e308}"#, #"{"x":{"y":[1,{"z":null}],"w":[]},"t":true,"f":false}"#, #"{"nul":"a\u0000b"}"#,
        #"[1,2,3]"#, #""just a string""#, "42", "-1.25", "true", "null", #"{"a":[[[[[]]]]]}"#,
        "{\"a\":1\u{0}}", "{\"a\":null\u{0},\"b\":[true\u{0}]}",
    ])
    func acceptsWhatJanssonAccepts(_ text: String) {
        #expect(Self.parsed(Array(text.utf8)) != nil)
        #expect(Self.agree(Array(text.utf8)))
    }

    @Test(arguments: [
        "", " ", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, #"{,"a":1}"#, #"{"a":1 "b":2}"#, #"{a:1}"#, #"{'a':1}"#,
        #"{"a":01}"#, #"{"a":-}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, #"{"a":1e+}"#, #"{"a":+1}"#, #"{"a":0x1}"#,
        #"{"a":9223372036854775808}"#, #"{"a":-9223372036854775809}"#, #"{"a":1e400}"#, #"{"a":-1e400}"#, #"{"a":1.8e308}"#,
        #"{"a":NaN}"#, #"{"a":Infinity}"#, #"{"a":tru}"#, #"{"a":truex}"#, #"{"a":true1}"#, #"{"a":nul}"#, #"{"a":True}"#,
        #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\u12g4"}"#, #"{"a":"\ud83d"}"#, #"{"a":"\ud83dx"}"#, #"{"a":"\ud83d\u0041"}"#,
        #"{"a":"\ude00"}"#, #"{"a\u0000":1}"#, "{\"a\":\"tab\there\"}", "{\"a\":\"line\nbreak\"}", #"{"a":1}x"#, #"{"a":1}{}"#,
        "{\"a\":\"x\"\u{0}}", "{\u{0}}", "{\"a\":1\u{0}\u{0}}", "{\"a\":1 \u{0}}", #"{"a":[1,2}"#, #"{"a":[1,]}"#, #"{"a":[,1]}"#, #"{"a":{"b":1}"#, #"[1 2]"#, #"{"a":1}]"#, "\u{FEFF}{}", #"{"a":"unterminated}"#,
    ])
    func refusesWhatJanssonRefuses(_ text: String) {
        #expect(Self.parsed(Array(text.utf8)) == nil)
        #expect(Self.agree(Array(text.utf8)))
    }

    @Test func refusesInvalidUTF8AsJanssonDoes() {
        let bad: [[UInt8]] = [[0x80], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                              [0xF5, 0x80, 0x80, 0x80], [0xC3], [0xE4, 0xB8], [0xFF], [0xC3, 0x28]]
        for sequence in bad {
            #expect(Self.agree(Array(#"{"a":""#.utf8) + sequence + Array(#""}"#.utf8)))
        }
        #expect(Self.agree(Array(#"{"a":""#.utf8) + [0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80] + Array(#""}"#.utf8)))
        #expect(Self.agree([0x7B, 0xC3, 0xA9, 0x7D]))
    }

    @Test func refusesRawControlCharactersAndAcceptsEscapedOnes() {
        for byte in UInt8(0)..<0x20 {
            #expect(Self.agree(Array(#"{"a":""#.utf8) + [byte] + Array(#""}"#.utf8)))
            #expect(Self.agree(Array(#"{"a":1"#.utf8) + [byte] + Array("}".utf8)))
        }
    }

    @Test func limitsNestingAsJanssonDoes() {
        for depth in [2046, 2047, 2048, 2049, 2050] {
            let arrays = Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
            #expect(Self.agree(arrays))
            let inObject = Array(#"{"a":"#.utf8) + Array(repeating: UInt8(ascii: "["), count: depth - 1) + [0x31]
                + Array(repeating: UInt8(ascii: "]"), count: depth - 1) + [0x7D]
            #expect(Self.agree(inObject))
        }
    }

    @Test func agreesOnGeneratedTextsAndTheirMutations() {
        var random = ScannerRandom(seed: 20_240_101)
        var failures = 0
        for _ in 0..<3000 {
            let text = Array(JSONTextGenerator.object(&random, depth: 0).utf8)
            if !Self.agree(text) { failures += 1 }
            for _ in 0..<4 where failures < 10 {
                if !Self.agree(JSONTextGenerator.mutate(text, &random)) { failures += 1 }
            }
            if failures >= 10 { break }
        }
        #expect(failures == 0)
    }

    @Test func reportsMembersWithKindsRangesAndEscapedKeys() throws {
        let text = Array(#"{ "a" : "x\ny", "b\"":-2, "c":1.0 ,"d":[1], "e":{}, "f":true, "g":false, "h":null }"#.utf8)
        try text.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner()
            let accepted = scanner.scanObject(bytes)
            #expect(accepted)
            #expect(!scanner.hasLineBreak)
            let kinds = scanner.members.map(\.kind)
            #expect(kinds == [.string, .integer, .float, .array, .object, .true, .false, .null])
            #expect(scanner.members.map(\.keyIsEscaped) == [false, true, false, false, false, false, false, false])
            let first = try #require(scanner.members.first)
            #expect(String(decoding: bytes[first.value], as: UTF8.self) == #""x\ny""#)
            #expect(JSONScanner.string(first.value, in: bytes) == "x\ny")
            #expect(JSONScanner.string(scanner.members[1].key, in: bytes) == "b\"")
        }
    }

    @Test func noticesLineBreaksBetweenTokens() {
        Array("{\"a\":1,\r\n\"b\":2}".utf8).withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner()
            let accepted = scanner.scanObject(bytes)
            #expect(accepted)
            #expect(scanner.hasLineBreak)
        }
    }

    @Test func flagsTheNulByteJanssonSkipsAfterANumber() {
        Array("{\"a\":12\u{0},\"b\":1}".utf8).withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner()
            let accepted = scanner.scanObject(bytes)
            #expect(accepted)
            #expect(scanner.hasStrayNul)
            #expect(scanner.members.first.map { String(decoding: bytes[$0.value], as: UTF8.self) } == "12")
        }
    }

    @Test func decodesIntegersWithOverflowReportedAsNil() {
        func int(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBufferPointer { JSONScanner.int64($0) } }
        #expect(int("0") == 0)
        #expect(int("-0") == 0)
        #expect(int("9223372036854775807") == .max)
        #expect(int("-9223372036854775808") == .min)
        #expect(int("9223372036854775808") == nil)
        #expect(int("-9223372036854775809") == nil)
        #expect(int("1.5") == nil)
    }

    @Test func decodesDoublesAsStrtodDoes() {
        func double(_ text: String) -> Double? { Array(text.utf8).withUnsafeBufferPointer { JSONScanner.double($0) } }
        #expect(double("0.1") == 0.1)
        #expect(double("1e400") == .infinity)
        #expect(double("1e-400") == 0)
        #expect(double("-2.5E+3") == -2500)
    }

    @Test func findsTheRecordsArrayAtADottedPath() {
        let text = Array(#"{"data":{"items":[{"a":1}, 2 ,"x"],"next":"c"},"data2":[]}"#.utf8)
        text.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner()
            guard let range = scanner.arrayRange(at: ["data", "items"], in: bytes) else {
                Issue.record("no range")
                return
            }
            var elements: [String] = []
            let valid = scanner.scanArray(UnsafeBufferPointer(rebasing: bytes[range])) { element in
                elements.append(String(decoding: bytes[(element.lowerBound + range.lowerBound)..<(element.upperBound + range.lowerBound)], as: UTF8.self))
            }
            #expect(valid)
            #expect(elements == [#"{"a":1}"#, "2", #""x""#])
            let notAnArray = scanner.arrayRange(at: ["data", "next"], in: bytes)
            let missing = scanner.arrayRange(at: ["missing"], in: bytes)
            #expect(notAnArray == nil)
            #expect(missing == nil)
        }
    }

    @Test func findsTheLastOfDuplicateKeysAsJanssonKeepsIt() {
        let text = Array(#"{"items":[1],"items":[2,3]}"#.utf8)
        text.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner()
            let range = scanner.arrayRange(at: ["items"], in: bytes)
            #expect(range.map { String(decoding: bytes[$0], as: UTF8.self) } == "[2,3]")
        }
    }

    @Test func refusesAPathThroughAnEscapedOrNonASCIIKey() {
        for text in [#"{"it\u0065ms":[1]}"#, #"{"ítems":[1],"items":[2]}"#] {
            Array(text.utf8).withUnsafeBufferPointer { bytes in
                var scanner = JSONScanner()
                let range = scanner.arrayRange(at: ["items"], in: bytes)
                #expect(range == nil)
            }
        }
    }
}

/// A deterministic random source (splitmix64).
struct ScannerRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random JSON texts with whitespace everywhere, and byte-level mutations of them.
enum JSONTextGenerator {
    static let spaces = ["", "", "", " ", "\n", "\t", "\r\n", "  "]
    static let numbers = ["0", "-0", "1", "-1", "42", "0.5", "-0.0", "1e3", "1E-3", "2.5e+10", "9223372036854775807",
                          "-9223372036854775808", "9223372036854775808", "1e308", "1e309", "1.7976931348623157e308", "1e-400",
                          "123456789012345678", "3.14159", "01", "1.", ".5", "-", "1e", "+1"]
    static let strings = ["", "a", "hello world", "é", "中文", "😀", "\\\"", "\\\\", "\\/", "\\b\\f\\n\\r\\t", "\\u00e9", "\\u0000",
                          "\\ud83d\\ude00", "\\ud83d", "\\ude00", "\\uD83D\\uDE00", "\\u12", "\\x", "tab\there", "a\\u004Ab"]
    static let words = ["true", "false", "null", "tru", "nulll", "True"]

    static func space(_ random: inout ScannerRandom) -> String { spaces.randomElement(using: &random)! }

    static func scalar(_ random: inout ScannerRandom) -> String {
        switch random.next() % 3 {
        case 0: numbers.randomElement(using: &random)!
        case 1: "\"" + strings.randomElement(using: &random)! + "\""
        default: words.randomElement(using: &random)!
        }
    }

    static func value(_ random: inout ScannerRandom, depth: Int) -> String {
        switch depth < 3 ? random.next() % 6 : 0 {
        case 0, 1, 2: scalar(&random)
        case 3: object(&random, depth: depth + 1)
        default:
            "[" + (0..<Int(random.next() % 4)).map { _ in space(&random) + value(&random, depth: depth + 1) + space(&random) }
                .joined(separator: ",") + "]"
        }
    }

    static func object(_ random: inout ScannerRandom, depth: Int) -> String {
        let count = Int(random.next() % 6)
        let members = (0..<count).map { _ in
            space(&random) + "\"" + (random.next() % 5 == 0 ? strings.randomElement(using: &random)! : "k\(random.next() % 4)") + "\""
                + space(&random) + ":" + space(&random) + value(&random, depth: depth) + space(&random)
        }
        return space(&random) + "{" + members.joined(separator: ",") + (count == 0 ? space(&random) : "") + "}" + space(&random)
    }

    static let interesting: [UInt8] = [0x22, 0x5C, 0x2C, 0x3A, 0x7B, 0x7D, 0x5B, 0x5D, 0x00, 0x0A, 0x20, 0x30, 0x2D, 0x2E, 0x65,
                                       0x75, 0x80, 0xC3, 0xFF, 0x74]

    static func mutate(_ text: [UInt8], _ random: inout ScannerRandom) -> [UInt8] {
        var bytes = text
        guard !bytes.isEmpty else { return bytes }
        let index = Int(random.next() % UInt64(bytes.count))
        switch random.next() % 4 {
        case 0: bytes.remove(at: index)
        case 1: bytes.insert(interesting.randomElement(using: &random)!, at: index)
        case 2: bytes[index] = interesting.randomElement(using: &random)!
        default: bytes = Array(bytes[..<index])
        }
        return bytes
    }
}
