import GoogleCloud
import TerraceCrypto
import TerraceJSON
import TerraceTime

/// How a bronze run is carried out: where, for which logical date, with what limits.
public struct BronzeRunOptions: Sendable {
    public var environment: String
    public var project: String
    /// The lake bucket's name and the bronze dataset's id (resolved from the infra stack).
    public var bucket: String
    public var dataset: String
    /// BigQuery's location for jobs.
    public var location: String
    /// `YYYY-MM-DD`: the run's logical date (`--date`).
    public var logicalDate: String
    /// `--run-id`: replaces the run id derived from environment, source and date.
    public var runID: String?
    /// Records that cannot be read or are refused by the contract, tolerated per source.
    public var maxBadRecords: Int
    /// Per-source overrides from the environment file (`"sources": {"<name>": {…}}`).
    public var overrides: [String: JSON]
    /// The process environment (secrets: auth headers, connection strings).
    public var variables: @Sendable (String) -> String?
    /// The run's start, microseconds since the epoch (`_ingested_at`).
    public var startedAt: Int64
    /// Requests in flight per source.
    public var parallelism: Int
    /// The HTTP sources' retry policy and clock.
    public var retryPolicy: RetryPolicy
    public var time: TimeSource
    /// Between polls of a BigQuery job.
    public var poll: @Sendable (Int) async throws -> Void
    /// Relative file-source paths start here.
    public var projectDirectory = "."
    /// Records per landed part: small enough that BigQuery loads the first parts while the
    /// source is still being read, large enough that a big run is a handful of objects.
    public var recordsPerPart: Int64 = 100_000

    public init(environment: String, project: String, bucket: String, dataset: String, location: String = "US", logicalDate: String,
                runID: String? = nil, maxBadRecords: Int = 0, overrides: [String: JSON] = [:],
                variables: @escaping @Sendable (String) -> String?, startedAt: Int64, parallelism: Int = 8,
                retryPolicy: RetryPolicy = RetryPolicy(), time: TimeSource = .live,
                poll: @escaping @Sendable (Int) async throws -> Void = { try await Task.sleep(nanoseconds: UInt64(min(500, 20 << min($0, 5))) * 1_000_000) }) {
        self.environment = environment
        self.project = project
        self.bucket = bucket
        self.dataset = dataset
        self.location = location
        self.logicalDate = logicalDate
        self.runID = runID
        self.maxBadRecords = maxBadRecords
        self.overrides = overrides
        self.variables = variables
        self.startedAt = startedAt
        self.parallelism = parallelism
        self.retryPolicy = retryPolicy
        self.time = time
        self.poll = poll
    }
}

/// What a source's run did (one entry of the run-results file).
public struct SourceRunResult: Sendable, Equatable {
    public enum Status: String, Sendable { case success, error }

    public var source: String
    public var runID: String
    public var status: Status
    public var records: Int64
    /// Gzip bytes landed.
    public var bytes: Int64
    public var objects: Int
    public var badRecords: Int
    public var loadedRows: Int64
    public var durationSeconds: Double
    /// Of the duration: reading and landing, then loading into BigQuery.
    public var readSeconds: Double = 0
    public var loadSeconds: Double = 0
    public var error: String?

    public var json: JSON {
        var body: [String: JSON] = [
            "source": .string(source), "run_id": .string(runID), "status": .string(status.rawValue), "records": .int(records),
            "bytes": .int(bytes), "objects": .int(Int64(objects)), "bad_records": .int(Int64(badRecords)), "loaded_rows": .int(loadedRows),
            "duration_seconds": .double((durationSeconds * 1000).rounded() / 1000),
            "read_seconds": .double((readSeconds * 1000).rounded() / 1000), "load_seconds": .double((loadSeconds * 1000).rounded() / 1000),
        ]
        body["error"] = error.map { .string($0) } ?? .null
        return .object(body)
    }
}

/// Progress of a source while it runs (for a TTY's progress line).
public struct SourceProgress: Sendable {
    public var source: String
    public var records: Int64
    public var bytes: Int64
    public var phase: String
}

/// Runs bronze sources: read, check, land in the lake, load into BigQuery, then remember the
/// incremental cursor, one source after another's failure without stopping the others.
public struct BronzeRunner: Sendable {
    let cloud: GoogleCloud
    let options: BronzeRunOptions
    let clock: @Sendable () -> Double

    public init(cloud: GoogleCloud, options: BronzeRunOptions, clock: @escaping @Sendable () -> Double = { TimeSource.live.now() }) {
        self.cloud = cloud
        self.options = options
        self.clock = clock
    }

    /// A run's id: a hash of environment, source and logical date, so the same logical run
    /// lands in the same place again.
    public static func runID(environment: String, source: String, date: String) -> String {
        let digest = Digest.hash(.sha256, Array("\(environment)\u{0}\(source)\u{0}\(date)".utf8))
        return digest.prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    public func run(_ source: Source, progress: @escaping @Sendable (SourceProgress) -> Void = { _ in }) async -> SourceRunResult {
        let start = clock()
        let runID = options.runID ?? Self.runID(environment: options.environment, source: source.name, date: options.logicalDate)
        var result = SourceRunResult(source: source.name, runID: runID, status: .success, records: 0, bytes: 0, objects: 0, badRecords: 0,
                                     loadedRows: 0, durationSeconds: 0, error: nil)
        do {
            try await runSource(source, runID: runID, result: &result, progress: progress)
        } catch {
            result.status = .error
            result.error = "\(error)"
        }
        result.durationSeconds = clock() - start
        return result
    }

    private func runSource(_ source: Source, runID: String, result: inout SourceRunResult,
                           progress: @escaping @Sendable (SourceProgress) -> Void) async throws {
        let name = source.name
        let base = "raw/\(name)/"
        let prefix = "\(base)dt=\(options.logicalDate)/run=\(runID)/"
        let override = options.overrides[name]?.objectValue ?? [:]
        let rowLimit = override["rowLimit"]?.intValue ?? options.overrides["*"]?["rowLimit"]?.intValue
        let readStart = clock()
        // The same logical run again replaces what it wrote.
        try await deleteObjects(prefix: prefix)
        let state = try await readState(base + "_state.json")
        let loader = BronzeLoader(bigquery: cloud.bigquery, project: options.project, dataset: options.dataset, source: name, runID: runID,
                                  location: options.location, poll: options.poll)
        // Parts are staged in BigQuery while the source is still being read.
        let staged = StagedLoads(loader: loader, bucket: options.bucket, disposition: source.disposition,
                                 existing: try await loader.tableResource(loader.table))
        do {
            let writer = try LakeWriter(cloud: cloud, bucket: options.bucket, prefix: prefix, recordsPerPart: options.recordsPerPart)
            let sink = SourceSink(source: source, writer: writer, runID: runID, options: options, rowLimit: rowLimit, staged: staged,
                                  progress: progress)
            do {
                try await read(source, override: override, since: state["cursor"]?.stringValue, into: sink)
            } catch is RowLimitReached {}
            let (parts, fields, bad, cursor, samples) = try await sink.finish()
            result.readSeconds = clock() - readStart
            result.records = writer.records
            result.objects = parts.count
            result.bytes = parts.reduce(0) { $0 + $1.bytes }
            result.badRecords = bad
            try await writeManifest(prefix: prefix, source: name, runID: runID, parts: parts, fields: fields, rawBytes: writer.rawBytes)
            guard writer.records > 0 else {
                await staged.discard()
                return
            }
            progress(SourceProgress(source: name, records: writer.records, bytes: result.bytes, phase: "loading"))
            let loadStart = clock()
            let outcome = try await loader.load(uris: parts.map { "gs://\(options.bucket)/\($0.name)" }, fields: fields,
                                                disposition: source.disposition, expectedRows: writer.records,
                                                snapshotDate: source.disposition == .periodic ? options.logicalDate : nil, samples: samples,
                                                staged: await staged.finish(partCount: parts.count))
            result.loadedRows = outcome.loadedRows
            result.loadSeconds = clock() - loadStart
            if let cursor { try await writeState(base + "_state.json", ["cursor": .string(cursor), "run_id": .string(runID)]) }
        } catch {
            await staged.discard()
            throw error
        }
    }

    /// Reads `source` into `sink`.
    private func read(_ source: Source, override: [String: JSON], since: String?, into sink: SourceSink) async throws {
        let metadata = Set(SourceSink.metadataColumns(source))
        if let clash = source.columns?.first(where: { metadata.contains($0.name.lowercased()) }) {
            throw PipelineError("\(source.site): source \(source.name) declares a column \(clash.name), the name of a column Terrace "
                                    + "adds to every bronze row (\(SourceSink.metadataColumns(source).joined(separator: ", "))); name it otherwise")
        }
        switch source.kind {
        case .http(var spec):
            if let url = override["url"]?.stringValue { spec.urls = [url] }
            if let urls = override["urls"]?.arrayValue { spec.urls = urls.compactMap(\.stringValue) }
            let reader = HTTPReader(source: source.name, spec: spec, transport: Transport(), policy: options.retryPolicy, time: options.time,
                                    variables: options.variables, since: since, parallelism: options.parallelism)
            try await reader.read { batch, location in try await sink.accept(batch, at: location) }
        case .file(var spec):
            if let location = override["location"]?.stringValue { spec.location = location }
            let reader = FileSourceReader(source: source.name, spec: spec, cloud: cloud, projectDirectory: options.projectDirectory)
            try await reader.read({ records, location in try await sink.accept(records, at: location) },
                                  reject: { message, location in try await sink.reject(message, at: location) })
        case .postgres(let spec):
            let variable = override["connection"]?.stringValue ?? spec.connectionVariable
            guard let connection = options.variables(variable), !connection.isEmpty else {
                throw PipelineError("source \(source.name): the environment variable \(variable) is not set; it holds the PostgreSQL "
                                        + "connection string (export it before `terrace run`)")
            }
            let reader = PostgresSourceReader(source: source.name, spec: spec, connectionString: connection, since: since)
            try await reader.read { records, location in try await sink.accept(records, at: location) }
        }
    }

    // MARK: Lake objects

    private var objectsPath: String { "b/\(URLEncoding.component(options.bucket))/o" }

    private func deleteObjects(prefix: String) async throws {
        var pageToken: String?
        repeat {
            var query = [("prefix", prefix)]
            if let pageToken { query.append(("pageToken", pageToken)) }
            let page = try await bucketCall { try await cloud.storage.get(objectsPath, query: query) }
            for item in page["items"]?.arrayValue ?? [] {
                guard let name = item["name"]?.stringValue else { continue }
                do {
                    _ = try await cloud.storage.delete("\(objectsPath)/\(URLEncoding.component(name))")
                } catch let error as GoogleAPIError where error.isNotFound {}
            }
            pageToken = page["nextPageToken"]?.stringValue
        } while pageToken != nil
    }

    /// A bucket call whose 404 means the lake bucket is missing.
    private func bucketCall(_ body: () async throws -> JSON) async throws -> JSON {
        do {
            return try await body()
        } catch let error as GoogleAPIError where error.isNotFound {
            throw PipelineError("the lake bucket gs://\(options.bucket) does not exist; create it with `terrace apply --env \(options.environment)` first")
        }
    }

    private func readState(_ name: String) async throws -> JSON {
        do {
            let response = try await cloud.storage.send("GET", "\(objectsPath)/\(URLEncoding.component(name))", query: [("alt", "media")])
            return (try? JSON.parse(response.body)) ?? [:]
        } catch let error as GoogleAPIError where error.isNotFound {
            return [:]
        }
    }

    private func writeState(_ name: String, _ state: JSON) async throws {
        _ = try await cloud.storageUpload.send("POST", objectsPath, query: [("uploadType", "media"), ("name", name)],
                                               headers: [("Content-Type", "application/json")], body: state.encodedBytes())
    }

    private func writeManifest(prefix: String, source: String, runID: String, parts: [LandedPart], fields: [SchemaField], rawBytes: Int64) async throws {
        let manifest: JSON = [
            "source": .string(source), "run_id": .string(runID), "environment": .string(options.environment),
            "logical_date": .string(options.logicalDate), "ingested_at": .string(Timestamp.rfc3339(micros: options.startedAt, fractionDigits: 6)),
            "records": .int(parts.reduce(0) { $0 + $1.records }), "uncompressed_bytes": .int(rawBytes),
            "schema": .array(fields.map(\.json)),
            "parts": .array(parts.map { ["name": .string($0.name), "records": .int($0.records), "bytes": .int($0.bytes), "crc32c": .string($0.crc32c)] }),
        ]
        _ = try await cloud.storageUpload.send("POST", objectsPath, query: [("uploadType", "media"), ("name", prefix + "_manifest.json")],
                                               headers: [("Content-Type", "application/json")], body: manifest.encodedBytes(.pretty))
    }
}

/// Thrown by the sink when the environment's row limit is reached: the read stops there.
struct RowLimitReached: Error {}

/// Where a source's records go: transform, schema and contract, metadata columns, the lake
/// writer; pages from parallel requests pass one at a time.
final class SourceSink: @unchecked Sendable {
    private let mutex = AsyncMutex()
    private let source: Source
    private let writer: LakeWriter
    private let runID: String
    private let options: BronzeRunOptions
    private let rowLimit: Int64?
    private let progress: @Sendable (SourceProgress) -> Void
    private var tracker: SchemaTracker
    /// Reads records given as JSON text (reused: it keeps its buffer).
    private var scanner = JSONScanner()
    /// The incremental cursor's column, if any.
    private let incrementalField: String?
    /// The primary key's columns of a merge source (each record must have them, not null).
    private let primaryKey: [String]
    private var bad: [RejectedRecord] = []
    private var cursor: JSON?
    private let ingestedAt: String
    /// The metadata columns every landed record carries, encoded once.
    private let metadata: [UInt8]
    private var lastProgress: Int64 = 0
    /// Where landed parts go to be staged, and how many went.
    private let staged: StagedLoads?
    private var partsStaged = 0

    init(source: Source, writer: LakeWriter, runID: String, options: BronzeRunOptions, rowLimit: Int64?, staged: StagedLoads? = nil,
         progress: @escaping @Sendable (SourceProgress) -> Void) {
        self.source = source
        self.writer = writer
        self.staged = staged
        self.runID = runID
        self.options = options
        self.rowLimit = rowLimit
        self.progress = progress
        tracker = SchemaTracker(declared: source.columns, contract: source.contract)
        tracker.reserved = Set(Self.metadataColumns(source).map { $0.lowercased() })
        incrementalField = switch source.kind {
        case .http(let spec): spec.incremental.map { SchemaTracker.columnName($0.field) }
        case .postgres(let spec): spec.cursor.map(SchemaTracker.columnName)
        case .file: nil
        }
        primaryKey = if case .merge(let key) = source.disposition { key.map(SchemaTracker.columnName) } else { [] }
        ingestedAt = Timestamp.rfc3339(micros: options.startedAt, fractionDigits: 6)
        var fields: [(String, JSON)] = [("_ingested_at", .string(ingestedAt)), ("_run_id", .string(runID)), ("_source", .string(source.name))]
        if source.disposition == .periodic { fields.append(("_snapshot_date", .string(options.logicalDate))) }
        metadata = Array(fields.map { JSON.string($0.0).encoded() + ":" + $0.1.encoded() }.joined(separator: ",").utf8)
    }

    func accept(_ records: [JSON], at location: String) async throws {
        try await mutex.withLock { try await self.write(records, at: location) }
    }

    /// Records as parsed values or as JSON text (a record the schema settles as it is lands
    /// as it came; any other is parsed and goes the way of a parsed one).
    func accept(_ batch: RecordBatch, at location: String) async throws {
        switch batch {
        case .parsed(let records): try await accept(records, at: location)
        case .raw(let records): try await mutex.withLock { try await self.write(records, at: location) }
        }
    }

    /// A record the reader could not read, counted against `--max-bad-records`.
    func reject(_ message: String, at location: String) async throws {
        try await mutex.withLock { try self.reject(RejectedRecord(location: location, message: message)) }
    }

    private func write(_ records: [JSON], at location: String) async throws {
        for (index, record) in records.enumerated() {
            if let rowLimit, writer.records >= rowLimit { throw RowLimitReached() }
            try await land(record, at: "\(location), record \(index + 1)")
        }
        reportProgress(pageIsEmpty: records.isEmpty)
    }

    private func write(_ records: RawRecords, at location: String) async throws {
        for (index, range) in records.ranges.enumerated() {
            if let rowLimit, writer.records >= rowLimit { throw RowLimitReached() }
            let text = records.bytes[range]
            guard let settled = settledAsItIs(text) else {
                let record: JSON
                do {
                    record = try JSON.parse(text)
                } catch {
                    throw PipelineError("source \(source.name): \(location), record \(index + 1) is not valid JSON (\(error))")
                }
                try await land(record, at: "\(location), record \(index + 1)")
                continue
            }
            if let value = settled.cursor { advanceCursor(value) }
            try await writer.write(objectText: text, hasMembers: settled.hasMembers, suffix: metadata)
            if writer.parts.count > partsStaged { await stageNewParts() }
        }
        reportProgress(pageIsEmpty: records.ranges.isEmpty)
    }

    /// Whether a record's JSON text can land as it is (no transform; one line; every field
    /// settled by the schema with a value of its kind), and then its incremental cursor value.
    private func settledAsItIs(_ text: ArraySlice<UInt8>) -> (hasMembers: Bool, cursor: JSON?)? {
        guard source.transform == nil else { return nil }
        return text.withUnsafeBufferPointer { bytes in
            guard scanner.scanObject(bytes), !scanner.hasLineBreak, !scanner.hasStrayNul,
                  tracker.admitsUnchanged(scanner.members, in: bytes) else { return nil }
            // A key field spelled otherwise, or absent: the parsed path decides.
            for key in primaryKey where !scanner.members.contains(where: { bytes[$0.key].elementsEqual(key.utf8) }) { return nil }
            var value: JSON?
            if let field = incrementalField, let member = scanner.members.first(where: { bytes[$0.key].elementsEqual(field.utf8) }) {
                value = JSONScanner.scalar(member.kind, member.value, in: bytes)
            }
            return (!scanner.members.isEmpty, value)
        }
    }

    /// One parsed record: transform, schema and contract, cursor, landing.
    private func land(_ record: JSON, at place: String) async throws {
        let admitted: JSON
        do {
            guard let transformed = try source.transform.map({ try $0(record) }) ?? record else { return }
            admitted = try tracker.admit(transformed, at: place)
        } catch let rejected as RejectedRecord {
            try reject(rejected)
            return
        } catch let error as PipelineError {
            // The tracker's errors (a type change) say what and where; the source is named here.
            throw error.description.hasPrefix("source ") ? error : PipelineError("source \(source.name): \(error.description)")
        } catch let reserved as ReservedColumn {
            throw PipelineError("source \(source.name): field \(reserved.field) (\(reserved.location)) has the name of a column Terrace adds to every "
                                    + "bronze row (\(Self.metadataColumns(source).joined(separator: ", "))); rename it in the source's transform; "
                                    + "nothing was loaded")
        } catch {
            try reject(RejectedRecord(location: place, message: "the transform failed: \(error)"))
            return
        }
        if let missing = primaryKey.first(where: { key in
            admitted.objectValue?.first(where: { $0.key.lowercased() == key.lowercased() }).map { $0.value.isNull } ?? true
        }) {
            try reject(RejectedRecord(location: place, message: "its primary key field \(missing) is missing or null, and a merge source finds "
                                          + "each record's row by its key (drop such records, or fill the key, in the source's transform)"))
            return
        }
        if let field = incrementalField, let value = admitted[field], !value.isNull { advanceCursor(value) }
        try await writer.write(admitted, suffix: metadata)
        if writer.parts.count > partsStaged { await stageNewParts() }
    }

    private func advanceCursor(_ value: JSON) {
        if let current = cursor, !Self.less(current, value) { return }
        cursor = value
    }

    private func reportProgress(pageIsEmpty: Bool) {
        if writer.records - lastProgress >= 10_000 || pageIsEmpty {
            lastProgress = writer.records
            progress(SourceProgress(source: source.name, records: writer.records, bytes: writer.rawBytes, phase: "reading"))
        }
    }

    private func reject(_ record: RejectedRecord) throws {
        bad.append(record)
        if bad.count > options.maxBadRecords {
            let shown = bad.prefix(3).map(\.description).joined(separator: "; ")
            throw PipelineError("source \(source.name): \(bad.count) bad record\(bad.count == 1 ? "" : "s") (more than --max-bad-records \(options.maxBadRecords)): "
                                    + "\(shown); nothing was loaded")
        }
    }

    /// The landed parts, the schema with the metadata columns, the bad records skipped, and
    /// the incremental cursor's new high-water mark.
    func finish() async throws -> ([LandedPart], [SchemaField], Int, String?, [String: String]) {
        // Wait for the part being written under the lock, if any.
        _ = try await mutex.withLock { () async throws -> Int in 0 }
        let parts = try await writer.finish()
        await stageNewParts()
        let fields = self.fields
        let mark: String? = switch cursor {
        case .string(let text)?: text
        case .int(let number)?: String(number)
        case .double(let number)?: String(number)
        default: nil
        }
        return (parts, fields, bad.count, mark, tracker.samples)
    }

    /// The columns added to every row of `source`.
    static func metadataColumns(_ source: Source) -> [String] {
        ["_ingested_at", "_run_id", "_source"] + (source.disposition == .periodic ? ["_snapshot_date"] : [])
    }

    /// The schema so far, with the metadata columns.
    private var fields: [SchemaField] {
        var fields = tracker.fields
        fields.append(SchemaField("_ingested_at", "TIMESTAMP"))
        fields.append(SchemaField("_run_id", "STRING"))
        fields.append(SchemaField("_source", "STRING"))
        if source.disposition == .periodic { fields.append(SchemaField("_snapshot_date", "DATE")) }
        return fields
    }

    /// Hands the parts landed since the last call to the staged loads, with the schema so far.
    private func stageNewParts() async {
        guard let staged else { return }
        let fields = self.fields
        for part in writer.parts[partsStaged...] { await staged.enqueue(part, fields: fields) }
        partsStaged = writer.parts.count
    }

    /// Cursor order: numbers numerically, anything else by text.
    static func less(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): x < y
        case (.int(let x), .double(let y)): Double(x) < y
        case (.double(let x), .int(let y)): x < Double(y)
        case (.double(let x), .double(let y)): x < y
        default: (a.stringValue ?? a.encoded()) < (b.stringValue ?? b.encoded())
        }
    }
}
