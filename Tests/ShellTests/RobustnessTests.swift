import Foundation
import Testing
import Tensors
@testable import Language
@testable import Shell

/// Whatever is typed, the session answers with records and never crashes.
@Suite("Robustness against any input")
struct RobustnessTests {
  /// Words, numbers, operators and brackets the soup is made of (no command that writes files).
  static let vocabulary: [String] = [
    "x", "y", "W", "L", "foo", "sum", "mean", "max", "grad", "vjp", "reshape", "transpose", "matmul", "tensordot",
    "zeros", "ones", "randn", "eye", "arange", "where", "concat", "stack", "diag_part", "scatter", "exp", "log",
    "relu", "sigmoid", "expand_dims", "squeeze", "broadcast_to", "axis", "keepdims", "True", "true", "None",
    "0", "1", "2", "3", "-1", "0.5", "1e3", "1e308", "nan", "\"bi,bi->b\"", "\"", "'",
    "+", "-", "*", "/", "**", "@", "=", "==", "<", ">", "!=", ",", ":", ";", ".", ".T", ".shape", "...", "..<",
    "(", ")", "[", "]", "{", "}", "#", "\n", "for", "in", "if", "else", "def", "return", "and", "or", "not",
    ":backward", ":derive", ":trace", ":check", ":graph", ":cost", ":explain", ":vars", ":help", ":set", "wrt", "vs",
  ]

  func session() -> Transcript {
    let t = Transcript(json: true)
    t.type("x = [[1, 2, 3], [4, 5, 6]]; y = [1, 2, 3]; W = randn(3, 2); L = sum(relu(x @ W))")
    return t
  }

  @Test func randomTokenSoupGivesRecordsNotCrashes() {
    let t = session()
    var generator = RandomGenerator(seed: 42)
    for _ in 0..<1500 {
      let count = Int(generator.next() % 12) + 1
      let line = (0..<count).map { _ in Self.vocabulary[Int(generator.next() % UInt64(Self.vocabulary.count))] }
        .joined(separator: generator.next() % 3 == 0 ? "" : " ")
      let output = t.type(line)
      t.session.cancelPending()
      for record in output.split(separator: "\n") {
        #expect(record.hasPrefix("{"), "not a JSON record for `\(line)`: \(record)")
      }
    }
  }

  @Test(arguments: [
    String(repeating: "(", count: 10_000), String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
    String(repeating: "-", count: 10_000) + "1", "x" + String(repeating: ".T", count: 10_000),
    String(repeating: "1 + ", count: 5_000) + "1", "def f(n) = f(n)\nf(1)", String(repeating: "{", count: 10_000),
  ])
  func deepNestingIsAnErrorRecord(_ line: String) throws {
    let t = session()
    for (number, text) in line.split(separator: "\n").enumerated() { t.session.feed(String(text), lineNumber: number + 1) }
    t.session.finish()
    let records = t.output.split(separator: "\n")
    #expect(!records.isEmpty)
    let last = try #require(records.last)
    #expect(last.contains("\"error\""), "\(last.prefix(200))")
  }

  /// The lessons' own statements with characters dropped, doubled and swapped.
  @Test func mutatedLessonStatementsGiveRecords() {
    var statements: [String] = []
    for lesson in course.lessons {
      for step in lesson.steps {
        if case .statements(let list) = step { statements += list.map(\.text) }
      }
    }
    #expect(!statements.isEmpty)
    var generator = RandomGenerator(seed: 7)
    let t = session()
    for statement in statements {
      for _ in 0..<4 {
        var characters = Array(statement)
        guard !characters.isEmpty else { continue }
        let i = Int(generator.next() % UInt64(characters.count))
        switch generator.next() % 3 {
        case 0: characters.remove(at: i)
        case 1: characters.insert(characters[i], at: i)
        default: characters.swapAt(i, Int(generator.next() % UInt64(characters.count)))
        }
        let mutated = String(characters)
        if mutated.hasPrefix(":load") || mutated.hasPrefix(":trans") || mutated.hasPrefix(":less") || mutated.contains("--") { continue }
        let output = t.type(mutated)
        t.session.cancelPending()
        for record in output.split(separator: "\n") { #expect(record.hasPrefix("{"), "\(mutated)") }
      }
    }
  }

  @Test func hugeAllocationsFailAtOnce() {
    let t = session()
    let output = t.type("zeros(100000000, 100000000)")
    #expect(output.contains("over the limit"))
    #expect(t.type("x").contains("\"shape\": [2, 3]"))  // the session is unchanged
  }
}
