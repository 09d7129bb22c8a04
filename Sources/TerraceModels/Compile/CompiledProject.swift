import GoogleSQL

/// A model compiled for one environment: its references replaced, its SQL parsed.
public struct CompiledModel: Hashable, Sendable {
    public var model: Model
    public var project: String
    public var dataset: String
    /// `` `project.dataset.name` ``.
    public var table: String
    /// The SELECT, references replaced (what a view is defined as).
    public var sql: String
    /// The incremental filter, references (and `this`) replaced.
    public var incrementalFilter: String?
    /// ``sql`` with the map back to the model file's text.
    var body: CompiledText
    var fragment: SourceFragment

    /// The model file's line and column of a line and column of ``sql`` (as BigQuery reports
    /// them, `at [3:7]`): a position inside a replaced reference maps to the reference.
    public func fileLocation(line: Int, column: Int) -> (line: Int, column: Int) {
        body.fileLocation(SourceLocation(line: line, column: column), in: fragment)
    }
}

/// A data test compiled for one environment.
public struct CompiledTest: Hashable, Sendable {
    public var test: DataTest
    /// The query whose rows are the failures.
    public var failuresQuery: String
}

/// Every model and test of a project compiled for one environment.
public struct CompiledProject: Hashable, Sendable {
    /// In the project's order (layer, then name).
    public var models: [CompiledModel]
    public var tests: [CompiledTest]

    public func model(named name: String) -> CompiledModel? { models.first { $0.model.name == name } }
    public func test(named name: String) -> CompiledTest? { tests.first { $0.test.name == name } }
}

extension ModelProject {
    /// Compiles every model and test against `context`: sources and variables resolved, the SQL
    /// parsed. Every problem is collected; syntax errors name the file's own line and column.
    public func compile(_ context: CompileContext) throws(ModelErrors) -> CompiledProject {
        let byName = Dictionary(models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var errors: [ModelError] = []
        var compiledModels: [CompiledModel] = []
        for model in models {
            let resolver = ReferenceResolver(context: context, models: byName, current: model)
            let compiledBody = Self.compileQueryText(model.body, model.bodyReferences, resolver, &errors)
            var filter: String?
            if let fragment = model.filter {
                filter = Self.compileFragment(fragment, model.filterReferences, resolver, &errors) { text throws(GoogleSQLSyntaxError) in
                    _ = try GoogleSQLParser.parseExpression(text)
                }
            }
            guard let compiledBody else { continue }
            let dataset = context.datasets[model.layer] ?? model.layer.rawValue
            compiledModels.append(CompiledModel(model: model, project: context.project, dataset: dataset,
                                                table: context.table(model.layer, model.name), sql: compiledBody.text, incrementalFilter: filter,
                                                body: compiledBody, fragment: model.body))
        }
        var compiledTests: [CompiledTest] = []
        for test in tests {
            let resolver = ReferenceResolver(context: context, models: byName, current: nil)
            if let body = test.body {
                guard let sql = Self.compileQuery(body, test.references, resolver, &errors) else { continue }
                compiledTests.append(CompiledTest(test: test, failuresQuery: sql))
            } else if let owner = test.model.flatMap({ byName[$0] }) {
                switch DataTestQuery.failures(test, table: context.table(owner.layer, owner.name), resolver: resolver) {
                case .success(let sql): compiledTests.append(CompiledTest(test: test, failuresQuery: sql))
                case .failure(let error): errors.append(error)
                }
            }
        }
        guard errors.isEmpty else { throw ModelErrors(errors) }
        return CompiledProject(models: compiledModels, tests: compiledTests)
    }

    /// A query fragment compiled and parsed as one SELECT.
    private static func compileQuery(_ fragment: SourceFragment, _ references: [Reference], _ resolver: ReferenceResolver,
                                     _ errors: inout [ModelError]) -> String? {
        compileQueryText(fragment, references, resolver, &errors)?.text
    }

    private static func compileQueryText(_ fragment: SourceFragment, _ references: [Reference], _ resolver: ReferenceResolver,
                                         _ errors: inout [ModelError]) -> CompiledText? {
        compileFragmentText(fragment, references, resolver, &errors) { text throws(GoogleSQLSyntaxError) in
            let statement = try GoogleSQLParser.parseStatement(text)
            guard case .query = statement.kind else {
                throw GoogleSQLSyntaxError("a model or test is one SELECT query, not another kind of statement", at: statement.location)
            }
        }
    }

    /// `fragment` with its references replaced, checked by `parse`. Syntax that GoogleSQL's parser
    /// does not cover yet (`.unsupported`) is let through: BigQuery's dry run judges it.
    private static func compileFragment(_ fragment: SourceFragment, _ references: [Reference], _ resolver: ReferenceResolver,
                                        _ errors: inout [ModelError],
                                        parse: (String) throws(GoogleSQLSyntaxError) -> Void) -> String? {
        compileFragmentText(fragment, references, resolver, &errors, parse: parse)?.text
    }

    private static func compileFragmentText(_ fragment: SourceFragment, _ references: [Reference], _ resolver: ReferenceResolver,
                                            _ errors: inout [ModelError],
                                            parse: (String) throws(GoogleSQLSyntaxError) -> Void) -> CompiledText? {
        switch resolver.compile(fragment, references) {
        case .failure(let failure):
            errors += failure.errors
            return nil
        case .success(let compiled):
            do {
                try parse(compiled.text)
            } catch where error.kind == .invalid {
                errors.append(compiled.error(error, in: fragment))
                return nil
            } catch {}
            return compiled
        }
    }
}
