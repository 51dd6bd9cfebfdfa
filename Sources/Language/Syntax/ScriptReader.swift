/// Reads a script the way a shell fed its lines one by one runs it: the statements of one line
/// at a time, parsed only when asked for.
///
/// A statement may go on over several lines (an open bracket, a trailing operator, a block)
/// and `;` puts several on one line; all the statements up to the line break that ends them
/// are read together, so a line that fails to parse has had none of its statements read.
///
/// Run as it is read (``Interpreter/run(_:stoppingBefore:each:)``), a script holds the syntax
/// trees of one line at a time instead of the whole script's: for many small statements the
/// trees take as much memory as the graph they record (`make bench`, case 4).
public struct ScriptReader {
  private var parser: Parser
  /// The statements of the line read last.
  public private(set) var statements: [Statement] = []
  /// Where the line read last begins (with the blank lines and comments before it), as an
  /// offset in the source's UTF-8; after a syntax error, where the line that failed to parse
  /// begins. A reader of the rest line by line goes on from there.
  public private(set) var offset = 0
  /// Where the line read last ends: the next one begins there.
  private var end = 0
  /// The syntax error that stopped the reader: it reads no further.
  private var failure: SyntaxError?

  /// A reader at the start of `source`; throws when the script's first token cannot be read.
  public init(_ source: SourceText) throws(SyntaxError) {
    parser = try Parser(source)
  }

  /// The script being read.
  public var source: SourceText { parser.source }

  /// The line that begins at ``offset``.
  public var line: Int { parser.source.line(of: offset) }

  /// Reads into ``statements`` the statements that begin on the next line holding any (with the
  /// lines they go on over); false at the end of the script. After a syntax error ``statements``
  /// is empty, and reading again throws the same error.
  public mutating func readLine() throws(SyntaxError) -> Bool {
    if let failure { throw failure }
    // Emptied one by one, as the interpreter empties its undo log (and for the same reasons).
    while !statements.isEmpty { statements.removeLast() }
    offset = end
    do {
      return try readStatements()
    } catch {
      while !statements.isEmpty { statements.removeLast() }
      failure = error
      throw error
    }
  }

  private mutating func readStatements() throws(SyntaxError) -> Bool {
    try parser.skipSeparators()
    while true {
      switch parser.token.kind {
      case .endOfInput:
        return false
      case .symbol(.rightBrace):
        throw parser.strayCloser() ?? parser.unexpected("unexpected `}`")
      default:
        statements.append(try parser.parseStatement())
      }
      guard parser.token.kind.endsStatement else { throw parser.unexpectedAfterStatement() }
      try parser.skipSemicolons()
      guard parser.token.kind == .newline || parser.token.kind == .endOfInput else {
        continue  // another statement on the same line, after `;`
      }
      end = parser.token.range.end
      return true
    }
  }
}
