import Hummingbird
import TerraceJSON

/// datasets.insert/get/list/patch/update/delete.
extension BigQueryService {
    func insertDataset(_ request: ServiceRequest) async throws -> Response {
        let project = request.param("projectId")
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "bigquery.Dataset", root: "dataset", rejectUnknown: false)
        guard let datasetID = body["datasetReference"]?["datasetId"]?.stringValue else {
            throw GCPError.required("Required parameter is missing: datasetReference.datasetId")
        }
        try Names.checkDatasetID(datasetID)
        try Self.checkProject(body["datasetReference"]?["projectId"], path: project, field: "datasetReference.projectId")
        var fields = try BigQueryDatasetFields.normalise(BigQueryDatasetFields.settable(body))
        let location = try BigQueryDatasetFields.location(fields["location"])
        if (fields["access"]?.arrayValue ?? []).isEmpty {
            fields["access"] = BigQueryDatasetFields.defaultAccess(principal: request.principal)
        }
        let now = String(context.clock.nowMillis())
        let stored = try context.store.write { db -> JSON in
            if try catalog.dataset(db, project, datasetID) != nil {
                throw GCPError.alreadyExists("Already Exists: Dataset \(project):\(datasetID)", reason: "duplicate")
            }
            var resource = Self.datasetResource(fields, project: project, datasetID: datasetID, created: now,
                                                modified: now, location: location)
            resource["etag"] = .string(try catalog.newEtag(db, for: resource))
            try catalog.putDataset(db, resource)
            return resource
        }
        context.consistency.recordCreation(path: "bigquery/v2/projects/\(project)/datasets/\(datasetID)")
        return .json(stored)
    }

    func getDataset(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID) = (request.param("projectId"), request.param("datasetId"))
        try Names.checkDatasetID(datasetID)
        var dataset = try context.store.read { db in try catalog.requireDataset(db, project, datasetID) }
        switch request.query["datasetView"] ?? "FULL" {
        case "METADATA": dataset["access"] = nil
        case "ACL", "FULL", "DATASET_VIEW_UNSPECIFIED": break
        case let other: throw GCPError.invalid("Invalid value for parameter 'datasetView': \"\(other)\".")
        }
        return .json(dataset)
    }

    func listDatasets(_ request: ServiceRequest) async throws -> Response {
        let project = request.param("projectId")
        let (limit, after) = try Self.page(request)
        let all = try request.query.bool("all") ?? false
        let filter = try Self.labelFilter(request.query["filter"])
        let datasets = try context.store.read { db in try catalog.datasets(db, project) }.filter { dataset in
            let id = dataset["datasetReference"]?["datasetId"]?.stringValue ?? ""
            return (all || !id.hasPrefix("_")) && filter(dataset["labels"]?.objectValue ?? [:])
        }
        let (page, next) = Self.slice(datasets, name: { $0["datasetReference"]?["datasetId"]?.stringValue ?? "" },
                                      limit: limit, after: after)
        let items: [JSON] = page.map { dataset in
            var item: [String: JSON] = [:]
            for key in ["kind", "id", "datasetReference", "labels", "friendlyName", "location", "type"] { item[key] = dataset[key] }
            return .object(item)
        }
        var list: [String: JSON] = ["kind": "bigquery#datasetList", "etag": .string(Self.listEtag(items))]
        if !items.isEmpty { list["datasets"] = .array(items) }
        if let next { list["nextPageToken"] = .string(next) }
        return .json(.object(list))
    }

    /// patch (`merge`, JSON merge-patch) and update (replace).
    func updateDataset(_ request: ServiceRequest, merge: Bool) async throws -> Response {
        let (project, datasetID) = (request.param("projectId"), request.param("datasetId"))
        try Names.checkDatasetID(datasetID)
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "bigquery.Dataset", root: "dataset", rejectUnknown: false)
        if let given = body["datasetReference"]?["datasetId"]?.stringValue, given != datasetID {
            throw GCPError.invalid("Invalid value for datasetReference.datasetId: \"\(given)\" does not match the dataset \(datasetID) in the path.")
        }
        try Self.checkProject(body["datasetReference"]?["projectId"], path: project, field: "datasetReference.projectId")
        let now = String(context.clock.nowMillis())
        let stored = try context.store.write { db -> JSON in
            let current = try catalog.requireDataset(db, project, datasetID)
            try Self.checkIfMatch(request, current)
            let currentFields = BigQueryDatasetFields.settable(current)
            var requested: [String: JSON]
            if merge {
                let patch = (body.objectValue ?? [:]).filter { !BigQueryDatasetFields.outputOnly.contains($0.key) }
                requested = JSON.object(currentFields).merging(patch: .object(patch)).objectValue ?? [:]
            } else {
                requested = BigQueryDatasetFields.settable(body)
                requested["access"] = requested["access"] ?? currentFields["access"]
            }
            let currentLocation = current["location"]?.stringValue ?? "US"
            if requested["location"] != nil, try BigQueryDatasetFields.location(requested["location"]) != currentLocation {
                throw GCPError.invalid("Cannot change the location of dataset \(project):\(datasetID) from \(currentLocation).")
            }
            let fields = try BigQueryDatasetFields.normalise(requested)
            var resource = Self.datasetResource(fields, project: project, datasetID: datasetID,
                                                created: current["creationTime"]?.stringValue ?? now, modified: now,
                                                location: currentLocation)
            resource["etag"] = .string(try catalog.newEtag(db, for: resource))
            try catalog.putDataset(db, resource)
            return resource
        }
        return .json(stored)
    }

    func deleteDataset(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID) = (request.param("projectId"), request.param("datasetId"))
        try Names.checkDatasetID(datasetID)
        let deleteContents = try request.query.bool("deleteContents") ?? false
        try context.store.write { db in
            _ = try catalog.requireDataset(db, project, datasetID)
            if !deleteContents, !(try catalog.tables(db, project, datasetID)).isEmpty {
                throw GCPError.invalid("Dataset \(project):\(datasetID) is still in use", reason: "resourceInUse")
            }
            try catalog.deleteDataset(db, project, datasetID)
        }
        return .noContent()
    }

    /// The stored form of a dataset: its settable fields plus what BigQuery computes.
    static func datasetResource(_ fields: [String: JSON], project: String, datasetID: String, created: String,
                                modified: String, location: String) -> JSON {
        var resource = fields
        resource["kind"] = "bigquery#dataset"
        resource["id"] = .string("\(project):\(datasetID)")
        resource["selfLink"] = .string(linkBase + "\(project)/datasets/\(datasetID)")
        resource["datasetReference"] = ["projectId": .string(project), "datasetId": .string(datasetID)]
        resource["creationTime"] = .string(created)
        resource["lastModifiedTime"] = .string(modified)
        resource["location"] = .string(location)
        resource["type"] = "DEFAULT"
        return .object(resource)
    }

    /// 400 when a body names another project than the path.
    static func checkProject(_ given: JSON?, path project: String, field: String) throws {
        guard let given, given != .null else { return }
        guard given.stringValue == project else {
            throw GCPError.invalid("Invalid value for \(field): \(given.encoded()) does not match the project \(project) in the path.")
        }
    }

    /// A datasets.list filter: space-separated `labels.KEY` or `labels.KEY:VALUE` terms, all of which must hold.
    static func labelFilter(_ text: String?) throws -> @Sendable ([String: JSON]) -> Bool {
        let terms: [(String, String?)] = try (text ?? "").split(separator: " ").map { term in
            guard term.hasPrefix("labels."), term.count > 7 else {
                throw GCPError.invalid("Invalid filter \"\(text ?? "")\": expected terms of the form labels.KEY or labels.KEY:VALUE.")
            }
            let body = term.dropFirst(7)
            guard let colon = body.firstIndex(of: ":") else { return (String(body), nil) }
            return (String(body[..<colon]), String(body[body.index(after: colon)...]))
        }
        return { labels in
            terms.allSatisfy { key, value in
                guard let present = labels[key] else { return false }
                return value.map { present.stringValue == $0 } ?? true
            }
        }
    }
}
