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
  public init(
    _ message: String, at range: SourceRange, hint: String? = nil, isIncomplete: Bool = false
  ) {
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

/// A message about a range of source, which every layer (parser, evaluator, shell) renders the same way.
public struct Diagnostic: Equatable, Sendable {
  /// The one-line explanation, shown after `error: `.
  public var message: String
  /// The characters to underline.
  public var range: SourceRange
  /// A suggestion shown on its own `hint:` line, if any.
  public var hint: String?

  /// Creates a diagnostic.
  public init(message: String, range: SourceRange, hint: String? = nil) {
    self.message = message
    self.range = range
    self.hint = hint
  }
}

/// Renders a diagnostic with its location, the source line and a caret under the range:
///
/// ```
/// error: unexpected `=`; did you mean `==`?
///  --> line 1:6
/// 1 | if a = b {
///   |      ^
/// ```
///
/// The caret is `^` under the range's first character and `~` under each further character
/// of the range on that line. A `hint:` line follows when the diagnostic has a hint.
public func render(_ diagnostic: Diagnostic, in source: SourceText) -> String {
  let location = source.location(of: diagnostic.range.start)
  let lineRange = source.lineRange(location.line)
  let lineText = source[lineRange]
  let gutter = String(repeating: " ", count: String(location.line).count)

  // Keep tabs in the padding so the caret lines up under tabbed source.
  let prefix = source[SourceRange(start: lineRange.start, end: diagnostic.range.start)]
  let padding = String(prefix.map { $0 == "\t" ? "\t" : " " })
  let underlined = source[SourceRange(start: diagnostic.range.start, end: min(diagnostic.range.end, lineRange.end))].count
  let caret = "^" + String(repeating: "~", count: max(0, underlined - 1))

  var lines = [
    "error: \(diagnostic.message)",
    "\(gutter)--> \(source.fileName.map { "\($0):" } ?? "line ")\(location)",
    lineText.isEmpty ? "\(location.line) |" : "\(location.line) | \(lineText)",
    "\(gutter) | \(padding)\(caret)",
  ]
  if let hint = diagnostic.hint {
    lines.append("hint: \(hint)")
  }
  return lines.joined(separator: "\n")
}

/// Renders a syntax error the same way as any other diagnostic.
public func render(_ error: SyntaxError, in source: SourceText) -> String {
  render(error.diagnostic, in: source)
}
