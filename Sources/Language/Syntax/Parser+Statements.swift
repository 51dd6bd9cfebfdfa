extension Parser {
  // MARK: - Programs and blocks

  mutating func parseProgram() throws(SyntaxError) -> [Statement] {
    try parseStatements(in: nil)
  }

  /// Statements separated by line breaks or `;`, up to the end of input (top level)
  /// or up to the `}` that closes `block` (left for the caller to consume).
  mutating func parseStatements(in block: Token?) throws(SyntaxError) -> [Statement] {
    var statements: [Statement] = []
    while true {
      try skipSeparators()
      switch token.kind {
      case .endOfInput:
        if let block { throw expectedClosing(block) }
        return statements
      case .symbol(.rightBrace):
        if block != nil { return statements }
        throw strayCloser() ?? unexpected("unexpected `}`")
      default:
        statements.append(try parseStatement())
        guard token.kind.endsStatement else { throw unexpectedAfterStatement() }
      }
    }
  }

  /// `{ statements }`, returning the statements and the closing `}`.
  mutating func parseBlock(after context: String) throws(SyntaxError) -> (
    body: [Statement], end: Token
  ) {
    guard token.kind.is(.leftBrace) else {
      if token.kind.is(.assign) { throw misplacedAssign() }
      let hint = token.kind.is(.colon) ? "Backstep uses braces, not `:`; write `{ ... }`" : nil
      throw unexpected("expected `{` after \(context)", hint: hint)
    }
    let opener = try open(.leftBrace)
    let body = try parseStatements(in: opener)
    let closer = try close(opener)
    return (body, closer)
  }

  // MARK: - Statements

  mutating func parseStatement() throws(SyntaxError) -> Statement {
    switch token.kind {
    case .command:
      let command = try advance()
      let (nameRange, argumentsRange) = Lexer.commandParts(of: command.range, in: source)
      return Statement(
        .command(name: source[nameRange], arguments: source[argumentsRange], argumentsRange: argumentsRange),
        range: command.range)
    case .keyword(.for):
      return try parseFor()
    case .keyword(.if):
      return try parseIf()
    case .keyword(.def):
      return try parseDefinition()
    case .keyword(.return):
      return try parseReturn()
    case .keyword(.else):
      throw unexpected(
        "`else` without a matching `if`",
        hint: "write `else` on the same line as the `}` that closes the `if` block")
    default:
      return try parseAssignmentOrExpression()
    }
  }

  /// `x = e`, `h, c = e`, `x += e`, or an expression on its own.
  mutating func parseAssignmentOrExpression() throws(SyntaxError) -> Statement {
    if token.kind == .identifier, isFollowedByAssign(token.range.end) {
      // `name = e`, the commonest statement, without parsing its name as an expression first.
      let name = try advance()
      try advance()
      let value = try parseExpressionList()
      let targets = AssignmentTargets(Name(source[name.range], range: name.range))
      return Statement(.assign(targets: targets, value: value), range: name.range.to(value.range))
    }
    let target = try parseExpressionList()
    if atAugmentedAssignment {
      return try parseAugmentedAssignment(of: target)
    }
    guard token.kind.is(.assign) else {
      return Statement(.expression(target), range: target.range)
    }
    let targets = try assignmentTargets(target)
    try advance()
    let value = try parseExpressionList()
    return Statement(.assign(targets: targets, value: value), range: target.range.to(value.range))
  }

  /// Whether `=`, not `==`, comes next after `offset`, past spaces and tabs only.
  private func isFollowedByAssign(_ offset: Int) -> Bool {
    let bytes = source.utf8
    var position = offset
    while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") { position += 1 }
    return position < bytes.count && bytes[position] == UInt8(ascii: "=")
      && (position + 1 == bytes.count || bytes[position + 1] != UInt8(ascii: "="))
  }

  /// `w -= lr * dw`, which is `w = w - lr * dw` keeping w's shape, as in Python (`+ - * / @ **` combine with `=`).
  mutating func parseAugmentedAssignment(of target: Expr) throws(SyntaxError) -> Statement {
    guard case .symbol(let symbol) = token.kind, let op = symbol.binaryOperator else {
      throw SyntaxError("internal error: `\(source[token.range])` is not an operator", at: token.range)
    }
    let opToken = try advance()
    let spelling = "\(op.symbol)="
    guard case .name(let name) = target.kind else {
      if case .tuple(let items) = target.kind {
        let names = items.map(\.sourceText)
        throw SyntaxError(
          "`\(spelling)` updates one name; cannot update several names", at: target.range,
          hint: "update each on its own: " + names.map { "\($0) \(spelling) …" }.joined(separator: "; "))
      }
      throw SyntaxError(
        "`\(spelling)` updates one name; cannot update \(target.describedAsTarget)", at: target.range,
        hint: Self.inPlaceHint(target, update: op, value: valueAfterAssignment())
          ?? "write it out, as in `y = \(target.sourceText) \(op.symbol) ...`")
    }
    try advance()  // the `=`
    let value = try parseExpression()
    let combined = Expr(.binary(op, target, value, operatorRange: opToken.range), range: target.range.to(value.range))
    return Statement(.update(target: Name(name, range: target.range), value: combined), range: target.range.to(value.range))
  }

  /// For `W[0, 1] = v` or `W[0] += d`: tensors are values, as in JAX, so the new tensor is written
  /// out with scatter (which adds at a subscript given as text). Nil for other targets.
  /// `value` is the right side as written, when it parses (the hint then pastes as it is);
  /// otherwise the hint says `v` (or `d` for an update).
  /// `update` is the operator of `W[0] += d` (nil for `=`).
  static func inPlaceHint(_ target: Expr, update: BinaryOperator?, value: String? = nil) -> String? {
    // The right side as written (a placeholder when it does not parse), bracketed where an update's
    // operator applies to it.
    let written = value ?? (update != nil ? "change" : "value")
    let operand = written.contains(where: { " +-*/@%<>=!".contains($0) }) ? "(\(written))" : written
    /// The new value of `old`: the right side, or for an update `old` combined with it.
    func updated(_ old: String) -> String { update.map { "\(old) \($0.symbol) \(operand)" } ?? written }
    guard case .subscript(let base, let items) = target.kind else { return nil }
    guard case .name(let tensor) = base.kind else {
      return "tensors are not changed in place here (as in JAX): build the new tensor with put(…) or where(…) and assign it to its name"
    }
    // x[x > 0] = v: a mask picks the entries, so where writes the new tensor.
    if items.count == 1, case .index(let mask) = items[0].kind, case .binary(let op, _, _, _) = mask.kind, op.isComparison {
      let new = updated(tensor)
      return "tensors are not changed in place here (as in JAX): \(tensor) = where(\(mask.sourceText), \(new), \(tensor)) "
        + "puts \(new) where the condition holds"
    }
    // x[[0, 2]] = v: put takes a subscript, not a list of indices; one put per index.
    if items.count == 1, case .index(let list) = items[0].kind, case .list(let indices) = list.kind, !indices.isEmpty,
      indices.allSatisfy(\.isIntegerLiteral)
    {
      let puts = indices.map { index in
        "\(tensor) = put(\(tensor), \"\(index.sourceText)\", \(updated("\(tensor)[\(index.sourceText)]")))"
      }
      return "tensors are not changed in place here (as in JAX), and put writes at one subscript: "
        + puts.joined(separator: "; ")
    }
    let whole = target.sourceText
    guard whole.hasPrefix(tensor + "["), whole.hasSuffix("]") else { return nil }
    let index = whole.dropFirst(tensor.count + 1).dropLast()
    // put writes the new values exactly (JAX's x.at[index].set(values)).
    let put = "tensors are not changed in place here (as in JAX): write the new one, "
      + "\(tensor) = put(\(tensor), \"\(index)\", \(updated(whole)))"
    // x[m] = v: m may be an index or a 0/1 mask, which only the value tells.
    if items.count == 1, case .index(let named) = items[0].kind, case .name(let name) = named.kind {
      return put + ", or if \(name) is a 0/1 mask, \(tensor) = where(\(name), \(updated(tensor)), \(tensor))"
    }
    return put
  }

  /// The right side of the assignment whose operator (`=`, or `+` then `=`) is the current token,
  /// as written, read on a copy of the parser: for hints that paste as they are.
  func valueAfterAssignment() -> String? {
    var lookahead = self
    guard (try? lookahead.advance()) != nil else { return nil }
    if lookahead.token.kind.is(.assign), (try? lookahead.advance()) == nil { return nil }
    guard let value = try? lookahead.parseExpressionList(), lookahead.token.kind.endsStatement else { return nil }
    return source[value.range]
  }

  /// The names on the left of `=`: one name, or names separated by commas.
  func assignmentTargets(_ target: Expr) throws(SyntaxError) -> AssignmentTargets {
    if case .name(let name) = target.kind { return AssignmentTargets(Name(name, range: target.range)) }
    var elements = [target]
    if case .tuple(let items) = target.kind, !items.isEmpty { elements = items }
    var names: [Name] = []
    for element in elements {
      guard case .name(let name) = element.kind else {
        throw SyntaxError(
          "cannot assign to \(element.describedAsTarget)", at: element.range,
          hint: Self.inPlaceHint(element, update: nil, value: valueAfterAssignment())
            ?? "only names can be assigned, as in `y = \(element.sourceText)`")
      }
      if names.contains(where: { $0.text == name }) {
        throw SyntaxError("`\(name)` appears twice on the left of `=`", at: element.range)
      }
      names.append(Name(name, range: element.range))
    }
    return AssignmentTargets(names)
  }

  /// `for i in 0..<n { ... }`, `for i in 0..n { ... }`, or Python's `for i in range(n) { ... }`.
  mutating func parseFor() throws(SyntaxError) -> Statement {
    let forToken = try advance()
    let example =
      "write `for i in 0..<n { ... }` (n excluded) or `for i in 0..n { ... }` (n included)"
    guard token.kind == .identifier else {
      throw unexpected("expected a loop variable name after `for`", hint: example)
    }
    let name = source[token.range]
    let variable = Name(name, range: try advance().range)
    guard token.kind.is(.in) else {
      throw unexpected("expected `in` after the loop variable `\(name)`", hint: example)
    }
    try advance()
    let first = try parseExpression()
    let range: (start: Expr, end: Expr, inclusive: Bool)
    switch token.kind {
    case .symbol(.halfOpenRange), .symbol(.closedRange):
      let inclusive = token.kind.is(.closedRange)
      try advance()
      range = (first, try parseExpression(), inclusive)
    case .symbol(.ellipsis):
      throw unexpected("unexpected `...` in the range of a `for` loop", hint: example)
    default:
      guard case .call(let callee, let arguments) = first.kind, callee == .name("range") else {
        throw unexpected("expected `..<` or `..` in the range of a `for` loop", hint: example)
      }
      // Python's `range(n)` and `range(a, b)` are `0..<n` and `a..<b`.
      guard (1...2).contains(arguments.count), arguments.allSatisfy({ $0.label == nil }) else {
        throw SyntaxError(
          "a `for` loop takes range(n) or range(a, b)", at: first.range,
          hint: "for other steps, compute from the loop variable: `for k in 0..<n { i = a + k * step; … }`")
      }
      let start = arguments.count == 2 ? arguments[0].value : Expr(.number(0), range: first.range)
      range = (start, arguments[arguments.count - 1].value, false)
    }
    let (body, closer) = try parseBlock(after: "the range of a `for` loop")
    return Statement(
      .forLoop(variable: variable, start: range.start, end: range.end, inclusive: range.inclusive, body: body),
      range: forToken.range.to(closer.range))
  }

  /// `if c { ... }`, optionally followed by `else { ... }` or `else if ...`.
  mutating func parseIf() throws(SyntaxError) -> Statement {
    let ifToken = try advance()
    let saved = depth
    defer { depth = saved }
    try nest(at: ifToken.range)
    let condition = try parseExpression()
    let (then, thenEnd) = try parseBlock(after: "the condition of `if`")
    var end = thenEnd.range
    var elseBody: [Statement]? = nil
    try skipLineBreaksBeforeElse()
    if token.kind.is(.else) {
      try advance()
      if token.kind.is(.if) {
        let nested = try parseIf()
        elseBody = [nested]
        end = nested.range
      } else {
        let (body, closer) = try parseBlock(after: "`else`")
        elseBody = body
        end = closer.range
      }
    }
    return Statement(
      .ifElse(condition: condition, then: then, else: elseBody), range: ifToken.range.to(end))
  }

  /// Lets `else` start the line after the `}` of an `if` block.
  mutating func skipLineBreaksBeforeElse() throws(SyntaxError) {
    guard token.kind == .newline else { return }
    var lookahead = lexer
    var next = token
    while next.kind == .newline { next = try lookahead.next() }
    if next.kind.is(.else) {
      lexer = lookahead
      token = next
    }
  }

  /// `def f(a, b) = e` or `def f(a, b) { ... }`.
  mutating func parseDefinition() throws(SyntaxError) -> Statement {
    let defToken = try advance()
    guard token.kind == .identifier else {
      throw unexpected("expected a function name after `def`", hint: "write `def f(x) = x * 2`")
    }
    let name = source[token.range]
    let functionName = Name(name, range: try advance().range)
    let shapes =
      "write `def \(name)(x) = expression` or `def \(name)(x) { ...; return expression }`"
    guard token.kind.is(.leftParen) else {
      throw unexpected("expected `(` after the function name `\(name)`", hint: shapes)
    }
    let opener = try open(.leftParen)
    var parameters: [Name] = []
    while !token.kind.is(.rightParen) {
      guard token.kind == .identifier else {
        if token.kind == .endOfInput { throw expectedClosing(opener) }
        throw unexpected("expected a parameter name, found \(found)")
      }
      let parameter = source[token.range]
      if parameters.contains(where: { $0.text == parameter }) {
        throw unexpected("parameter `\(parameter)` appears twice")
      }
      parameters.append(Name(parameter, range: try advance().range))
      if try accept(.comma) == nil { break }
    }
    try close(opener, separating: "parameters")
    functionDepth += 1
    defer { functionDepth -= 1 }
    if try accept(.assign) != nil {
      let value = try parseExpressionList()
      return Statement(
        .functionDefinition(name: functionName, parameters: parameters, body: .expression(value)),
        range: defToken.range.to(value.range))
    }
    guard token.kind.is(.leftBrace) else {
      throw unexpected("expected `=` or `{` after the parameters of `\(name)`", hint: shapes)
    }
    let (body, closer) = try parseBlock(after: "the parameters of `\(name)`")
    return Statement(
      .functionDefinition(name: functionName, parameters: parameters, body: .block(body)),
      range: defToken.range.to(closer.range))
  }

  /// `return` or `return e`, only inside a function body.
  mutating func parseReturn() throws(SyntaxError) -> Statement {
    let returnToken = try advance()
    guard functionDepth > 0 else {
      throw SyntaxError(
        "`return` outside a function", at: returnToken.range,
        hint: "`return` ends the body of a `def`")
    }
    if token.kind.endsStatement {
      return Statement(.return(nil), range: returnToken.range)
    }
    let value = try parseExpressionList()
    return Statement(.return(value), range: returnToken.range.to(value.range))
  }
}

extension Expr {
  /// A whole number as written, `2` or `-1`: an index that put can take as it is.
  fileprivate var isIntegerLiteral: Bool {
    switch kind {
    case .number(let x): x == x.rounded(.towardZero) && x.isFinite
    case .unary(let op, let operand): op == .negate && operand.isIntegerLiteral
    default: false
    }
  }
}
