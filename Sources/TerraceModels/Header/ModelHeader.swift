import Foundation

/// A model file's header read into its configuration and tests, with every problem found.
struct ModelHeader {
    var config: ModelConfig
    var tests: [DataTest] = []
    /// The incremental filter's text, located in the file.
    var filter: SourceFragment?
    var errors: [ModelError] = []

    init(_ lines: [HeaderLine], file: String, model: String, layer: Layer) {
        config = ModelConfig(materialization: layer.defaultMaterialization)
        var keyed: [(HeaderKey, HeaderLine)] = []
        var seen: [HeaderKey: HeaderLine] = [:]
        for line in lines {
            guard let key = key(of: line, file: file) else { continue }
            if key.isSingle, let first = seen[key] {
                errors.append(HeaderValues.keyError(line, file, "\(key.rawValue) is set twice (first on line \(first.line))",
                                                    fix: "keep one `\(key.rawValue):` line"))
                continue
            }
            seen[key] = seen[key] ?? line
            keyed.append((key, line))
        }
        let kind = materialization(seen[.materialized], file: file, layer: layer)
        for (key, line) in keyed where !key.materializations.contains(kind) {
            errors.append(HeaderValues.keyError(line, file, "\(key.rawValue) does not apply to materialized: \(kind)",
                                                fix: "remove the line, or use materialized: \(key.materializations.joined(separator: " or "))"))
        }
        let applicable = keyed.filter { $0.0.materializations.contains(kind) }
        for (key, line) in applicable { read(key, line, file: file, model: model) }
        let single = Dictionary(applicable.filter { $0.0.isSingle }, uniquingKeysWith: { first, _ in first })
        config.materialization = finished(kind, single, file: file, model: model, materializedLine: seen[.materialized])
    }

    /// The key of a line, or `nil` after recording why it has none.
    private mutating func key(of line: HeaderLine, file: String) -> HeaderKey? {
        guard let key = HeaderKey(rawValue: line.key) else {
            let suggestion = Suggestion.closest(to: line.key, in: HeaderKey.allCases.map(\.rawValue))
            errors.append(HeaderValues.keyError(line, file, "unknown header key '\(line.spelledKey)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
                                                fix: "use one of \(HeaderKey.spellings)"))
            return nil
        }
        switch (key, line.argument) {
        case (.column, nil):
            errors.append(HeaderValues.keyError(line, file, "column needs the column's name", fix: "write `column NAME: description`"))
            return nil
        case (.test, let severity?) where DataTest.Severity(rawValue: severity) == nil:
            errors.append(HeaderValues.keyError(line, file, "unknown test severity '\(severity)'", fix: "write `test:` (error) or `test warn:`"))
            return nil
        case (.column, _?), (.test, _), (_, nil):
            return key
        default:
            errors.append(HeaderValues.keyError(line, file, "unknown header key '\(line.spelledKey)'", fix: "write `\(key.rawValue): value`"))
            return nil
        }
    }

    /// The materialization's name (`view`, `table`, `incremental`, `scd2`).
    private mutating func materialization(_ line: HeaderLine?, file: String, layer: Layer) -> String {
        guard let line else { return layer.defaultMaterialization.name }
        let valid = ["view", "table", "incremental", "scd2"]
        if valid.contains(line.value) { return line.value }
        errors.append(HeaderValues.valueError(line, file, "materialized: '\(line.value)' is not a materialization",
                                              fix: "use one of \(valid.joined(separator: ", "))"))
        return layer.defaultMaterialization.name
    }

    /// Reads the keys every materialization shares.
    private mutating func read(_ key: HeaderKey, _ line: HeaderLine, file: String, model: String) {
        switch key {
        case .description:
            config.description = config.description.map { $0 + " " + line.value } ?? line.value
        case .tags:
            for tag in line.value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !tag.isEmpty {
                if !config.tags.contains(tag) { config.tags.append(tag) }
            }
        case .column:
            let name = line.argument ?? ""
            if let index = config.columns.firstIndex(where: { $0.name == name }) {
                config.columns[index].description += " " + line.value
            } else {
                config.columns.append(ColumnDescription(name: name, description: line.value))
            }
        case .test:
            test(line, file: file, model: model)
        case .partitionBy:
            switch HeaderValues.partition(line, file: file) {
            case .success(let spec): config.partitionBy = spec
            case .failure(let error): errors.append(error)
            }
        case .clusterBy:
            guard let columns = columns(line, file: file) else { return }
            if columns.count > 4 {
                errors.append(HeaderValues.valueError(line, file, "cluster_by lists \(columns.count) columns; BigQuery allows at most 4",
                                                      fix: "keep the 4 most filtered columns"))
            } else {
                config.clusterBy = columns
            }
        case .incrementalFilter:
            filter = line.fragment(file)
        default:
            break
        }
    }

    private mutating func test(_ line: HeaderLine, file: String, model: String) {
        switch TestSpec.parse(line, file: file) {
        case .success(let spec):
            let name = "\(model).\(spec.suffix)"
            if tests.contains(where: { $0.name == name }) {
                errors.append(HeaderValues.valueError(line, file, "test \(name) is declared twice", fix: "remove one of the lines"))
                return
            }
            tests.append(DataTest(name: name, kind: spec.kind, severity: DataTest.Severity(rawValue: line.argument ?? "error") ?? .error,
                                  model: model, description: nil, tags: [], file: file, line: line.line, body: nil,
                                  references: spec.references))
        case .failure(let error):
            errors.append(error)
        }
    }

    private mutating func columns(_ line: HeaderLine, file: String) -> [String]? {
        switch HeaderValues.columns(line, file: file) {
        case .success(let columns): return columns
        case .failure(let error):
            errors.append(error)
            return nil
        }
    }

    /// The materialization with its settings, checking what each one requires.
    private mutating func finished(_ kind: String, _ single: [HeaderKey: HeaderLine], file: String, model: String,
                                   materializedLine: HeaderLine?) -> Materialization {
        let at = materializedLine ?? HeaderLine(key: "materialized", value: kind, line: 1, keyColumn: 1, valueColumn: 1)
        let uniqueKey = single[.uniqueKey].flatMap { columns($0, file: file) }
        switch kind {
        case "incremental":
            var strategy = Incremental.Strategy.merge
            if let line = single[.incrementalStrategy] {
                if let parsed = Incremental.Strategy(rawValue: line.value) {
                    strategy = parsed
                } else {
                    errors.append(HeaderValues.valueError(line, file, "incremental_strategy: '\(line.value)' is not a strategy",
                                                          fix: "use merge or insert_overwrite"))
                }
            }
            switch strategy {
            case .merge where single[.uniqueKey] == nil:
                errors.append(HeaderValues.keyError(at, file, "an incremental merge needs unique_key",
                                                    fix: "add `-- unique_key: column` (or `incremental_strategy: insert_overwrite` with partition_by)"))
            case .insertOverwrite where single[.partitionBy] == nil:
                errors.append(HeaderValues.keyError(at, file, "incremental_strategy: insert_overwrite needs partition_by",
                                                    fix: "add `-- partition_by: DATE(column)`"))
            case .insertOverwrite where single[.uniqueKey] != nil:
                errors.append(HeaderValues.keyError(single[.uniqueKey] ?? at, file, "unique_key does not apply to insert_overwrite (it replaces partitions)",
                                                    fix: "remove the line, or use incremental_strategy: merge"))
            default:
                break
            }
            return .incremental(Incremental(strategy: strategy, uniqueKey: uniqueKey ?? [], filter: filter?.text))
        case "scd2":
            if single[.uniqueKey] == nil {
                errors.append(HeaderValues.keyError(at, file, "scd2 needs unique_key", fix: "add `-- unique_key: column`"))
            }
            var change = SCD2.ChangeDetection.checkColumns([])
            switch (single[.updatedAt], single[.checkCols]) {
            case (let line?, nil):
                if HeaderValues.isColumnName(line.value) {
                    change = .updatedAt(line.value)
                } else {
                    errors.append(HeaderValues.valueError(line, file, "updated_at: '\(line.value)' is not a column name", fix: "name one column"))
                }
            case (nil, let line?):
                change = .checkColumns(columns(line, file: file) ?? [])
            case (_?, let line?):
                errors.append(HeaderValues.keyError(line, file, "scd2 takes updated_at or check_cols, not both", fix: "remove one of them"))
            case (nil, nil):
                errors.append(HeaderValues.keyError(at, file, "scd2 needs updated_at or check_cols to detect changes",
                                                    fix: "add `-- updated_at: column` or `-- check_cols: a, b`"))
            }
            return .scd2(SCD2(uniqueKey: uniqueKey ?? [], change: change))
        case "table":
            return .table
        default:
            return .view
        }
    }
}
