/// One `-- key: value` line of a file's header.
struct HeaderLine: Hashable, Sendable {
    /// The key's first word (`description`, `column`, `test`).
    var key: String
    /// The key's second word, if any (`column NAME`, `test warn`).
    var argument: String?
    var value: String
    var line: Int
    var keyColumn: Int
    var valueColumn: Int

    /// The value as a fragment of the file, for lexing and locating errors inside it.
    func fragment(_ file: String) -> SourceFragment {
        SourceFragment(text: value, file: file, line: line, column: valueColumn)
    }

    /// The key as written.
    var spelledKey: String { argument.map { "\(key) \($0)" } ?? key }
}

/// A file split into its header lines and its body.
struct SplitFile: Sendable {
    var header: [HeaderLine]
    /// The text after the header, trailing blanks and `;` removed.
    var body: String
    /// The line the body starts on.
    var bodyLine: Int

    /// Reads the leading `-- key: value` lines (blank `--` lines allowed) up to the first line
    /// that is not one; the rest is the body.
    init(_ text: String) {
        var header: [HeaderLine] = []
        var remaining = Substring(text)
        var lineNumber = 1
        while !remaining.isEmpty {
            let end = remaining.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) ?? remaining.endIndex
            let line = remaining[..<end]
            guard line.hasPrefix("--") else { break }
            let content = line.dropFirst(2)
            if !content.allSatisfy(\.isWhitespace) {
                guard let parsed = Self.parse(content, line: lineNumber) else { break }
                header.append(parsed)
            }
            remaining = end == remaining.endIndex ? remaining[end...] : remaining[remaining.index(after: end)...]
            lineNumber += 1
        }
        self.header = header
        var body = remaining
        while let last = body.last, last.isWhitespace || last == ";" { body.removeLast() }
        self.body = String(body)
        self.bodyLine = lineNumber
    }

    /// `key[ argument]: value` after the `--`, or `nil` when the comment is not of that form.
    private static func parse(_ content: Substring, line: Int) -> HeaderLine? {
        guard let colon = content.firstIndex(of: ":") else { return nil }
        let words = content[..<colon].split(separator: " ", omittingEmptySubsequences: true)
        let isWord = { (word: Substring) in word.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }
        guard (1...2).contains(words.count), words.allSatisfy(isWord) else { return nil }
        let leading = content.prefix { $0 == " " }.count
        let afterColon = content[content.index(after: colon)...]
        let padding = afterColon.prefix { $0 == " " || $0 == "\t" }.count
        let value = afterColon.dropFirst(padding)
        var trimmed = value
        while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
        return HeaderLine(key: String(words[0]), argument: words.count == 2 ? String(words[1]) : nil, value: String(trimmed),
                          line: line, keyColumn: 3 + leading,
                          valueColumn: 3 + content.distance(from: content.startIndex, to: colon) + 1 + padding)
    }
}
