import Testing

@testable import Language

@Suite("Parser: precedence and expression forms")
struct ParserPrecedenceTests {
  @Test(arguments: [
    // Unary minus and `**`
    ("-2**2", "(- (** 2 2))"),
    ("2**-1", "(** 2 (- 1))"),
    ("-x ** 2", "(- (** x 2))"),
    ("(-x) ** 2", "(** (- x) 2)"),
    ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
    ("(2 ** 3) ** 2", "(** (** 2 3) 2)"),
    ("- -x", "(- (- x))"),
    ("+x * -y", "(* (+ x) (- y))"),
    ("2 ** -x ** 2", "(** 2 (- (** x 2)))"),
    // Additive, multiplicative and `@` on one level like Python
    ("a + b * c @ d", "(+ a (@ (* b c) d))"),
    ("a - b - c", "(- (- a b) c)"),
    ("a / b * c", "(* (/ a b) c)"),
    ("a + b % c * d", "(+ a (* (% b c) d))"),
    ("a // b - c", "(- (// a b) c)"),
    ("a @ b @ c", "(@ (@ a b) c)"),
    ("x @ w + b", "(+ (@ x w) b)"),
    ("(a + b) * c", "(* (+ a b) c)"),
    // Comparisons, not, and, or
    ("a < b", "(< a b)"),
    ("a + 1 <= b * 2", "(<= (+ a 1) (* b 2))"),
    ("a == b and c != d", "(and (== a b) (!= c d))"),
    ("not a == b", "(not (== a b))"),
    ("not not x", "(not (not x))"),
    ("a or b and c", "(or a (and b c))"),
    ("a and b or c and d", "(or (and a b) (and c d))"),
    ("a or b or c", "(or (or a b) c)"),
    ("not a and b", "(and (not a) b)"),
    ("x > 0 or -x >= 1", "(or (> x 0) (>= (- x) 1))"),
    ("a and not b or c", "(or (and a (not b)) c)"),
    ("not -x < 1", "(not (< (- x) 1))"),
    ("a < b or c < d", "(or (< a b) (< c d))"),
    ("-a * b", "(* (- a) b)"),
    ("a * b + c * d - e", "(- (+ (* a b) (* c d)) e)"),
    // Postfix binds tightest
    ("-x.T", "(- (. x T))"),
    ("x.T ** 2", "(** (. x T) 2)"),
    ("w.T @ dz", "(@ (. w T) dz)"),
    ("f(x)[0].shape", "(. (index (call f x) 0) shape)"),
    ("f(a, b, axis=1, keepdims=true)", "(call f a b axis=1 keepdims=true)"),
    ("f()", "(call f)"),
    ("f(g(x),)", "(call f (call g x))"),
    ("f(x)(y)", "(call (call f x) y)"),
    ("x[i, 1:3, ::2, -1, None, ...]", "(index x i (slice 1 3 _) (slice _ _ 2) (- 1) None ...)"),
    ("x[:]", "(index x (slice _ _ _))"),
    ("x[::]", "(index x (slice _ _ _))"),
    ("x[1:]", "(index x (slice 1 _ _))"),
    ("x[:n - 1]", "(index x (slice _ (- n 1) _))"),
    ("x[1:2:3]", "(index x (slice 1 2 3))"),
    ("x[0][1]", "(index (index x 0) 1)"),
    ("x[0,]", "(index x 0)"),
    ("(a + b).T", "(. (+ a b) T)"),
    // Atoms
    ("[1, 2, [3, 4],]", "(list 1 2 (list 3 4))"),
    ("[]", "(list)"),
    ("()", "(tuple)"),
    ("(a,)", "(tuple a)"),
    ("(a, b)", "(tuple a b)"),
    ("(a)", "a"),
    ("'hi'", "\"hi\""),
    ("true", "true"),
    ("None", "None"),
    ("...", "..."),
    ("0.5", "0.5"),
    ("1e-3", "0.001"),
  ])
  func parsesInto(source: String, expected: String) {
    #expect(syntaxTree(source) == expected)
  }

  @Test func comparisonsDoNotChain() throws {
    let error = try #require(syntaxError("ok = a < b < c"))
    #expect(error.message == "comparison operators cannot be chained")
    #expect(error.range == SourceRange(start: 11, end: 12))
    #expect(error.hint == "write `a < b and b < c`")
    #expect(error.isIncomplete == false)
  }

  @Test func binaryNodesRememberTheirOperatorRange() throws {
    let expr = try Parser.parseExpression("w.T * dz")
    guard case .binary(let op, let lhs, let rhs, let operatorRange) = expr.kind else {
      Issue.record("expected a binary expression, got \(expr.sExpression)")
      return
    }
    #expect(op == .multiply)
    #expect(operatorRange == SourceRange(start: 4, end: 5))
    #expect(lhs.range == SourceRange(start: 0, end: 3))
    #expect(rhs.range == SourceRange(start: 6, end: 8))
    #expect(expr.range == SourceRange(start: 0, end: 8))
  }

  @Test func nodesCarryRanges() throws {
    let expr = try Parser.parseExpression("f(x, axis=(1))[0, 1:3]")
    #expect(expr.range == SourceRange(start: 0, end: 22))
    guard case .subscript(let call, let items) = expr.kind, case .call(_, let arguments) = call.kind
    else {
      Issue.record("unexpected tree \(expr.sExpression)")
      return
    }
    #expect(call.range == SourceRange(start: 0, end: 14))
    #expect(
      arguments.map(\.range) == [SourceRange(start: 2, end: 3), SourceRange(start: 5, end: 13)])
    #expect(arguments[1].labelRange == SourceRange(start: 5, end: 9))
    #expect(arguments[1].value.range == SourceRange(start: 10, end: 13))
    #expect(
      items.map(\.range) == [SourceRange(start: 15, end: 16), SourceRange(start: 18, end: 21)])
  }

  @Test func parsedTreesEqualTreesBuiltInCode() throws {
    #expect(
      try Parser.parseExpression("dz @ x.T")
        == .binary(.matmul, .name("dz"), .attribute(.name("x"), "T")))
    #expect(
      try Parser.parseExpression("sum(a, axis=1)")
        == .call("sum", [.name("a")], keywords: ["axis": .number(1)]))
    #expect(
      try Parser.parseExpression("x[None, 1:]")
        == .subscript(.name("x"), [.newAxis, .slice(start: .number(1))]))
    #expect(try Parser.parseExpression("-x") != .number(-1))
  }

  @Test(arguments: [
    ("f(axis=1, x)", "positional argument after keyword argument", 11),
    ("f(a=1, a=2)", "keyword argument `a` given twice", 8),
    ("f(a + b = 1)", "unexpected `=`; did you mean `==`?", 9),
    ("x[]", "expected an index inside `[]`", 2),
    ("x.1", "unexpected number `.1` after the end of the statement", 2),
    ("x.", "expected an attribute name after `.`", 3),
    ("1 +", "expected an expression after `+`", 4),
    ("(1 2)", "expected `)` to close `(` at line 1:1", 4),
    ("[1 2]", "expected `]` to close `[` at line 1:1", 4),
  ])
  func expressionErrors(source: String, message: String, column: Int) throws {
    let error = try #require(syntaxError(source))
    #expect(error.message == message)
    #expect(SourceText(source).location(of: error.range.start).column == column)
  }
}
