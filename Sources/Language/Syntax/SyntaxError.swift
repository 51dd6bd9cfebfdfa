/// A syntax error: what went wrong, where, and whether more input could still fix it.
public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The one-line explanation, e.g. "expected `)` to close `(` at line 1:4".
  public var message: String
  /// The characters the error is about; empty when it points between characters.
  public var range: SourceRange
  /// A suggestion shown on its own `hint:` line, if any.
  public var hint: String?
  /// True when the input stopped too early: inside an open `(`, `[` or `{`, inside a string,
  /// or right after an operator. A shell shows a continuation prompt instead of the error.
  public var isIncomplete: Bool

  /// Creates a syntax error.
  public init(_ message: String, at range: SourceRange, hint: String? = nil, isIncomplete: Bool = false) {
    self.message = message
    self.range = range
    self.hint = hint
    self.isIncomplete = isIncomplete
  }

  /// The error as a diagnostic, for ``render(_:in:)``.
  public var diagnostic: Diagnostic {
    Diagnostic(message: message, range: range, hint: hint)
  }

  public var description: String { message }
}
