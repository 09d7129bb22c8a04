import GoogleSQL
import Testing

@Suite("GoogleSQL lexer")
struct GoogleSQLLexerTests {
    typealias F = GoogleSQLFixture

    // MARK: Identifiers and keywords

    @Test func reservedKeywordsAreCaseInsensitive() throws {
        #expect(try F.tokens("select SeLeCt SELECT") == [.keyword(.select), .keyword(.select), .keyword(.select)])
    }

    @Test func nonReservedKeywordsLexAsIdentifiers() throws {
        #expect(try F.tokens("date Table insert") == [.identifier("date"), .identifier("Table"), .identifier("insert")])
    }

    @Test func unquotedIdentifiersKeepTheirCase() throws {
        #expect(try F.tokens("_5abc dataField") == [.identifier("_5abc"), .identifier("dataField")])
    }

    @Test func aReservedKeywordAfterADotIsAnIdentifier() throws {
        #expect(try F.tokens("abc5.GROUP") == [.identifier("abc5"), .symbol(.dot), .identifier("GROUP")])
    }

    @Test func aNumberAfterADotInAPathIsAnIdentifier() throws {
        #expect(try F.tokens("dataset.2024_sales") == [.identifier("dataset"), .symbol(.dot), .identifier("2024_sales")])
    }

    @Test func backtickIdentifiersKeepDotsAndDashes() throws {
        let tokens = try GoogleSQLLexer.tokenize("`my-project.dataset.table`")
        #expect(tokens[0].kind == .quotedIdentifier("my-project.dataset.table"))
        #expect(tokens[0].text == "`my-project.dataset.table`")
    }

    @Test func backtickIdentifiersMayBeKeywordsAndHoldSpaces() throws {
        #expect(try F.tokens("`FROM` `a b`") == [.quotedIdentifier("FROM"), .quotedIdentifier("a b")])
    }

    @Test func backtickIdentifiersUseStringEscapes() throws {
        #expect(try F.tokens(#"`a\`b\x41`"#) == [.quotedIdentifier("a`bA")])
    }

    @Test func unquotedDashedNamesLexAsSeparateTokens() throws {
        #expect(try F.tokens("my-project") == [.identifier("my"), .symbol(.minus), .identifier("project")])
    }

    // MARK: String and bytes literals

    @Test func singleAndDoubleQuotedStrings() throws {
        #expect(try F.tokens(#"'it"s' "it's""#) == [.stringLiteral("it\"s"), .stringLiteral("it's")])
    }

    @Test func tripleQuotedStringsSpanLinesAndHoldQuotes() throws {
        #expect(try F.tokens("'''two\nlines's''' \"\"\"say \"hi\" \"\"\"") == [.stringLiteral("two\nlines's"), .stringLiteral("say \"hi\" ")])
    }

    @Test func lineBreaksInTripleQuotedStringsBecomeNewlines() throws {
        #expect(try F.tokens("'''a\r\nb\rc'''") == [.stringLiteral("a\nb\nc")])
    }

    @Test func simpleEscapeSequences() throws {
        #expect(try F.tokens(#"'\a\b\f\n\r\t\v\\\?\"\'\`'"#) == [.stringLiteral("\u{07}\u{08}\u{0C}\n\r\t\u{0B}\\?\"'`")])
    }

    @Test func octalAndHexEscapesAreCodePointsInStrings() throws {
        #expect(try F.tokens(#"'\101\x41\X42\xff'"#) == [.stringLiteral("AABÿ")])
    }

    @Test func unicodeEscapes() throws {
        #expect(try F.tokens(#"'\u00e9\U0001F600'"#) == [.stringLiteral("é😀")])
    }

    @Test func rawStringsKeepBackslashes() throws {
        #expect(try F.tokens(#"r'\d+' R"a\'b" r'''x\n'''"#) == [.stringLiteral(#"\d+"#), .stringLiteral(#"a\'b"#), .stringLiteral(#"x\n"#)])
    }

    @Test func bytesLiteralsDecodeToBytes() throws {
        #expect(try F.tokens(#"b'ab' B"\x00\xff" b'''\101'''"#) == [.bytesLiteral([97, 98]), .bytesLiteral([0, 255]), .bytesLiteral([65])])
    }

    @Test func rawBytesPrefixesInAnyOrderAndCase() throws {
        let raw = Array(#"\x"#.utf8)
        #expect(try F.tokens(#"rb'\x' BR"\x" rB'\x'"#) == [.bytesLiteral(raw), .bytesLiteral(raw), .bytesLiteral(raw)])
    }

    @Test func nonASCIITextInBytesIsUTF8() throws {
        #expect(try F.tokens("b'é'") == [.bytesLiteral([0xC3, 0xA9])])
    }

    @Test func aPrefixLetterAloneIsAnIdentifier() throws {
        #expect(try F.tokens("r b rb") == [.identifier("r"), .identifier("b"), .identifier("rb")])
    }

    // MARK: Numbers

    @Test func integerLiteralsKeepTheirText() throws {
        #expect(try F.tokens("123 0x1F 0XaB 9223372036854775808") == [
            .integerLiteral("123"), .integerLiteral("0x1F"), .integerLiteral("0XaB"), .integerLiteral("9223372036854775808"),
        ])
    }

    @Test func floatingPointForms() throws {
        #expect(try F.tokens("1.5 .5 58. 4e2 1.2E-3 123.456e+7") == [
            .floatLiteral("1.5"), .floatLiteral(".5"), .floatLiteral("58."), .floatLiteral("4e2"),
            .floatLiteral("1.2E-3"), .floatLiteral("123.456e+7"),
        ])
    }

    @Test func aNumberEndingInADotMayBeFollowedByAName() throws {
        #expect(try F.tokens("123.abc") == [.floatLiteral("123."), .identifier("abc")])
    }

    @Test func aLetterRightAfterAnIntegerIsAnError() {
        #expect(F.lexError("SELECT 123abc") == "Syntax error: Missing whitespace between literal and alias at [1:11]")
    }

    @Test func aLetterRightAfterAFloatIsAnError() {
        #expect(F.lexError("SELECT 1.5e") == "Syntax error: Missing whitespace between literal and alias at [1:11]")
    }

    // MARK: Operators, parameters and comments

    @Test func multiCharacterOperators() throws {
        #expect(try F.tokens("|| << >> != <> <= >= => ->") == [
            .symbol(.concatenate), .symbol(.shiftLeft), .symbol(.shiftRight), .symbol(.notEqual), .symbol(.lessOrGreater),
            .symbol(.lessOrEqual), .symbol(.greaterOrEqual), .symbol(.namedArgument), .symbol(.arrow),
        ])
    }

    @Test func singleCharacterOperators() throws {
        #expect(try F.tokens("( ) [ ] , . ; * + - / ~ ^ & | = < > ? @") == [
            .symbol(.leftParen), .symbol(.rightParen), .symbol(.leftBracket), .symbol(.rightBracket), .symbol(.comma),
            .symbol(.dot), .symbol(.semicolon), .symbol(.star), .symbol(.plus), .symbol(.minus), .symbol(.slash),
            .symbol(.tilde), .symbol(.caret), .symbol(.ampersand), .symbol(.pipe), .symbol(.equal), .symbol(.less),
            .symbol(.greater), .symbol(.question), .symbol(.at),
        ])
    }

    @Test func angleBracketsAfterArrayAreNotNotEqual() throws {
        #expect(try F.tokens("ARRAY<>") == [.keyword(.array), .symbol(.less), .symbol(.greater)])
    }

    @Test func namedParametersAreAnAtSignAndAName() throws {
        #expect(try F.tokens("@name ?") == [.symbol(.at), .identifier("name"), .symbol(.question)])
    }

    @Test func commentsAreSkipped() throws {
        let sql = "SELECT # pound\n1 -- dash\n, /* block\nspanning */ 2"
        #expect(try F.tokens(sql) == [.keyword(.select), .integerLiteral("1"), .symbol(.comma), .integerLiteral("2")])
    }

    @Test func unicodeSpacesSeparateTokens() throws {
        #expect(try F.tokens("SELECT\u{00A0}1\u{3000}x") == [.keyword(.select), .integerLiteral("1"), .identifier("x")])
    }

    // MARK: Locations

    @Test func tokensCarryLineAndColumn() throws {
        let tokens = try GoogleSQLLexer.tokenize("SELECT a,\n  b\r\nFROM t")
        #expect(tokens.map(\.location) == [
            SourceLocation(line: 1, column: 1), SourceLocation(line: 1, column: 8), SourceLocation(line: 1, column: 9),
            SourceLocation(line: 2, column: 3), SourceLocation(line: 3, column: 1), SourceLocation(line: 3, column: 6),
            SourceLocation(line: 3, column: 7),
        ])
    }

    @Test func tabsAdvanceToTheNextStopOfEight() throws {
        let tokens = try GoogleSQLLexer.tokenize("a\tb\t\tc")
        #expect(tokens.map(\.location.column).dropLast() == [1, 9, 25])
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let tokens = try GoogleSQLLexer.tokenize("'é😀' x")
        #expect(tokens[1].location == SourceLocation(line: 1, column: 6))
    }

    @Test func endOfInputSitsAfterTheLastTokenOrComment() throws {
        #expect(try GoogleSQLLexer.tokenize("SELECT 1   \n\n").last?.location == SourceLocation(line: 1, column: 9))
        #expect(try GoogleSQLLexer.tokenize("SELECT 1 /* c */  ").last?.location == SourceLocation(line: 1, column: 17))
    }

    // MARK: Errors

    @Test func unclosedStringLiteral() {
        #expect(F.lexError("SELECT 1;\nSELECT 'abc") == "Syntax error: Unclosed string literal at [2:8]")
    }

    @Test func aStringCannotSpanLines() {
        #expect(F.lexError("SELECT \"abc\ndef\"") == "Syntax error: Unclosed string literal at [1:8]")
    }

    @Test func unclosedLiteralsNameTheirKind() {
        #expect(F.lexError("'''abc") == "Syntax error: Unclosed triple-quoted string literal at [1:1]")
        #expect(F.lexError("r'abc") == "Syntax error: Unclosed raw string literal at [1:1]")
        #expect(F.lexError("b\"abc") == "Syntax error: Unclosed bytes literal at [1:1]")
        #expect(F.lexError("rb'''abc") == "Syntax error: Unclosed triple-quoted raw bytes literal at [1:1]")
    }

    @Test func unclosedQuotedIdentifier() {
        #expect(F.lexError("SELECT `abc") == "Syntax error: Unclosed identifier literal at [1:8]")
    }

    @Test func emptyQuotedIdentifier() {
        #expect(F.lexError("SELECT ``") == "Syntax error: Invalid empty identifier at [1:8]")
    }

    @Test func unclosedComment() {
        #expect(F.lexError("SELECT 1 /* never closed") == "Syntax error: Unclosed comment at [1:10]")
    }

    @Test func illegalCharacters() {
        #expect(F.lexError("SELECT $x") == #"Syntax error: Illegal input character "$" at [1:8]"#)
        #expect(F.lexError("SELECT \\") == #"Syntax error: Illegal input character "\\" at [1:8]"#)
    }

    @Test func unknownEscapeIsReportedAtItsBackslash() {
        #expect(F.lexError(#"SELECT 'ab\c'"#) == #"Syntax error: Illegal escape sequence: \c at [1:11]"#)
    }

    @Test func shortHexAndOctalEscapes() {
        #expect(F.lexError(#"'\x4'"#) == #"Syntax error: Illegal escape sequence: Hex escape must be followed by 2 hex digits but saw: \x4 at [1:2]"#)
        #expect(F.lexError(#"'\x0G0'"#) == #"Syntax error: Illegal escape sequence: Hex escape must be followed by 2 hex digits but saw: \x0G at [1:2]"#)
        #expect(F.lexError(#"'\22X0'"#) == #"Syntax error: Illegal escape sequence: Octal escape must be followed by 3 octal digits but saw: \22X at [1:2]"#)
    }

    @Test func unicodeEscapesAreCheckedAndRefusedInBytes() {
        #expect(F.lexError(#"'\u00'"#) == #"Syntax error: Illegal escape sequence: \u must be followed by 4 hex digits but saw: \u00 at [1:2]"#)
        #expect(F.lexError(#"'\ud800'"#) == #"Syntax error: Illegal escape sequence: Unicode value \ud800 is invalid at [1:2]"#)
        #expect(F.lexError(#"'\U00110000'"#) == #"Syntax error: Illegal escape sequence: Value of \U00110000 exceeds Unicode limit (0x0010FFFF) at [1:2]"#)
        #expect(F.lexError(#"b'\u0041'"#) == #"Syntax error: Illegal escape sequence: Unicode escape sequence \u cannot be used in bytes literals at [1:3]"#)
    }

    @Test func escapedNewlineIsAnError() {
        #expect(F.lexError("'''a\\\nb'''") == "Syntax error: Illegal escaped newline at [1:5]")
    }

    @Test func exceptMustBeFollowedByAllDistinctOrParenthesis() {
        #expect(F.lexError("SELECT 1 EXCEPT SELECT 2") == #"EXCEPT must be followed by ALL, DISTINCT, or "(" at [1:10]"#)
        #expect(F.lexError("SELECT * EXCEPT(a) FROM t") == nil)
        #expect(F.lexError("SELECT 1 EXCEPT /* c */ DISTINCT SELECT 2") == nil)
    }
}
