import TerraceJSON

extension StateFile {
    /// Reads a state document from `bytes`, or throws ONE ``StateError`` naming `location` and
    /// what is wrong (syntax with line and column, a missing or mistyped key, a future format,
    /// a duplicate address). Never traps, whatever the bytes.
    public static func decode(_ bytes: [UInt8], location: String) throws(StateError) -> StateFile {
        if bytes.isEmpty { throw .decoding(.syntax, location, "the state file is empty (it may have been truncated)") }
        let root: JSON
        do {
            root = try JSON.parse(bytes)
        } catch {
            throw StateError(.syntax, "\(location):\(error.line):\(error.column)",
                             "\(location):\(error.line):\(error.column): invalid JSON: \(error.message) (the file is broken or truncated; "
                                 + "restore it from \(location).backup or the bucket's previous version)")
        }
        return try StateDecoder(location: location).decode(root)
    }
}

/// The checks behind ``StateFile/decode(_:location:)``.
struct StateDecoder {
    let location: String
    static let topKeys = ["environment", "format_version", "lineage", "project", "resources", "serial", "terrace_version"]
    static let resourceKeys = ["address", "attributes", "dependencies", "id", "protected", "type"]

    func decode(_ root: JSON) throws(StateError) -> StateFile {
        guard case .object(let members) = root else {
            throw .decoding(.notAnObject, location, "the state holds a JSON \(root.typeName), not an object")
        }
        try checkKeys(members, Self.topKeys, at: "")
        let version = try int(members, "format_version", at: "")
        if version > StateFile.formatVersion {
            throw StateError(.futureVersion, location,
                             "\(location): format_version \(version) was written by a newer Terrace than this one (which reads up to "
                                 + "\(StateFile.formatVersion)); upgrade Terrace")
        }
        if version < 1 { throw .decoding(.invalidValue, location, "format_version \(version) is not a valid version") }
        let lineage = try string(members, "lineage", at: "")
        if lineage.isEmpty { throw .decoding(.invalidValue, location, "key \"lineage\" is empty") }
        let serial = try int(members, "serial", at: "")
        if serial < 0 { throw .decoding(.invalidValue, location, "key \"serial\" is negative (\(serial))") }
        let terraceVersion = try string(members, "terrace_version", at: "")
        guard let list = members["resources"] else { throw missing("resources", at: "") }
        guard case .array(let items) = list else { throw wrongType("resources", "an array", list, at: "") }
        var resources: [StateResource] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let resource = try decodeResource(item, at: "resources[\(index)]")
            if !seen.insert(resource.address).inserted {
                throw .decoding(.duplicateAddress, location, "resources[\(index)]: address \"\(resource.address)\" appears more than once")
            }
            resources.append(resource)
        }
        var state = StateFile(lineage: lineage, serial: serial, terraceVersion: terraceVersion, resources: resources)
        state.formatVersion = version
        for key in ["environment", "project"] {
            guard let value = members[key] else { continue }
            guard case .string(let text) = value else { throw wrongType(key, "a string", value, at: "") }
            if key == "environment" { state.environment = text } else { state.project = text }
        }
        return state
    }

    private func decodeResource(_ item: JSON, at path: String) throws(StateError) -> StateResource {
        guard case .object(let members) = item else {
            throw .decoding(.wrongType, location, "\(path): expected an object, got \(item.typeName)")
        }
        try checkKeys(members, Self.resourceKeys, at: path)
        let address = try string(members, "address", at: path)
        if address.isEmpty { throw .decoding(.invalidValue, location, "\(path): key \"address\" is empty") }
        let type = try string(members, "type", at: path)
        let id = try string(members, "id", at: path)
        guard let attributes = members["attributes"] else { throw missing("attributes", at: path) }
        guard case .object = attributes else { throw wrongType("attributes", "an object", attributes, at: path) }
        var dependencies: [String] = []
        if let value = members["dependencies"] {
            guard case .array(let list) = value else { throw wrongType("dependencies", "an array of addresses", value, at: path) }
            for (index, entry) in list.enumerated() {
                guard case .string(let text) = entry else {
                    throw wrongType("dependencies[\(index)]", "an address string", entry, at: path)
                }
                dependencies.append(text)
            }
        }
        var protected = false
        if let value = members["protected"] {
            guard case .bool(let flag) = value else { throw wrongType("protected", "true or false", value, at: path) }
            protected = flag
        }
        return StateResource(address: address, type: type, id: id, attributes: attributes, dependencies: dependencies,
                             protected: protected)
    }

    private func prefix(_ path: String) -> String { path.isEmpty ? "" : path + ": " }

    private func checkKeys(_ members: [String: JSON], _ known: [String], at path: String) throws(StateError) {
        for key in members.keys.sorted() where !known.contains(key) {
            throw .decoding(.unknownKey, location, "\(prefix(path))unknown key \"\(key)\" (known keys: \(known.joined(separator: ", ")))")
        }
    }

    private func missing(_ key: String, at path: String) -> StateError {
        .decoding(.missingKey, location, "\(prefix(path))missing required key \"\(key)\"")
    }

    private func wrongType(_ key: String, _ expected: String, _ value: JSON, at path: String) -> StateError {
        .decoding(.wrongType, location, "\(prefix(path))key \"\(key)\": expected \(expected), got \(value.typeName)")
    }

    private func string(_ members: [String: JSON], _ key: String, at path: String) throws(StateError) -> String {
        guard let value = members[key] else { throw missing(key, at: path) }
        guard case .string(let text) = value else { throw wrongType(key, "a string", value, at: path) }
        return text
    }

    private func int(_ members: [String: JSON], _ key: String, at path: String) throws(StateError) -> Int64 {
        guard let value = members[key] else { throw missing(key, at: path) }
        guard case .int(let number) = value else { throw wrongType(key, "a whole number", value, at: path) }
        return number
    }
}
