import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// Where BigQuery keeps dataset and table metadata: rows of Core's `resources` table, kind
/// "bq.dataset" under the project id and kind "bq.table" under "P:D". Every read and write of
/// that metadata goes through here, so jobs and queries can reuse it.
///
/// A table whose `expirationTime` has passed is gone, as BigQuery deletes expired tables: reads
/// and lists skip it, and a new table may take its id.
struct BigQueryCatalog: Sendable {
    static let datasetKind = "bq.dataset"
    static let tableKind = "bq.table"
    let clock: any CloudClock

    static func datasetKey(_ project: String, _ dataset: String) -> ResourceKey {
        ResourceKey(datasetKind, parent: project, name: dataset)
    }

    static func tableKey(_ project: String, _ dataset: String, _ table: String) -> ResourceKey {
        ResourceKey(tableKind, parent: project + ":" + dataset, name: table)
    }

    /// The IAM resource name of a table ("projects/P/datasets/D/tables/T").
    static func tableResource(_ project: String, _ dataset: String, _ table: String) -> String {
        "projects/\(project)/datasets/\(dataset)/tables/\(table)"
    }

    // MARK: Datasets

    func dataset(_ db: Database, _ project: String, _ dataset: String) throws -> JSON? {
        try db.getResource(Self.datasetKey(project, dataset))
    }

    /// The dataset, or 404 "Not found: Dataset P:D".
    func requireDataset(_ db: Database, _ project: String, _ dataset: String) throws -> JSON {
        guard let found = try self.dataset(db, project, dataset) else {
            throw GCPError.notFound("Not found: Dataset \(project):\(dataset)")
        }
        return found
    }

    /// Stores a dataset resource under its `datasetReference`.
    func putDataset(_ db: Database, _ body: JSON) throws {
        let ref = body["datasetReference"]
        try db.putResource(Self.datasetKey(ref?["projectId"]?.stringValue ?? "", ref?["datasetId"]?.stringValue ?? ""), body)
    }

    /// Deletes a dataset with all its tables and their IAM policies.
    func deleteDataset(_ db: Database, _ project: String, _ dataset: String) throws {
        for (name, _) in try db.listResources(kind: Self.tableKind, parent: project + ":" + dataset) {
            try IAMPolicies.remove(db, resource: Self.tableResource(project, dataset, name))
            try RowStore.drop(db, key: RowStore.key(project, dataset, name))
        }
        try db.deleteResources(kind: Self.tableKind, parent: project + ":" + dataset)
        try db.deleteResource(Self.datasetKey(project, dataset))
    }

    /// The project's datasets in id order.
    func datasets(_ db: Database, _ project: String) throws -> [JSON] {
        try db.listResources(kind: Self.datasetKind, parent: project).map(\.body)
    }

    // MARK: Tables

    /// The table, unless missing or expired.
    func table(_ db: Database, _ project: String, _ dataset: String, _ table: String) throws -> JSON? {
        guard let found = try db.getResource(Self.tableKey(project, dataset, table)), isLive(found) else { return nil }
        return found
    }

    /// The table, or 404 naming the dataset when that is missing, else the table.
    func requireTable(_ db: Database, _ project: String, _ dataset: String, _ table: String) throws -> JSON {
        if let found = try self.table(db, project, dataset, table) { return found }
        _ = try requireDataset(db, project, dataset)
        throw GCPError.notFound("Not found: Table \(project):\(dataset).\(table)")
    }

    /// Stores a table resource under its `tableReference` (replacing an expired one).
    func putTable(_ db: Database, _ body: JSON) throws {
        let ref = body["tableReference"]
        try db.putResource(Self.tableKey(ref?["projectId"]?.stringValue ?? "", ref?["datasetId"]?.stringValue ?? "",
                                         ref?["tableId"]?.stringValue ?? ""), body)
    }

    func deleteTable(_ db: Database, _ project: String, _ dataset: String, _ table: String) throws {
        try db.deleteResource(Self.tableKey(project, dataset, table))
        try IAMPolicies.remove(db, resource: Self.tableResource(project, dataset, table))
        try RowStore.drop(db, key: RowStore.key(project, dataset, table))
    }

    /// The dataset's live tables in id order.
    func tables(_ db: Database, _ project: String, _ dataset: String) throws -> [JSON] {
        try db.listResources(kind: Self.tableKind, parent: project + ":" + dataset).map(\.body).filter(isLive)
    }

    private func isLive(_ table: JSON) -> Bool {
        guard let expires = table["expirationTime"]?.intValue else { return true }
        return expires > clock.nowMillis()
    }

    // MARK: Etags

    /// A fresh etag for `body`: different after every write, even of equal content.
    func newEtag(_ db: Database, for body: JSON) throws -> String {
        let sequence = try db.nextCounter("bq.etag")
        let digest = Digest.hash(.sha256, Array((body.encoded() + "#" + String(sequence)).utf8))
        return Base64.encode(digest.prefix(12))
    }
}
