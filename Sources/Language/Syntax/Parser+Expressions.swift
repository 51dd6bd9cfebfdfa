// Precedence climbs from `or` (loosest) to atoms (tightest), as in Python:
//   or < and < not < comparisons < + - < * / @ < unary - + < ** < postfix . () [] < atoms
// Every level that can recurse or chain counts against `Parser.maximumDepth`, so junk
// input such as 10,000 `(` or `-` ends in an error rather than a stack overflow.

extension Parser {
  /// Expressions separated by commas; two or more (or a trailing comma) make a tuple without parentheses.
  mutating func parseExpressionList() throws(SyntaxError) -> Expr {
    let first = try parseExpression()
    guard token.kind.is(.comma) else { return first }
    var elements = [first]
    var end = first.range
    while let comma = try accept(.comma) {
      end = comma.range
      if token.kind.endsStatement || token.kind.is(.assign) { break }
      let next = try parseExpression()
      elements.append(next)
      end = next.range
    }
    return Expr(.tuple(elements), range: first.range.to(end))
  }

  /// A full expression, down from `or`.
  mutating func parseExpression() throws(SyntaxError) -> Expr {
    try parseChain(.or)
  }

  /// The binary operator spelled by the current token, if any.
  var currentBinaryOperator: BinaryOperator? {
    switch token.kind {
    case .symbol(let symbol): symbol.binaryOperator
    case .keyword(.and): .and
    case .keyword(.or): .or
    default: nil
    }
  }

  /// A left-associative chain at `level` (`or`, `and`, `+ -` or `* / @`).
  mutating func parseChain(_ level: Expr.Precedence) throws(SyntaxError) -> Expr {
    let saved = depth
    defer { depth = saved }
    var lhs = try parseOperand(of: level)
    while let op = currentBinaryOperator, op.precedence == level {
      let opToken = try advance()
      try nest(at: opToken.range, chain: true)
      try skipNewlinesAfterOperator()
      let rhs = try parseOperand(of: level)
      lhs = Expr(
        .binary(op, lhs, rhs, operatorRange: opToken.range), range: lhs.range.to(rhs.range))
    }
    return lhs
  }

  /// The operands of a chain: the next tighter level.
  mutating func parseOperand(of level: Expr.Precedence) throws(SyntaxError) -> Expr {
    switch level {
    case .or: try parseChain(.and)
    case .and: try parseNot()
    case .additive: try parseChain(.multiplicative)
    default: try parseUnary()
    }
  }

  /// `not x`, binding looser than comparisons: `not a == b` is `not (a == b)`.
  mutating func parseNot() throws(SyntaxError) -> Expr {
    guard token.kind.is(.not) else { return try parseComparison() }
    let saved = depth
    defer { depth = saved }
    let notToken = try advance()
    try nest(at: notToken.range)
    try skipNewlinesAfterOperator()
    let operand = try parseNot()
    return Expr(.unary(.not, operand), range: notToken.range.to(operand.range))
  }

  /// `a < b`, one comparison at most: `a < b < c` is an error.
  mutating func parseComparison() throws(SyntaxError) -> Expr {
    let lhs = try parseChain(.additive)
    guard let op = currentBinaryOperator, op.isComparison else { return lhs }
    let opToken = try advance()
    try skipNewlinesAfterOperator()
    let rhs = try parseChain(.additive)
    if let second = currentBinaryOperator, second.isComparison {
      // Parse the third operand on a copy, only to write the hint with the learner's own words.
      var lookahead = self
      let third = (try? lookahead.parseChainAfterOperator()).map { source[$0.range] } ?? "…"
      let (a, b) = (source[lhs.range], source[rhs.range])
      throw SyntaxError(
        "comparison operators cannot be chained", at: token.range,
        hint: "write `\(a) \(op.symbol) \(b) and \(b) \(second.symbol) \(third)`")
    }
    return Expr(.binary(op, lhs, rhs, operatorRange: opToken.range), range: lhs.range.to(rhs.range))
  }

  private mutating func parseChainAfterOperator() throws(SyntaxError) -> Expr {
    try advance()
    try skipNewlinesAfterOperator()
    return try parseChain(.additive)
  }

  /// `-x`, `+x`; the operand may itself be unary, or a power: `-2**2` is `-(2**2)`.
  mutating func parseUnary() throws(SyntaxError) -> Expr {
    let op: UnaryOperator
    switch token.kind {
    case .symbol(.minus): op = .negate
    case .symbol(.plus): op = .plus
    default: return try parsePower()
    }
    let saved = depth
    defer { depth = saved }
    let opToken = try advance()
    try nest(at: opToken.range)
    try skipNewlinesAfterOperator()
    let operand = try parseUnary()
    return Expr(.unary(op, operand), range: opToken.range.to(operand.range))
  }

  /// `a ** b`, right-associative; the exponent is a unary expression, so `2 ** -1` works.
  mutating func parsePower() throws(SyntaxError) -> Expr {
    let base = try parsePostfix()
    guard token.kind.is(.power) else { return base }
    let saved = depth
    defer { depth = saved }
    let opToken = try advance()
    try nest(at: opToken.range, chain: true)
    try skipNewlinesAfterOperator()
    let exponent = try parseUnary()
    return Expr(
      .binary(.power, base, exponent, operatorRange: opToken.range),
      range: base.range.to(exponent.range))
  }
}

extension Expr {
  /// How an invalid assignment target is named in "cannot assign to …".
  var describedAsTarget: String {
    switch kind {
    case .call: "a function call"
    case .subscript: "a subscript"
    case .attribute: "an attribute"
    case .number, .string, .bool, .noneLiteral, .ellipsis: "a literal"
    case .list: "a list"
    case .tuple(let items) where items.isEmpty: "an empty tuple"
    case .tuple: "a tuple inside a tuple"
    case .binary(let op, _, _, _) where op.isComparison: "a comparison"
    default: "an expression"
    }
  }
}
