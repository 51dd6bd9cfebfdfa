import Testing

@testable import Language

@Suite("Printer: canonical source with minimal parentheses")
struct SyntaxPrinterTests {
  @Test(arguments: [
    ("(a + b) * c", "(a + b) * c"),
    ("a - (b - c)", "a - (b - c)"),
    ("(a - b) - c", "a - b - c"),
    ("-x ** 2", "-x ** 2"),
    ("-(x ** 2)", "-x ** 2"),
    ("(-x) ** 2", "(-x) ** 2"),
    ("2 ** 3 ** 2", "2 ** 3 ** 2"),
    ("2 ** (3 ** 2)", "2 ** 3 ** 2"),
    ("(2 ** 3) ** 2", "(2 ** 3) ** 2"),
    ("2**-1", "2 ** -1"),
    ("a*(b@c)", "a * (b @ c)"),
    ("f(a,axis=1)", "f(a, axis=1)"),
    ("x[0,1:3,::2]", "x[0, 1:3, ::2]"),
    ("x[ : , None , ... ]", "x[:, None, ...]"),
    ("x.T", "x.T"),
    ("(x + 1).T", "(x + 1).T"),
    ("(2).T", "(2).T"),
    ("(-x).T", "(-x).T"),
    ("[1,2]", "[1, 2]"),
    ("(1,)", "(1,)"),
    ("()", "()"),
    ("2.0", "2"),
    ("1e-3", "0.001"),
    (".5", "0.5"),
    ("1e20", "1e+20"),
    ("123456789.125", "123456789.125"),
    ("'it\\'s'", "\"it's\""),
    ("not (a and b)", "not (a and b)"),
    ("(not a) and b", "not a and b"),
    ("not a == b", "not a == b"),
    ("(a == b) == c", "(a == b) == c"),
    ("a < (b < c)", "a < (b < c)"),
    ("(a or b) and c", "(a or b) and c"),
    ("a or (b or c)", "a or (b or c)"),
    ("- -x", "--x"),
    ("-(a + b)", "-(a + b)"),
    ("(a, b)[0]", "(a, b)[0]"),
    ("f(x)(y)", "f(x)(y)"),
  ])
  func prints(source: String, expected: String) throws {
    #expect(try Parser.parseExpression(source).sourceText == expected)
  }

  static let roundTrip = [
    "-2 ** 2", "2 ** -x ** 2", "(a + b) * (c - d) / e", "x @ w.T + b", "dz @ x.T", "a - b - c",
    "a - (b - c)",
    "a / (b * c)", "(a * b) / c", "-(-x)", "+x", "not not a or b and not c",
    "(a or b) and (c or d)",
    "a + b < c * d", "(a < b) == (c < d)", "x[0]", "x[-1, ::-1]", "x[1:3:2, :, None, ...]",
    "x[:n - 1]",
    "f()", "f(a, b, axis=-1, keepdims=true)", "f(g(h(x)))", "f(x)[0].T.shape", "[[1, 2], [3, 4]]",
    "[]",
    "[1, [2, [3, []]]]", "(1,)", "((1, 2), (3,))", "()", "'a\\nb'", "\"quote \\\" and \\\\\"",
    "None", "...",
    "true and false", "0.1 + 0.2", "1e-7", "6.02e23", "(2).T", "(-x) ** 2", "(2 ** 3) ** 2",
    "mean((y - t) ** 2)", "sum(exp(z), axis=1, keepdims=true)",
    "log(softmax(x @ w + b))[0, labels]",
    "relu(x) * (x > 0)", "-x.T @ -y",
  ]

  @Test(arguments: roundTrip)
  func parsePrintParseGivesTheSameTree(source: String) throws {
    let first = try Parser.parseExpression(source)
    let printed = first.sourceText
    let second = try Parser.parseExpression(printed)
    #expect(second == first, "\(source) printed as \(printed)")
    #expect(second.sExpression == first.sExpression)
    #expect(second.sourceText == printed)
  }

  @Test func printsTreesBuiltInCode() {
    let gradient = Expr.binary(.matmul, .name("dz"), .attribute(.name("x"), "T"))
    #expect(gradient.sourceText == "dz @ x.T")
    #expect(
      Expr.call("sum", [gradient], keywords: ["axis": .number(0), "keepdims": .bool(true)])
        .sourceText
        == "sum(dz @ x.T, axis=0, keepdims=true)")
    #expect(
      Expr.binary(.multiply, .binary(.add, .name("a"), .name("b")), .name("c")).sourceText
        == "(a + b) * c")
    #expect(Expr.binary(.power, .number(-2), .number(2)).sourceText == "(-2) ** 2")
    #expect(Expr.binary(.subtract, .name("a"), .number(-0.5)).sourceText == "a - -0.5")
    #expect(Expr.attribute(.number(2), "T").sourceText == "(2).T")
    #expect(
      Expr.subscript(
        .name("x"), [.slice(step: .number(2)), .newAxis, .ellipsis, .index(.number(1))]
      ).sourceText
        == "x[::2, None, ..., 1]")
    #expect(Expr.tuple([.number(1)]).description == "(1,)")
    #expect(Expr.number(.infinity).sourceText == "inf")
  }

  @Test func printsStatements() throws {
    let source = """
      h,c=step( x ,h,c );:show h
      for i in 0 ..< n { if i==0 { s=0 } else if i<3 {s=s+i} else { }
      }
      def f(a) = a*2
      def g(a, b) { c = a@b
      return c.T }
      def nothing() { return }
      """
    let statements = try parsedStatements(source)
    let printed = Statement.sourceText(of: statements)
    #expect(
      printed == """
        h, c = step(x, h, c)
        :show h
        for i in 0..<n {
          if i == 0 {
            s = 0
          } else if i < 3 {
            s = s + i
          } else {}
        }
        def f(a) = a * 2
        def g(a, b) {
          c = a @ b
          return c.T
        }
        def nothing() {
          return
        }
        """)
    #expect(try parsedStatements(printed) == statements)
  }
}
