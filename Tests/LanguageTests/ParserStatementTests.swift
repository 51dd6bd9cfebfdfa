import Testing

@testable import Language

@Suite("Parser: statements")
struct ParserStatementTests {
  @Test func assignment() throws {
    let statements = try parsedStatements("loss = sum(y - t) ** 2")
    #expect(
      statements == [
        Statement(
          .assign(
            targets: ["loss"],
            value: .binary(
              .power, .call("sum", [.binary(.subtract, .name("y"), .name("t"))]), .number(2))))
      ])
    #expect(statements[0].range == SourceRange(start: 0, end: 22))
    guard case .assign(let targets, _) = statements[0].kind else {
      Issue.record("not an assignment")
      return
    }
    #expect(targets[0].range == SourceRange(start: 0, end: 4))
  }

  /// `name = e` is parsed without first parsing its name as an expression: the same statement,
  /// ranges and errors as every other assignment, however it is spaced.
  @Test func aNameAssignedParsesAsEveryAssignmentDoes() throws {
    for (source, nameEnd) in [("x = y + 1", 1), ("x=y + 1", 1), ("x \t= y + 1", 1), ("θ1 = y + 1", 3)] {
      let statements = try parsedStatements(source)
      let name = String(source.prefix(while: { $0 != " " && $0 != "=" }))
      #expect(statements == [Statement(.assign(targets: [Name(name)], value: .binary(.add, .name("y"), .number(1))))])
      guard case .assign(let targets, let value) = statements[0].kind else { continue }
      #expect(targets.map(\.range) == [SourceRange(start: 0, end: nameEnd)] && value.range.end == source.utf8.count)
      #expect(statements[0].range == SourceRange(start: 0, end: source.utf8.count))
    }
    // Not assignments of a name: a comparison, an update, a keyword, a name in brackets.
    #expect(try parsedStatements("x == 1") == [Statement(.expression(.binary(.equal, .name("x"), .number(1))))])
    #expect(try parsedStatements("x <= 1").first?.sourceText == "x <= 1")
    #expect(try parsedStatements("x += 1") == [Statement(.update(target: "x", value: .binary(.add, .name("x"), .number(1))))])
    #expect(syntaxError("None = 1") != nil && syntaxError("(x) = 1") == nil)
    // A missing or wrong value is an error at its place (not a continuation: see the incomplete-input tests).
    #expect(syntaxError("x =")?.isIncomplete == false && syntaxError("x = # later")?.isIncomplete == false)
    #expect(syntaxError("x = )").map { ($0.message, $0.range.start) } ?? ("", 0) == ("expected an expression after `=`", 4))
  }

  @Test func augmentedAssignmentIsTheOperatorAppliedToTheName() throws {
    // As in Python: `w -= lr * dw` is an update of w to `w - lr * dw`, for + - * / @ and **.
    #expect(
      try parsedStatements("w -= lr * dw") == [
        Statement(.update(target: "w", value: .binary(.subtract, .name("w"), .binary(.multiply, .name("lr"), .name("dw")))))
      ])
    for op in [BinaryOperator.add, .subtract, .multiply, .divide, .remainder, .floorDivide, .matmul, .power] {
      let parsed = try parsedStatements("x \(op.symbol)= 2")
      #expect(parsed == [Statement(.update(target: "x", value: .binary(op, .name("x"), .number(2))))])
      #expect(parsed.first?.sourceText == "x \(op.symbol)= 2")
    }
    // Comparisons stay comparisons, and `=` after an operator elsewhere is a keyword's value.
    #expect(try parsedStatements("x <= 2") == [Statement(.expression(.binary(.lessEqual, .name("x"), .number(2))))])
    #expect(try parsedStatements("f(a=-1)") == [Statement(.expression(.call("f", [], keywords: ["a": .unary(.negate, .number(1))])))])
    let statements = try parsedStatements("for i in 0..<3 { w += 1 }")
    guard case .forLoop(_, _, _, _, let body) = statements[0].kind, case .update(let target, _) = body[0].kind else {
      Issue.record("not a loop with an update")
      return
    }
    #expect(target == "w")
    #expect(body[0].range == SourceRange(start: 17, end: 23))
  }

  @Test func pythonRangesAreLoopRanges() throws {
    // `for i in range(n)` is `for i in 0..<n`, `range(a, b)` is `a..<b`.
    #expect(
      try parsedStatements("for i in range(n) { x }") == [
        Statement(.forLoop(variable: "i", start: .number(0), end: .name("n"), inclusive: false, body: [Statement(.expression(.name("x")))]))
      ])
    #expect(
      try parsedStatements("for i in range(2, n + 1) {}") == [
        Statement(.forLoop(variable: "i", start: .number(2), end: .binary(.add, .name("n"), .number(1)), inclusive: false, body: []))
      ])
  }

  @Test func tupleAssignment() throws {
    let statements = try parsedStatements("h, c = step(x, h, c)")
    #expect(
      statements == [
        Statement(
          .assign(targets: ["h", "c"], value: .call("step", [.name("x"), .name("h"), .name("c")])))
      ])
    guard case .assign(let targets, _) = statements[0].kind else {
      Issue.record("not an assignment")
      return
    }
    #expect(targets.map(\.range) == [SourceRange(start: 0, end: 1), SourceRange(start: 3, end: 4)])
    // One name is held in place, several in an array: both compare by their names in order.
    #expect(AssignmentTargets(Name("h")) == ["h"] && targets != ["h"] && targets != ["c", "h"] && Array(targets.map(\.text)) == ["h", "c"])
    #expect(
      try parsedStatements("a, b = b, a") == [
        Statement(.assign(targets: ["a", "b"], value: .tuple([.name("b"), .name("a")])))
      ])
  }

  @Test func expressionStatement() throws {
    #expect(
      try parsedStatements("x.T @ w") == [
        Statement(.expression(.binary(.matmul, .attribute(.name("x"), "T"), .name("w"))))
      ])
  }

  @Test func statementsSeparatedBySemicolonsAndLineBreaks() throws {
    let statements = try parsedStatements("\n# setup\nx = 1; y = 2;\n\n  z = x + y  # sum\n;;")
    #expect(statements.map(\.sourceText) == ["x = 1", "y = 2", "z = x + y"])
    #expect(
      statements.map(\.range) == [
        SourceRange(start: 9, end: 14), SourceRange(start: 16, end: 21),
        SourceRange(start: 26, end: 35),
      ])
    #expect(try parsedStatements("") == [])
    #expect(try parsedStatements("  # only a comment\n\n") == [])
  }

  @Test func commandKeepsTheRawRestOfTheLine() throws {
    let statements = try parsedStatements("x = 2\n:backward L -v; not code\nx")
    #expect(statements.count == 3)
    #expect(
      statements[1].kind
        == .command(name: "backward", arguments: "L -v; not code", argumentsRange: .empty))
    guard case .command(_, _, let argumentsRange) = statements[1].kind else {
      Issue.record("not a command")
      return
    }
    #expect(argumentsRange == SourceRange(start: 16, end: 30))
    #expect(
      SourceText("x = 2\n:backward L -v; not code\nx").location(of: argumentsRange.start).column
        == 11)
    #expect(
      try parsedStatements("x = 1; :show x; y") == [
        Statement(.assign(targets: ["x"], value: .number(1))),
        Statement(.command(name: "show", arguments: "x; y", argumentsRange: .empty)),
      ])
  }

  @Test func forLoops() throws {
    let statements = try parsedStatements(
      "for i in 0..<10 {\n  s = s + i\n}\nfor j in 1..n {\n  :show j\n}")
    #expect(
      statements == [
        Statement(
          .forLoop(
            variable: "i", start: .number(0), end: .number(10), inclusive: false,
            body: [Statement(.assign(targets: ["s"], value: .binary(.add, .name("s"), .name("i"))))]
          )),
        Statement(
          .forLoop(
            variable: "j", start: .number(1), end: .name("n"), inclusive: true,
            body: [Statement(.command(name: "show", arguments: "j", argumentsRange: .empty))])),
      ])
    #expect(
      statements.map(\.range) == [SourceRange(start: 0, end: 31), SourceRange(start: 32, end: 59)])
    #expect(
      try parsedStatements("for k in a + 1..<b * 2 {}") == [
        Statement(
          .forLoop(
            variable: "k", start: .binary(.add, .name("a"), .number(1)),
            end: .binary(.multiply, .name("b"), .number(2)), inclusive: false, body: []))
      ])
  }

  @Test func ifElseChains() throws {
    let source = """
      if x > 0 { y = 1 } else if x < 0 {
        y = -1
      }
      else { y = 0 }
      """
    let statements = try parsedStatements(source)
    let inner = Statement(
      .ifElse(
        condition: .binary(.less, .name("x"), .number(0)),
        then: [Statement(.assign(targets: ["y"], value: .unary(.negate, .number(1))))],
        else: [Statement(.assign(targets: ["y"], value: .number(0)))]))
    #expect(
      statements == [
        Statement(
          .ifElse(
            condition: .binary(.greater, .name("x"), .number(0)),
            then: [Statement(.assign(targets: ["y"], value: .number(1)))],
            else: [inner]))
      ])
    #expect(statements[0].range == SourceRange(start: 0, end: 60))
    #expect(
      try parsedStatements("if ok { f(x) }") == [
        Statement(
          .ifElse(
            condition: .name("ok"), then: [Statement(.expression(.call("f", [.name("x")])))],
            else: nil))
      ])
  }

  @Test func functionDefinitions() throws {
    #expect(
      try parsedStatements("def f(a, b) = a * b + 1") == [
        Statement(
          .functionDefinition(
            name: "f", parameters: ["a", "b"],
            body: .expression(.binary(.add, .binary(.multiply, .name("a"), .name("b")), .number(1)))
          ))
      ])
    let statements = try parsedStatements(
      "def sigmoid(z) {\n  e = exp(-z)\n  return 1 / (1 + e)\n}")
    #expect(
      statements == [
        Statement(
          .functionDefinition(
            name: "sigmoid", parameters: ["z"],
            body: .block([
              Statement(
                .assign(targets: ["e"], value: .call("exp", [.unary(.negate, .name("z"))]))),
              Statement(
                .return(.binary(.divide, .number(1), .binary(.add, .number(1), .name("e"))))),
            ])))
      ])
    #expect(
      try parsedStatements("def nothing() { return }") == [
        Statement(
          .functionDefinition(
            name: "nothing", parameters: [], body: .block([Statement(.return(nil))])))
      ])
    guard case .functionDefinition(let name, let parameters, _) = statements[0].kind else {
      Issue.record("not a definition")
      return
    }
    #expect(name.range == SourceRange(start: 4, end: 11))
    #expect(parameters.map(\.range) == [SourceRange(start: 12, end: 13)])
  }

  @Test(arguments: [
    ("f(x) = 1", "cannot assign to a function call", 1),
    ("x[0] = 1", "cannot assign to a subscript", 1),
    ("x.T = w", "cannot assign to an attribute", 1),
    ("a, 2 = t", "cannot assign to a literal", 4),
    ("a, a = t", "`a` appears twice on the left of `=`", 4),
    ("x = 1 2", "unexpected number `2` after the end of the statement", 7),
    ("x = y = 1", "unexpected `=`; did you mean `==`?", 7),
    ("if a = b { }", "unexpected `=`; did you mean `==`?", 6),
    ("if a { } else", "expected `{` after `else`", 14),
    ("if x: y", "expected `{` after the condition of `if`", 5),
    ("else { }", "`else` without a matching `if`", 1),
    ("for 1 in x", "expected a loop variable name after `for`", 5),
    ("for i = 0", "expected `in` after the loop variable `i`", 7),
    ("for i in range(0, 9, 3) { }", "a `for` loop takes range(n) or range(a, b)", 10),
    ("for i in 0...3 { }", "unexpected `...` in the range of a `for` loop", 11),
    ("def (x) = x", "expected a function name after `def`", 5),
    ("def f x", "expected `(` after the function name `f`", 7),
    ("def f(x, 1) = x", "expected a parameter name, found number `1`", 10),
    ("def f(x, x) = x", "parameter `x` appears twice", 10),
    ("def f(x): x", "expected `=` or `{` after the parameters of `f`", 9),
    ("return 1", "`return` outside a function", 1),
    ("x = )", "expected an expression after `=`", 5),
    (")", "unexpected `)` without a matching `(`", 1),
    ("}", "unexpected `}` without a matching `{`", 1),
    ("x = 1 ]", "unexpected `]` without a matching `[`", 7),
  ])
  func statementErrors(source: String, message: String, column: Int) throws {
    let error = try #require(syntaxError(source))
    #expect(error.message == message)
    #expect(SourceText(source).location(of: error.range.start).column == column)
    #expect(error.isIncomplete == false)
  }
}
