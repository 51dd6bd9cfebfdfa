import Testing

@testable import Language

@Suite("Diagnostics: rendered as the learner sees them")
struct DiagnosticRenderingTests {
  @Test func rendersMessageLocationCaretAndHint() {
    let source = SourceText("w.T * dz")
    let diagnostic = Diagnostic(
      message:
        "`*` multiplies element-wise; shapes (2, 3) and (3, 5) do not broadcast (axis -1: 3 vs 5)",
      range: SourceRange(start: 4, end: 5),
      hint: "for the matrix product (2, 3) @ (3, 5) -> (2, 5), write w.T @ dz")
    #expect(
      render(diagnostic, in: source) == """
        error: `*` multiplies element-wise; shapes (2, 3) and (3, 5) do not broadcast (axis -1: 3 vs 5)
         --> line 1:5
        1 | w.T * dz
          |     ^
        hint: for the matrix product (2, 3) @ (3, 5) -> (2, 5), write w.T @ dz
        """)
  }

  @Test func underlinesTheRangeOnItsFirstLineAndWidensTheGutter() {
    let source = SourceText(
      (1...11).map { "line\($0)" }.joined(separator: "\n") + "\nz = foo(x)\n  + 1")
    let diagnostic = Diagnostic(
      message: "unknown function `foo`", range: SourceRange(start: 72, end: 86))
    #expect(
      render(diagnostic, in: source) == """
        error: unknown function `foo`
          --> line 12:5
        12 | z = foo(x)
           |     ^~~~~~
        """)
  }

  @Test func keepsTabsSoTheCaretLinesUp() {
    let diagnostic = Diagnostic(message: "m", range: SourceRange(start: 3, end: 4))
    #expect(
      render(diagnostic, in: SourceText("\tx\ty"))
        == "error: m\n --> line 1:4\n1 | \tx\ty\n  | \t \t^")
  }

  @Test func caretsCountCharactersNotBytes() throws {
    // `é` and `×` take two bytes each; the caret stands under the character on screen.
    #expect(
      renderedSyntaxError("é = 2 × 3") == """
        error: unknown character `×`
         --> line 1:7
        1 | é = 2 × 3
          |       ^
        hint: this is a multiplication sign; type `*` (element-wise) or `@` (matrix product)
        """)
  }

  @Test func unexpectedAssignmentInACondition() {
    #expect(
      renderedSyntaxError("if a = b {") == """
        error: unexpected `=`; did you mean `==`?
         --> line 1:6
        1 | if a = b {
          |      ^
        hint: `=` assigns to a name; `==` compares
        """)
  }

  @Test func unclosedParenthesisPointsAtTheEndOfTheLine() {
    #expect(
      renderedSyntaxError("y = f(x, (a + b)\nz = 1") == """
        error: expected `)` to close `(` at line 1:6
         --> line 2:1
        2 | z = 1
          | ^
        hint: separate arguments with `,`
        """)
    #expect(
      renderedSyntaxError("y = (a + b") == """
        error: expected `)` to close `(` at line 1:5
         --> line 1:11
        1 | y = (a + b
          |           ^
        """)
  }

  @Test func unknownCharacter() {
    #expect(
      renderedSyntaxError("loss = (y - t)$2") == """
        error: unknown character `$`
         --> line 1:15
        1 | loss = (y - t)$2
          |               ^
        """)
    #expect(
      renderedSyntaxError("y = x ^ 2") == """
        error: unknown character `^`
         --> line 1:7
        1 | y = x ^ 2
          |       ^
        hint: write `**` for powers, e.g. `x ** 2`
        """)
  }

  @Test func missingOperandAfterAnOperator() {
    #expect(
      renderedSyntaxError("z = x +\n") == """
        error: expected an expression after `+`
         --> line 1:8
        1 | z = x +
          |        ^
        """)
  }

  @Test func chainedComparisonSuggestsAnd() {
    #expect(
      renderedSyntaxError("ok = 0 <= x + 1 < n") == """
        error: comparison operators cannot be chained
         --> line 1:17
        1 | ok = 0 <= x + 1 < n
          |                 ^
        hint: write `0 <= x + 1 and x + 1 < n`
        """)
  }

  @Test func positionalAfterKeywordUnderlinesTheArgument() {
    #expect(
      renderedSyntaxError("s = sum(axis=0, x.T)") == """
        error: positional argument after keyword argument
         --> line 1:17
        1 | s = sum(axis=0, x.T)
          |                 ^~~
        hint: put positional arguments first, as in `f(x, axis=1)`
        """)
  }

  @Test func invalidAssignmentTarget() {
    #expect(
      renderedSyntaxError("x = 1\nf(x) = 2") == """
        error: cannot assign to a function call
         --> line 2:1
        2 | f(x) = 2
          | ^~~~
        hint: only names can be assigned, as in `y = f(x)`
        """)
  }

  @Test func pythonRangeWithAStepGetsAHint() {
    #expect(
      renderedSyntaxError("for i in range(0, 10, 2) {}") == """
        error: a `for` loop takes range(n) or range(a, b)
         --> line 1:10
        1 | for i in range(0, 10, 2) {}
          |          ^~~~~~~~~~~~~~~
        hint: for other steps, compute from the loop variable: `for k in 0..<n { i = a + k * step; … }`
        """)
    #expect(renderedSyntaxError("for i in n {}").hasPrefix("error: expected `..<` or `..` in the range of a `for` loop"))
  }

  @Test func unterminatedStringPointsAtItsQuote() {
    #expect(
      renderedSyntaxError("print(\"hello)") == """
        error: unterminated string starting at line 1:7
         --> line 1:7
        1 | print("hello)
          |       ^
        hint: close it with "
        """)
    // Not closed before the line ends: the statements after it are not read as part of it.
    #expect(
      renderedSyntaxError("print(\"one\")\ny = \"unterminated\nprint(\"after\")") == """
        error: unterminated string: it is not closed on its line
         --> line 2:5
        2 | y = "unterminated
          |     ^
        hint: close it with " before the line ends; \\n writes a line break inside it
        """)
  }

  @Test func errorAtTheEndOfAnEmptyLastLine() {
    #expect(
      renderedSyntaxError("x = 1 +\n\n") == """
        error: expected an expression after `+`
         --> line 1:8
        1 | x = 1 +
          |        ^
        """)
    let diagnostic = Diagnostic(message: "empty", range: .empty)
    #expect(render(diagnostic, in: SourceText("")) == "error: empty\n --> line 1:1\n1 |\n  | ^")
  }

  @Test func augmentedAssignmentUpdatesOneNameInAStatementOfItsOwn() {
    #expect(
      renderedSyntaxError("h, c += 1") == """
        error: `+=` updates one name; cannot update several names
         --> line 1:1
        1 | h, c += 1
          | ^~~~
        hint: update each on its own: h += …; c += …
        """)
    #expect(
      renderedSyntaxError("y = f(w -= 1)") == """
        error: `-=` updates a name, in a statement of its own
         --> line 1:9
        1 | y = f(w -= 1)
          |         ^
        hint: write `w -= ...` on its own line
        """)
    #expect(renderedSyntaxError("x[0] *= 2").hasPrefix("error: `*=` updates one name; cannot update a subscript"))
    #expect(renderedSyntaxError("w += ").hasPrefix("error: expected an expression after `=`"))
  }

  @Test func bracesAreNotLiterals() {
    #expect(
      renderedSyntaxError("x = {1, 2}") == """
        error: expected an expression after `=`
         --> line 1:5
        1 | x = {1, 2}
          |     ^
        hint: braces only enclose the body of `if`, `for` or `def`; lists use `[ ]`
        """)
    #expect(
      renderedSyntaxError("{ x }") == """
        error: expected an expression, found `{`
         --> line 1:1
        1 | { x }
          | ^
        hint: braces only enclose the body of `if`, `for` or `def`; lists use `[ ]`
        """)
  }

  @Test func aChunkOfAScriptKeepsTheScriptsLineNumbers() throws {
    let source = SourceText("x = 1\ny = (x +", firstLine: 9)
    let error = try #require(syntaxError(source.text))
    #expect(source.location(of: 6) == SourceLocation(line: 10, column: 1))
    #expect(source.line(10) == "y = (x +")
    #expect(
      render(error, in: source) == """
        error: expected an expression after `+`
          --> line 10:9
        10 | y = (x +
           |         ^
        """)
  }
}
