import TerraceJSON

/// Stages a run's parts while it is still reading: each part, once landed, is loaded into the
/// staging table by its own load job (one after another, in the background), so BigQuery loads
/// while the source is read and the commit at the end finds the rows already staged.
///
/// Parts are staged with the schema known when they closed. If that schema changes later (a
/// new field, an INTEGER widened to FLOAT) or a part's load fails, staging stops and the commit
/// stages every part again with the final schema (``BronzeLoader/load``): the outcome is the
/// same, only slower. Nothing here touches the bronze table.
actor StagedLoads {
    private let loader: BronzeLoader
    private let bucket: String
    private let disposition: WriteDisposition
    /// The bronze table as the run began (nil: none yet).
    private let existing: JSON?
    /// The schema every staged part was loaded with.
    private var schema: [SchemaField]?
    private var rows: Int64 = 0
    private var parts = 0
    /// Set when a part could not be staged as the others: the commit stages everything again.
    private var abandoned = false
    /// The load of the last part enqueued (each waits for the one before).
    private var last: Task<Void, Never>?

    init(loader: BronzeLoader, bucket: String, disposition: WriteDisposition, existing: JSON?) {
        self.loader = loader
        self.bucket = bucket
        self.disposition = disposition
        self.existing = existing
    }

    /// Stages `part`, landed while the run's schema was `fields`.
    func enqueue(_ part: LandedPart, fields: [SchemaField]) {
        guard !abandoned, let partSchema = try? loader.schema(for: fields, existing: existing, disposition: disposition),
              schema == nil || schema == partSchema
        else {
            abandoned = true
            return
        }
        schema = partSchema
        let previous = last
        let append = parts > 0
        parts += 1
        let uri = "gs://\(bucket)/\(part.name)"
        last = Task {
            await previous?.value
            await self.load(uri: uri, records: part.records, schema: partSchema, append: append)
        }
    }

    private func load(uri: String, records: Int64, schema: [SchemaField], append: Bool) async {
        guard !abandoned else { return }
        do {
            let loaded = try await loader.stage(uris: [uri], schema: schema, append: append)
            if loaded != records { abandoned = true }
            rows += loaded
        } catch {
            abandoned = true
        }
    }

    /// Waits for the staged loads; answers what the staging table holds, or nil when the commit
    /// must stage the run itself (`partCount` parts were landed).
    func finish(partCount: Int) async -> BronzeLoader.Staged? {
        await last?.value
        guard !abandoned, parts == partCount, let schema else { return nil }
        return BronzeLoader.Staged(schema: schema, rows: rows)
    }

    /// Waits for the staged loads and drops the staging table (the run failed).
    func discard() async {
        abandoned = true
        await last?.value
        try? await loader.dropStaging()
    }
}
