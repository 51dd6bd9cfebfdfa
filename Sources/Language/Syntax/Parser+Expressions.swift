// Operators are parsed by precedence climbing: one loop takes every binary operator that
// binds tighter than its caller's, so an operand is reached in a few calls rather than
// through one function per level. Python's table, loosest first:
//   or < and < not < comparisons < + - < * / @ < unary - + < ** < postfix . () [] < atoms
// Every operator that can recurse or chain counts against `Parser.maximumDepth`, so junk
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
    try parseOperators(tighterThan: nil)
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

  /// An operand and every binary operator after it that binds tighter than `bound` (any
  /// operator when nil), with their own operands. `+ - * / @ and or` associate to the left,
  /// `**` to the right; comparisons do not chain: `a < b < c` is an error.
  mutating func parseOperators(tighterThan bound: Expr.Precedence?) throws(SyntaxError) -> Expr {
    let saved = depth
    defer { depth = saved }
    var lhs = try parsePrefixed(tighterThan: bound)
    while let op = currentBinaryOperator, bound.map({ op.precedence > $0 }) ?? true, !atAugmentedAssignment {
      let opToken = try advance()
      // A left-associative chain is this loop; `**` associates to the right, by recursion, so it
      // counts as a bracket does.
      if !op.isComparison {
        try nest(at: opToken.range, chain: op != .power)
      }
      try skipNewlinesAfterOperator()
      // The exponent of `**` may itself be a power (right to left) or carry a sign: `2 ** -1`.
      let rhs = try parseOperators(tighterThan: op == .power ? .unary : op.precedence)
      if op.isComparison, let second = currentBinaryOperator, second.isComparison {
        throw chainedComparison(lhs, op, rhs, second)
      }
      lhs = Expr(.binary(op, lhs, rhs, operatorRange: opToken.range), range: lhs.range.to(rhs.range))
    }
    return lhs
  }

  /// `not x` (looser than comparisons: `not a == b` is `not (a == b)`), `-x` and `+x` (tighter
  /// than products, looser than powers: `-2**2` is `-(2**2)`), or a postfix expression, as far
  /// as `bound` allows a prefix operator here.
  mutating func parsePrefixed(tighterThan bound: Expr.Precedence?) throws(SyntaxError) -> Expr {
    let op: UnaryOperator
    switch token.kind {
    case .keyword(.not) where bound.map({ $0 <= .not }) ?? true: op = .not
    case .symbol(.minus) where bound.map({ $0 <= .unary }) ?? true: op = .negate
    case .symbol(.plus) where bound.map({ $0 <= .unary }) ?? true: op = .plus
    default: return try parsePostfix()
    }
    let saved = depth
    defer { depth = saved }
    let opToken = try advance()
    try nest(at: opToken.range)
    try skipNewlinesAfterOperator()
    let operand = try parseOperators(tighterThan: op == .not ? .not : .unary)
    return Expr(.unary(op, operand), range: opToken.range.to(operand.range))
  }

  /// Whether the current token is an arithmetic operator written right before `=`, as in
  /// `w -= lr * dw`: an augmented assignment, which ends the expression on its left.
  var atAugmentedAssignment: Bool {
    guard case .symbol(let symbol) = token.kind, let op = symbol.binaryOperator, op.isArithmetic else { return false }
    let bytes = source.utf8, end = token.range.end
    return end < bytes.count && bytes[end] == UInt8(ascii: "=") && (end + 1 == bytes.count || bytes[end + 1] != UInt8(ascii: "="))
  }

  /// The error for `a < b < c`, with a hint that spells the learner's own operands out.
  private func chainedComparison(
    _ lhs: Expr, _ op: BinaryOperator, _ rhs: Expr, _ second: BinaryOperator
  ) -> SyntaxError {
    // Parse the third operand on a copy, only to write the hint with the learner's own words.
    var lookahead = self
    let third = (try? lookahead.parseOperandAfterComparison()).map { source[$0.range] } ?? "…"
    let (a, b) = (source[lhs.range], source[rhs.range])
    return SyntaxError(
      "comparison operators cannot be chained", at: token.range,
      hint: "write `\(a) \(op.symbol) \(b) and \(b) \(second.symbol) \(third)`")
  }

  private mutating func parseOperandAfterComparison() throws(SyntaxError) -> Expr {
    try advance()
    try skipNewlinesAfterOperator()
    return try parseOperators(tighterThan: .comparison)
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
