import Foundation
import GoogleSQL

/// Finds the references in a fragment of GoogleSQL with the lexer.
enum ReferenceScanner {
    /// The references of `fragment` and the malformed calls; `this` counts only when `allowsThis`.
    static func scan(_ fragment: SourceFragment, allowsThis: Bool = false) -> (references: [Reference], errors: [ModelError]) {
        let tokens: [Token]
        do {
            tokens = try GoogleSQLLexer.tokenize(fragment.text)
        } catch {
            return ([], [fragment.error(.syntax, at: error.location, error.message, fix: "correct the SQL at this position")])
        }
        let locator = TextLocator(fragment.text)
        var references: [Reference] = []
        var errors: [ModelError] = []
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            guard case .identifier(let word) = tokens[index].kind else { continue }
            if index > 0, tokens[index - 1].kind == .symbol(.dot) { continue }
            let name = word.lowercased()
            let next = index + 1 < tokens.count ? tokens[index + 1].kind : .endOfInput
            if name == "this", allowsThis, next != .symbol(.leftParen), next != .symbol(.dot) {
                let start = locator.offset(of: tokens[index].location)
                references.append(reference(.this, fragment, locator, tokens[index].location, start..<(start + word.utf8.count)))
                continue
            }
            guard ["ref", "source", "var"].contains(name), next == .symbol(.leftParen) else { continue }
            switch call(name, tokens, at: index, fragment, locator) {
            case .success(let (found, end)):
                references.append(found)
                index = end
            case .failure(let error):
                errors.append(error)
            }
        }
        return (references, errors)
    }

    private static func reference(_ target: Reference.Target, _ fragment: SourceFragment, _ locator: TextLocator,
                                  _ location: SourceLocation, _ range: Range<Int>) -> Reference {
        let (line, column) = fragment.fileLocation(location)
        let text = String(decoding: locator.bytes[range], as: UTF8.self)
        return Reference(target: target, text: text, file: fragment.file, line: line, column: column, range: range)
    }

    /// The call starting at `tokens[start]` (`name` `(` …), and the index of its `)`.
    private static func call(_ name: String, _ tokens: [Token], at start: Int, _ fragment: SourceFragment,
                             _ locator: TextLocator) -> Result<(Reference, Int), ModelError> {
        let usage = switch name {
        case "ref": "ref('model_name')"
        case "source": "source('bronze', 'table_name')"
        default: "var('name') or var('name', default)"
        }
        let malformed = fragment.error(.unknownModel, at: tokens[start].location, "\(name)() is malformed", fix: "write \(usage)")
        var cursor = start + 2
        var strings: [String] = []
        var defaultText: String?
        while cursor < tokens.count {
            guard case .stringLiteral(let value) = tokens[cursor].kind else { return .failure(malformed) }
            strings.append(value)
            cursor += 1
            if tokens[cursor].kind == .symbol(.rightParen) { break }
            guard tokens[cursor].kind == .symbol(.comma) else { return .failure(malformed) }
            cursor += 1
            if name == "var" {
                guard let (text, close) = defaultValue(tokens, from: cursor, locator) else { return .failure(malformed) }
                defaultText = text
                cursor = close
                break
            }
        }
        guard cursor < tokens.count, tokens[cursor].kind == .symbol(.rightParen) else { return .failure(malformed) }
        let target: Reference.Target
        switch (name, strings.count) {
        case ("ref", 1):
            target = .model(strings[0])
        case ("source", 2) where strings[0] == "bronze":
            target = .source(strings[1])
        case ("source", 2):
            return .failure(fragment.error(.unknownSource, at: tokens[start + 2].location,
                                           "source('\(strings[0])', …) names no source group; the only one is 'bronze'",
                                           fix: "write source('bronze', '\(strings[1])')"))
        case ("var", 1):
            target = .variable(strings[0], default: defaultText)
        default:
            return .failure(malformed)
        }
        let range = locator.offset(of: tokens[start].location)..<(locator.offset(of: tokens[cursor].location) + 1)
        return .success((reference(target, fragment, locator, tokens[start].location, range), cursor))
    }

    /// A `var` default: the text from `tokens[start]` up to the `)` closing the call, and that
    /// `)`'s index; `nil` when it is empty or unbalanced.
    private static func defaultValue(_ tokens: [Token], from start: Int, _ locator: TextLocator) -> (String, Int)? {
        var depth = 0
        var cursor = start
        while cursor < tokens.count {
            switch tokens[cursor].kind {
            case .symbol(.leftParen), .symbol(.leftBracket): depth += 1
            case .symbol(.rightBracket): depth -= 1
            case .symbol(.rightParen) where depth == 0:
                guard cursor > start else { return nil }
                let from = locator.offset(of: tokens[start].location)
                let to = locator.offset(of: tokens[cursor].location)
                let text = String(decoding: locator.bytes[from..<to], as: UTF8.self)
                return (text.trimmingCharacters(in: .whitespacesAndNewlines), cursor)
            case .symbol(.rightParen): depth -= 1
            case .endOfInput: return nil
            default: break
            }
            cursor += 1
        }
        return nil
    }
}
