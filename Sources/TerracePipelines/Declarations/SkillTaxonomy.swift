import TerraceJSON

/// A taxonomy of terms, each recognised by its aliases (regular expressions, matched without
/// regard to case and only as whole words), for record transforms that tag free text: the
/// skills a job posting asks for, from its title and description.
///
/// ```swift
/// let skills = try SkillTaxonomy([
///     ("PostgreSQL", ["postgres(ql)?", "psql"]),
///     ("C++", [#"c\+\+"#, "cpp"]),
///     ("Go", ["go(lang)?"]),
/// ])
/// Source.http("jobs", spec, transform: skills.transform(reading: ["title", "description"]))
/// ```
public struct SkillTaxonomy: Sendable {
    /// `Regex<AnyRegexOutput>` is not declared Sendable (its output type is not), but a compiled
    /// regex is immutable and its lazily lowered program is published atomically: sharing one
    /// across the runner's tasks only reads it.
    struct Term: @unchecked Sendable {
        let name: String
        let aliases: [String]
        let patterns: [Regex<AnyRegexOutput>]
    }

    let terms: [Term]

    /// `terms`: each term's canonical name and its aliases. A malformed alias is an error naming
    /// the term and the alias.
    public init(_ terms: [(String, [String])]) throws {
        self.terms = try terms.map { name, aliases in
            let patterns = try aliases.map { alias in
                do {
                    return try Regex(alias).ignoresCase()
                } catch {
                    throw PipelineError("skill taxonomy: alias '\(alias)' of \(name) is not a regular expression: \(error)")
                }
            }
            return Term(name: name, aliases: aliases, patterns: patterns)
        }
    }

    /// The terms `text` mentions, each once, in the taxonomy's order.
    public func terms(in text: String) -> [String] {
        terms.filter { term in term.patterns.contains { Self.containsWord($0, in: text) } }.map(\.name)
    }

    /// A transform that adds `field`: the terms found in the record's `fields` (strings; others
    /// are skipped), as an array of strings.
    public func transform(reading fields: [String], into field: String = "skills") -> RecordTransform {
        { record in
            guard var object = record.objectValue else { return record }
            let text = fields.compactMap { record[$0]?.stringValue }.joined(separator: "\n")
            object[field] = .array(terms(in: text).map { .string($0) })
            return .object(object)
        }
    }

    /// Whether `pattern` matches somewhere in `text` with no letter or digit right before or after.
    static func containsWord(_ pattern: Regex<AnyRegexOutput>, in text: String) -> Bool {
        for match in text.matches(of: pattern) where !match.range.isEmpty {
            let before = match.range.lowerBound == text.startIndex ? nil : text[text.index(before: match.range.lowerBound)]
            let after = match.range.upperBound == text.endIndex ? nil : text[match.range.upperBound]
            if !isWordCharacter(before), !isWordCharacter(after) { return true }
        }
        return false
    }

    private static func isWordCharacter(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character.isNumber
    }
}
