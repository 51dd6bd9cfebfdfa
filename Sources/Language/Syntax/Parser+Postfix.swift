extension Parser {
  // MARK: - Postfix: attributes, calls, subscripts

  /// An atom followed by any number of `.name`, `(arguments)` and `[items]`.
  mutating func parsePostfix() throws(SyntaxError) -> Expr {
    let saved = depth
    defer { depth = saved }
    var expr = try parseAtom()
    while true {
      switch token.kind {
      case .symbol(.dot):
        let dot = try advance()
        try nest(at: dot.range, chain: true)
        guard token.kind == .identifier else {
          throw unexpected(
            "expected an attribute name after `.`", hint: "for example `x.T` or `x.shape`")
        }
        let nameToken = try advance()
        expr = Expr(
          .attribute(expr, name: source[nameToken.range], nameRange: nameToken.range),
          range: expr.range.to(nameToken.range))
      case .symbol(.leftParen):
        expr = try parseCall(expr)
        try nest(at: expr.range, chain: true)
      case .symbol(.leftBracket):
        expr = try parseSubscript(expr)
        try nest(at: expr.range, chain: true)
      default:
        return expr
      }
    }
  }

  /// `f(a, b, key=value)`: positional arguments, then keyword arguments.
  mutating func parseCall(_ callee: Expr) throws(SyntaxError) -> Expr {
    let opener = try open(.leftParen)
    var arguments: [Argument] = []
    while !token.kind.is(.rightParen) {
      let value = try parseExpression()
      if token.kind.is(.assign) {
        // Only a bare name may stand before `=`; `f((a)=1)` or `f(a+b=1)` meant `==`.
        guard case .name(let label) = value.kind, value.range.count == label.count else {
          throw misplacedAssign()
        }
        if arguments.contains(where: { $0.label == label }) {
          throw SyntaxError("keyword argument `\(label)` given twice", at: value.range)
        }
        try advance()
        let keywordValue = try parseExpression()
        arguments.append(Argument(label: label, labelRange: value.range, value: keywordValue))
      } else {
        if arguments.last?.label != nil {
          throw SyntaxError(
            "positional argument after keyword argument", at: value.range,
            hint: "put positional arguments first, as in `f(x, axis=1)`")
        }
        arguments.append(Argument(value: value))
      }
      if try accept(.comma) == nil { break }
    }
    let closer = try close(opener, separating: "arguments")
    return Expr(.call(callee: callee, arguments: arguments), range: callee.range.to(closer.range))
  }

  /// `x[i, 1:3, ::2, None, ...]`.
  mutating func parseSubscript(_ base: Expr) throws(SyntaxError) -> Expr {
    let opener = try open(.leftBracket)
    var items: [SubscriptItem] = []
    while !token.kind.is(.rightBracket) {
      items.append(try parseSubscriptItem())
      if try accept(.comma) == nil { break }
    }
    if items.isEmpty, token.kind.is(.rightBracket) {
      throw SyntaxError(
        "expected an index inside `[]`", at: opener.range.to(token.range),
        hint: "for example `x[0]`, `x[1:3]` or `x[:, 0]`")
    }
    let closer = try close(opener, separating: "indices")
    return Expr(.subscript(base, items), range: base.range.to(closer.range))
  }

  /// One index, slice `start:stop:step` (each part optional), `None` or `...`.
  mutating func parseSubscriptItem() throws(SyntaxError) -> SubscriptItem {
    var start: Expr? = nil
    if !token.kind.is(.colon) {
      let index = try parseExpression()
      guard token.kind.is(.colon) else {
        switch index.kind {
        case .noneLiteral: return SubscriptItem(.newAxis, range: index.range)
        case .ellipsis: return SubscriptItem(.ellipsis, range: index.range)
        default: return SubscriptItem(.index(index), range: index.range)
        }
      }
      start = index
    }
    let firstColon = try advance()
    var range = (start?.range ?? firstColon.range).to(firstColon.range)
    var stop: Expr? = nil
    var step: Expr? = nil
    if !endsSlicePart(allowingColon: true) {
      stop = try parseExpression()
      range = range.to(stop?.range ?? range)
    }
    if let secondColon = try accept(.colon) {
      range = range.to(secondColon.range)
      if !endsSlicePart(allowingColon: false) {
        step = try parseExpression()
        range = range.to(step?.range ?? range)
      }
    }
    return SubscriptItem(.slice(start: start, stop: stop, step: step), range: range)
  }

  private func endsSlicePart(allowingColon: Bool) -> Bool {
    token.kind.is(.comma) || token.kind.is(.rightBracket)
      || (allowingColon && token.kind.is(.colon))
  }

  // MARK: - Atoms

  /// A literal, a name, a parenthesized expression or tuple, or a list.
  mutating func parseAtom() throws(SyntaxError) -> Expr {
    let kind: ExprKind
    switch token.kind {
    case .number(let value): kind = .number(value)
    case .string: kind = .string(Lexer.stringValue(of: token.range, in: source))
    case .identifier: kind = .name(source[token.range])
    case .keyword(.true): kind = .bool(true)
    case .keyword(.false): kind = .bool(false)
    case .keyword(.noneLiteral): kind = .noneLiteral
    case .symbol(.ellipsis): kind = .ellipsis
    case .symbol(.leftParen): return try parseParenthesized()
    case .symbol(.leftBracket): return try parseList()
    default: throw expectedExpression()
    }
    return Expr(kind, range: try advance().range)
  }

  /// `(e)`, `()`, `(a,)` or `(a, b)`. A parenthesized expression's range includes the parentheses.
  mutating func parseParenthesized() throws(SyntaxError) -> Expr {
    let opener = try open(.leftParen)
    var elements: [Expr] = []
    var isTuple = token.kind.is(.rightParen)
    while !token.kind.is(.rightParen) {
      elements.append(try parseExpression())
      guard try accept(.comma) != nil else { break }
      isTuple = true
    }
    let closer = try close(opener, separating: "elements")
    let range = opener.range.to(closer.range)
    if !isTuple, let only = elements.first {
      return Expr(only.kind, range: range)
    }
    return Expr(.tuple(elements), range: range)
  }

  /// `[a, b, [c]]`, trailing comma allowed.
  mutating func parseList() throws(SyntaxError) -> Expr {
    let opener = try open(.leftBracket)
    var elements: [Expr] = []
    while !token.kind.is(.rightBracket) {
      elements.append(try parseExpression())
      if try accept(.comma) == nil { break }
    }
    let closer = try close(opener, separating: "elements")
    return Expr(.list(elements), range: opener.range.to(closer.range))
  }

  /// The error when an expression should start at the current token.
  func expectedExpression() -> SyntaxError {
    if let previous, previous.kind.isOperator {
      return unexpected("expected an expression after `\(source[previous.range])`")
    }
    if token.kind == .endOfInput, let opener = openBrackets.last {
      return expectedClosing(opener)
    }
    let introducers: [Token.Kind] = [
      .symbol(.assign), .symbol(.comma), .symbol(.colon), .symbol(.leftParen),
      .symbol(.leftBracket),
      .symbol(.halfOpenRange), .symbol(.closedRange), .keyword(.in), .keyword(.if),
      .keyword(.return),
    ]
    let braceHint = "braces only enclose the body of `if`, `for` or `def`; lists use `[ ]`"
    let hint = token.kind.is(.leftBrace) ? braceHint : nil
    if let previous, introducers.contains(previous.kind) {
      return unexpected("expected an expression after `\(source[previous.range])`", hint: hint)
    }
    if case .symbol(let symbol) = token.kind,
      [.rightParen, .rightBracket, .rightBrace].contains(symbol)
    {
      if let opener = openBrackets.last { return expectedClosing(opener) }
      return strayCloser() ?? unexpected("unexpected \(found)")
    }
    return unexpected("expected an expression, found \(found)", hint: hint)
  }
}
