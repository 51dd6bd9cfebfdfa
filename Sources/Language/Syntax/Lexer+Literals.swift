extension Lexer {
  // MARK: - Numbers

  /// Reads `2`, `0.5`, `.5`, `2.`, `1e-3`; a `.` followed by another `.` is left for `..`/`..<`.
  mutating func scanNumber() throws(SyntaxError) -> Token {
    let start = position
    skipDigits()
    if byte() == UInt8(ascii: "."), byte(1) != UInt8(ascii: ".") {
      position += 1
      skipDigits()
    }
    if let e = byte(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      let sign = byte(1).map { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") } == true ? 1 : 0
      if byte(1 + sign).map(Lexer.isDigit) == true {
        position += 1 + sign
        skipDigits()
      }
    }
    if nameCharacterLength(at: position) != nil {
      // `2abc`, `1e`, `2.T`: one clear error instead of a number followed by a stray name.
      while let length = nameCharacterLength(at: position) { position += length }
      let range = SourceRange(start: start, end: position)
      throw SyntaxError("invalid number `\(source[range])`", at: range)
    }
    let range = SourceRange(start: start, end: position)
    if let value = Lexer.shortDecimal(source.utf8[start..<position]) {
      return Token(.number(value), range: range)
    }
    // Swift reads `.5` and `2.` as NumPy does; `e` is only taken above when digits follow it.
    guard let value = Double(source[range]), value.isFinite else {
      throw SyntaxError("number `\(source[range])` is too large", at: range)
    }
    return Token(.number(value), range: range)
  }

  /// A literal such as `2`, `0.5`, `.5` or `2.` with at most 15 digits, read without making a
  /// String; nil for anything longer or with an exponent. Exact: the digits as an integer and
  /// the power of ten are both exact doubles, so their one division is correctly rounded,
  /// giving what `Double(String)` gives (Clinger's fast path).
  static func shortDecimal(_ bytes: ArraySlice<UInt8>) -> Double? {
    var digits = 0
    var mantissa = 0
    var fractionDigits = 0
    var seenPoint = false
    for byte in bytes {
      if byte == UInt8(ascii: ".") && !seenPoint {
        seenPoint = true
      } else if isDigit(byte) {
        digits += 1
        guard digits <= 15 else { return nil }
        mantissa = mantissa * 10 + Int(byte - UInt8(ascii: "0"))
        if seenPoint { fractionDigits += 1 }
      } else {
        return nil
      }
    }
    guard digits > 0 else { return nil }
    return Double(mantissa) / exactPowersOfTen[fractionDigits]
  }

  /// 10^0 through 10^15, each exact in a Double.
  private static let exactPowersOfTen: [Double] = [
    1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  ]

  private mutating func skipDigits() {
    while let next = byte(), Lexer.isDigit(next) { position += 1 }
  }

  // MARK: - Strings

  /// Reads a string in `"` or `'` with the escapes `\"`, `\'`, `\\`, `\n` and `\t`, checking them;
  /// ``stringValue(of:in:)`` resolves them when the parser needs the value.
  ///
  /// A string may span lines, so that a shell can offer a continuation prompt for it.
  mutating func scanString(quote: UInt8) throws(SyntaxError) -> Token {
    let start = position
    position += 1
    while true {
      guard let next = byte() else {
        let opening = source.location(of: start)
        throw SyntaxError(
          "unterminated string starting at line \(opening)",
          at: SourceRange(start: start, end: start + 1),
          hint: "close it with \(Character(Unicode.Scalar(quote)))",
          isIncomplete: true
        )
      }
      if next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") {
        // As in Python, a string ends on its line: the error points at its opening quote.
        throw SyntaxError(
          "unterminated string: it is not closed on its line", at: SourceRange(start: start, end: start + 1),
          hint: "close it with \(Character(Unicode.Scalar(quote))) before the line ends; \\n writes a line break inside it")
      }
      position += 1
      if next == quote {
        return Token(.string, range: SourceRange(start: start, end: position))
      }
      guard next == UInt8(ascii: "\\") else { continue }
      guard let escaped = byte() else { continue }  // reported as unterminated on the next turn
      guard Lexer.unescaped(escaped) != nil else {
        let (other, length) = character(at: position)
        throw SyntaxError(
          "unknown escape `\\\(other)` in string",
          at: SourceRange(start: position - 1, end: position + length),
          hint: "the escapes are \\n, \\t, \\\\, \\\" and \\'"
        )
      }
      position += 1
    }
  }

  /// The value of the string literal the lexer read at `range`: quotes removed, escapes resolved.
  public static func stringValue(of range: SourceRange, in source: SourceText) -> String {
    var value: [UInt8] = []
    var offset = range.start + 1
    while offset < range.end - 1 {
      let byte = source.utf8[offset]
      if byte == UInt8(ascii: "\\"), offset + 1 < range.end - 1, let escaped = unescaped(source.utf8[offset + 1]) {
        value.append(escaped)
        offset += 2
      } else {
        value.append(byte)
        offset += 1
      }
    }
    return String(decoding: value, as: UTF8.self)
  }

  /// The byte an escape `\x` stands for, or nil when `x` is not an escape.
  private static func unescaped(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "n"): UInt8(ascii: "\n")
    case UInt8(ascii: "t"): UInt8(ascii: "\t")
    case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): byte
    default: nil
    }
  }

  // MARK: - Commands

  /// Reads `:name rest of line`; the arguments are the raw rest of the line, `;` and `#` included.
  /// The token spans both; ``commandParts(of:in:)`` tells them apart again.
  mutating func scanCommand() throws(SyntaxError) -> Token {
    let start = position
    let (nameEnd, argumentsStart) = scanCommandName()
    guard nameEnd > start + 1 else {
      throw SyntaxError(
        "expected a command name after `:`",
        at: SourceRange(start: start, end: start + 1),
        hint: "commands look like `:help`"
      )
    }
    var argumentsEnd = argumentsStart
    // The rest of the line; inside a block, up to the `}` that closes it, so that
    // `for i in 0..<3 { :show x }` works (brackets and strings of the argument are skipped over).
    var depth = 0
    var quote: UInt8?
    while position < source.utf8.count, !source.isLineBreak(at: position) {
      let next = source.utf8[position]
      if let open = quote {
        if next == open { quote = nil }
      } else if next == UInt8(ascii: "\"") || next == UInt8(ascii: "'") {
        quote = next
      } else if next == UInt8(ascii: "(") || next == UInt8(ascii: "[") || next == UInt8(ascii: "{") {
        depth += 1
      } else if next == UInt8(ascii: ")") || next == UInt8(ascii: "]") || next == UInt8(ascii: "}") {
        if next == UInt8(ascii: "}") && depth == 0 && isInsideBlock { break }
        depth -= 1
      }
      if let space = spaceLength(at: position) {
        position += space
      } else {
        position += 1
        argumentsEnd = position
      }
    }
    return Token(.command, range: SourceRange(start: start, end: argumentsEnd > argumentsStart ? argumentsEnd : nameEnd))
  }

  /// Reads a command's `:` and name, and the spaces after them: where the name ends and where
  /// the arguments start.
  private mutating func scanCommandName() -> (nameEnd: Int, argumentsStart: Int) {
    position += 1
    while let length = nameCharacterLength(at: position) ?? (byte() == UInt8(ascii: "-") ? 1 : nil) { position += length }
    let nameEnd = position
    while let length = spaceLength(at: position) { position += length }
    return (nameEnd, position)
  }

  /// The name (without its `:`) and the arguments of the command token read at `range`.
  public static func commandParts(of range: SourceRange, in source: SourceText) -> (name: SourceRange, arguments: SourceRange) {
    var lexer = Lexer(source)
    lexer.position = range.start
    let (nameEnd, argumentsStart) = lexer.scanCommandName()
    return (SourceRange(start: range.start + 1, end: nameEnd), SourceRange(start: argumentsStart, end: range.end))
  }
}
