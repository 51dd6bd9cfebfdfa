import Testing

@testable import Language

@Suite("Reading a script a line at a time")
struct ScriptReaderTests {
  /// Each line's statements, as printed back, and the line each read began on.
  func lines(of script: String) throws -> [(line: Int, statements: [String])] {
    var reader = try ScriptReader(SourceText(script))
    var lines: [(line: Int, statements: [String])] = []
    while try reader.readLine() { lines.append((reader.line, reader.statements.map(\.sourceText))) }
    return lines
  }

  /// The statements of a line come together (`;`), a statement over several lines comes whole,
  /// and the line a read begins on includes the blank lines and comments before it.
  @Test func statementsComeALineAtATime() throws {
    let script = "x = 1; y = 2;\nz = (1 +\n  2)\n\n# note\nfor i in 0..<2 {\n  q = i\n}; w = 3\nv = 4"
    let read = try lines(of: script)
    #expect(read.map(\.line) == [1, 2, 4, 9])
    #expect(read.map(\.statements) == [["x = 1", "y = 2"], ["z = 1 + 2"], ["for i in 0..<2 {\n  q = i\n}", "w = 3"], ["v = 4"]])
    #expect(try lines(of: "").isEmpty && lines(of: "\n# only a comment\n\n").isEmpty)
  }

  /// A line that fails to parse gives none of its statements (not even those before its error),
  /// the reader stays at the start of that line, and reading again fails the same way.
  @Test func aLineThatFailsToParseStopsTheReader() throws {
    let source = SourceText("a = 1\n\nb = 2; c = )\nd = 4\n")
    var reader = try ScriptReader(source)
    #expect(try reader.readLine() && reader.statements.count == 1)
    #expect(throws: SyntaxError.self) { try reader.readLine() }
    #expect(reader.statements.isEmpty)
    #expect(reader.offset == 6 && reader.line == 2)
    let error = #expect(throws: SyntaxError.self) { try reader.readLine() }
    #expect(error?.range.start == source.text.utf8.count - "c = )\nd = 4\n".utf8.count + 4)
    // A stray `}` and junk after a statement are errors too.
    var stray = try ScriptReader(SourceText("x = 1\n}\n"))
    #expect(try stray.readLine())
    #expect(throws: SyntaxError.self) { try stray.readLine() }
    var junk = try ScriptReader(SourceText("x = 1 2\n"))
    #expect(throws: SyntaxError.self) { try junk.readLine() }
  }

  /// The interpreter runs a script as it reads it: a line's statements after the whole line parsed.
  @Test func theInterpreterRunsALineOnceItHasParsed() throws {
    let interpreter = Interpreter()
    var reader = try ScriptReader(SourceText("a = 1\nb = a + 1; c = (\n"))
    var records: [Record] = []
    #expect(throws: SyntaxError.self) { _ = try interpreter.run(&reader) { records.append($0) } }
    #expect(records.map(\.source) == ["a = 1"] && interpreter.lookup("b") == nil)
    // It stops before a line the caller turns down, leaving its statements in the reader.
    var stopping = try ScriptReader(SourceText("d = 1\ne = 2; f = 3\ng = 4"))
    let ended = try interpreter.run(&stopping, stoppingBefore: { $0.count > 1 }) { records.append($0) }
    #expect(!ended && stopping.line == 2 && stopping.statements.count == 2 && interpreter.lookup("e") == nil)
    #expect(records.last?.line == 1 && records.last?.source == "d = 1")
  }
}
