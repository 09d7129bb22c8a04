import ArgumentParser
import GoogleCloud
import TerraceEngine
import TerraceJSON
import TerraceTime

/// `terrace query --env E "SQL" [--format table|json|csv]`: an ad-hoc GoogleSQL query against an
/// environment's BigQuery (the local cloud's or Google's), through `jobs.query`.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a GoogleSQL query against the environment's BigQuery and print the rows."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @Option(help: "The environment: environments/<name>.json.")
    var env: String

    @Argument(help: "The GoogleSQL query.")
    var sql: String

    @Option(help: "table (aligned, for people), json (an array of objects) or csv.")
    var format: Format = .table

    @Option(help: "Stop after this many rows.")
    var maxRows: Int = 10_000

    func run() async throws {
        let options = try EnvironmentOptions.parse(["--env", env])
        let console = Console.standard
        let (columns, rows) = try await EnvironmentSession.run(options) { session -> ([(name: String, type: String)], [[JSON]]) in
            try await Self.fetch(sql, cloud: session.cloud, project: session.configuration.environment.project, maxRows: maxRows)
        }
        switch format {
        case .json:
            let objects: [JSON] = rows.map { row in
                .object(Dictionary(uniqueKeysWithValues: zip(columns.map(\.name), row).map { ($0, $1) }))
            }
            console.line(JSON.array(objects).encoded(.pretty))
        case .csv:
            console.line(columns.map { Self.csvField($0.name) }.joined(separator: ","))
            for row in rows { console.line(row.map { Self.csvField(Self.text($0, null: "")) }.joined(separator: ",")) }
        case .table:
            let header = columns.map(\.name)
            let body = rows.map { $0.map { Self.text($0, null: "NULL") } }
            for line in console.table([header.map { console.styled($0, .bold) }] + body, indent: 0) { console.line(line) }
            Console.write(console.styled("\(rows.count) row\(rows.count == 1 ? "" : "s")", .dim) + "\n", to: 2)
        }
    }

    /// Runs the query and collects its pages (up to `maxRows`), cells as their JSON values. A
    /// query still running when `jobs.query` answers is waited for through `getQueryResults`,
    /// as BigQuery's clients do.
    /// `waitMilliseconds` is each call's `timeoutMs` (BigQuery's 10 s by default).
    static func fetch(_ sql: String, cloud: GoogleCloud, project: String, maxRows: Int,
                      waitMilliseconds: Int = 10_000) async throws -> ([(name: String, type: String)], [[JSON]]) {
        var answer: JSON
        do {
            answer = try await cloud.bigquery.post("projects/\(project)/queries",
                                                   body: ["query": .string(sql), "useLegacySql": false, "formatOptions": ["useInt64Timestamp": true],
                                                          "timeoutMs": .int(Int64(waitMilliseconds))])
            while answer["jobComplete"]?.boolValue == false, let job = answer["jobReference"], let jobID = job["jobId"]?.stringValue {
                answer = try await cloud.bigquery.get("projects/\(project)/queries/\(jobID)",
                                                       query: [("timeoutMs", String(waitMilliseconds)), ("location", job["location"]?.stringValue ?? "US"),
                                                               ("formatOptions.useInt64Timestamp", "true")])
            }
        } catch let error as GoogleAPIError {
            throw EngineError(error.message)
        }
        let fields = answer["schema"]?["fields"]?.arrayValue ?? []
        let columns = fields.map { (name: $0["name"]?.stringValue ?? "", type: $0["type"]?.stringValue ?? "") }
        var rows: [[JSON]] = []
        while true {
            for row in answer["rows"]?.arrayValue ?? [] where rows.count < maxRows {
                rows.append(zip(row["f"]?.arrayValue ?? [], fields).map { cell, field in value(cell["v"] ?? .null, field: field) })
            }
            guard rows.count < maxRows, let token = answer["pageToken"]?.stringValue,
                  let jobID = answer["jobReference"]?["jobId"]?.stringValue
            else { break }
            answer = try await cloud.bigquery.get("projects/\(project)/queries/\(jobID)",
                                                   query: [("pageToken", token), ("formatOptions.useInt64Timestamp", "true")])
        }
        return (columns, rows)
    }

    /// A cell as a plain JSON value: numbers and booleans typed, records as objects, arrays as arrays.
    static func value(_ cell: JSON, field: JSON) -> JSON {
        if cell.isNull { return .null }
        if field["mode"]?.stringValue == "REPEATED" {
            var element = field.objectValue ?? [:]
            element["mode"] = "NULLABLE"
            return .array((cell.arrayValue ?? []).map { value($0["v"] ?? .null, field: .object(element)) })
        }
        let text = cell.stringValue ?? ""
        switch field["type"]?.stringValue ?? "" {
        case "INTEGER": return Int64(text).map { .int($0) } ?? .string(text)
        // JSON has no infinity or NaN: BigQuery's own spelling ("Infinity", "-Infinity", "NaN") is kept.
        case "FLOAT": return Double(text).flatMap { $0.isFinite ? .double($0) : nil } ?? .string(text)
        case "BOOLEAN": return .bool(text == "true")
        case "TIMESTAMP":
            // Asked for as int64 microseconds (exact); shown as RFC 3339, to the microsecond when
            // it has a fraction.
            guard let micros = Int64(text) else { return .string(text) }
            return .string(Timestamp.rfc3339(micros: micros, fractionDigits: micros % 1_000_000 == 0 ? 0 : 6))
        case "RECORD":
            let children = field["fields"]?.arrayValue ?? []
            let cells = cell["f"]?.arrayValue ?? []
            return .object(Dictionary(uniqueKeysWithValues: zip(children, cells).map { child, inner in
                (child["name"]?.stringValue ?? "", value(inner["v"] ?? .null, field: child))
            }))
        default: return .string(text)
        }
    }

    static func text(_ value: JSON, null: String) -> String {
        switch value {
        case .null: null
        case .string(let text): text
        default: value.encoded()
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
