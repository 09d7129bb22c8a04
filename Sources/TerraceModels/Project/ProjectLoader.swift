import Foundation

/// Builds a ``ModelProject`` file by file, collecting every problem, then checks what needs the
/// whole project: unique names, references to models, cycles.
struct ProjectLoader {
    private var models: [Model] = []
    private var headerTests: [DataTest] = []
    private var customTests: [DataTest] = []
    private var errors: [ModelError] = []

    mutating func addModel(name: String, layer: Layer, file: String, text: String) {
        guard isTableID(name) else {
            errors.append(ModelError(.file, file: file, "'\(name)' cannot be a BigQuery table id",
                                     fix: "rename the file to letters, digits and underscores (at most 1024), ending in .sql"))
            return
        }
        let split = SplitFile(text)
        let header = ModelHeader(split.header, file: file, model: name, layer: layer)
        errors += header.errors
        let body = SourceFragment(text: split.body, file: file, line: split.bodyLine, column: 1)
        if split.body.allSatisfy(\.isWhitespace) {
            errors.append(ModelError(.syntax, file: file, line: split.bodyLine, column: 1, "the model has no query",
                                     fix: "write one SELECT statement after the header"))
        }
        let filterReferences = header.filter.map { scan($0, allowsThis: true) } ?? []
        models.append(Model(name: name, layer: layer, file: file, config: header.config, sql: split.body,
                            body: body, bodyReferences: scan(body, allowsThis: false),
                            filter: header.filter, filterReferences: filterReferences))
        headerTests += header.tests
    }

    mutating func addCustomTest(name: String, file: String, text: String) {
        let split = SplitFile(text)
        var description: String?
        var severity = DataTest.Severity.error
        var tags: [String] = []
        for line in split.header {
            switch (CustomTestKey(rawValue: line.key), line.argument) {
            case (.description?, nil):
                description = description.map { $0 + " " + line.value } ?? line.value
            case (.severity?, nil):
                if let parsed = DataTest.Severity(rawValue: line.value) {
                    severity = parsed
                } else {
                    errors.append(HeaderValues.valueError(line, file, "severity: '\(line.value)' is not a severity", fix: "use error or warn"))
                }
            case (.tags?, nil):
                tags += line.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            default:
                errors.append(HeaderValues.keyError(line, file, "unknown header key '\(line.spelledKey)' in a test file",
                                                    fix: "use one of \(CustomTestKey.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        let body = SourceFragment(text: split.body, file: file, line: split.bodyLine, column: 1)
        if split.body.allSatisfy(\.isWhitespace) {
            errors.append(ModelError(.syntax, file: file, line: split.bodyLine, column: 1, "the test has no query",
                                     fix: "write a SELECT returning the failing rows"))
        }
        customTests.append(DataTest(name: name, kind: .custom, severity: severity, model: nil, description: description, tags: tags,
                                    file: file, line: 1, body: body, references: scan(body, allowsThis: false)))
    }

    private mutating func scan(_ fragment: SourceFragment, allowsThis: Bool) -> [Reference] {
        let (references, problems) = ReferenceScanner.scan(fragment, allowsThis: allowsThis)
        errors += problems
        return references
    }

    private func isTableID(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 1024 && name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    /// The project, or every problem found.
    mutating func finish() throws(ModelErrors) -> ModelProject {
        checkDuplicates()
        let known = Set(models.map(\.name))
        for reference in models.flatMap(\.references) + headerTests.flatMap(\.references) + customTests.flatMap(\.references) {
            guard case .model(let name) = reference.target, !known.contains(name) else { continue }
            let suggestion = Suggestion.closest(to: name, in: known)
            errors.append(ModelError(.unknownModel, file: reference.file, line: reference.line, column: reference.column,
                                     "\(reference.text) names no model" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
                                     fix: "name a file under silver/ or gold/ (without .sql)"))
        }
        let project = ModelProject(models: models.sorted { ($0.layer, $0.name) < ($1.layer, $1.name) },
                                   tests: headerTests + customTests.sorted { $0.name < $1.name })
        errors += CycleFinder.errors(in: project)
        guard errors.isEmpty else {
            throw ModelErrors(errors.enumerated().sorted { lhs, rhs in
                (lhs.element.file, lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
                    < (rhs.element.file, rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
            }.map(\.element))
        }
        return project
    }

    private mutating func checkDuplicates() {
        var firstFile: [String: String] = [:]
        var unique: [Model] = []
        for model in models {
            if let first = firstFile[model.name] {
                errors.append(ModelError(.duplicate, file: model.file, "model '\(model.name)' is also defined by \(first)",
                                         fix: "rename one of the files: model names are unique across silver and gold"))
            } else {
                firstFile[model.name] = model.file
                unique.append(model)
            }
        }
        models = unique
        var testFiles: [String: String] = [:]
        for test in customTests {
            if let first = testFiles[test.name] {
                errors.append(ModelError(.duplicate, file: test.file, "test '\(test.name)' is also defined by \(first)", fix: "rename one of the files"))
            }
            testFiles[test.name] = testFiles[test.name] ?? test.file
        }
    }
}
