@testable import LocalCloud
import TerraceCompression
import TerraceJSON
import TerraceSQLite
import Testing

/// NDJSON loads scan each line instead of parsing it into a tree: every line the scan settles
/// must give the row (or the error) the tree path gives.
struct BigQueryLoadScanTests {
    static let types = ["INTEGER", "FLOAT", "NUMERIC", "BIGNUMERIC", "BOOLEAN", "STRING", "BYTES", "TIMESTAMP", "DATE", "DATETIME", "TIME",
                        "JSON", "GEOGRAPHY"]

    static let values = [
        "1", "-0", "0", "1.0", "1.5", "-2.5e3", "1e300", "1E-7", "0.1", "9223372036854775807", "-9223372036854775808", "12345678901234567",
        "true", "false", "null", #""42""#, #"" 42 ""#, #""1.5""#, #""-7e2""#, #""abc""#, #""true""#, #""T""#, #""yes""#, #""0""#, #""""#,
        #""2024-01-02""#, #""2024-01-02T03:04:05Z""#, #""2024-01-02 03:04:05.123456""#, #""03:04:05""#, #""aGVsbG8=""#, #""not base64!""#,
        #""{\"a\":1}""#, #""[1,2]""#, #""\u00e9\n\ud83d\ude00""#, #""POINT(1 2)""#, #""123456789012345678901234567890.5""#, "{}", #"{"a":1}"#,
        "[]", "[1,2]", #"[{"sku":"a","qty":2}]"#,
    ]

    /// A field of every scalar type, a required one, a record and two repeated ones.
    static let fields: [FieldSchema] = types.map { FieldSchema(name: "f_" + $0.lowercased(), type: $0) } + [
        FieldSchema(name: "must", type: "INTEGER", mode: .required),
        FieldSchema(name: "rec", type: "RECORD", fields: [FieldSchema(name: "sku", type: "STRING"), FieldSchema(name: "qty", type: "INTEGER")]),
        FieldSchema(name: "items", type: "RECORD", mode: .repeated, fields: [FieldSchema(name: "sku", type: "STRING"), FieldSchema(name: "qty", type: "INTEGER")]),
        FieldSchema(name: "tags", type: "STRING", mode: .repeated),
    ]

    /// The scanned row of `line`, or nil when the scan left it to the tree path; and the tree
    /// path's row.
    static func both(_ line: String, ignoreUnknownValues: Bool = false) -> (scanned: Result<[SQLValue], RowError>?, tree: Result<[SQLValue], RowError>) {
        let layout = RowCodec.Layout(fields)
        var encoder = ScannedRowEncoder(layout: layout, ignoreUnknownValues: ignoreUnknownValues)
        let bytes = Array(line.utf8)
        let scanned = bytes.withUnsafeBufferPointer { buffer in Result { () throws(RowError) in try encoder.encode(buffer) } }
        let object = (try? JSON.parse(bytes))?.objectValue ?? [:]
        let tree = Result { () throws(RowError) in try RowCodec.encode(object, layout: layout, ignoreUnknownValues: ignoreUnknownValues) }
        switch scanned {
        case .success(let row?):
            // The size the scan reports is the one the stored row has.
            let size = zip(row, fields).reduce(Int64(0)) { $0 + RowCodec.size($1.0, field: $1.1) }
            #expect(encoder.rowBytes == size, "\(line)")
            return (.success(row), tree)
        case .success(nil): return (nil, tree)
        case .failure(let error): return (.failure(error), tree)
        }
    }

    @Test func everyTypeFromEveryKindOfValueConvertsAsTheTreePathConverts() {
        for field in Self.fields {
            for value in Self.values {
                let line = field.name == "must" ? "{\"must\": \(value)}" : "{\"must\": 1, \"\(field.name)\": \(value)}"
                let (scanned, tree) = Self.both(line)
                // Scalar fields settle every value; nested ones leave conversions and errors to the tree path.
                if !field.isNested { #expect(scanned != nil, "\(line)") }
                if let scanned { #expect(scanned == tree, "\(line)") }
            }
        }
    }

    /// Records and arrays of every scalar type, nested two deep, with missing, null, escaped
    /// and differently cased members.
    static let nestedFields: [FieldSchema] = [
        FieldSchema(name: "cart", type: "RECORD", fields: [
            FieldSchema(name: "id", type: "INTEGER"), FieldSchema(name: "total", type: "FLOAT"), FieldSchema(name: "note", type: "STRING"),
            FieldSchema(name: "paid", type: "BOOLEAN"), FieldSchema(name: "codes", type: "STRING", mode: .repeated),
            FieldSchema(name: "lines", type: "RECORD", mode: .repeated, fields: [
                FieldSchema(name: "sku", type: "STRING"), FieldSchema(name: "qty", type: "INTEGER"), FieldSchema(name: "price", type: "FLOAT"),
            ]),
        ]),
        FieldSchema(name: "scores", type: "FLOAT", mode: .repeated),
        FieldSchema(name: "flags", type: "BOOLEAN", mode: .repeated),
    ]

    @Test func plainNestedValuesAreScannedAndStoredAsTheTreePathStoresThem() {
        let lines = [
            #"{"cart": {"id": 1, "total": 2.5, "note": "a", "paid": true, "codes": ["x", "y"], "lines": [{"sku": "s1", "qty": 2, "price": 1.25}]}}"#,
            #"{"cart": {"lines": [{"sku": "s1"}, {"qty": 3, "price": 4}, {}], "codes": []}, "scores": [1, 2.5, -0.0, 1e300, 123456789012345678]}"#,
            #"{"cart": {"ID": 7, "Note": "caf\u00e9 \"quoted\" \\ \n", "paid": false, "total": 1E-7}, "flags": [true, false]}"#,
            #"{"cart": {"n\u006fte": "é€😀", "total": null, "codes": null, "lines": null}, "scores": null, "flags": []}"#,
            #"{"cart": null, "scores": [], "flags": null}"#,
            #"{"cart": {}}"#,
            #"{}"#,
        ]
        let layout = RowCodec.Layout(Self.nestedFields)
        var encoder = ScannedRowEncoder(layout: layout, ignoreUnknownValues: false)
        for line in lines {
            let bytes = Array(line.utf8)
            let scanned = bytes.withUnsafeBufferPointer { buffer in try? encoder.encode(buffer) }
            let tree = try? RowCodec.encode((try? JSON.parse(bytes))?.objectValue ?? [:], layout: layout, ignoreUnknownValues: false)
            #expect(scanned != nil, "\(line)")
            #expect(scanned == tree, "\(line)")
            let size = (tree ?? []).enumerated().reduce(Int64(0)) { $0 + RowCodec.size($1.element, field: Self.nestedFields[$1.offset]) }
            #expect(encoder.rowBytes == size, "\(line)")
        }
    }

    @Test func storedNestedTextIsSizedWithoutATreeAsTheTreeSizesIt() throws {
        let stored = [
            #"{"id":1,"total":2.5,"note":"caf\u00e9 \"q\"","paid":true,"codes":["x","yy"],"lines":[{"sku":"s1","qty":2,"price":1.25},{"sku":null,"qty":null,"price":null}]}"#,
            #"{"id":null,"total":null,"note":"é€😀","paid":false,"codes":[],"lines":[]}"#,
            #"{"codes":[],"id":7,"lines":[{"price":4,"qty":3,"sku":"b"}],"note":null,"paid":null,"total":1e-07}"#,
            #"{}"#,
        ]
        let cart = Self.nestedFields[0]
        for text in stored {
            var copy = text
            let scanned = copy.withUTF8 { RowCodec.nestedSize(stored: $0, field: cart) }
            #expect(scanned != nil, "\(text)")
            #expect(scanned == RowCodec.nestedSize(try JSON.parse(text), field: cart), "\(text)")
        }
        for (text, field) in [("[1,2.5,-3]", Self.nestedFields[1]), ("[true,false]", Self.nestedFields[2]), ("[]", Self.nestedFields[1])] {
            var copy = text
            #expect(copy.withUTF8 { RowCodec.nestedSize(stored: $0, field: field) } == RowCodec.nestedSize(try JSON.parse(text), field: field))
        }
        // Text not in the stored form is left to the tree.
        var odd = #"{"id":"7","id":8}"#
        #expect(odd.withUTF8 { RowCodec.nestedSize(stored: $0, field: cart) } == nil)
    }

    @Test func nestedValuesToConvertOrRefuseAreLeftToTheTreePath() {
        let lines = [
            #"{"cart": {"id": "7"}}"#, #"{"cart": {"id": 1.5}}"#, #"{"cart": {"note": 5}}"#, #"{"cart": {"paid": 1}}"#, #"{"cart": 1}"#,
            #"{"cart": [{"id": 1}]}"#, #"{"cart": {"codes": "x"}}"#, #"{"cart": {"codes": ["x", null]}}"#, #"{"cart": {"lines": [1]}}"#,
            #"{"cart": {"unknown": 1}}"#, #"{"cart": {"id": 1, "ID": 2}}"#, #"{"cart": {"id": 1, "id": 2}}"#, #"{"scores": [true]}"#,
            #"{"scores": {"a": 1}}"#, #"{"flags": ["yes"]}"#,
        ]
        let layout = RowCodec.Layout(Self.nestedFields)
        var encoder = ScannedRowEncoder(layout: layout, ignoreUnknownValues: false)
        for line in lines {
            let scanned = Array(line.utf8).withUnsafeBufferPointer { buffer in try? encoder.encode(buffer) }
            #expect(scanned == nil, "\(line)")
        }
    }

    @Test func unknownNestedKeysAreSkippedWhenIgnored() {
        let line = #"{"cart": {"id": 1, "extra": {"deep": [1]}, "lines": [{"sku": "a", "more": true}]}}"#
        let layout = RowCodec.Layout(Self.nestedFields)
        var encoder = ScannedRowEncoder(layout: layout, ignoreUnknownValues: true)
        let bytes = Array(line.utf8)
        let scanned = bytes.withUnsafeBufferPointer { buffer in try? encoder.encode(buffer) }
        let tree = try? RowCodec.encode((try? JSON.parse(bytes))?.objectValue ?? [:], layout: layout, ignoreUnknownValues: true)
        #expect(scanned != nil)
        #expect(scanned == tree)
    }

    @Test func secondsBeyondBigQuerysTimestampRangeAreARowErrorOnBothPaths() {
        for value in ["1e300", "9223372036854775807", "-9223372036854775808", "12345678901234567", "253402300800"] {
            let (scanned, tree) = Self.both("{\"must\": 1, \"f_timestamp\": \(value)}")
            guard case .failure(let error) = tree else {
                Issue.record("\(value) was admitted as a TIMESTAMP")
                continue
            }
            #expect(error.message.contains("out of range"), "\(error.message)")
            if let scanned { #expect(scanned == tree) }
        }
    }

    @Test func keysMatchFieldsExactlyThenCaseInsensitivelyAndEscapedKeysToo() {
        for line in [#"{"MUST": 2, "F_STRING": "x"}"#, #"{"mu\u0073t": 3, "f_str\u0069ng": "y"}"#, #"{"f_string": "a", "must": 4}"#] {
            let (scanned, tree) = Self.both(line)
            #expect(scanned != nil, "\(line)")
            #expect(scanned == tree, "\(line)")
        }
    }

    @Test func aMissingRequiredFieldIsTheSameError() {
        let (scanned, tree) = Self.both(#"{"f_string": "a"}"#)
        #expect(scanned == tree)
        #expect(scanned == .failure(RowError(location: "must", message: "Missing required field: must.")))
    }

    @Test func unknownFieldsAreSkippedWhenIgnoredAndLeftToTheTreePathOtherwise() {
        let line = #"{"must": 1, "zzz": 2, "aaa": {"x": 1}}"#
        let ignored = Self.both(line, ignoreUnknownValues: true)
        #expect(ignored.scanned != nil)
        #expect(ignored.scanned == ignored.tree)
        #expect(Self.both(line).scanned == nil)
    }

    @Test func twoKeysNamingOneFieldAreLeftToTheTreePath() {
        #expect(Self.both(#"{"must": 1, "must": 2}"#).scanned == nil)
        #expect(Self.both(#"{"must": 1, "MUST": 2}"#).scanned == nil)
    }

    @Test func linesThatAreNotValidObjectsAreLeftToTheTreePath() {
        for line in ["[1]", "1", #"{"must": 1"#, #"{"must": 01}"#, #"{"must": 1e400}"#] {
            #expect(Self.both(line).scanned == nil, "\(line)")
        }
    }

    @Test func linesSplitAcrossReadChunksAndCRLFEndingsLoadWhole() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "lake")
            #expect(try await cloud.call("POST", "/storage/v1/b?project=\(BQ.project)", ["name": "lake"]).status == 200)
            let padding = String(repeating: "p", count: 700)
            let text = (1...3000).map { "{\"id\": \($0), \"pad\": \"\(padding)\"}\r\n" }.joined()
            let upload = try await cloud.raw("POST", "/upload/storage/v1/b/lake/o?uploadType=media&name=big.json", body: Array(text.utf8),
                                             headers: [("Content-Type", "application/octet-stream")])
            #expect(upload.status == 200)
            let load: JSON = ["sourceUris": ["gs://lake/big.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON",
                              "schema": BQ.schema(BQ.field("id", "INTEGER"), BQ.field("pad", "STRING")),
                              "destinationTable": ["projectId": .string(BQ.project), "datasetId": "lake", "tableId": "big"]]
            let (status, body) = try await cloud.call("POST", "/bigquery/v2/projects/\(BQ.project)/jobs", ["configuration": ["load": load]])
            #expect(status == 200)
            let job = try await BQ.finished(cloud, body)
            #expect(job["status"]?["errorResult"] == nil, "\(job)")
            #expect(job["statistics"]?["load"]?["outputRows"] == "3000")
            let (_, answer) = try await cloud.call("POST", "/bigquery/v2/projects/\(BQ.project)/queries",
                                                   ["query": "SELECT SUM(id), MIN(LENGTH(pad)), MAX(LENGTH(pad)) FROM lake.big", "useLegacySql": false])
            #expect(answer["rows"]?[0]?["f"] == [["v": "4501500"], ["v": "700"], ["v": "700"]])
        }
    }
}
