import Testing
import TerraceCompression
import TerraceJSON
import TerracePipelines

/// Records of a JSON page land as they came when the schema settles them (the raw path), and
/// are parsed otherwise; an identity transform turns the raw path off, so each test compares
/// the two paths over the same pages.
@Suite(.serialized)
struct BronzeRawRecordTests {
    /// What a run left: its result, the landed records (without the metadata that names the
    /// source; numbers as doubles, since a record landed as it came keeps its own spelling, as
    /// `2.0` or `-0.0`) and the manifest's schema.
    struct Landed: Equatable, CustomStringConvertible {
        var status: SourceRunResult.Status
        var error: String?
        var records: Int64
        var badRecords: Int
        var lines: [JSON]
        var schema: JSON?
        var rows: Int

        var description: String {
            "\(status) \(error ?? "") records \(records) bad \(badRecords) rows \(rows) schema \(schema?.description ?? "-")\n"
                + lines.map(\.description).joined(separator: "\n")
        }
    }

    static let pagination = Pagination.pageNumber(parameter: "page", start: 1)

    /// Runs `pages` as the source `name`, with or without an identity transform.
    static func land(_ h: BronzeHarness, _ name: String, parsed: Bool, records: String = "items", pagination: Pagination = pagination,
                     columns: [Column]? = nil, options: BronzeRunOptions? = nil) async throws -> Landed {
        let spec = HTTPSource(url: h.api.base + "/text", records: records, pagination: pagination)
        let identity: RecordTransform = { $0 }
        let source = Source.http(name, spec, columns: columns, transform: parsed ? identity : nil)
        let result = await h.run(source, options)
        let prefix = "raw/\(name)/dt=2024-03-01/run=\(result.runID)/"
        var lines: [JSON] = []
        var schema: JSON?
        for object in try await h.objects(prefix) {
            let body = try await h.object(object)
            if object.hasSuffix("_manifest.json") {
                schema = try JSON.parse(body)["schema"]
                continue
            }
            for line in try GzipReader.decompress(body).split(separator: 0x0A) {
                var record = try JSON.parse(Array(line))
                record["_source"] = nil
                record["_run_id"] = nil
                lines.append(Self.numbersAsDoubles(record))
            }
        }
        let rows = result.status == SourceRunResult.Status.success ? try await h.count(name) : 0
        return Landed(status: result.status, error: result.error?.replacing(name, with: "<source>"), records: result.records,
                      badRecords: result.badRecords, lines: lines, schema: schema, rows: rows)
    }

    static func numbersAsDoubles(_ value: JSON) -> JSON {
        switch value {
        case .int(let number): .double(Double(number))
        case .array(let elements): .array(elements.map(numbersAsDoubles))
        case .object(let members): .object(members.mapValues(numbersAsDoubles))
        default: value
        }
    }

    /// Serves `pages` and runs them both ways; answers the raw path's outcome and whether the
    /// two agree.
    static func bothWays(_ pages: [String], records: String = "items", pagination: Pagination = pagination, columns: [Column]? = nil,
                         maxBadRecords: Int = 0, sourceLocation: SourceLocation = #_sourceLocation,
                         _ check: (Landed, BronzeHarness) async throws -> Void = { _, _ in }) async throws {
        try await BronzeHarness.with { h in
            h.api.texts.withLock { texts in for (index, page) in pages.enumerated() { texts[index + 1] = page } }
            let options = h.options(maxBadRecords: maxBadRecords)
            let raw = try await land(h, "raw_path", parsed: false, records: records, pagination: pagination, columns: columns, options: options)
            let parsed = try await land(h, "parsed_path", parsed: true, records: records, pagination: pagination, columns: columns, options: options)
            #expect(raw == parsed, "raw path:\n\(raw)\nparsed path:\n\(parsed)", sourceLocation: sourceLocation)
            try await check(raw, h)
        }
    }

    @Test func settledRecordsLandAsTheyCameWithTheMetadataSpliced() async throws {
        try await BronzeHarness.with { h in
            h.api.texts.withLock { $0[1] = #"{"items": [{"name":"a","id":1}, {"name":"b" , "id":2}, {}], "total": 3}"# }
            let spec = HTTPSource(url: h.api.base + "/text", records: "items", pagination: Self.pagination)
            let result = await h.succeed(.http("flat", spec))
            let part = "raw/flat/dt=2024-03-01/run=\(result.runID)/part-00000.jsonl.gz"
            let lines = try GzipReader.decompress(try await h.object(part)).split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
            #expect(lines.count == 3)
            // The first record taught the schema (parsed, keys sorted); the second came as it was.
            #expect(lines[0].hasPrefix(#"{"id":1,"name":"a","_ingested_at":"#))
            #expect(lines[1].hasPrefix(#"{"name":"b" , "id":2,"_ingested_at":"#))
            #expect(lines[2].hasPrefix(#"{"_ingested_at":"#))
            try await h.expectCount("flat", 3)
        }
    }

    @Test func flatPagesLandTheSameRecordsBothWays() async throws {
        let page = #"{"items":[{"id":1,"name":"a","price":1.5,"ok":true},{"id":2,"name":"b\u00e9\n","price":2,"ok":false},"#
            + #"{"id":3,"name":"c","price":-0.0,"ok":true}],"total":3}"#
        try await Self.bothWays([page]) { landed, _ in #expect(landed.records == 3) }
    }

    @Test func aNestedFieldANullARenamedKeyAndAnEscapedKeyTakeTheParsedPath() async throws {
        let page = #"{"items":[{"id":1,"name":"a"},{"id":2,"name":"b","dims":{"w":1}},{"id":3,"name":null},{"id":4,"first-name":"x"},"#
            + #"{"id":5,"na\u006de":"y"},{"id":6,"name":"f","tags":["t"]},{"id":7,"name":"g"}]}"#
        try await Self.bothWays([page]) { landed, _ in #expect(landed.records == 7) }
    }

    @Test func nestedRecordsAndArraysTheSchemaSettlesLandAsTheyCame() async throws {
        try await BronzeHarness.with { h in
            h.api.texts.withLock {
                $0[1] = #"{"items": [{"id":1,"user":{"name":"a","age":3},"products":[{"sku":"x","qty":2}],"tags":["t"]}, "#
                    + #"{"id":2, "user":{"age":4,"name":"b"}, "products":[{"qty":1,"sku":"y"},{"sku":"z"}], "tags":[]}]}"#
            }
            let spec = HTTPSource(url: h.api.base + "/text", records: "items", pagination: Self.pagination)
            let result = await h.succeed(.http("carts", spec))
            let part = "raw/carts/dt=2024-03-01/run=\(result.runID)/part-00000.jsonl.gz"
            let lines = try GzipReader.decompress(try await h.object(part)).split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
            #expect(lines.count == 2)
            #expect(lines[1].hasPrefix(#"{"id":2, "user":{"age":4,"name":"b"}, "products":[{"qty":1,"sku":"y"},{"sku":"z"}], "tags":[],"_ingested_at":"#),
                    "\(lines[1])")
            try await h.expectCount("carts", 2)
        }
    }

    @Test func nestedPagesLandTheSameRecordsBothWays() async throws {
        let page = #"{"items":[{"id":1,"user":{"name":"a","address":{"city":"c","zip":1}},"products":[{"sku":"x","qty":2,"price":1.5}],"#
            + #""tags":["t","u"],"scores":[1,2]},"#
            // as the first; then a nested null, a new nested field, a renamed nested key, an escaped one
            + #"{"id":2,"user":{"name":"b","address":{"city":"d","zip":2}},"products":[{"sku":"y","qty":1,"price":2}],"tags":[],"scores":[]},"#
            + #"{"id":3,"user":{"name":null,"address":{"city":"e","zip":3}},"products":[],"tags":["v"]},"#
            + #"{"id":4,"user":{"name":"d","nick":"n"},"products":[{"sku":"z","qty":1,"price":1,"discount":0.5}]},"#
            + #"{"id":5,"user":{"first-name":"e"},"products":[{"s\u006bu":"w","qty":3,"price":4.25}]},"#
            // an INTEGER array widened by a FLOAT, a null element, an array of arrays, a key twice
            + #"{"id":6,"scores":[1.5,2]},{"id":7,"tags":["a"]},{"id":8,"grid":[[1,2],[3]]},{"id":9,"user":{"name":"f","name":"g"}},"#
            + #"{"id":10,"user":{"name":"h","address":{"city":"i","zip":10}},"products":[{"sku":"q","qty":1,"price":0.5},{"sku":"r","qty":2,"price":1}]}]}"#
        try await Self.bothWays([page]) { landed, _ in
            #expect(landed.records == 10)
            #expect(landed.rows == 10)
        }
    }

    @Test func aFieldSeenOnlyAsAnEmptyArrayLandsAsIfAbsentUntilItHasAType() async throws {
        try await Self.bothWays([#"{"items":[{"id":1,"tags":[]},{"id":2,"tags":[],"dims":{"sizes":[]}}]}"#]) { landed, _ in
            #expect(landed.status == .success, "\(landed.error ?? "")")
            #expect(landed.rows == 2)
            #expect(landed.lines.allSatisfy { $0["tags"] == nil })
        }
        try await Self.bothWays([#"{"items":[{"id":1,"tags":[]},{"id":2,"tags":["a"]},{"id":3,"tags":[]}]}"#]) { landed, _ in
            #expect(landed.status == .success, "\(landed.error ?? "")")
            #expect(landed.rows == 3)
            #expect(landed.schema?.arrayValue?.contains { $0["name"] == "tags" && $0["mode"] == "REPEATED" } == true)
        }
    }

    @Test func anArrayHoldingANullIsABadRecordThatSaysWhere() async throws {
        let page = #"{"items":[{"id":1,"tags":["a"]},{"id":2,"tags":["b",null]},{"id":3,"products":[{"codes":[null]}]}]}"#
        try await Self.bothWays([page]) { landed, _ in
            #expect(landed.error?.contains("record 2: field tags holds a null at [1], and a BigQuery array cannot hold NULL") == true,
                    "\(landed.error ?? "")")
        }
        try await Self.bothWays([page], maxBadRecords: 2) { landed, _ in
            #expect(landed.status == .success, "\(landed.error ?? "")")
            #expect(landed.badRecords == 2)
            #expect(landed.rows == 1)
        }
    }

    @Test func aFieldSpelledInAnotherCaseLandsInTheColumnAlreadyThere() async throws {
        let page = #"{"items":[{"id":1,"name":"a","dims":{"w":1}},{"ID":2,"Name":"b","dims":{"W":2}},{"Id":3,"DIMS":{"w":3}}]}"#
        try await Self.bothWays([page]) { landed, _ in
            #expect(landed.status == .success, "\(landed.error ?? "")")
            #expect(landed.rows == 3)
            #expect(landed.schema?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["dims", "id", "name", "_ingested_at", "_run_id", "_source"])
            #expect(landed.lines.map { $0["id"] ?? .null } == [1.0, 2.0, 3.0])
            #expect(landed.lines.map { $0["dims"]?["w"] ?? .null } == [1.0, 2.0, 3.0])
        }
    }

    @Test func twoFieldsOfOneRecordLandingInOneColumnAreABadRecord() async throws {
        try await Self.bothWays([#"{"items":[{"id":1},{"id":2,"ID":3}]}"#]) { landed, _ in
            #expect(landed.error?.contains("record 2: fields ID and id land in one column, id") == true, "\(landed.error ?? "")")
        }
        try await Self.bothWays([#"{"items":[{"id":1,"dims":{"first-name":"a","first_name":"b"}},{"id":2}]}"#], maxBadRecords: 1) { landed, _ in
            #expect(landed.status == .success, "\(landed.error ?? "")")
            #expect(landed.badRecords == 1)
            #expect(landed.rows == 1)
        }
    }

    @Test func aFieldFirstSeenInARefusedRecordStillJoinsTheSchema() async throws {
        // Record 2 is refused; whether its new field was met before the fault or not, record 3's
        // value of it loads.
        let page = #"{"items":[{"id":1},{"id":2,"extra":"x","ID":3},{"id":4,"extra":"y"}]}"#
        try await Self.bothWays([page], maxBadRecords: 1) { landed, _ in
            #expect(landed.status == .success, "\(landed.error ?? "")")
            #expect(landed.rows == 2)
            #expect(landed.schema?.arrayValue?.contains { $0["name"] == "extra" } == true)
        }
    }

    @Test func aFieldFirstSeenAsAnEmptyObjectTakesItsTypeFromALaterOne() async throws {
        let page = #"{"items":[{"id":1,"o":{}},{"id":2,"o":{"k":null}},{"id":3,"o":{"k":1}},{"id":4,"o":{}}]}"#
        try await Self.bothWays([page]) { landed, _ in
            #expect(landed.status == .success, "\(landed.error ?? "")")
            #expect(landed.rows == 4)
            let o = landed.schema?.arrayValue?.first { $0["name"] == "o" }
            #expect(o?["type"] == "RECORD", "\(landed.schema?.description ?? "-")")
            #expect(o?["fields"]?[0]?["name"] == "k")
        }
    }

    @Test func aMergeSourcesRecordWithoutItsKeyIsABadRecord() async throws {
        try await BronzeHarness.with { h in
            h.api.texts.withLock { $0[1] = #"{"items":[{"id":1,"name":"a"},{"id":null,"name":"b"},{"name":"c"},{"ID":4,"name":"d"}]}"# }
            let spec = HTTPSource(url: h.api.base + "/text", records: "items", pagination: Self.pagination)
            let refused = await h.run(.http("keyed", spec, disposition: .merge(primaryKey: ["id"])))
            #expect(refused.error?.contains("record 2: its primary key field id is missing or null") == true, "\(refused.error ?? "")")
            let tolerated = await h.succeed(.http("keyed", spec, disposition: .merge(primaryKey: ["id"])), h.options(maxBadRecords: 2))
            #expect(tolerated.badRecords == 2)
            try await h.expectCount("keyed", 2)
            // Running it again adds nothing: every row has its key.
            await h.succeed(.http("keyed", spec, disposition: .merge(primaryKey: ["id"])), h.options(maxBadRecords: 2))
            try await h.expectCount("keyed", 2)
        }
    }

    @Test func anAPIThatIgnoresTheOffsetIsStoppedWithOneClearError() async throws {
        try await BronzeHarness.with { h in
            // /text answers page 1 whatever the offset: without a total the read would never end.
            h.api.texts.withLock { $0[1] = #"{"items":[{"id":1},{"id":2}]}"# }
            let spec = HTTPSource(url: h.api.base + "/text", records: "items",
                                  pagination: .offset(offsetParameter: "skip", limitParameter: "limit", limit: 2))
            let result = await h.run(.http("stuck", spec))
            #expect(result.status == .error)
            #expect(result.error?.contains("page 2 of") == true, "\(result.error ?? "")")
            #expect(result.error?.contains("holds the same records as page 1, so the API seems to ignore the offset parameter skip") == true,
                    "\(result.error ?? "")")
        }
    }

    @Test func aNumberBeyondWhatTerraceReadsIsNamedAsSuch() async throws {
        try await BronzeHarness.with { h in
            h.api.texts.withLock { $0[1] = #"{"items":[{"id":1,"big":12345678901234567890}]}"# }
            let spec = HTTPSource(url: h.api.base + "/text", records: "items", pagination: Self.pagination)
            let result = await h.run(.http("big", spec))
            #expect(result.error?.contains("answered a number beyond what Terrace reads (") == true, "\(result.error ?? "")")
            #expect(result.error?.contains("integers must fit in 64 bits") == true)
        }
    }

    @Test func aNullRecordsArrayIsAnEmptyPage() async throws {
        try await BronzeHarness.with { h in
            h.api.texts.withLock {
                $0[1] = #"{"items":[{"id":1},{"id":2}]}"#
                $0[2] = #"{"items":null}"#
            }
            let spec = HTTPSource(url: h.api.base + "/text", records: "items", pagination: Self.pagination)
            let result = await h.succeed(.http("ends", spec))
            #expect(result.records == 2)
        }
    }

    @Test func aNestedTypeChangeFailsTheSameWayBothWays() async throws {
        let page = #"{"items":[{"id":1,"products":[{"sku":"x","qty":2}]},{"id":2,"products":[{"sku":"y","qty":"many"}]}]}"#
        try await Self.bothWays([page]) { landed, _ in
            #expect(landed.error?.contains("field products.qty changed type") == true, "\(landed.error ?? "")")
        }
        let shape = #"{"items":[{"id":1,"user":{"name":"a"}},{"id":2,"user":[{"name":"b"}]}]}"#
        try await Self.bothWays([shape]) { landed, _ in
            #expect(landed.error?.contains("field user changed type") == true, "\(landed.error ?? "")")
        }
    }

    @Test func aKeyGivenTwiceLandsItsLastValueBothWays() async throws {
        let page = #"{"items":[{"id":1,"name":"a"},{"id":2,"name":"b","id":3}]}"#
        try await Self.bothWays([page]) { landed, _ in #expect(landed.lines.map { $0["id"] ?? .null } == [1.0, 3.0]) }
    }

    @Test func prettyPrintedPagesLandTheSameRecordsBothWays() async throws {
        let records = (1...5).map { id in JSON.object(["id": .int(Int64(id)), "name": .string("n\(id)"), "price": .double(Double(id) / 4)]) }
        let page = JSON.object(["data": ["items": .array(records)], "meta": ["total_pages": 1]]).encoded(.pretty)
        try await Self.bothWays([page], records: "data.items",
                                pagination: .pageNumber(parameter: "page", start: 1, totalPages: "meta.total_pages")) { landed, _ in
            #expect(landed.records == 5)
        }
    }

    @Test func aTypeChangeFailsTheSameWayBothWays() async throws {
        let page = #"{"items":[{"id":1,"price":1},{"id":2,"price":2.5},{"id":3,"price":"expensive"}]}"#
        try await Self.bothWays([page]) { landed, _ in
            #expect(landed.error?.hasPrefix("source <source>: field price changed type: it was FLOAT (first in {\"id\":2,\"price\":2.5})") == true,
                    "\(landed.error ?? "")")
            #expect(landed.error?.contains("page 1 of") == true)
        }
    }

    @Test func recordsThatAreNotObjectsAreBadRecordsNamedTheSameBothWays() async throws {
        let page = #"{"items":[{"id":1},{"id":2},[3],"x",{"id":5}]}"#
        try await Self.bothWays([page], maxBadRecords: 2) { landed, _ in
            #expect(landed.badRecords == 2)
            #expect(landed.records == 3)
        }
        try await Self.bothWays([page]) { landed, _ in #expect(landed.error?.contains("record 3: a record must be a JSON object") == true) }
    }

    @Test func declaredColumnsLandTheSameRecordsBothWays() async throws {
        let page = #"{"items":[{"id":1,"price":2,"name":"a"},{"id":"7","price":3,"name":"b"},{"id":8,"price":"4.5","name":5},"#
            + #"{"id":9,"price":1.25,"name":"c"}]}"#
        let columns = [Column("id", .int64, required: true), Column("price", .float64), Column("name", .string)]
        try await Self.bothWays([page], columns: columns) { landed, _ in #expect(landed.records == 4) }
        let missing = #"{"items":[{"id":1,"price":2},{"price":3}]}"#
        try await Self.bothWays([missing], columns: columns) { landed, _ in
            #expect(landed.error?.contains("required field id is missing") == true, "\(landed.error ?? "")")
        }
    }

    @Test func theIncrementalCursorIsReadFromRecordsThatLandAsTheyCame() async throws {
        try await BronzeHarness.with { h in
            h.api.texts.withLock {
                $0[1] = #"{"items":[{"id":1,"updated_at":"2024-01-05"},{"id":2,"updated_at":"2024-01-09"},{"id":3,"updated_at":"2024-01-07"}]}"#
            }
            var spec = HTTPSource(url: h.api.base + "/text", records: "items", pagination: Self.pagination)
            spec.incremental = Incremental(parameter: "updated_since", field: "updated_at", initial: "2024-01-01")
            await h.succeed(.http("changes", spec))
            await h.succeed(.http("changes", spec), h.options(date: "2024-03-02"))
            #expect(h.api.lastQuery.withLock { $0["updated_since"] } == "2024-01-09")
        }
    }
}
