extension FunctionLibrary {
    /// A parameter of a function signature.
    enum Param: Sendable, Equatable {
        case type(SQLType)
        /// A date part: a SQL text literal (`'MONTH'`), typed STRING by the translator.
        case datePart
        /// The INT64 amount of an `INTERVAL n part` argument; the next parameter is its ``datePart``.
        case intervalAmount

        /// How BigQuery spells it in signatures.
        var display: String {
            switch self {
            case .type(let type): type.description
            case .datePart: "DATE_TIME_PART"
            case .intervalAmount: "INTERVAL INT64"
            }
        }
    }

    /// One signature of a function: required parameters, then optional ones (`[T]`) or a
    /// repeated one (`[T, ...]`), its result type, and the SQL it becomes (given the arguments'
    /// SQL, already coerced to the parameter types, and whether `SAFE.` applies).
    struct Overload: Sendable {
        var required: [Param]
        var optional: [Param] = []
        var repeated: Param?
        var result: SQLType
        var build: @Sendable (_ arguments: [String], _ safe: Bool) -> String

        func parameter(at index: Int) -> Param? {
            if index < required.count { return required[index] }
            if let repeated { return repeated }
            let position = index - required.count
            return position < optional.count ? optional[position] : nil
        }

        func accepts(count: Int) -> Bool {
            count >= required.count && (repeated != nil || count <= required.count + optional.count)
        }

        /// The total coercion cost of calling this overload with `arguments`, or `nil`.
        func cost(_ arguments: [SQLType?]) -> Int? {
            guard accepts(count: arguments.count) else { return nil }
            var total = 0
            for (index, argument) in arguments.enumerated() {
                guard let parameter = parameter(at: index) else { return nil }
                guard let argument else { continue }  // an untyped NULL fits anything
                switch parameter {
                case .type(let type):
                    guard let cost = Coercion.cost(argument, type) else { return nil }
                    total += cost
                case .datePart:
                    guard argument == .string else { return nil }
                case .intervalAmount:
                    guard argument == .int64 else { return nil }
                }
            }
            return total
        }

        /// `NAME(T1, T2, [T3])`, `CONCAT(STRING, [STRING, ...])`, `DATE_ADD(DATE, INTERVAL INT64 DATE_TIME_PART)`.
        func signature(_ name: String) -> String {
            var parts: [String] = []
            var pendingInterval = false
            func add(_ text: String, _ parameter: Param) {
                if pendingInterval, parameter == .datePart, let last = parts.popLast() {
                    parts.append(last + " " + text)
                } else {
                    parts.append(text)
                }
                pendingInterval = parameter == .intervalAmount
            }
            for parameter in required { add(parameter.display, parameter) }
            if let repeated {
                parts.append("[\(repeated.display), ...]")
            } else if !optional.isEmpty {
                var texts: [String] = []
                var previousInterval = false
                for parameter in optional {
                    if previousInterval, parameter == .datePart, let last = texts.popLast() {
                        texts.append(last + " " + parameter.display)
                    } else {
                        texts.append(parameter.display)
                    }
                    previousInterval = parameter == .intervalAmount
                }
                parts.append("[" + texts.joined(separator: ", ") + "]")
            }
            return "\(name)(\(parts.joined(separator: ", ")))"
        }
    }

    /// Picks the cheapest overload (the first among equals) and builds its call.
    static func resolve(_ name: String, _ overloads: [Overload], _ arguments: [SQLType?], safe: Bool) -> FunctionResolution {
        var best: (overload: Overload, cost: Int)?
        for overload in overloads {
            guard let cost = overload.cost(arguments) else { continue }
            if best == nil || cost < best!.cost { best = (overload, cost) }
        }
        guard let chosen = best?.overload else {
            return .noMatch(noMatchMessage(name, arguments, overloads.map { $0.signature(name) }, parameterHints: overloads))
        }
        let types = arguments
        return .call(chosen.result) { sql in
            var coerced: [String] = []
            for (index, fragment) in sql.enumerated() {
                if index < types.count, let from = types[index], case .type(let to)? = chosen.parameter(at: index) {
                    coerced.append(Coercion.sql(fragment, from, to))
                } else {
                    coerced.append(fragment)
                }
            }
            return chosen.build(coerced, safe)
        }
    }

    /// BigQuery's message when no signature fits.
    static func noMatchMessage(_ name: String, _ arguments: [SQLType?], _ signatures: [String], parameterHints: [Overload] = [],
                               kind: String = "function") -> String {
        // Date-part and INTERVAL positions print as BigQuery prints them.
        var texts: [String] = []
        var index = 0
        while index < arguments.count {
            let hints = parameterHints.compactMap { $0.parameter(at: index) }
            let text = arguments[index].map(\.description) ?? "NULL"
            if !hints.isEmpty, hints.allSatisfy({ $0 == .intervalAmount }), index + 1 < arguments.count {
                texts.append("INTERVAL \(text) DATE_TIME_PART")
                index += 2
                continue
            }
            if !hints.isEmpty, hints.allSatisfy({ $0 == .datePart }) {
                texts.append("DATE_TIME_PART")
            } else {
                texts.append(text)
            }
            index += 1
        }
        let given = texts.isEmpty ? "with no arguments" : "for argument types: \(texts.joined(separator: ", "))"
        let plural = signatures.count == 1 ? "" : "s"
        return "No matching signature for \(kind) \(name) \(given). Supported signature\(plural): \(signatures.joined(separator: "; "))"
    }
}
