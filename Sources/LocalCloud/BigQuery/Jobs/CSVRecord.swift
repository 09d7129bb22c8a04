/// One CSV record as BigQuery reads it: fields split on the delimiter, quoted fields with the
/// quote doubled inside, line ends inside quotes only when the load allows quoted newlines.
enum CSVRecord {
    enum Outcome: Equatable {
        case fields([String])
        /// The text ends inside a quoted field: the next line continues it.
        case unterminated
        case malformed(String)
    }

    static func parse(_ text: [UInt8], delimiter: UInt8, quote: UInt8?) -> Outcome {
        var fields: [String] = []
        var field: [UInt8] = []
        var index = 0
        var inQuotes = false
        var wasQuoted = false
        while index < text.count {
            let byte = text[index]
            if inQuotes {
                if byte == quote {
                    if index + 1 < text.count && text[index + 1] == quote {
                        field.append(byte)
                        index += 2
                        continue
                    }
                    inQuotes = false
                    index += 1
                    continue
                }
                field.append(byte)
                index += 1
                continue
            }
            if byte == delimiter {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                wasQuoted = false
                index += 1
                continue
            }
            if let quote, byte == quote {
                if !field.isEmpty || wasQuoted {
                    return .malformed("Data between close double quote (\") and field separator.")
                }
                inQuotes = true
                wasQuoted = true
                index += 1
                continue
            }
            if wasQuoted { return .malformed("Data between close double quote (\") and field separator.") }
            field.append(byte)
            index += 1
        }
        if inQuotes { return .unterminated }
        fields.append(String(decoding: field, as: UTF8.self))
        return .fields(fields)
    }
}
