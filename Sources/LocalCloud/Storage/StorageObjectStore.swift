import TerraceJSON
import TerraceSQLite

/// One stored generation of an object: its row in `storage_objects`.
struct StoredObject: Sendable {
    let bucket: String
    let name: String
    let generation: Int64
    let live: Bool
    /// The blob id of its body under `blobs/`.
    let blob: String
    /// The resource without selfLink and mediaLink (which depend on the address asked).
    var body: JSON

    var metageneration: Int64 { body["metageneration"]?.intValue ?? 1 }
    var size: Int64 { body["size"]?.intValue ?? 0 }

    init(row: Row) throws {
        bucket = row.string("bucket") ?? ""
        name = row.string("name") ?? ""
        generation = row.int("generation") ?? 0
        live = row.int("live") == 1
        blob = row.string("blob") ?? ""
        body = try JSON.parse(row.string("body") ?? "{}")
    }
}

/// Cloud Storage's generation and metageneration preconditions.
struct Preconditions {
    var generationMatch: Int64?
    var generationNotMatch: Int64?
    var metagenerationMatch: Int64?
    var metagenerationNotMatch: Int64?

    /// Reads `if<Prefix>GenerationMatch` etc. from the query; `prefix` is "" or "Source".
    init(_ query: Query, prefix: String = "") throws {
        generationMatch = try query.int("if\(prefix)GenerationMatch")
        generationNotMatch = try query.int("if\(prefix)GenerationNotMatch")
        metagenerationMatch = try query.int("if\(prefix)MetagenerationMatch")
        metagenerationNotMatch = try query.int("if\(prefix)MetagenerationNotMatch")
    }

    init(json: JSON) {
        generationMatch = json["ifGenerationMatch"]?.intValue
        generationNotMatch = json["ifGenerationNotMatch"]?.intValue
        metagenerationMatch = json["ifMetagenerationMatch"]?.intValue
        metagenerationNotMatch = json["ifMetagenerationNotMatch"]?.intValue
    }

    var json: JSON {
        var out: [String: JSON] = [:]
        if let generationMatch { out["ifGenerationMatch"] = .int(generationMatch) }
        if let generationNotMatch { out["ifGenerationNotMatch"] = .int(generationNotMatch) }
        if let metagenerationMatch { out["ifMetagenerationMatch"] = .int(metagenerationMatch) }
        if let metagenerationNotMatch { out["ifMetagenerationNotMatch"] = .int(metagenerationNotMatch) }
        return .object(out)
    }

    /// Whether the preconditions hold for `current` (nil: no such object).
    func hold(for current: StoredObject?) -> Bool {
        if let generationMatch {
            if generationMatch == 0 { if current != nil { return false } }
            else if current?.generation != generationMatch { return false }
        }
        if let generationNotMatch, let current, current.generation == generationNotMatch { return false }
        if let metagenerationMatch, current?.metageneration != metagenerationMatch { return false }
        if let metagenerationNotMatch, let current, current.metageneration == metagenerationNotMatch { return false }
        return true
    }

    /// 412 conditionNotMet unless the preconditions hold.
    func check(_ current: StoredObject?) throws {
        guard hold(for: current) else { throw GCPError.preconditionFailed() }
    }
}

/// SQL access to `storage_objects`.
extension Database {
    func storageObject(bucket: String, name: String, generation: Int64? = nil) throws -> StoredObject? {
        let row: Row?
        if let generation {
            row = try queryOne("SELECT * FROM storage_objects WHERE bucket = ? AND name = ? AND generation = ?",
                               [.text(bucket), .text(name), .int(generation)])
        } else {
            row = try queryOne("SELECT * FROM storage_objects WHERE bucket = ? AND name = ? AND live = 1",
                               [.text(bucket), .text(name)])
        }
        return try row.map(StoredObject.init(row:))
    }

    /// The object or 404 "No such object: B/N".
    func requireStorageObject(bucket: String, name: String, generation: Int64? = nil) throws -> StoredObject {
        guard let object = try storageObject(bucket: bucket, name: name, generation: generation) else {
            throw GCPError.notFound("No such object: \(bucket)/\(name)")
        }
        return object
    }

    func putStorageObject(_ object: StoredObject) throws {
        try run("INSERT OR REPLACE INTO storage_objects (bucket, name, generation, live, blob, body) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(object.bucket), .text(object.name), .int(object.generation), .int(object.live ? 1 : 0),
                 .text(object.blob), .text(object.body.encoded())])
    }

    func deleteStorageObject(_ object: StoredObject) throws {
        try run("DELETE FROM storage_objects WHERE bucket = ? AND name = ? AND generation = ?",
                [.text(object.bucket), .text(object.name), .int(object.generation)])
    }

    /// The next generation number: the clock's microseconds, strictly above every one issued.
    func nextStorageGeneration(now: Int64) throws -> Int64 {
        try run("""
            INSERT INTO counters (name, value) VALUES ('storage:generation', ?)
            ON CONFLICT(name) DO UPDATE SET value = max(value + 1, excluded.value)
            """, [.int(now)])
        return try queryOne("SELECT value FROM counters WHERE name = 'storage:generation'")?.int("value") ?? now
    }
}
