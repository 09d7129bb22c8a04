import Foundation
import GoogleCloud
import TerraceJSON
import TerraceModels

/// A model's own data tests: counted in batches, judged, with examples of failing rows.
extension ModelRunner {

    /// A model's header tests, in batches run at once (``testBatches(_:parallelism:)``), each
    /// with its own result, in the order given.
    func runTests(_ tests: [CompiledTest], of model: CompiledModel) async -> [NodeRunResult] {
        var computedView = false
        if case .view = model.model.config.materialization { computedView = copies.reading(model.table) == model.table }
        let batches = computedView ? [tests] : Self.testBatches(tests, parallelism: options.parallelism)
        guard batches.count > 1 else { return await runBatch(tests, of: model) }
        let results = await withTaskGroup(of: [NodeRunResult].self) { group in
            for batch in batches { group.addTask { await runBatch(batch, of: model) } }
            return await group.reduce(into: [NodeRunResult]()) { $0 += $1 }
        }
        let order = Dictionary(uniqueKeysWithValues: tests.enumerated().map { ($1.test.name, $0) })
        return results.sorted { order[$0.name, default: 0] < order[$1.name, default: 0] }
    }

    /// Tests split for running at once: those that group or join the model's rows (unique,
    /// accepted values, relationships) spread over up to `parallelism` batches, the cheap
    /// not-null scans with the first. (A view that was not copied for the run is tested in one
    /// batch: each batch would compute it again.)
    public static func testBatches(_ tests: [CompiledTest], parallelism: Int) -> [[CompiledTest]] {
        let heavy = tests.filter { if case .notNull = $0.test.kind { false } else { true } }
        let count = min(max(1, parallelism), max(1, heavy.count))
        guard count > 1 else { return [tests] }
        var batches = Array(repeating: [CompiledTest](), count: count)
        for (index, test) in heavy.enumerated() { batches[index % count].append(test) }
        batches[0] += tests.filter { if case .notNull = $0.test.kind { true } else { false } }
        return batches
    }

    /// Tests of one model counted together in one query that reads the model once
    /// (``CompiledTest/batchedCountQuery(_:table:)``), each with its own result; if that query
    /// fails, one by one, so that the failure is the test's own.
    func runBatch(_ tests: [CompiledTest], of model: CompiledModel) async -> [NodeRunResult] {
        guard tests.count > 1, let batched = CompiledTest.batchedCountQuery(tests, table: model.table) else {
            var results: [NodeRunResult] = []
            for test in tests { results.append(await runTest(test)) }
            return results
        }
        let start = Date()
        do {
            let counted = try await jobs.query(copies.reading(batched), jobID: "terrace_tests_\(runID)_\(UInt32.random(in: 0...UInt32.max))")
            let row = counted.rows.first ?? []
            let elapsed = Date().timeIntervalSince(start)
            var results: [NodeRunResult] = []
            for (index, test) in tests.enumerated() {
                let testStart = Date()
                var result = try await judge(test, failures: index < row.count ? row[index].intValue ?? 0 : 0)
                // The shared query's time is each test's; a failing test adds its examples' query.
                result.durationSeconds = elapsed + Date().timeIntervalSince(testStart)
                result.bytesProcessed = index == 0 ? BigQueryJobs.bytesProcessed(counted.job) : 0
                results.append(result)
            }
            return results
        } catch {
            var results: [NodeRunResult] = []
            for test in tests { results.append(await runTest(test)) }
            return results
        }
    }

    /// A test's result from its count of failing rows: a failure (or warning) fetches a few
    /// failing rows to show.
    func judge(_ compiled: CompiledTest, failures: Int64) async throws -> NodeRunResult {
        let test = compiled.test
        var result = NodeRunResult(kind: "test", name: test.name, status: .success, detail: test.kind.name, rows: failures, bytesProcessed: 0,
                                   durationSeconds: 0, message: nil)
        guard failures > 0 else { return result }
        result.status = test.severity == .warn ? .warn : .fail
        let examples = try await jobs.query(copies.reading(compiled.examplesQuery(limit: options.examples)),
                                            jobID: "terrace_test_\(runID)_\(UInt32.random(in: 0...UInt32.max))")
        let lines = examples.rows.map { row in
            zip(examples.columns, row).map { "\($0)=\($1.stringValue ?? ($1.isNull ? "NULL" : $1.encoded()))" }.joined(separator: ", ")
        }
        result.message = "\(failures) failing \(failures == 1 ? "row" : "rows") (\(test.file):\(test.line)); e.g. " + lines.joined(separator: " | ")
        return result
    }

    func runTest(_ compiled: CompiledTest) async -> NodeRunResult {
        let start = Date()
        let test = compiled.test
        var result = NodeRunResult(kind: "test", name: test.name, status: .success, detail: test.kind.name, rows: 0, bytesProcessed: 0,
                                   durationSeconds: 0, message: nil)
        do {
            let counted = try await jobs.query(copies.reading(compiled.countQuery), jobID: "terrace_test_\(runID)_\(UInt32.random(in: 0...UInt32.max))")
            result = try await judge(compiled, failures: counted.rows.first?.first?.intValue ?? 0)
            result.bytesProcessed = BigQueryJobs.bytesProcessed(counted.job)
        } catch let failure as BigQueryJobs.Failure {
            result.status = .error
            result.rows = nil
            result.message = "\(test.file):\(test.line): BigQuery answered \(failure.reason): \(failure)"
        } catch {
            result.status = .error
            result.rows = nil
            result.message = "\(error)"
        }
        result.durationSeconds = Date().timeIntervalSince(start)
        return result
    }
}
