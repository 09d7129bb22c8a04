import TerraceJSON
import TerraceSQLite

/// A job that ended in an error: its `errorResult` and `errors`, in BigQuery's ErrorProto shape.
struct JobFailure: Error {
    let errorResult: JSON
    let errors: [JSON]

    init(_ reason: String, _ message: String, location: String? = nil, errors: [JSON] = []) {
        var result: [String: JSON] = ["reason": .string(reason), "message": .string(message)]
        if let location { result["location"] = .string(location) }
        self.errorResult = .object(result)
        self.errors = errors.isEmpty ? [.object(result)] : errors + [.object(result)]
    }
}

/// What a finished load did (`statistics.load`).
struct LoadStatistics {
    var inputFiles = 0
    var inputFileBytes: Int64 = 0
    var outputRows: Int64 = 0
    var outputBytes: Int64 = 0
    var badRecords: Int64 = 0
    /// The bad records skipped within `maxBadRecords`, reported in `status.errors`.
    var skipped: [JSON] = []

    var json: JSON {
        [
            "inputFiles": .string(String(inputFiles)), "inputFileBytes": .string(String(inputFileBytes)),
            "outputRows": .string(String(outputRows)), "outputBytes": .string(String(outputBytes)),
            "badRecords": .string(String(badRecords)),
        ]
    }
}

/// Load jobs from the local cloud's storage: newline-delimited JSON and CSV, gzip or not, a
/// given or detected schema, create and write dispositions, field addition, bad-record limits,
/// time partitioning of a new table. Everything happens in one transaction: the load commits
/// whole, or the table is as it was.
extension BigQueryService {
    func runLoad(_ load: JSON, project: String, db: Database) throws -> LoadStatistics {
        guard let target = load["destinationTable"], let datasetID = target["datasetId"]?.stringValue,
              let tableID = target["tableId"]?.stringValue
        else { throw JobFailure("invalid", "Required field destinationTable is missing.") }
        let tableProject = target["projectId"]?.stringValue ?? project
        let tableName = "\(tableProject):\(datasetID).\(tableID)"
        let format = (load["sourceFormat"]?.stringValue ?? "CSV").uppercased()
        guard format == "CSV" || format == "NEWLINE_DELIMITED_JSON" else {
            throw JobFailure("invalid", "Source format \(format) is not supported by the local cloud (use CSV or NEWLINE_DELIMITED_JSON).")
        }
        let uris = (load["sourceUris"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard !uris.isEmpty else { throw JobFailure("invalid", "Required field sourceUris is missing.") }
        let sources: [LoadSource]
        do {
            sources = try LoadSource.resolve(uris, db: db, blobs: context.blobs)
        } catch let error as GCPError {
            throw JobFailure(error.reason, error.message)
        }
        let options = CSVOptions(load)
        let ignoreUnknown = load["ignoreUnknownValues"]?.boolValue ?? false
        let maxBad = load["maxBadRecords"]?.intValue ?? 0

        // The schema: given, detected, or the table's.
        let existing = try catalog.table(db, tableProject, datasetID, tableID)
        if existing?["type"]?.stringValue == "VIEW" { throw JobFailure("invalid", "Cannot load data into a view: \(tableName)") }
        var skipRows = options.skipLeadingRows
        var schema: [JSON]?
        if let given = load["schema"], given["fields"] != nil {
            do {
                schema = try BigQuerySchema.normalise(given)?["fields"]?.arrayValue
            } catch let error as GCPError {
                throw JobFailure("invalid", error.message)
            }
        } else if load["autodetect"]?.boolValue == true, existing == nil || load["writeDisposition"]?.stringValue == "WRITE_TRUNCATE" {
            let detected = try detectSchema(sources[0], format: format, options: options)
            schema = detected.fields
            if detected.header && load["skipLeadingRows"] == nil { skipRows = 1 }
        }
        guard let fields = schema ?? existing?["schema"]?["fields"]?.arrayValue, !fields.isEmpty else {
            throw JobFailure("invalid", "No schema specified on job or table.")
        }
        if format == "CSV", fields.contains(where: { $0["type"] == "RECORD" || $0["mode"] == "REPEATED" }) {
            throw JobFailure("invalid", "CSV loads cannot fill RECORD or REPEATED fields; load newline-delimited JSON instead.")
        }

        // Dispositions: WRITE_APPEND is a load's default.
        var plan = DestinationPlan(write: load["writeDisposition"]?.stringValue ?? "WRITE_APPEND",
                                   create: load["createDisposition"]?.stringValue ?? "CREATE_IF_NEEDED", action: "load data into")
        plan.schemaUpdateOptions = Set((load["schemaUpdateOptions"]?.arrayValue ?? []).compactMap(\.stringValue))
        plan.keepsTableSchema = false
        for key in ["timePartitioning", "rangePartitioning", "clustering"] { if let value = load[key] { plan.layout[key] = value } }
        let destination = try openDestination(db, JobTableReference(project: tableProject, dataset: datasetID, table: tableID),
                                              fields: fields, plan: plan)

        // The rows.
        let parsed = FieldSchema.fields(of: destination.table["schema"])
        let layout = RowCodec.Layout(parsed)
        let rowsTable = destination.rowsTable
        var statistics = LoadStatistics()
        var batch: [[SQLValue]] = []
        batch.reserveCapacity(1000)
        func flush() throws {
            try RowStore.insert(db, into: rowsTable, fields: parsed, rows: batch)
            batch.removeAll(keepingCapacity: true)
        }
        // Lines of JSON are scanned first; a line the scan cannot settle is parsed.
        var scanned = ScannedRowEncoder(layout: layout, ignoreUnknownValues: ignoreUnknown)
        func values(_ record: Record) throws -> [SQLValue] {
            switch record {
            case .json(let object): return try RowCodec.encode(object, layout: layout, ignoreUnknownValues: ignoreUnknown)
            case .csv(let cells): return try csvValues(cells, fields: parsed, options: options)
            case .bad(let message): throw RowError(location: "", message: message)
            }
        }
        for source in sources {
            statistics.inputFiles += 1
            statistics.inputFileBytes += source.size
            /// `row` answers the row and its size when it knows it.
            func add(_ line: Int64, _ row: () throws -> ([SQLValue], Int64?)) throws {
                do {
                    let (values, size) = try row()
                    if let size {
                        statistics.outputBytes += size
                    } else {
                        for (value, field) in zip(values, parsed) { statistics.outputBytes += RowCodec.size(value, field: field) }
                    }
                    statistics.outputRows += 1
                    batch.append(values)
                    if batch.count == 1000 { try flush() }
                } catch let error as RowError {
                    statistics.badRecords += 1
                    let detail = "Error while reading data, error message: \(error.message) Line: \(line); File: \(source.uri)"
                    if statistics.skipped.count < 5 {
                        statistics.skipped.append(["reason": "invalid", "location": .string(source.uri), "message": .string(detail)])
                    }
                    if statistics.badRecords > maxBad {
                        let kind = format == "CSV" ? "CSV" : "JSON"
                        throw JobFailure("invalid", "Error while reading data, error message: \(kind) table encountered too many errors, "
                                             + "giving up. Rows: \(statistics.outputRows + statistics.badRecords); errors: \(statistics.badRecords). "
                                             + "Please look into the errors[] collection for more details.",
                                         location: source.uri, errors: statistics.skipped)
                    }
                }
            }
            if format == "NEWLINE_DELIMITED_JSON" {
                try forEachJSONLine(source, skip: skipRows) { line, bytes in
                    try add(line) {
                        if let row = try scanned.encode(bytes) { return (row, scanned.rowBytes) }
                        return (try values(Self.jsonRecord(bytes, line: line)), nil)
                    }
                }
            } else {
                try forEachRecord(source, format: format, options: options, skip: skipRows) { line, record in try add(line) { (try values(record), nil) } }
            }
        }
        try flush()
        try closeDestination(db, destination, rows: statistics.outputRows, bytes: statistics.outputBytes)
        return statistics
    }

    enum Record {
        case json([String: JSON])
        case csv([String])
        case bad(String)
    }

    /// Each non-blank line of newline-delimited JSON in `source` after the first `skip`, with
    /// its 1-based line number.
    func forEachJSONLine(_ source: LoadSource, skip: Int64, _ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var line: Int64 = 0
        var skipped: Int64 = 0
        try source.forEachLine { bytes in
            line += 1
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            if skipped < skip { skipped += 1; return }
            try body(line, bytes)
        }
    }

    /// A line of newline-delimited JSON parsed: its object, or why it is a bad record.
    static func jsonRecord(_ bytes: UnsafeBufferPointer<UInt8>, line: Int64) -> Record {
        do {
            let value = try JSON.parse(bytes)
            guard let object = value.objectValue else { return .bad("the line is a JSON \(value.typeName), not an object.") }
            return .json(object)
        } catch {
            return .bad("JSON parsing error in row starting at line \(line): \(error.description).")
        }
    }

    /// Each record of `source` with its 1-based line number.
    func forEachRecord(_ source: LoadSource, format: String, options: CSVOptions, skip: Int64,
                       _ body: (Int64, Record) throws -> Void) throws {
        if format == "NEWLINE_DELIMITED_JSON" {
            try forEachJSONLine(source, skip: skip) { line, bytes in try body(line, Self.jsonRecord(bytes, line: line)) }
            return
        }
        var line: Int64 = 0
        var skipped: Int64 = 0
        var pending: [UInt8] = []
        var pendingStart: Int64 = 0
        try source.forEachLine { bytes in
            line += 1
            if pending.isEmpty { pendingStart = line } else { pending.append(0x0A) }
            pending.append(contentsOf: bytes)
            switch CSVRecord.parse(pending, delimiter: options.delimiter, quote: options.quote) {
            case .unterminated where options.allowQuotedNewlines:
                return
            case .unterminated:
                pending.removeAll()
                if skipped < skip { skipped += 1; return }
                try body(pendingStart, .bad("Missing close double quote (\") character (set allowQuotedNewlines to load quoted line breaks)."))
            case .malformed(let message):
                pending.removeAll()
                if skipped < skip { skipped += 1; return }
                try body(pendingStart, .bad(message))
            case .fields(let cells):
                pending.removeAll()
                if cells == [""] { return }  // a blank line
                if skipped < skip { skipped += 1; return }
                try body(pendingStart, .csv(cells))
            }
        }
        if !pending.isEmpty {
            try body(pendingStart, .bad("Missing close double quote (\") character."))
        }
    }

    /// A CSV record's cells as the values of `fields`.
    func csvValues(_ cells: [String], fields: [FieldSchema], options: CSVOptions) throws(RowError) -> [SQLValue] {
        if cells.count > fields.count {
            throw RowError(location: "", message: "Too many values in row: expected \(fields.count) column(s) but got \(cells.count).")
        }
        if cells.count < fields.count && !options.allowJaggedRows {
            throw RowError(location: "", message: "Too few columns: expected \(fields.count) column(s) but got \(cells.count) column(s). "
                                + "For additional help: set allowJaggedRows.")
        }
        var values: [SQLValue] = []
        for (index, field) in fields.enumerated() {
            let cell = index < cells.count ? cells[index] : nil
            guard let cell, cell != options.nullMarker else {
                if field.mode == .required { throw RowError(location: field.name, message: "Missing required field: \(field.name).") }
                values.append(.null)
                continue
            }
            values.append(try RowCodec.scalar(.string(cell), type: field.type, path: field.name))
        }
        return values
    }

    /// The schema detected from the first records of `source`.
    func detectSchema(_ source: LoadSource, format: String, options: CSVOptions) throws -> (fields: [JSON], header: Bool) {
        struct Enough: Error {}
        var objects: [[String: JSON]] = []
        var records: [[String]] = []
        do {
            try forEachRecord(source, format: format, options: options, skip: 0) { _, record in
                switch record {
                case .json(let object): objects.append(object)
                case .csv(let cells): records.append(cells)
                case .bad: break
                }
                if objects.count + records.count >= SchemaDetection.sampleSize { throw Enough() }
            }
        } catch is Enough {}
        if format == "CSV" { return SchemaDetection.csv(records) }
        return (SchemaDetection.json(objects), false)
    }
}

/// The CSV options of a load configuration.
struct CSVOptions {
    var delimiter: UInt8 = 0x2C
    var quote: UInt8? = 0x22
    var skipLeadingRows: Int64 = 0
    var allowQuotedNewlines = false
    var allowJaggedRows = false
    var nullMarker = ""

    init(_ load: JSON) {
        if let text = load["fieldDelimiter"]?.stringValue {
            delimiter = text == "\\t" || text.lowercased() == "tab" ? 0x09 : (text.utf8.first ?? 0x2C)
        }
        if let text = load["quote"]?.stringValue { quote = text.utf8.first }
        skipLeadingRows = load["skipLeadingRows"]?.intValue ?? 0
        allowQuotedNewlines = load["allowQuotedNewlines"]?.boolValue ?? false
        allowJaggedRows = load["allowJaggedRows"]?.boolValue ?? false
        nullMarker = load["nullMarker"]?.stringValue ?? ""
    }
}
