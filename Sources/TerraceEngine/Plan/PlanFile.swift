import TerraceJSON

/// A saved plan (`terrace plan --out FILE`): the plan as JSON, with the state lineage and serial
/// and the declarations' digest it was made against, so `apply` can refuse it once stale.
/// `--json` prints the same document.
extension Plan {
    public static let formatVersion: Int64 = 1

    public var json: JSON {
        [
            "format_version": .int(Self.formatVersion),
            "terrace_version": .string(StateFile.currentTerraceVersion),
            "environment": .string(environment),
            "project": .string(project),
            "state": stateLineage.map { ["lineage": .string($0), "serial": .int(stateSerial ?? 0)] } ?? .null,
            "declarations_digest": .string(declarationsDigest),
            "targets": .array(targets.map { .string($0) }),
            "destroy": .bool(destroy),
            "summary": [
                "create": .int(Int64(count(.create))), "adopt": .int(Int64(count(.adopt))), "update": .int(Int64(count(.update))),
                "replace": .int(Int64(count(.replace))), "delete": .int(Int64(count(.delete))), "no-op": .int(Int64(count(.noop))),
            ],
            "changes": .array(changes.map(\.json)),
            "drift": .array(drift.map { drift in
                ["address": .string(drift.address), "deleted": .bool(drift.deleted), "changes": .array(drift.changes.map(\.json))]
            }),
        ]
    }

    /// Saves the plan to `path` atomically, readable only by its owner (it carries attributes).
    public func save(to path: String) throws {
        do {
            try StateFileSystem.replaceAtomically(path, with: json.encodedBytes(.pretty) + [0x0A], location: path)
        } catch let error as StateError {
            throw EngineError("cannot save the plan: \(error.description)")
        }
    }

    /// Reads the plan saved at `path`.
    public static func load(from path: String) throws -> Plan {
        let bytes: [UInt8]?
        do {
            bytes = try StateFileSystem.readIfExists(path, location: path)
        } catch {
            throw EngineError(error.description)
        }
        guard let bytes else { throw EngineError("\(path): no such plan file; make one with `terrace plan --env ENV --out \(path)`") }
        return try decode(bytes, file: path)
    }

    /// Reads a saved plan; `file` names it in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws(EngineError) -> Plan {
        func fail(_ what: String) -> EngineError {
            EngineError("\(file): \(what); it is not a plan this version of terrace wrote (make a new one with `terrace plan --out \(file)`)")
        }
        let root: JSON
        do {
            root = try JSON.parse(bytes)
        } catch {
            throw fail("not JSON (\(error.description))")
        }
        guard case .object = root else { throw fail("not a JSON object") }
        guard let version = root["format_version"]?.intValue else { throw fail("missing \"format_version\"") }
        guard version == formatVersion else { throw fail("format_version \(version) is not \(formatVersion)") }
        guard let environment = root["environment"]?.stringValue, let project = root["project"]?.stringValue,
              let digest = root["declarations_digest"]?.stringValue
        else { throw fail("missing \"environment\", \"project\" or \"declarations_digest\"") }
        var lineage: String?, serial: Int64?
        if let state = root["state"], !state.isNull {
            guard let l = state["lineage"]?.stringValue, let s = state["serial"]?.intValue else { throw fail("\"state\" needs lineage and serial") }
            lineage = l
            serial = s
        }
        guard let items = root["changes"]?.arrayValue else { throw fail("missing \"changes\"") }
        var changes: [PlannedChange] = []
        for (index, item) in items.enumerated() {
            guard let change = PlannedChange(json: item) else { throw fail("changes[\(index)] is malformed") }
            changes.append(change)
        }
        let targets = (root["targets"]?.arrayValue ?? []).compactMap(\.stringValue)
        var drift: [Drift] = []
        for (index, item) in (root["drift"]?.arrayValue ?? []).enumerated() {
            guard let address = item["address"]?.stringValue else { throw fail("drift[\(index)] is malformed") }
            drift.append(Drift(address: address, changes: (item["changes"]?.arrayValue ?? []).compactMap(AttributeChange.init(json:)),
                               deleted: item["deleted"]?.boolValue ?? false))
        }
        return Plan(environment: environment, project: project, stateLineage: lineage, stateSerial: serial, declarationsDigest: digest,
                    targets: targets, destroy: root["destroy"]?.boolValue ?? false, changes: changes, drift: drift)
    }
}

extension AttributeChange {
    var json: JSON {
        var body: [String: JSON] = ["path": .string(path)]
        if let before { body["before"] = before }
        if let after { body["after"] = after }
        return .object(body)
    }

    init?(json: JSON) {
        guard let path = json["path"]?.stringValue else { return nil }
        self.init(path: path, before: json["before"], after: json["after"])
    }
}

extension PlannedChange {
    var json: JSON {
        var body: [String: JSON] = [
            "address": .string(address), "type": .string(type), "id": .string(id), "action": .string(action.rawValue),
            "changes": .array(changes.map(\.json)), "dependencies": .array(dependencies.map { .string($0) }),
            "protected": .bool(protected), "deletes_contents": .bool(deletesContents),
        ]
        if let reason { body["reason"] = .string(reason) }
        if !replaceReasons.isEmpty { body["replace_reasons"] = .array(replaceReasons.map { .string($0) }) }
        if let desired { body["desired"] = desired }
        if let current { body["current"] = current }
        if let previousID { body["previous_id"] = .string(previousID) }
        if refreshesState { body["refreshes_state"] = true }
        return .object(body)
    }

    init?(json: JSON) {
        guard let address = json["address"]?.stringValue, let type = json["type"]?.stringValue, let id = json["id"]?.stringValue,
              let action = json["action"]?.stringValue.flatMap(PlanAction.init(rawValue:)),
              Providers.provider(type) != nil
        else { return nil }
        let changes = (json["changes"]?.arrayValue ?? []).compactMap(AttributeChange.init(json:))
        let desired = json["desired"]
        if [.create, .adopt, .update, .replace].contains(action), desired?.objectValue == nil { return nil }
        self.init(
            address: address, type: type, id: id, action: action, reason: json["reason"]?.stringValue, changes: changes,
            replaceReasons: (json["replace_reasons"]?.arrayValue ?? []).compactMap(\.stringValue), desired: desired,
            current: json["current"], previousID: json["previous_id"]?.stringValue,
            dependencies: (json["dependencies"]?.arrayValue ?? []).compactMap(\.stringValue),
            protected: json["protected"]?.boolValue ?? false, deletesContents: json["deletes_contents"]?.boolValue ?? false)
        refreshesState = json["refreshes_state"]?.boolValue ?? false
    }
}
