import GoogleSQL

/// A fragment with its references replaced, able to map a location in the result back to the
/// fragment (a position inside a replacement maps to the reference's start).
struct CompiledText: Hashable, Sendable {
    struct Replacement: Hashable, Sendable {
        var original: Range<Int>
        var compiled: Range<Int>
    }

    var text: String
    private var replacements: [Replacement]

    /// Replaces each reference of `fragment` with its resolution.
    init(_ fragment: SourceFragment, replacing references: [(Reference, String)]) {
        let bytes = Array(fragment.text.utf8)
        var out: [UInt8] = []
        var cursor = 0
        replacements = []
        for (reference, replacement) in references.sorted(by: { $0.0.range.lowerBound < $1.0.range.lowerBound }) {
            out += bytes[cursor..<reference.range.lowerBound]
            let start = out.count
            out += Array(replacement.utf8)
            replacements.append(Replacement(original: reference.range, compiled: start..<out.count))
            cursor = reference.range.upperBound
        }
        out += bytes[cursor...]
        text = String(decoding: out, as: UTF8.self)
    }

    /// The fragment offset of an offset in ``text``.
    func originalOffset(_ offset: Int) -> Int {
        var shift = 0
        for replacement in replacements {
            if offset < replacement.compiled.lowerBound { break }
            if offset < replacement.compiled.upperBound { return replacement.original.lowerBound }
            shift = replacement.original.upperBound - replacement.compiled.upperBound
        }
        return offset + shift
    }

    /// The file's line and column of a location in ``text``.
    func fileLocation(_ location: SourceLocation, in fragment: SourceFragment) -> (line: Int, column: Int) {
        let offset = originalOffset(TextLocator(text).offset(of: location))
        return fragment.fileLocation(TextLocator(fragment.text).location(of: offset))
    }

    /// A syntax error in ``text`` as an error at the fragment's file, line and column.
    func error(_ syntax: GoogleSQLSyntaxError, in fragment: SourceFragment) -> ModelError {
        let offset = originalOffset(TextLocator(text).offset(of: syntax.location))
        return fragment.error(.syntax, at: TextLocator(fragment.text).location(of: offset), syntax.message,
                              fix: "correct the SQL at this position")
    }
}

/// Resolves references against a ``CompileContext``.
struct ReferenceResolver {
    let context: CompileContext
    let models: [String: Model]
    /// The model whose `this` is being compiled.
    let current: Model?

    /// The replacement text of `reference`, or the error to report.
    func resolve(_ reference: Reference) -> Result<String, ModelError> {
        let at = { (kind: ModelError.Kind, message: String, fix: String) in
            ModelError(kind, file: reference.file, line: reference.line, column: reference.column, message, fix: fix)
        }
        switch reference.target {
        case .model(let name):
            guard let model = models[name] else { return .failure(at(.unknownModel, "\(reference.text) names no model", "name a model file")) }
            return .success(context.table(model.layer, name))
        case .this:
            guard let current else { return .failure(at(.unknownModel, "this is only meaningful in incremental_filter", "name the table with ref()")) }
            return .success(context.table(current.layer, current.name))
        case .source(let name):
            guard context.bronzeTables.contains(name) else {
                let suggestion = Suggestion.closest(to: name, in: context.bronzeTables)
                let known = context.bronzeTables.sorted().joined(separator: ", ")
                return .failure(at(.unknownSource, "\(reference.text) names no bronze table" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
                                   "use one of the bronze sources: \(known.isEmpty ? "(none declared)" : known)"))
            }
            return .success(context.table(.bronze, name))
        case .variable(let name, let fallback):
            if let value = context.variables[name] { return .success(SQLText.literal(value)) }
            if let fallback { return .success(fallback.hasPrefix("-") ? "(\(fallback))" : fallback) }
            let suggestion = Suggestion.closest(to: name, in: context.variables.keys)
            return .failure(at(.unknownVariable, "\(reference.text) has no value" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
                               "set \"\(name)\" under \"variables\" in the environment file, or give a default: var('\(name)', value)"))
        }
    }

    /// `fragment` with `references` replaced, or the errors of those that do not resolve.
    func compile(_ fragment: SourceFragment, _ references: [Reference]) -> Result<CompiledText, ModelErrors> {
        var resolved: [(Reference, String)] = []
        var errors: [ModelError] = []
        for reference in references {
            switch resolve(reference) {
            case .success(let text): resolved.append((reference, text))
            case .failure(let error): errors.append(error)
            }
        }
        guard errors.isEmpty else { return .failure(ModelErrors(errors)) }
        return .success(CompiledText(fragment, replacing: resolved))
    }
}
