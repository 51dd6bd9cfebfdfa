/// Reads tokens from source text one at a time, on demand.
///
/// Line breaks are tokens (they separate statements) except inside an open `(` or `[`.
/// A `:` that begins a statement starts a command, which takes the raw rest of its line.
public struct Lexer: Sendable {
  /// The text being read.
  public let source: SourceText
  /// Offset of the next character to read.
  public internal(set) var position = 0
  /// The opening brackets not yet closed, innermost last.
  private var openBrackets: [Token.Symbol] = []

  /// Whether the lexer is inside a `{ … }` block (a command there ends at the block's `}`).
  var isInsideBlock: Bool { openBrackets.contains(.leftBrace) }
  /// Whether the next token begins a statement (start of input, after a line break, `;` or `{`).
  private var atStatementStart = true

  /// Creates a lexer positioned at the start of `source`.
  public init(_ source: SourceText) {
    self.source = source
  }

  /// Reads every token of `text`, ending with ``Token/Kind/endOfInput``.
  public static func tokenize(_ text: String) throws(SyntaxError) -> [Token] {
    var lexer = Lexer(SourceText(text))
    var tokens: [Token] = []
    while true {
      let token = try lexer.next()
      tokens.append(token)
      if token.kind == .endOfInput { return tokens }
    }
  }

  /// Reads the next token; at the end it returns ``Token/Kind/endOfInput`` again and again.
  public mutating func next() throws(SyntaxError) -> Token {
    let token = try scan()
    switch token.kind {
    case .newline, .symbol(.semicolon), .symbol(.leftBrace): atStatementStart = true
    default: atStatementStart = false
    }
    return token
  }

  // MARK: - Scanning

  private var characters: [Character] { source.characters }

  private func peek(_ ahead: Int = 0) -> Character? {
    let index = position + ahead
    return index < characters.count ? characters[index] : nil
  }

  private var insideParenthesesOrBrackets: Bool {
    openBrackets.last == .leftParen || openBrackets.last == .leftBracket
  }

  private mutating func scan() throws(SyntaxError) -> Token {
    while let character = peek() {
      if character == "#" {
        while let next = peek(), !next.isNewline { position += 1 }
      } else if character.isNewline {
        position += 1
        if !insideParenthesesOrBrackets {
          return Token(.newline, range: SourceRange(start: position - 1, end: position))
        }
      } else if character == " " || character.isWhitespace {
        position += 1
      } else {
        return try scanToken(startingWith: character)
      }
    }
    return Token(.endOfInput, range: SourceRange(start: position, end: position))
  }

  private mutating func scanToken(startingWith character: Character) throws(SyntaxError) -> Token {
    if Lexer.isDigit(character) || (character == "." && peek(1).map(Lexer.isDigit) == true) {
      return try scanNumber()
    }
    if Lexer.isLetter(character) || character == "_" {
      return scanWord()
    }
    if character == "\"" || character == "'" {
      return try scanString(quote: character)
    }
    if character == ":" && atStatementStart && !insideParenthesesOrBrackets {
      return try scanCommand()
    }
    return try scanSymbol()
  }

  private mutating func scanWord() -> Token {
    let start = position
    while let next = peek(), Lexer.isLetter(next) || Lexer.isDigit(next) || next == "_" { position += 1 }
    let range = SourceRange(start: start, end: position)
    let word = source[range]
    if let keyword = Lexer.keywords[word] {
      return Token(.keyword(keyword), range: range)
    }
    return Token(.identifier(word), range: range)
  }

  private mutating func scanSymbol() throws(SyntaxError) -> Token {
    let start = position
    // Longest match first: "..." before "..<" before "..", "**" before "*", and so on.
    // Compared character by character: building a String per try made symbols the lexer's hot spot.
    for (spelling, symbol) in Lexer.symbolsLongestFirst where matches(spelling) {
      position += spelling.count
      track(symbol)
      return Token(.symbol(symbol), range: SourceRange(start: start, end: position))
    }
    throw unknownCharacter(at: start)
  }

  /// Every symbol's spelling as characters, longest first.
  private static let symbolsLongestFirst: [([Character], Token.Symbol)] =
    Token.Symbol.allCases.map { (Array($0.rawValue), $0) }.sorted { $0.0.count > $1.0.count }

  /// The keywords by spelling.
  private static let keywords: [String: Token.Keyword] =
    Dictionary(uniqueKeysWithValues: Token.Keyword.allCases.map { ($0.rawValue, $0) })

  private func matches(_ spelling: [Character]) -> Bool {
    guard position + spelling.count <= characters.count else { return false }
    for (offset, character) in spelling.enumerated() where characters[position + offset] != character { return false }
    return true
  }

  /// `isLetter` with a fast path for ASCII, which is nearly all source.
  private static func isLetter(_ character: Character) -> Bool {
    if let ascii = character.asciiValue { return (ascii | 0x20) >= 97 && (ascii | 0x20) <= 122 }
    return character.isLetter
  }

  private mutating func track(_ symbol: Token.Symbol) {
    switch symbol {
    case .leftParen, .leftBracket, .leftBrace:
      openBrackets.append(symbol)
    case .rightParen, .rightBracket, .rightBrace:
      // A mismatched closer is the parser's to report; only a matching one closes.
      if let last = openBrackets.last, last.closing == symbol { openBrackets.removeLast() }
    default:
      break
    }
  }

  private func unknownCharacter(at offset: Int) -> SyntaxError {
    let character = characters[offset]
    let hints: [Character: String] = [
      "!": "write `not x` for negation, or `!=` for inequality",
      "&": "write `and` for logical and",
      "|": "write `or` for logical or",
      "^": "write `**` for powers, e.g. `x ** 2`",
      "\u{2212}": "this is a typographic minus; type `-`",
      "\u{00D7}": "this is a multiplication sign; type `*` (element-wise) or `@` (matrix product)",
      "\u{201C}": "this is a typographic quote; type `\"`",
      "\u{201D}": "this is a typographic quote; type `\"`",
      "\\": "a backslash is only allowed inside a string",
      "\u{00B2}": "write `x ** 2` for a square",
      "\u{00B3}": "write `x ** 3` for a cube",
    ]
    // A backtick cannot be shown between backticks.
    let shown = character == "`" ? "'`'" : "`\(character)`"
    return SyntaxError(
      "unknown character \(shown)",
      at: SourceRange(start: offset, end: offset + 1),
      hint: hints[character]
    )
  }
}

extension Lexer {
  /// Whether `character` is an ASCII digit `0`–`9` (other scripts' digits are not numbers here).
  static func isDigit(_ character: Character) -> Bool {
    character.isASCII && character.isWholeNumber
  }
}
