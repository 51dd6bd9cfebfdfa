/// Reads tokens from source text one at a time, on demand, over its UTF-8 bytes.
///
/// Line breaks are tokens (they separate statements) except inside an open `(` or `[`.
/// A `:` that begins a statement starts a command, which takes the raw rest of its line.
/// Source is nearly all ASCII, read a byte at a time; other characters are decoded where
/// they stand (letters of other scripts are allowed in names, other spaces are skipped).
public struct Lexer: Sendable {
  /// The text being read.
  public let source: SourceText
  /// Offset of the next byte to read.
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

  // MARK: - Reading bytes

  /// The byte `ahead` of the position, or nil past the end.
  func byte(_ ahead: Int = 0) -> UInt8? {
    let index = position + ahead
    return index < source.utf8.count ? source.utf8[index] : nil
  }

  /// The whole character at `offset` and its length in bytes (a grapheme: `é` may be two scalars).
  func character(at offset: Int) -> (character: Character, length: Int) {
    // A character longer than 64 bytes is cut there; the rest reads as another character.
    let window = String(decoding: source.utf8[offset..<min(offset + 64, source.utf8.count)], as: UTF8.self)
    guard let character = window.first else { return ("\u{FFFD}", 1) }
    return (character, max(1, character.utf8.count))
  }

  /// The length of a letter (of any script) starting at `offset`, or nil if none starts there.
  func letterLength(at offset: Int) -> Int? {
    guard offset < source.utf8.count else { return nil }
    let byte = source.utf8[offset]
    if byte < 0x80 { return Lexer.isASCIILetter(byte) ? 1 : nil }
    let (character, length) = character(at: offset)
    return character.isLetter ? length : nil
  }

  /// The length of a name's character (letter, digit or `_`) at `offset`, or nil.
  func nameCharacterLength(at offset: Int) -> Int? {
    guard offset < source.utf8.count else { return nil }
    let byte = source.utf8[offset]
    if Lexer.isDigit(byte) || byte == UInt8(ascii: "_") { return 1 }
    return letterLength(at: offset)
  }

  /// The length of the white space (not a line break) at `offset`, or nil.
  func spaceLength(at offset: Int) -> Int? {
    guard offset < source.utf8.count else { return nil }
    let byte = source.utf8[offset]
    if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0B || byte == 0x0C { return 1 }
    if byte < 0x80 { return nil }
    let (character, length) = character(at: offset)
    return character.isWhitespace && !character.isNewline ? length : nil
  }

  private var insideParenthesesOrBrackets: Bool {
    openBrackets.last == .leftParen || openBrackets.last == .leftBracket
  }

  // MARK: - Scanning

  private mutating func scan() throws(SyntaxError) -> Token {
    while let byte = byte() {
      if byte == UInt8(ascii: " ") {
        position += 1  // the commonest byte of all, before the other checks
      } else if byte == UInt8(ascii: "#") {
        while position < source.utf8.count, !source.isLineBreak(at: position) { position += 1 }
      } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
        let start = position
        position += byte == UInt8(ascii: "\r") && self.byte(1) == UInt8(ascii: "\n") ? 2 : 1
        if !insideParenthesesOrBrackets {
          return Token(.newline, range: SourceRange(start: start, end: position))
        }
      } else if byte > UInt8(ascii: " ") && byte < 0x80 {
        return try scanToken(startingWith: byte)  // printable ASCII: no other space to skip
      } else if let length = spaceLength(at: position) {
        position += length
      } else {
        return try scanToken(startingWith: byte)
      }
    }
    return Token(.endOfInput, range: SourceRange(start: position, end: position))
  }

  private mutating func scanToken(startingWith byte: UInt8) throws(SyntaxError) -> Token {
    if Lexer.isDigit(byte) || (byte == UInt8(ascii: ".") && self.byte(1).map(Lexer.isDigit) == true) {
      return try scanNumber()
    }
    if Lexer.isASCIILetter(byte) || byte == UInt8(ascii: "_") || (byte >= 0x80 && letterLength(at: position) != nil) {
      let word = scanWord()
      if let quote = self.byte(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"),
        ["f", "F", "rf", "fr", "Rf", "fR"].contains(source[word.range])
      {
        throw SyntaxError(
          "f-strings are not supported", at: word.range.to(SourceRange(start: position, end: position + 1)),
          hint: "print takes several values and separates them with spaces: print(\"loss\", L)")
      }
      return word
    }
    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
      return try scanString(quote: byte)
    }
    if byte == UInt8(ascii: ":") && atStatementStart && !insideParenthesesOrBrackets {
      return try scanCommand()
    }
    return try scanSymbol()
  }

  private mutating func scanWord() -> Token {
    let start = position
    while position < source.utf8.count {
      let byte = source.utf8[position]
      if Lexer.isASCIILetter(byte) || Lexer.isDigit(byte) || byte == UInt8(ascii: "_") {
        position += 1
      } else if byte >= 0x80, let length = nameCharacterLength(at: position) {
        position += length
      } else {
        break
      }
    }
    let range = SourceRange(start: start, end: position)
    if let keyword = keyword(spelledBy: range) { return Token(.keyword(keyword), range: range) }
    return Token(.identifier, range: range)
  }

  /// The keyword a word spells, if any (Python's `True` and `False` too).
  ///
  /// A switch on the first byte, then the bytes compared with the one or two keywords that
  /// start with it, for every keyword of ``Token/Keyword`` (a test lexes each one): a
  /// dictionary or `Keyword(rawValue:)` would hash or compare Strings for every name read,
  /// and a table of spellings retained its arrays.
  private func keyword(spelledBy range: SourceRange) -> Token.Keyword? {
    func spells(_ spelling: StaticString) -> Bool {
      guard spelling.utf8CodeUnitCount == range.count else { return false }
      let bytes = spelling.utf8Start
      for k in 0..<range.count where source.utf8[range.start + k] != bytes[k] { return false }
      return true
    }
    switch source.utf8[range.start] {
    case UInt8(ascii: "a"): return spells("and") ? .and : nil
    case UInt8(ascii: "d"): return spells("def") ? .def : nil
    case UInt8(ascii: "e"): return spells("else") ? .else : nil
    case UInt8(ascii: "f"): return spells("for") ? .for : spells("false") ? .false : nil
    case UInt8(ascii: "F"): return spells("False") ? .false : nil
    case UInt8(ascii: "i"): return spells("if") ? .if : spells("in") ? .in : nil
    case UInt8(ascii: "n"): return spells("not") ? .not : nil
    case UInt8(ascii: "N"): return spells("None") ? .noneLiteral : nil
    case UInt8(ascii: "o"): return spells("or") ? .or : nil
    case UInt8(ascii: "r"): return spells("return") ? .return : nil
    case UInt8(ascii: "t"): return spells("true") ? .true : nil
    case UInt8(ascii: "T"): return spells("True") ? .true : nil
    default: return nil
    }
  }

  private mutating func scanSymbol() throws(SyntaxError) -> Token {
    let start = position
    guard let (symbol, length) = symbol(at: start) else { throw unknownCharacter(at: start) }
    position += length
    track(symbol)
    return Token(.symbol(symbol), range: SourceRange(start: start, end: position))
  }

  /// The longest symbol spelled at `offset` ("..." before "..<" before "..") and its length in bytes.
  ///
  /// A switch on the bytes, as C lexers have it, for every symbol of ``Token/Symbol`` (a test
  /// lexes each one's spelling back to it): walking a table of spellings cost a few retains
  /// and releases of its arrays per symbol.
  private func symbol(at offset: Int) -> (Token.Symbol, length: Int)? {
    let next = offset + 1 < source.utf8.count ? source.utf8[offset + 1] : 0
    func one(_ symbol: Token.Symbol) -> (Token.Symbol, length: Int) { (symbol, 1) }
    /// `long` when the next byte is `second`, else `short`.
    func pair(_ second: Unicode.Scalar, _ long: Token.Symbol, _ short: Token.Symbol) -> (Token.Symbol, length: Int) {
      next == UInt8(ascii: second) ? (long, 2) : (short, 1)
    }
    switch source.utf8[offset] {
    case UInt8(ascii: "+"): return one(.plus)
    case UInt8(ascii: "-"): return one(.minus)
    case UInt8(ascii: "*"): return pair("*", .power, .star)
    case UInt8(ascii: "/"): return pair("/", .doubleSlash, .slash)
    case UInt8(ascii: "%"): return one(.percent)
    case UInt8(ascii: "@"): return one(.at)
    case UInt8(ascii: "="): return pair("=", .equal, .assign)
    case UInt8(ascii: "!"): return next == UInt8(ascii: "=") ? (.notEqual, 2) : nil
    case UInt8(ascii: "<"): return pair("=", .lessEqual, .less)
    case UInt8(ascii: ">"): return pair("=", .greaterEqual, .greater)
    case UInt8(ascii: "("): return one(.leftParen)
    case UInt8(ascii: ")"): return one(.rightParen)
    case UInt8(ascii: "["): return one(.leftBracket)
    case UInt8(ascii: "]"): return one(.rightBracket)
    case UInt8(ascii: "{"): return one(.leftBrace)
    case UInt8(ascii: "}"): return one(.rightBrace)
    case UInt8(ascii: ","): return one(.comma)
    case UInt8(ascii: ":"): return one(.colon)
    case UInt8(ascii: ";"): return one(.semicolon)
    case UInt8(ascii: "."):
      guard next == UInt8(ascii: ".") else { return one(.dot) }
      let third = offset + 2 < source.utf8.count ? source.utf8[offset + 2] : 0
      return third == UInt8(ascii: ".") ? (.ellipsis, 3) : third == UInt8(ascii: "<") ? (.halfOpenRange, 3) : (.closedRange, 2)
    default: return nil
    }
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
    let (character, length) = character(at: offset)
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
      at: SourceRange(start: offset, end: offset + length),
      hint: hints[character]
    )
  }
}

extension Lexer {
  /// Whether `byte` is an ASCII digit `0`–`9` (other scripts' digits are not numbers here).
  static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  /// Whether `byte` is an ASCII letter.
  static func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
  }

  /// Whether `text` is a name (`x`, `dW_1`, `θ`): a letter or `_`, then letters, digits and `_`.
  public static func isName(_ text: some StringProtocol) -> Bool {
    guard let first = text.first, first.isLetter || first == "_" else { return false }
    return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
  }
}
