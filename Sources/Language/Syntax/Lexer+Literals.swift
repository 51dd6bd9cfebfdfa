extension Lexer {
  // MARK: - Numbers

  /// Reads `2`, `0.5`, `.5`, `2.`, `1e-3`; a `.` followed by another `.` is left for `..`/`..<`.
  mutating func scanNumber() throws(SyntaxError) -> Token {
    let start = position
    var spelling = ""
    if character(at: position) == "." {
      spelling = "0"
    } else {
      spelling += readDigits()
    }
    if character(at: position) == ".", character(at: position + 1) != "." {
      position += 1
      let fraction = readDigits()
      spelling += "." + (fraction.isEmpty ? "0" : fraction)
    }
    if let e = character(at: position), e == "e" || e == "E" {
      var lookahead = position + 1
      var sign = ""
      if let s = character(at: lookahead), s == "+" || s == "-" {
        sign = String(s)
        lookahead += 1
      }
      if character(at: lookahead).map(Lexer.isDigit) == true {
        position = lookahead
        spelling += "e" + sign + readDigits()
      }
    }
    if let next = character(at: position), next.isLetter || next == "_" || Lexer.isDigit(next) {
      // `2abc`, `1e`, `2.T`: one clear error instead of a number followed by a stray name.
      while let more = character(at: position), more.isLetter || Lexer.isDigit(more) || more == "_"
      {
        position += 1
      }
      let range = SourceRange(start: start, end: position)
      throw SyntaxError("invalid number `\(source[range])`", at: range)
    }
    let range = SourceRange(start: start, end: position)
    guard let value = Double(spelling), value.isFinite else {
      throw SyntaxError("number `\(source[range])` is too large", at: range)
    }
    return Token(.number(value), range: range)
  }

  private func character(at offset: Int) -> Character? {
    offset < source.characters.count ? source.characters[offset] : nil
  }

  private mutating func readDigits() -> String {
    var digits = ""
    while let next = character(at: position), Lexer.isDigit(next) {
      digits.append(next)
      position += 1
    }
    return digits
  }

  // MARK: - Strings

  /// Reads a string in `"` or `'` with the escapes `\"`, `\'`, `\\`, `\n` and `\t`.
  ///
  /// A string may span lines, so that a shell can offer a continuation prompt for it.
  mutating func scanString(quote: Character) throws(SyntaxError) -> Token {
    let start = position
    position += 1
    var value = ""
    while true {
      guard let next = character(at: position) else {
        let opening = source.location(of: start)
        throw SyntaxError(
          "unterminated string starting at line \(opening)",
          at: SourceRange(start: start, end: start + 1),
          hint: "close it with \(quote)",
          isIncomplete: true
        )
      }
      position += 1
      if next == quote {
        return Token(.string(value), range: SourceRange(start: start, end: position))
      }
      guard next == "\\" else {
        value.append(next)
        continue
      }
      switch character(at: position) {
      case "n": value.append("\n")
      case "t": value.append("\t")
      case "\\": value.append("\\")
      case "\"": value.append("\"")
      case "'": value.append("'")
      case nil: continue  // reported as unterminated on the next turn
      case let other?:
        throw SyntaxError(
          "unknown escape `\\\(other)` in string",
          at: SourceRange(start: position - 1, end: position + 1),
          hint: "the escapes are \\n, \\t, \\\\, \\\" and \\'"
        )
      }
      position += 1
    }
  }

  // MARK: - Commands

  /// Reads `:name rest of line`; the arguments are the raw rest of the line, `;` and `#` included.
  mutating func scanCommand() throws(SyntaxError) -> Token {
    let start = position
    position += 1
    var name = ""
    while let next = character(at: position),
      next.isLetter || Lexer.isDigit(next) || next == "_" || next == "-"
    {
      name.append(next)
      position += 1
    }
    let nameEnd = position
    guard !name.isEmpty else {
      throw SyntaxError(
        "expected a command name after `:`",
        at: SourceRange(start: start, end: start + 1),
        hint: "commands look like `:help`"
      )
    }
    while let next = character(at: position), next.isWhitespace, !next.isNewline { position += 1 }
    let argumentsStart = position
    var argumentsEnd = position
    // The rest of the line; inside a block, up to the `}` that closes it, so that
    // `for i in 0..<3 { :show x }` works (brackets and strings of the argument are skipped over).
    var depth = 0
    var quote: Character?
    while let next = character(at: position), !next.isNewline {
      if let open = quote {
        if next == open { quote = nil }
      } else if next == "\"" || next == "'" {
        quote = next
      } else if next == "(" || next == "[" || next == "{" {
        depth += 1
      } else if next == ")" || next == "]" || next == "}" {
        if next == "}" && depth == 0 && isInsideBlock { break }
        depth -= 1
      }
      position += 1
      if !next.isWhitespace { argumentsEnd = position }
    }
    let argumentsRange = SourceRange(start: argumentsStart, end: argumentsEnd)
    return Token(
      .command(name: name, arguments: source[argumentsRange], argumentsRange: argumentsRange),
      range: SourceRange(start: start, end: argumentsRange.count == 0 ? nameEnd : argumentsEnd)
    )
  }
}
