import Hummingbird
import TerraceCrypto
import TerraceJSON

/// BigQuery v2 metadata: datasets, tables and table IAM, on Google's paths under `/bigquery/v2/`.
///
/// Handlers live in extensions by resource (`BigQueryDatasets.swift`, `BigQueryTables.swift`,
/// `Jobs/`); metadata is read and written through ``BigQueryCatalog``; jobs run in the background
/// through ``BigQueryJobRunner``.
public struct BigQueryService: CloudService {
    public static let schema = RowStore.schema + jobsSchema + resultsSchema
    let context: CloudContext
    let catalog: BigQueryCatalog
    /// The jobs running in this process (shared by every route: one service per cloud).
    let jobRunner: BigQueryJobRunner

    public init(context: CloudContext) {
        self.context = context
        self.catalog = BigQueryCatalog(clock: context.clock)
        self.jobRunner = BigQueryJobRunner(background: context.background, gate: context.hooks.bigQueryJobGate)
    }

    static let base = "/bigquery/v2/projects/{projectId}/datasets"
    static let linkBase = "https://bigquery.googleapis.com/bigquery/v2/projects/"

    public var apis: [APIRoutes] {
        let datasets = Self.base
        let dataset = datasets + "/{datasetId}"
        let tables = dataset + "/tables"
        let table = tables + "/{tableId}"
        let jobs = "/bigquery/v2/projects/{projectId}/jobs"
        let job = jobs + "/{jobId}"
        return [APIRoutes(name: "bigquery", style: .legacy, routes: [
            Route(.post, jobs) { try await insertJob($0) },
            Route(.post, "/bigquery/v2/projects/{projectId}/queries") { try await query($0) },
            Route(.get, "/bigquery/v2/projects/{projectId}/queries/{jobId}") { try await getQueryResults($0) },
            Route(.get, jobs) { try await listJobs($0) },
            Route(.get, job) { try await getJob($0) },
            Route(.post, job + "/cancel") { try await cancelJob($0) },
            Route(.delete, job + "/delete") { try await deleteJob($0) },
            Route(.post, datasets) { try await insertDataset($0) },
            Route(.get, datasets) { try await listDatasets($0) },
            Route(.get, dataset) { try await getDataset($0) },
            Route(.patch, dataset) { try await updateDataset($0, merge: true) },
            Route(.put, dataset) { try await updateDataset($0, merge: false) },
            Route(.delete, dataset) { try await deleteDataset($0) },
            Route(.post, dataset + ":undelete") { _ in throw GCPError.notImplemented("BigQuery datasets.undelete") },
            Route(.post, tables) { try await insertTable($0) },
            Route(.get, tables) { try await listTables($0) },
            Route(.get, table) { try await getTable($0) },
            Route(.patch, table) { try await updateTable($0, merge: true) },
            Route(.put, table) { try await updateTable($0, merge: false) },
            Route(.delete, table) { try await deleteTable($0) },
            Route(.post, table + "/insertAll") { try await insertAll($0) },
            Route(.get, table + "/data") { try await listTableData($0) },
            Route(.post, table + ":getIamPolicy") { try await getTableIamPolicy($0) },
            Route(.post, table + ":setIamPolicy") { try await setTableIamPolicy($0) },
            Route(.post, table + ":testIamPermissions") { _ in
                throw GCPError.notImplemented("BigQuery tables.testIamPermissions")
            },
        ])]
    }
}

/// Helpers the dataset and table handlers share.
extension BigQueryService {
    /// 412 conditionNotMet when the request's If-Match etag is not `current`'s.
    static func checkIfMatch(_ request: ServiceRequest, _ current: JSON) throws {
        guard let wanted = request.header("If-Match"), wanted != "*" else { return }
        let given = wanted.hasPrefix("\"") && wanted.hasSuffix("\"") && wanted.count >= 2
            ? String(wanted.dropFirst().dropLast()) : wanted
        guard given == current["etag"]?.stringValue else {
            throw GCPError.preconditionFailed("Precondition check failed.")
        }
    }

    /// `maxResults` and the name after which a page starts.
    static func page(_ request: ServiceRequest) throws -> (limit: Int, after: String?) {
        let max = try request.query.int("maxResults")
        if let max, max < 0 {
            throw GCPError.invalid("Invalid value for parameter 'maxResults': \(max) must not be negative.")
        }
        let limit = max.map { $0 == 0 ? 10_000 : Int(min($0, 10_000)) } ?? 10_000
        return (limit, try PageToken.parse(request.query["pageToken"]))
    }

    /// A page of `items` (sorted by `name`) after `after`, and the next page token if more remain.
    static func slice(_ items: [JSON], name: (JSON) -> String, limit: Int, after: String?) -> ([JSON], String?) {
        let rest = after.map { after in items.filter { name($0) > after } } ?? items
        let page = Array(rest.prefix(limit))
        let next = rest.count > page.count ? page.last.map { PageToken.make(after: name($0)) } : nil
        return (page, next)
    }

    /// An etag for a list page: a digest of its content.
    static func listEtag(_ items: [JSON]) -> String {
        Base64.encode(Digest.hash(.sha256, JSON.array(items).encodedBytes()).prefix(12))
    }

    /// An int64 field as BigQuery writes it (a decimal string); 400 when it is not an integer.
    static func int64String(_ value: JSON?, field: String) throws -> String? {
        guard let value, value != .null else { return nil }
        guard let int = value.intValue else {
            throw GCPError.invalid("Invalid value for \(field): \(value.encoded()) is not an integer.")
        }
        return String(int)
    }

    /// A label map of strings, checked against the naming rules.
    static func labels(_ value: JSON?) throws -> [String: JSON]? {
        guard let value, value != .null else { return nil }
        guard let members = value.objectValue else { throw GCPError.invalid("Invalid value for labels: expected an object.") }
        var labels: [String: String] = [:]
        for (key, member) in members where member != .null {
            guard let text = member.stringValue else {
                throw GCPError.invalid("Invalid value for label \"\(key)\": label values are strings.")
            }
            labels[key] = text
        }
        try Names.checkLabels(labels)
        return labels.isEmpty ? nil : labels.mapValues(JSON.string)
    }
}
