#if canImport(Glibc)
import Glibc
#endif

/// Where the CLI writes: colour only on a terminal, never with NO_COLOR or TERM=dumb.
struct Console: Sendable {
    let useColor: Bool

    static let standard = Console(useColor: colorAllowed(on: STDOUT_FILENO))

    /// Colour on `descriptor`: a terminal, `NO_COLOR` unset or empty (no-color.org), and not `TERM=dumb`.
    static func colorAllowed(on descriptor: Int32) -> Bool {
        guard isatty(descriptor) == 1 else { return false }
        if let value = getenv("NO_COLOR"), value.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }

    enum Style: String {
        case bold = "1"
        case dim = "2"
        case green = "32"
        case yellow = "33"
        case red = "31"
        case cyan = "36"
    }

    func styled(_ text: String, _ style: Style) -> String {
        useColor ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    func line(_ text: String = "") {
        Console.write(text + "\n", to: STDOUT_FILENO)
    }

    static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// One sentence on standard error: what failed and what to do.
    func error(_ text: String) {
        let useColor = Console.colorAllowed(on: STDERR_FILENO)
        let label = useColor ? "\u{1B}[31mError:\u{1B}[0m" : "Error:"
        Console.write("\(label) \(text)\n", to: STDERR_FILENO)
    }

    /// Rows with columns padded to their widest cell.
    func table(_ rows: [[String]], indent: Int = 2) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            String(repeating: " ", count: indent) + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "   ")
        }
    }
}
