extension Statement: CustomStringConvertible {
  /// The statement as canonical source; blocks are indented by two spaces per level.
  public var sourceText: String {
    lines(indent: "").joined(separator: "\n")
  }

  public var description: String { sourceText }

  /// A whole program as canonical source, one statement per line.
  public static func sourceText(of program: [Statement]) -> String {
    program.map(\.sourceText).joined(separator: "\n")
  }

  /// The statement's lines, the first one not indented (it follows whatever came before on its line).
  private func lines(indent: String) -> [String] {
    switch kind {
    case .assign(let targets, let value):
      return [targets.map(\.text).joined(separator: ", ") + " = " + value.sourceText]
    case .expression(let expr):
      return [expr.sourceText]
    case .command(let name, let arguments, _):
      return [arguments.isEmpty ? ":\(name)" : ":\(name) \(arguments)"]
    case .forLoop(let variable, let start, let end, let inclusive, let body):
      let header = "for \(variable.text) in \(start.sourceText)\(inclusive ? ".." : "..<")\(end.sourceText) "
      return Self.block(body, after: header, indent: indent)
    case .ifElse(let condition, let then, let elseBody):
      var lines = Self.block(then, after: "if \(condition.sourceText) ", indent: indent)
      guard let elseBody else { return lines }
      let closing = lines.removeLast()
      if elseBody.count == 1, case .ifElse = elseBody[0].kind {
        var nested = elseBody[0].lines(indent: indent)
        nested[0] = closing + " else " + nested[0]
        return lines + nested
      }
      return lines + Self.block(elseBody, after: closing + " else ", indent: indent)
    case .functionDefinition(let name, let parameters, let body):
      let header = "def \(name.text)(" + parameters.map(\.text).joined(separator: ", ") + ")"
      switch body {
      case .expression(let value): return [header + " = " + value.sourceText]
      case .block(let statements): return Self.block(statements, after: header + " ", indent: indent)
      }
    case .return(let value):
      return [value.map { "return \($0.sourceText)" } ?? "return"]
    }
  }

  /// `header {`, the body indented one level deeper, then `}` at `indent`; `header {}` when empty.
  private static func block(_ body: [Statement], after header: String, indent: String) -> [String] {
    guard !body.isEmpty else { return [header + "{}"] }
    let inner = indent + "  "
    let bodyLines = body.flatMap { statement in
      statement.lines(indent: inner).enumerated().map { index, line in index == 0 ? inner + line : line }
    }
    return [header + "{"] + bodyLines + [indent + "}"]
  }
}
