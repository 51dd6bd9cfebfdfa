import Testing

@testable import Language

@Suite("Parser: incomplete input for continuation prompts")
struct ParserIncompleteInputTests {
  @Test(arguments: [
    "x = [1, 2,",
    "for i in 0..<3 {",
    "for i in 0..<3 {\n  s = s + i\n",
    "x = (1 +",
    "x = 1 +",
    "x = 1 +\n",
    "y = a and",
    "y = 2 **",
    "f(a,\n  b",
    "f(axis=",
    "x[1:",
    "def f(a, b) {",
    "def f(a,",
    "if x > 0 { y = 1 } else {",
    "s = \"unterminated",
    "m = [[1, 2],\n     [3, 4]",
    "x = -",
    "x = not",
  ])
  func incomplete(source: String) throws {
    let error = try #require(syntaxError(source))
    #expect(error.isIncomplete, "\(error.message)")
  }

  @Test(arguments: [
    "x = )",
    "x = 1 2",
    "x =",
    "if x",
    "for i in",
    "def f",
    "x = [1, 2 3",
    "f(1))",
    "x = $ (",
    ":",
    "if a = b {",
    "a < b < (c",
    // As in Python, a string ends on its line: a missing quote is an error, not a continuation.
    "s = 'spans\nlines'",
  ])
  func notIncomplete(source: String) throws {
    let error = try #require(syntaxError(source))
    #expect(!error.isIncomplete, "\(error.message)")
  }

  @Test func continuationCompletesTheInput() throws {
    #expect(
      try parsedStatements("x = [1, 2,\n3]") == [
        Statement(.assign(targets: ["x"], value: .list([.number(1), .number(2), .number(3)])))
      ])
    #expect(
      try parsedStatements("x = 1 +\n2") == [
        Statement(.assign(targets: ["x"], value: .binary(.add, .number(1), .number(2))))
      ])
  }

  @Test func incompleteErrorsNameWhatIsMissing() throws {
    #expect(syntaxError("x = [1, 2,")?.message == "expected `]` to close `[` at line 1:5")
    #expect(syntaxError("for i in 0..<3 {")?.message == "expected `}` to close `{` at line 1:16")
    #expect(syntaxError("x = 1 +")?.message == "expected an expression after `+`")
    #expect(syntaxError("f(a,\n  b")?.message == "expected `)` to close `(` at line 1:2")
  }
}
