import Dispatch
import TerraceJSON
import TerracePostgres

/// Reads a PostgreSQL source: the table or query streamed through a server-side cursor on its
/// own thread (libpq blocks), in batches handed over one at a time; with a cursor column, only
/// rows above the last run's high-water mark, in the column's order.
struct PostgresSourceReader: Sendable {
    let source: String
    let spec: PostgresSource
    let connectionString: String
    let since: String?

    typealias Deliver = @Sendable (_ records: [JSON], _ location: String) async throws -> Void

    /// The SQL streamed, with its parameters.
    var statement: (String, [String?]) {
        var base: String
        if let query = spec.query {
            base = query
        } else {
            base = "SELECT * FROM " + (spec.table ?? "").split(separator: ".").map { Self.identifier(String($0)) }.joined(separator: ".")
        }
        guard let cursor = spec.cursor else { return (base, []) }
        let column = Self.identifier(cursor)
        if let since {
            return ("SELECT * FROM (\(base)) AS terrace_source WHERE \(column) > $1 ORDER BY \(column)", [since])
        }
        return ("SELECT * FROM (\(base)) AS terrace_source ORDER BY \(column)", [])
    }

    static func identifier(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    func read(_ deliver: @escaping Deliver) async throws {
        let handoff = Handoff<[JSON]>()
        let (sql, parameters) = statement
        let connectionString = self.connectionString
        let source = self.source
        DispatchQueue.global().async {
            do {
                let connection = try PostgresConnection(connectionString: connectionString)
                defer { connection.close() }
                try connection.stream(sql, parameters: parameters, batchSize: 5_000) { _, batch in
                    guard handoff.send(batch.map { .object($0) }) else { throw HandoffCancelled() }
                }
                handoff.finish(nil)
            } catch is HandoffCancelled {
                handoff.finish(nil)
            } catch let error as PostgresError {
                let what = error.kind == .connection ? "cannot connect to PostgreSQL" : "PostgreSQL refused the query"
                handoff.finish(PipelineError("source \(source): \(what): \(error.description)"))
            } catch {
                handoff.finish(error)
            }
        }
        var batch = 0
        try await handoff.drain { records in
            batch += 1
            try await deliver(records, "\(spec.table ?? "query") (batch \(batch))")
        }
    }
}
