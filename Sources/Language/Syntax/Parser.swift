/// Parses Backstep source into statements and expressions (recursive descent, one token of lookahead).
public struct Parser {
  /// How deeply brackets, prefix operators and blocks may nest before parsing stops.
  public static let maximumDepth = 200
  /// How many operators a chain may hold (`a + b + …`, `x.T.T…`): each nests the tree one level
  /// too, but a level of a chain costs a fifth of a bracket's (a generated sum of 1,000 terms parses).
  public static let maximumChain = 1000
  /// A bracket's weight in ``depth``, which counts chain operators as one.
  static let bracketWeight = maximumChain / maximumDepth

  /// Parses a program: statements separated by line breaks or `;`.
  public static func parse(_ source: String) throws(SyntaxError) -> [Statement] {
    try parse(SourceText(source))
  }

  /// Parses a program whose text is already split for diagnostics.
  public static func parse(_ source: SourceText) throws(SyntaxError) -> [Statement] {
    var parser = try Parser(source)
    return try parser.parseProgram()
  }

  /// Parses a single expression, with nothing but blank lines and comments around it.
  public static func parseExpression(_ source: String) throws(SyntaxError) -> Expr {
    try parseExpression(SourceText(source))
  }

  /// Parses a single expression whose text is already split for diagnostics.
  public static func parseExpression(_ source: SourceText) throws(SyntaxError) -> Expr {
    var parser = try Parser(source)
    try parser.skipSeparators(semicolons: false)
    let expression = try parser.parseExpression()
    try parser.skipSeparators(semicolons: false)
    guard parser.token.kind == .endOfInput else {
      throw parser.unexpectedAfterStatement()
    }
    return expression
  }

  // MARK: - State

  let source: SourceText
  var lexer: Lexer
  /// The current token, not yet consumed.
  var token: Token
  /// The last consumed token other than skipped line breaks; positions errors at end of line.
  var previous: Token?
  /// Brackets opened and not yet closed, innermost last, for "expected `)` to close `(`".
  var openBrackets: [Token] = []
  /// Current nesting: ``bracketWeight`` per bracket, prefix operator or block, one per chain operator.
  var depth = 0
  /// How many function bodies enclose the current statement (`return` needs one).
  var functionDepth = 0

  init(_ source: SourceText) throws(SyntaxError) {
    self.source = source
    self.lexer = Lexer(source)
    self.token = try lexer.next()
  }

  // MARK: - Tokens

  /// Consumes the current token and returns it.
  @discardableResult
  mutating func advance() throws(SyntaxError) -> Token {
    let consumed = token
    previous = consumed
    token = try lexer.next()
    return consumed
  }

  /// Consumes the current token if it is `symbol`.
  mutating func accept(_ symbol: Token.Symbol) throws(SyntaxError) -> Token? {
    token.kind.is(symbol) ? try advance() : nil
  }

  /// Skips line breaks (and `;` when asked), keeping ``previous`` on the last real token.
  mutating func skipSeparators(semicolons: Bool = true) throws(SyntaxError) {
    while token.kind == .newline || (semicolons && token.kind.is(.semicolon)) {
      token = try lexer.next()
    }
  }

  /// Skips `;`s but not line breaks (a script is run a line at a time), keeping ``previous`` too.
  mutating func skipSemicolons() throws(SyntaxError) {
    while token.kind.is(.semicolon) { token = try lexer.next() }
  }

  /// Skips line breaks after an operator, so `x = a +` continues on the next line.
  mutating func skipNewlinesAfterOperator() throws(SyntaxError) {
    while token.kind == .newline { token = try lexer.next() }
  }

  /// Opens a bracket: consumes it, remembers it and counts a nesting level.
  mutating func open(_ symbol: Token.Symbol) throws(SyntaxError) -> Token {
    try nest(at: token.range)
    let opener = try advance()
    openBrackets.append(opener)
    return opener
  }

  /// Closes the innermost bracket, or reports what was found instead (with a hint to separate
  /// the `items` with commas, when the bracket holds a list of them).
  @discardableResult
  mutating func close(_ opener: Token, separating items: String? = nil) throws(SyntaxError) -> Token {
    guard case .symbol(let symbol) = opener.kind, let closing = symbol.closing else {
      throw SyntaxError(
        "internal error: `\(source[opener.range])` is not a bracket", at: opener.range)
    }
    guard token.kind.is(closing) else {
      // The hint is only written when needed: building it for every bracket closed was a measurable cost.
      let hint = token.kind == .keyword(.for)
        ? "comprehensions are not supported: write the whole computation, e.g. arange(3) * 2, or a loop with append"
        : items.flatMap { token.kind == .endOfInput ? nil : "separate \($0) with `,`" }
      throw expectedClosing(opener, hint: hint)
    }
    openBrackets.removeLast()
    depth -= Self.bracketWeight
    return try advance()
  }

  /// Counts one nesting level, failing past ``maximumDepth`` levels (or ``maximumChain`` chain
  /// operators). Callers restore ``depth`` when done.
  mutating func nest(at range: SourceRange, chain: Bool = false) throws(SyntaxError) {
    depth += chain ? 1 : Self.bracketWeight
    guard depth <= Self.maximumChain else {
      throw SyntaxError(
        chain ? "expression too long: more than \(Self.maximumChain) operators in one chain (with its brackets)"
          : "expression nested too deeply (more than \(Self.maximumDepth) levels)",
        at: range,
        hint: chain ? "split it with intermediate variables: s1 = a + b + …, then s1 + …" : nil
      )
    }
  }

  // MARK: - Errors

  /// Where an error about the current token points: at the token, or just after the previous
  /// token when the current one is a line break or the end of input.
  var currentErrorRange: SourceRange {
    switch token.kind {
    case .newline, .endOfInput:
      let end = previous?.range.end ?? token.range.start
      return SourceRange(start: end, end: end)
    default:
      return token.range
    }
  }

  /// An error about the current token; incomplete when the input ended inside a bracket or after an operator.
  func unexpected(_ message: String, hint: String? = nil) -> SyntaxError {
    let ranOut = token.kind == .endOfInput
    let stillOpen = !openBrackets.isEmpty || previous?.kind.isOperator == true
    return SyntaxError(
      message, at: currentErrorRange, hint: hint, isIncomplete: ranOut && stillOpen)
  }

  /// How the current token is named in messages.
  var found: String {
    token.kind.describe(in: source, range: token.range)
  }

  /// "expected `)` to close `(` at line 1:4", or a more specific message for `=`.
  func expectedClosing(_ opener: Token, hint: String? = nil) -> SyntaxError {
    if token.kind.is(.assign) {
      return misplacedAssign()
    }
    if atAugmentedAssignment {
      return augmentedAssignmentInside()
    }
    let closing =
      opener.kind == .symbol(.leftParen) ? ")" : opener.kind == .symbol(.leftBracket) ? "]" : "}"
    let location = source.location(of: opener.range.start)
    return unexpected(
      "expected `\(closing)` to close `\(source[opener.range])` at line \(location)", hint: hint)
  }

  /// `f(w += 1)`: an augmented assignment where an expression goes on.
  func augmentedAssignmentInside() -> SyntaxError {
    let spelling = "\(source[token.range])="
    return unexpected(
      "`\(spelling)` updates a name, in a statement of its own", hint: "write `w \(spelling) ...` on its own line")
  }

  /// "unexpected `=`; did you mean `==`?"
  func misplacedAssign() -> SyntaxError {
    unexpected("unexpected `=`; did you mean `==`?", hint: "`=` assigns to a name; `==` compares")
  }

  /// "unexpected `)` without a matching `(`" when the current token is a closing bracket.
  func strayCloser() -> SyntaxError? {
    let pairs: [Token.Symbol: String] = [.rightParen: "(", .rightBracket: "[", .rightBrace: "{"]
    guard case .symbol(let symbol) = token.kind, let opening = pairs[symbol] else { return nil }
    return unexpected("unexpected `\(symbol.rawValue)` without a matching `\(opening)`")
  }

  /// The error for a token left over after a complete statement.
  func unexpectedAfterStatement() -> SyntaxError {
    if token.kind.is(.assign) {
      return misplacedAssign()
    }
    if atAugmentedAssignment {
      return augmentedAssignmentInside()
    }
    if let previous, previous.kind == .identifier, ["import", "from"].contains(source[previous.range]) {
      return SyntaxError(
        "Backstep has no `\(source[previous.range])`: its functions are built in", at: previous.range,
        hint: "write sum(x), tanh(x), randn(3, 4) as they are; `:help` lists them all")
    }
    if let stray = strayCloser() {
      return stray
    }
    return unexpected(
      "unexpected \(found) after the end of the statement",
      hint: "separate statements with `;` or a line break"
    )
  }
}
