import GoogleCloud
import TerraceJSON

/// Loads a run's landed objects into its bronze table, all or nothing: the objects go into a
/// staging table by a load job, the job's `outputRows` is reconciled with the manifest's count,
/// and only then does the table change, in one step (a copy job for replace, one MERGE
/// otherwise), so a failed run leaves the table as it was and running a run again replaces what
/// it wrote instead of adding it twice.
struct BronzeLoader {
    let bigquery: GoogleCloudClient
    let project: String
    let dataset: String
    let source: String
    let runID: String
    let location: String
    /// Between polls of a running job.
    let poll: @Sendable (Int) async throws -> Void

    var table: String { SchemaTracker.columnName(source) }
    var staging: String { "_staging_\(table)_\(runID)" }

    /// What a load did.
    struct Outcome {
        var loadedRows: Int64
        var affectedRows: Int64
    }

    /// The staging table's rows, when the run's parts were staged while it read (``StagedLoads``).
    struct Staged: Sendable {
        var schema: [SchemaField]
        var rows: Int64
    }

    /// The schema the run's rows are staged and committed with: the table's own (the run's new
    /// fields added at the end, so the MERGE's columns and nested fields line up with the
    /// table's), or the run's for a replace or a new table.
    func schema(for fields: [SchemaField], existing: JSON?, disposition: WriteDisposition, samples: [String: String] = [:]) throws -> [SchemaField] {
        guard let existing, disposition != .replace else { return fields }
        return try Self.evolve(existing: (existing["schema"]?["fields"]?.arrayValue ?? []).compactMap(SchemaField.init(json:)),
                               with: fields, source: source, runID: runID, samples: samples)
    }

    /// Loads `uris` into the staging table with `schema`, replacing it (`append` false) or
    /// adding to it; answers the job's `outputRows`.
    func stage(uris: [String], schema: [SchemaField], append: Bool) async throws -> Int64 {
        let loaded = try await runJob(step: "stage", [
            "load": [
                "sourceUris": .array(uris.map { .string($0) }),
                "sourceFormat": "NEWLINE_DELIMITED_JSON",
                "destinationTable": tableReference(staging),
                "schema": ["fields": .array(schema.map(\.json))],
                "writeDisposition": .string(append ? "WRITE_APPEND" : "WRITE_TRUNCATE"),
                "createDisposition": "CREATE_IF_NEEDED",
                "maxBadRecords": 0,
            ],
        ])
        return loaded["statistics"]?["load"]?["outputRows"]?.intValue ?? -1
    }

    /// Stages the run (unless `staged` already holds it with the right schema), reconciles the
    /// staged count with the manifest's, and commits.
    func load(uris: [String], fields: [SchemaField], disposition: WriteDisposition, expectedRows: Int64,
              snapshotDate: String?, samples: [String: String] = [:], staged: Staged? = nil) async throws -> Outcome {
        let existing = try await tableResource(table)
        let combined = try schema(for: fields, existing: existing, disposition: disposition, samples: samples)
        // 1. Stage.
        var outcome = Outcome(loadedRows: -1, affectedRows: 0)
        do {
            if let staged, staged.schema == combined {
                outcome.loadedRows = staged.rows
            } else {
                outcome.loadedRows = try await stage(uris: uris, schema: combined, append: false)
            }
            // 2. Reconcile.
            guard outcome.loadedRows == expectedRows else {
                throw PipelineError("source \(source): run \(runID) landed \(expectedRows) records but the load job loaded \(outcome.loadedRows); "
                                        + "the bronze table was left as it was (run again; if it persists, check the landed objects)")
            }
            // 3. Commit.
            switch disposition {
            case .replace:
                _ = try await runJob(step: "replace", [
                    "copy": ["sourceTable": tableReference(staging), "destinationTable": tableReference(table),
                             "writeDisposition": "WRITE_TRUNCATE", "createDisposition": "CREATE_IF_NEEDED"],
                ])
                outcome.affectedRows = outcome.loadedRows
            case .append, .periodic, .merge:
                try await ensureTable(existing: existing, fields: combined, periodic: disposition == .periodic)
                let upsert = if case .merge = disposition { true } else { false }
                if !upsert, try await !hasRowsOfThisRun(existing: existing, disposition: disposition, snapshotDate: snapshotDate) {
                    // Nothing of this run to replace: appending the staged rows is one copy job.
                    _ = try await runJob(step: "append", [
                        "copy": ["sourceTable": tableReference(staging), "destinationTable": tableReference(table),
                                 "writeDisposition": "WRITE_APPEND", "createDisposition": "CREATE_NEVER"],
                    ])
                    outcome.affectedRows = outcome.loadedRows
                } else {
                    let statement = mergeStatement(disposition, fields: combined, snapshotDate: snapshotDate)
                    let job = try await runJob(step: "merge", ["query": ["query": .string(statement), "useLegacySql": false]])
                    outcome.affectedRows = job["statistics"]?["query"]?["numDmlAffectedRows"]?.intValue ?? 0
                }
            }
        } catch {
            try? await dropStaging()
            throw error
        }
        try await dropStaging()
        return outcome
    }

    /// The MERGE that puts the staged rows into the table: this run's earlier rows (or this
    /// date's snapshot) out and the staged rows in, or an upsert on the primary key.
    func mergeStatement(_ disposition: WriteDisposition, fields: [SchemaField], snapshotDate: String?) -> String {
        let target = "`\(project).\(dataset).\(table)`"
        let stagedTable = "`\(project).\(dataset).\(staging)`"
        let columns = fields.map { "`\($0.name)`" }
        let insert = "INSERT (\(columns.joined(separator: ", "))) VALUES (\(columns.map { "S.\($0)" }.joined(separator: ", ")))"
        switch disposition {
        case .merge(let key):
            let keys = key.map { "`\(SchemaTracker.columnName($0))`" }
            let latest = "(SELECT * FROM \(stagedTable) WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY \(keys.joined(separator: ", "))) = 1)"
            let on = keys.map { "T.\($0) = S.\($0)" }.joined(separator: " AND ")
            let updates = columns.map { "\($0) = S.\($0)" }.joined(separator: ", ")
            return "MERGE \(target) T USING \(latest) S ON \(on) WHEN MATCHED THEN UPDATE SET \(updates) WHEN NOT MATCHED THEN \(insert)"
        case .periodic:
            return "MERGE \(target) T USING \(stagedTable) S ON FALSE WHEN NOT MATCHED BY TARGET THEN \(insert) "
                + "WHEN NOT MATCHED BY SOURCE AND T.`_snapshot_date` = DATE '\(snapshotDate ?? "1970-01-01")' THEN DELETE"
        case .append, .replace:
            return "MERGE \(target) T USING \(stagedTable) S ON FALSE WHEN NOT MATCHED BY TARGET THEN \(insert) "
                + "WHEN NOT MATCHED BY SOURCE AND T.`_run_id` = '\(runID)' THEN DELETE"
        }
    }

    /// Whether the table holds rows an earlier attempt of this run (or this date's snapshot) wrote.
    func hasRowsOfThisRun(existing: JSON?, disposition: WriteDisposition, snapshotDate: String?) async throws -> Bool {
        guard existing != nil else { return false }
        let condition = disposition == .periodic ? "`_snapshot_date` = DATE '\(snapshotDate ?? "1970-01-01")'" : "`_run_id` = '\(runID)'"
        let sql = "SELECT COUNT(*) FROM `\(project).\(dataset).\(table)` WHERE \(condition)"
        let job = try await runJob(step: "check", ["query": ["query": .string(sql), "useLegacySql": false]])
        let jobID = job["jobReference"]?["jobId"]?.stringValue ?? ""
        let answer = try await bigquery.get("projects/\(URLEncoding.component(project))/queries/\(jobID)", query: [("location", location)])
        let count = answer["rows"]?[0]?["f"]?[0]?["v"]?.stringValue.flatMap { Int64($0) } ?? 1
        return count > 0
    }

    // MARK: Tables

    func tableReference(_ name: String) -> JSON {
        ["projectId": .string(project), "datasetId": .string(dataset), "tableId": .string(name)]
    }

    var tablesPath: String { "projects/\(URLEncoding.component(project))/datasets/\(URLEncoding.component(dataset))/tables" }

    func tableResource(_ name: String) async throws -> JSON? {
        do {
            return try await bigquery.get("\(tablesPath)/\(URLEncoding.component(name))")
        } catch let error as GoogleAPIError where error.isNotFound {
            if error.message.lowercased().contains("dataset") {
                throw PipelineError("source \(source): the bronze dataset \(project):\(dataset) does not exist; "
                                        + "create it with `terrace apply` first")
            }
            return nil
        }
    }

    /// Creates the table, or adds the run's new columns to it.
    func ensureTable(existing: JSON?, fields: [SchemaField], periodic: Bool) async throws {
        if let existing {
            let current = (existing["schema"]?["fields"]?.arrayValue ?? []).compactMap(SchemaField.init(json:))
            guard current != fields else { return }
            _ = try await bigquery.patch("\(tablesPath)/\(URLEncoding.component(table))", body: ["schema": ["fields": .array(fields.map(\.json))]])
            return
        }
        var body: [String: JSON] = ["tableReference": tableReference(table), "schema": ["fields": .array(fields.map(\.json))]]
        if periodic { body["timePartitioning"] = ["type": "DAY", "field": "_snapshot_date"] }
        _ = try await bigquery.post(tablesPath, body: .object(body))
    }

    func dropStaging() async throws {
        do {
            _ = try await bigquery.delete("\(tablesPath)/\(URLEncoding.component(staging))")
        } catch let error as GoogleAPIError where error.isNotFound {}
    }

    /// The table's schema with the run's new fields added; a field whose type changed is a
    /// conflict, named with the run.
    static func evolve(existing: [SchemaField], with incoming: [SchemaField], source: String, runID: String, path: String = "",
                       samples: [String: String] = [:]) throws -> [SchemaField] {
        var result = existing
        for field in incoming {
            guard let index = result.firstIndex(where: { $0.name.lowercased() == field.name.lowercased() }) else {
                var added = field
                if added.mode == "REQUIRED" { added.mode = "NULLABLE" }  // BigQuery adds columns as NULLABLE
                result.append(added)
                continue
            }
            let old = result[index]
            let widening = old.type == "FLOAT" && field.type == "INTEGER"
            guard old.type == field.type || widening, (old.mode == "REPEATED") == (field.mode == "REPEATED") else {
                throw PipelineError("source \(source): run \(runID) has field \(path)\(field.name) as \(field.mode == "REPEATED" ? "REPEATED " : "")\(field.type), "
                                        + "but the bronze table has it as \(old.mode == "REPEATED" ? "REPEATED " : "")\(old.type)"
                                        + (samples[path.split(separator: ".").first.map(String.init) ?? field.name].map { " (e.g. \($0))" } ?? "")
                                        + "; fix the source, or declare the column's type (contract) — the table was left as it was")
            }
            if old.type == "RECORD" {
                result[index].fields = try evolve(existing: old.fields, with: field.fields, source: source, runID: runID, path: path + field.name + ".",
                                                  samples: samples)
            }
        }
        return result
    }

    // MARK: Jobs

    /// Inserts a job and waits until it is DONE; its error fails the run, named.
    func runJob(step: String, _ configuration: JSON) async throws -> JSON {
        let jobs = BigQueryJobs(bigquery: bigquery, project: project, location: location, poll: poll)
        do {
            return try await jobs.run(configuration, jobID: "terrace_\(table)_\(runID)_\(step)_\(UInt32.random(in: 0...UInt32.max))")
        } catch let failure as BigQueryJobs.Failure {
            throw PipelineError("source \(source): the \(step) job of run \(runID) failed (\(failure.reason)): \(failure)")
        }
    }
}
