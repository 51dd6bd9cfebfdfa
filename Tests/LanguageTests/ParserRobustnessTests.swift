import Testing
import Tensors

@testable import Language

@Suite("Parser: junk input ends in errors, never crashes")
struct ParserRobustnessTests {
  static let tooDeep = "expression nested too deeply (more than 200 levels)"

  @Test(arguments: ["(", "[", "-", "not ", "f(", "x[", "2 ** "])
  func tenThousandNestedOpenersGiveAnError(opener: String) throws {
    let source = "x = " + String(repeating: opener, count: 10_000) + "1"
    let error = try #require(syntaxError(source))
    #expect(error.message == Self.tooDeep)
    #expect(error.isIncomplete == false)
  }

  @Test func closedNestingIsLimitedToo() throws {
    let source = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
    #expect(syntaxError(source)?.message == Self.tooDeep)
    #expect(
      syntaxError(String(repeating: "if x {", count: 500) + String(repeating: "}", count: 500))?
        .message
        == Self.tooDeep)
  }

  /// A chain (`a + b + …`, `x.T.T…`) is parsed by a loop, but its tree is as deep as it is long:
  /// 1,000 operators are allowed (a generated sum, :derive's lines for a long RNN), 5,000 are not.
  @Test func longChainsAreLimitedSoTreesStayShallow() throws {
    let tooLong = "expression too long: more than 1000 operators in one chain (with its brackets)"
    let sum = "x = " + Array(repeating: "1", count: 5_000).joined(separator: " + ")
    let error = try #require(syntaxError(sum))
    #expect(error.message == tooLong)
    #expect(error.hint?.hasPrefix("split it with intermediate variables") == true)
    #expect(syntaxError("y = x" + String(repeating: ".T", count: 5_000))?.message == tooLong)
    // Each subscript's bracket also counts while it is open: the limit is met at one of them.
    #expect(syntaxError("y = x" + String(repeating: "[0]", count: 5_000))?.message == Self.tooDeep)
    let long = Array(repeating: "1", count: 900).joined(separator: " + ")
    #expect(try tensor(long) == Tensor(900))
  }

  @Test func exactlyTheLimitStillParses() throws {
    let nested = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
    #expect(try Parser.parseExpression(nested) == .number(1))
    let tooMany = "(" + nested + ")"
    #expect(syntaxError(tooMany)?.message == Self.tooDeep)
    let chain = Array(repeating: "a", count: 150).joined(separator: " + ")
    #expect(try Parser.parseExpression(chain).sourceText == chain)
  }

  @Test func randomTokenSoupNeverCrashes() {
    let pieces = [
      "x", "1", "2.5", ".5", "'s'", "\"", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "..",
      "..<", "...",
      "+", "-", "*", "/", "**", "@", "=", "==", "!=", "<", ">=", "\n", " ", "#c\n", "for", "in",
      "if", "else",
      "def", "return", "and", "or", "not", "None", "true", ":cmd a", "$", "é", "\t", "\\",
    ]
    var generator = SyntaxFuzzGenerator(state: 2024)
    var parsed = 0
    var failed = 0
    for _ in 0..<3_000 {
      let count = Int.random(in: 1...40, using: &generator)
      let source = (0..<count).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
      if let error = syntaxError(source) {
        failed += 1
        let text = SourceText(source)
        #expect(
          error.range.start >= 0 && error.range.end <= text.utf8.count,
          "\(source.debugDescription)")
        #expect(!render(error, in: text).isEmpty)
      } else {
        parsed += 1
      }
    }
    #expect(parsed + failed == 3_000)
    #expect(failed > 2_000)
  }

  @Test func everyPrefixInsideABlockAsksForMore() throws {
    let source = """
      def loss(w, b) {
        z = x @ w.T + b[None, :]
        return mean((sigmoid(z) - y) ** 2, axis=-1)
      }
      """
    #expect(try parsedStatements(source).count == 1)
    let characters = Array(source)
    let firstInside = try #require(characters.firstIndex(of: "{")) + 1
    let lastInside = try #require(characters.lastIndex(of: "}"))
    var notAskingForMore: [String] = []
    for end in firstInside...lastInside {
      let prefix = String(characters[..<end])
      if syntaxError(prefix)?.isIncomplete != true {
        notAskingForMore.append(prefix)
      }
    }
    #expect(notAskingForMore == [])
  }
}
