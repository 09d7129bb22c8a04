import GoogleSQL

/// A header test: `not_null(col)`, `unique(col[, col…])`, `accepted_values(col, ['a', 'b'])`,
/// `relationships(col, ref('model'), col)`.
struct TestSpec {
    var kind: DataTest.Kind
    /// The name's part after `MODEL.` (`not_null_id`).
    var suffix: String
    var references: [Reference]

    static let forms = "not_null(column), unique(column[, column…]), accepted_values(column, ['a', 'b']), "
        + "relationships(column, ref('model'), column)"

    /// Parses the value of a `test:` line.
    static func parse(_ line: HeaderLine, file: String) -> Result<TestSpec, ModelError> {
        let fragment = line.fragment(file)
        let malformed = { (name: String) in
            HeaderValues.valueError(line, file, "test '\(line.value)' is not a valid \(name) test", fix: "write one of \(forms)")
        }
        guard let tokens = try? GoogleSQLLexer.tokenize(line.value), tokens.count >= 4,
              case .identifier(let name) = tokens[0].kind, tokens[1].kind == .symbol(.leftParen),
              tokens[tokens.count - 2].kind == .symbol(.rightParen) else { return .failure(malformed("data")) }
        let arguments = Array(tokens[2..<(tokens.count - 2)])
        switch name {
        case "not_null":
            guard arguments.count == 1, let column = identifier(arguments[0]) else { return .failure(malformed(name)) }
            return .success(TestSpec(kind: .notNull(column: column), suffix: "not_null_\(column)", references: []))
        case "unique":
            let columns = stride(from: 0, to: arguments.count, by: 2).compactMap { identifier(arguments[$0]) }
            let commas = stride(from: 1, to: arguments.count, by: 2).allSatisfy { arguments[$0].kind == .symbol(.comma) }
            guard !columns.isEmpty, columns.count == (arguments.count + 1) / 2, commas, arguments.count % 2 == 1 else {
                return .failure(malformed(name))
            }
            return .success(TestSpec(kind: .unique(columns: columns), suffix: "unique_" + columns.joined(separator: "_"), references: []))
        case "accepted_values":
            guard arguments.count >= 5, let column = identifier(arguments[0]), arguments[1].kind == .symbol(.comma),
                  arguments[2].kind == .symbol(.leftBracket), arguments.last?.kind == .symbol(.rightBracket),
                  let values = literals(Array(arguments[3..<(arguments.count - 1)])) else { return .failure(malformed(name)) }
            return .success(TestSpec(kind: .acceptedValues(column: column, values: values), suffix: "accepted_values_\(column)", references: []))
        case "relationships":
            let (references, errors) = ReferenceScanner.scan(fragment)
            if let error = errors.first { return .failure(error) }
            guard arguments.count >= 7, let column = identifier(arguments[0]), arguments[1].kind == .symbol(.comma),
                  let field = identifier(arguments[arguments.count - 1]), arguments[arguments.count - 2].kind == .symbol(.comma),
                  references.count == 1, let parent = references[0].dependency else { return .failure(malformed(name)) }
            return .success(TestSpec(kind: .relationships(column: column, parent: parent, field: field),
                                     suffix: "relationships_\(column)", references: references))
        default:
            let suggestion = Suggestion.closest(to: name, in: ["not_null", "unique", "accepted_values", "relationships"])
            return .failure(HeaderValues.valueError(line, file, "unknown test '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
                                                    fix: "write one of \(forms)"))
        }
    }

    private static func identifier(_ token: Token) -> String? {
        switch token.kind {
        case .identifier(let name), .quotedIdentifier(let name): name
        default: nil
        }
    }

    /// `lit, lit, …` (strings, numbers, TRUE, FALSE) as written; `nil` when something else is there.
    private static func literals(_ tokens: [Token]) -> [String]? {
        var values: [String] = []
        var index = 0
        while index < tokens.count {
            var text = ""
            if tokens[index].kind == .symbol(.minus) {
                text = "-"
                index += 1
                guard index < tokens.count else { return nil }
            }
            switch tokens[index].kind {
            case .stringLiteral where text.isEmpty, .keyword(.`true`) where text.isEmpty, .keyword(.`false`) where text.isEmpty:
                text = tokens[index].text
            case .integerLiteral, .floatLiteral:
                text += tokens[index].text
            default:
                return nil
            }
            values.append(text)
            index += 1
            if index < tokens.count {
                guard tokens[index].kind == .symbol(.comma) else { return nil }
                index += 1
            }
        }
        return values.isEmpty ? nil : values
    }
}
