import Testing

@testable import Language

@Suite("Lexer")
struct LexerTests {
  /// Token kinds of `source`, without the final end of input.
  func kinds(_ source: String) throws -> [Token.Kind] {
    try Lexer.tokenize(source).map(\.kind).dropLast()
  }

  /// The spelling of each name in `source`, in order.
  func names(_ source: String) throws -> [String] {
    let text = SourceText(source)
    return try Lexer.tokenize(source).filter { $0.kind == .identifier }.map { text[$0.range] }
  }

  @Test(arguments: [
    ("2", 2.0), ("0.5", 0.5), (".5", 0.5), ("1e-3", 0.001), ("2.", 2.0), ("1E+2", 100.0),
    ("2.5e1", 25.0),
    ("007", 7.0),
  ])
  func numbers(source: String, value: Double) throws {
    #expect(try kinds(source) == [.number(value)])
  }

  @Test func shortDecimalsReadAsSwiftReadsThem() throws {
    // Literals of up to 15 digits are read without a String; they must round as Double(String) does.
    var random = SystemRandomNumberGenerator()
    for _ in 0..<5000 {
      let digits = String((0..<Int.random(in: 1...15, using: &random)).map { _ in "0123456789".randomElement(using: &random)! })
      let point = Int.random(in: 0...digits.count, using: &random)
      let text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
      for literal in [digits, text] {
        #expect(try kinds(literal) == [.number(Double(literal)!)], "\(literal)")
      }
    }
    #expect(Lexer.shortDecimal(ArraySlice("1234567890123456".utf8)) == nil)
    #expect(Lexer.shortDecimal(ArraySlice("1e5".utf8)) == nil)
  }

  @Test func numberRangesStopBeforeRangeOperators() throws {
    #expect(try kinds("0..<10") == [.number(0), .symbol(.halfOpenRange), .number(10)])
    #expect(try kinds("0..9") == [.number(0), .symbol(.closedRange), .number(9)])
    #expect(try kinds("0...9") == [.number(0), .symbol(.ellipsis), .number(9)])
    #expect(
      try kinds("x[...]") == [
        .identifier, .symbol(.leftBracket), .symbol(.ellipsis), .symbol(.rightBracket),
      ])
  }

  @Test func operatorsTakeTheLongestMatch() throws {
    let symbols = try kinds("+ - * / ** @ = == != < <= > >= ( ) [ ] { } , : ; . .. ..< ...")
    let spelled = symbols.map { kind -> String in
      if case .symbol(let symbol) = kind { return symbol.rawValue }
      return "?"
    }
    #expect(
      spelled.joined(separator: " ")
        == "+ - * / ** @ = == != < <= > >= ( ) [ ] { } , : ; . .. ..< ...")
    #expect(
      try kinds("a**-b") == [.identifier, .symbol(.power), .symbol(.minus), .identifier])
    #expect(try names("a**-b") == ["a", "b"])
  }

  /// The lexer's switch knows every symbol: each spelling, between names with or without
  /// spaces, reads back as its symbol.
  @Test func everySymbolLexesFromItsSpelling() throws {
    for symbol in Token.Symbol.allCases {
      #expect(try kinds("a \(symbol.rawValue) b") == [.identifier, .symbol(symbol), .identifier], "\(symbol.rawValue)")
      #expect(try kinds("a\(symbol.rawValue)b") == [.identifier, .symbol(symbol), .identifier], "\(symbol.rawValue)")
    }
  }

  /// The lexer's switch knows every keyword, and a name that only starts like one is a name.
  @Test func everyKeywordLexesFromItsSpelling() throws {
    for keyword in Token.Keyword.allCases {
      #expect(try kinds(keyword.rawValue) == [.keyword(keyword)], "\(keyword.rawValue)")
      #expect(try kinds(keyword.rawValue + "_") == [.identifier] && kinds("_" + keyword.rawValue) == [.identifier])
      #expect(try kinds(String(keyword.rawValue.dropLast())) == [.identifier] || keyword.rawValue.count == 1)
    }
  }

  @Test func keywordsAndIdentifiers() throws {
    #expect(
      try kinds("true false None for in if else def return and or not w_1 _x")
        == Token.Keyword.allCases.map { .keyword($0) } + [.identifier, .identifier])
    #expect(try names("true w_1 None _x é2") == ["w_1", "_x", "é2"])
    // Python's spellings of the booleans are the same keywords.
    #expect(try kinds("True False Truth") == [.keyword(.true), .keyword(.false), .identifier])
  }

  @Test func stringsResolveEscapes() throws {
    /// The value of each string literal in `source`.
    func strings(_ source: String) throws -> [String] {
      let text = SourceText(source)
      return try Lexer.tokenize(source).filter { $0.kind == .string }.map { Lexer.stringValue(of: $0.range, in: text) }
    }
    #expect(try strings(#""a\"b\\c\nd""#) == ["a\"b\\c\nd"])
    #expect(try strings(#"'it\'s' "tab\there""#) == ["it's", "tab\there"])
    #expect(try strings(#""\\" 'é\'' """#) == ["\\", "é'", ""])
  }

  @Test func tokensCarryByteRangesAndLocationsCountCharacters() throws {
    let tokens = try Lexer.tokenize("é = 1.5 # note")
    // `é` is two bytes of UTF-8: ranges count bytes, columns count characters.
    #expect(
      tokens.map(\.range) == [
        SourceRange(start: 0, end: 2), SourceRange(start: 3, end: 4), SourceRange(start: 5, end: 8),
        SourceRange(start: 15, end: 15),
      ])
    let text = SourceText("é = 1.5 # note")
    #expect(text.location(of: 3) == SourceLocation(line: 1, column: 3))
    #expect(text[tokens[0].range] == "é")
  }


  @Test func lineBreaksSeparateStatementsExceptInsideParenthesesAndBrackets() throws {
    #expect(try kinds("a\nb") == [.identifier, .newline, .identifier])
    #expect(
      try kinds("(a,\n b)") == [
        .symbol(.leftParen), .identifier, .symbol(.comma), .identifier,
        .symbol(.rightParen),
      ])
    #expect(
      try kinds("[a\n]") == [.symbol(.leftBracket), .identifier, .symbol(.rightBracket)])
    #expect(
      try kinds("{a\n}") == [.symbol(.leftBrace), .identifier, .newline, .symbol(.rightBrace)])
    #expect(
      try kinds("x # comment\n# whole line\ny") == [
        .identifier, .newline, .newline, .identifier,
      ])
  }

  @Test func commandsTakeTheRawRestOfTheLine() throws {
    let source = ":backward L -v; x # all of it  \ny"
    let tokens = try Lexer.tokenize(source)
    #expect(tokens[0].kind == .command)
    #expect(tokens[0].range == SourceRange(start: 0, end: 29))
    let parts = Lexer.commandParts(of: tokens[0].range, in: SourceText(source))
    #expect(parts.name == SourceRange(start: 1, end: 9))
    #expect(parts.arguments == SourceRange(start: 10, end: 29))
    #expect(SourceText(source)[parts.arguments] == "L -v; x # all of it")
    #expect(tokens.map(\.kind).dropFirst() == [.newline, .identifier, .endOfInput])
    let help = "x = 1; :help  "
    #expect(try kinds(help) == [.identifier, .symbol(.assign), .number(1), .symbol(.semicolon), .command])
    let helpToken = try Lexer.tokenize(help)[4]
    #expect(helpToken.range == SourceRange(start: 7, end: 12))
    #expect(Lexer.commandParts(of: helpToken.range, in: SourceText(help)) == (SourceRange(start: 8, end: 12), SourceRange(start: 14, end: 14)))
  }

  @Test func colonsInsideAStatementAreSymbols() throws {
    #expect(
      try kinds("x[:2]") == [
        .identifier, .symbol(.leftBracket), .symbol(.colon), .number(2),
        .symbol(.rightBracket),
      ])
  }

  @Test(arguments: [
    ("x = $", "unknown character `$`", SourceRange(start: 4, end: 5)),
    ("a ! b", "unknown character `!`", SourceRange(start: 2, end: 3)),
    ("2abc", "invalid number `2abc`", SourceRange(start: 0, end: 4)),
    ("1e", "invalid number `1e`", SourceRange(start: 0, end: 2)),
    ("x = 1e999", "number `1e999` is too large", SourceRange(start: 4, end: 9)),
    (#""a\qb""#, #"unknown escape `\q` in string"#, SourceRange(start: 2, end: 4)),
    ("s = 'abc", "unterminated string starting at line 1:5", SourceRange(start: 4, end: 5)),
    (": x", "expected a command name after `:`", SourceRange(start: 0, end: 1)),
    (#"print(f"loss {L}")"#, "f-strings are not supported", SourceRange(start: 6, end: 8)),
  ])
  func errors(source: String, message: String, range: SourceRange) {
    #expect(throws: SyntaxError.self) { try Lexer.tokenize(source) }
    do {
      _ = try Lexer.tokenize(source)
    } catch {
      #expect(error.message == message)
      #expect(error.range == range)
    }
  }

  @Test func sourceTextMapsOffsetsToLinesAndColumns() {
    let text = SourceText("ab\ncd\n\nef")
    #expect(text.lineCount == 4)
    #expect(text.location(of: 0) == SourceLocation(line: 1, column: 1))
    #expect(text.location(of: 2) == SourceLocation(line: 1, column: 3))
    #expect(text.location(of: 4) == SourceLocation(line: 2, column: 2))
    #expect(text.location(of: 7) == SourceLocation(line: 4, column: 1))
    #expect(text.location(of: 99) == SourceLocation(line: 4, column: 3))
    #expect(text.line(2) == "cd")
    #expect(text.line(3) == "")
    #expect(text[SourceRange(start: 1, end: 4)] == "b\nc")
  }

  @Test func windowsLineBreaksAreOneCharacter() throws {
    let tokens = try Lexer.tokenize("x\r\ny")
    #expect(tokens.map(\.kind) == [.identifier, .newline, .identifier, .endOfInput])
    #expect(tokens[1].range == SourceRange(start: 1, end: 3))
    #expect(tokens[2].range == SourceRange(start: 3, end: 4))
    #expect(SourceText("x\r\ny").location(of: 3) == SourceLocation(line: 2, column: 1))
    #expect(SourceText("x\r\ny").line(1) == "x")
  }
}
