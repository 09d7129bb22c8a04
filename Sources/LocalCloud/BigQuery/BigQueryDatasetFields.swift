import TerraceJSON

/// The settable fields of a dataset, validated and put in the form BigQuery answers with,
/// including its `access` list (a dataset's IAM).
enum BigQueryDatasetFields {
    /// Fields BigQuery computes; ignored when a client sends them back.
    static let outputOnly: Set<String> = [
        "kind", "id", "etag", "selfLink", "creationTime", "lastModifiedTime", "type", "tags",
        "satisfiesPzs", "satisfiesPzi", "linkedDatasetMetadata", "restrictions", "catalogSource",
    ]

    /// The client-settable part of a request body or stored dataset.
    static func settable(_ body: JSON) -> [String: JSON] {
        (body.objectValue ?? [:]).filter { !outputOnly.contains($0.key) && $0.value != .null }
    }

    /// Checks `fields` and answers them normalised (int64 strings, legacy roles, label maps).
    static func normalise(_ fields: [String: JSON]) throws -> [String: JSON] {
        var out = fields
        for unsupported in ["linkedDatasetSource", "externalDatasetReference", "externalCatalogDatasetOptions"] where fields[unsupported] != nil {
            throw GCPError.notImplemented("BigQuery datasets with \(unsupported)")
        }
        out["labels"] = try BigQueryService.labels(fields["labels"]).map(JSON.object)
        if let text = fields["description"]?.stringValue, text.count > 16_384 {
            throw GCPError.invalid("Dataset description must be at most 16384 characters long.")
        }
        if let ms = try BigQueryService.int64String(fields["defaultTableExpirationMs"], field: "defaultTableExpirationMs"),
           let value = Int64(ms) {
            guard value == 0 || value >= 3_600_000 else {
                throw GCPError.invalid("The default table expiration must be at least 3600000 milliseconds (one hour); got \(value).")
            }
            out["defaultTableExpirationMs"] = value == 0 ? nil : .string(ms)
        }
        if let ms = try BigQueryService.int64String(fields["defaultPartitionExpirationMs"], field: "defaultPartitionExpirationMs"),
           let value = Int64(ms) {
            guard value >= 0 else { throw GCPError.invalid("The default partition expiration must not be negative; got \(value).") }
            out["defaultPartitionExpirationMs"] = value == 0 ? nil : .string(ms)
        }
        if let hours = try BigQueryService.int64String(fields["maxTimeTravelHours"], field: "maxTimeTravelHours"),
           let value = Int64(hours) {
            guard (48...168).contains(value), value % 24 == 0 else {
                throw GCPError.invalid("maxTimeTravelHours must be a multiple of 24 between 48 and 168; got \(value).")
            }
            out["maxTimeTravelHours"] = .string(hours)
        }
        if let access = fields["access"] {
            guard let entries = access.arrayValue else { throw GCPError.invalid("Invalid value for access: expected an array.") }
            out["access"] = .array(try entries.enumerated().map { try accessEntry($1, index: $0) })
        }
        return out
    }

    /// BigQuery's location names: the multi-regions in capitals, regions as given.
    static func location(_ value: JSON?) throws -> String {
        guard let value, value != .null else { return "US" }
        guard let text = value.stringValue, !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw GCPError.invalid("Invalid value for location: \(value.encoded()).")
        }
        return try Locations.bigQuery(text)
    }

    /// What BigQuery grants when a dataset is created without `access`.
    static func defaultAccess(principal: String?) -> JSON {
        var entries: [JSON] = [
            ["role": "WRITER", "specialGroup": "projectWriters"],
            ["role": "OWNER", "specialGroup": "projectOwners"],
        ]
        if let principal, let colon = principal.firstIndex(of: ":"),
           ["user", "serviceAccount"].contains(principal[..<colon]) {
            entries.append(["role": "OWNER", "userByEmail": .string(String(principal[principal.index(after: colon)...]))])
        }
        entries.append(["role": "READER", "specialGroup": "projectReaders"])
        return .array(entries)
    }

    static let entityFields = ["userByEmail", "groupByEmail", "domain", "specialGroup", "iamMember", "view", "routine", "dataset"]
    static let specialGroups: Set<String> = ["projectOwners", "projectReaders", "projectWriters", "allAuthenticatedUsers"]
    static let legacyRoles = ["roles/bigquery.dataOwner": "OWNER", "roles/bigquery.dataEditor": "WRITER",
                              "roles/bigquery.dataViewer": "READER"]

    /// One access entry: a role and exactly one entity.
    static func accessEntry(_ entry: JSON, index: Int) throws -> JSON {
        let at = "access[\(index)]"
        guard var members = entry.objectValue else { throw GCPError.invalid("Invalid value for \(at): expected an object.") }
        members = members.filter { $0.value != .null }
        let entities = entityFields.filter { members[$0] != nil }
        guard entities.count == 1, let entity = entities.first else {
            throw GCPError.invalid("Invalid value for \(at): an access entry needs exactly one of \(entityFields.joined(separator: ", ")); got \(entities.isEmpty ? "none" : entities.joined(separator: ", ")).")
        }
        let value = members[entity] ?? .null
        func text() throws -> String {
            guard let s = value.stringValue, !s.isEmpty else { throw GCPError.invalid("Invalid value for \(at).\(entity): expected a non-empty string.") }
            return s
        }
        func isEmail(_ s: String) -> Bool {
            let parts = s.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
        }
        switch entity {
        case "userByEmail", "groupByEmail":
            let email = try text()
            guard isEmail(email) else { throw GCPError.invalid("Invalid email address \"\(email)\" in \(at).\(entity).") }
        case "domain":
            let domain = try text()
            guard domain.contains("."), !domain.contains("@"), !domain.contains(" ") else {
                throw GCPError.invalid("Invalid domain \"\(domain)\" in \(at).domain.")
            }
        case "specialGroup":
            let group = try text()
            guard specialGroups.contains(group) else {
                throw GCPError.invalid("Invalid special group \"\(group)\" in \(at): expected one of \(specialGroups.sorted().joined(separator: ", ")).")
            }
        case "iamMember":
            try IAMPolicies.checkMember(try text())
        case "view":
            try requireStrings(value, ["projectId", "datasetId", "tableId"], at: at + ".view")
        case "routine":
            try requireStrings(value, ["projectId", "datasetId", "routineId"], at: at + ".routine")
        default:
            try requireStrings(value["dataset"] ?? .null, ["projectId", "datasetId"], at: at + ".dataset.dataset")
            guard let types = value["targetTypes"]?.arrayValue, !types.isEmpty,
                  types.allSatisfy({ $0 == "VIEWS" || $0 == "ROUTINES" }) else {
                throw GCPError.invalid("Invalid value for \(at).dataset.targetTypes: expected VIEWS or ROUTINES.")
            }
        }
        let grantsByReference = ["view", "routine", "dataset"].contains(entity)
        if let role = members["role"] {
            guard let name = role.stringValue, !name.isEmpty else { throw GCPError.invalid("Invalid value for \(at).role.") }
            if let legacy = legacyRoles[name] {
                members["role"] = .string(legacy)
            } else if !["OWNER", "WRITER", "READER"].contains(name) {
                try IAMPolicies.checkRole(name)
            }
        } else if !grantsByReference {
            throw GCPError.invalid("Invalid value for \(at): an access entry for \(entity) needs a role.")
        }
        return .object(members)
    }

    private static func requireStrings(_ value: JSON, _ names: [String], at: String) throws {
        for name in names where (value[name]?.stringValue ?? "").isEmpty {
            throw GCPError.invalid("Invalid value for \(at): \(name) is required.")
        }
    }
}
