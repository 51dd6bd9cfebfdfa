/// A name together with where it was written: an assignment target, loop variable or parameter.
///
/// Equality ignores the range.
public struct Name: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
  /// The name itself.
  public var text: String
  /// Where it was written.
  public var range: SourceRange

  /// Creates a name.
  public init(_ text: String, range: SourceRange = .empty) {
    self.text = text
    self.range = range
  }

  public init(stringLiteral text: String) {
    self.init(text)
  }

  public var description: String { text }

  public static func == (lhs: Name, rhs: Name) -> Bool { lhs.text == rhs.text }
}

/// The names on the left of `=`: one (`x = e`), or several that unpack a tuple (`h, c = e`).
///
/// One name is held in place: nearly every assignment has one, and an array of it was an
/// allocation per statement parsed (`make bench`, case 4).
public struct AssignmentTargets: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
  private enum Storage: Sendable {
    case one(Name)
    case many([Name])
  }

  private let storage: Storage

  /// One name.
  public init(_ name: Name) {
    storage = .one(name)
  }

  /// The names in order.
  public init(_ names: [Name]) {
    storage = names.count == 1 ? .one(names[0]) : .many(names)
  }

  public init(arrayLiteral names: Name...) {
    self.init(names)
  }

  public var startIndex: Int { 0 }

  public var endIndex: Int {
    switch storage {
    case .one: 1
    case .many(let names): names.count
    }
  }

  public subscript(position: Int) -> Name {
    switch storage {
    case .one(let name): name
    case .many(let names): names[position]
    }
  }

  public static func == (lhs: AssignmentTargets, rhs: AssignmentTargets) -> Bool { lhs.elementsEqual(rhs) }
}

/// One statement of a program, with its source range. Equality ignores ranges.
public struct Statement: Sendable, Equatable {
  /// The form of the statement and its parts.
  public var kind: StatementKind
  /// Where it was written.
  public var range: SourceRange

  /// Creates a statement node.
  public init(_ kind: StatementKind, range: SourceRange = .empty) {
    self.kind = kind
    self.range = range
  }

  public static func == (lhs: Statement, rhs: Statement) -> Bool { lhs.kind == rhs.kind }
}

/// The forms a statement can take.
///
/// Loops, branches and definitions are boxed (`indirect`): inline, a loop's variable and two
/// bounds made every statement 144 bytes instead of 88, and statements are copied as they are
/// parsed and run.
public enum StatementKind: Sendable, Equatable {
  /// `x = e`, or `h, c = e` to unpack a tuple.
  case assign(targets: AssignmentTargets, value: Expr)
  /// `w -= e`: `value` is `w - e`, which must keep w's shape (as NumPy's and PyTorch's in-place
  /// operators do): an update that would broadcast w into a larger tensor is an error. A number
  /// (0-d) may grow, as Python's `s = 0; s += v` does.
  case update(target: Name, value: Expr)
  /// An expression on its own, e.g. `loss` or `f(x)`.
  case expression(Expr)
  /// A shell command `:name arguments`; the arguments are the raw rest of the line.
  case command(name: String, arguments: String, argumentsRange: SourceRange)
  /// `for i in 0..<n { ... }` (end excluded) or `for i in 0..n { ... }` (`inclusive`).
  indirect case forLoop(variable: Name, start: Expr, end: Expr, inclusive: Bool, body: [Statement])
  /// `if c { ... } else { ... }`; an `else if` is an `else` block holding one `ifElse`.
  indirect case ifElse(condition: Expr, then: [Statement], else: [Statement]?)
  /// `def f(a, b) = e` or `def f(a, b) { ...; return e }`.
  indirect case functionDefinition(name: Name, parameters: [Name], body: FunctionBody)
  /// `return` or `return e`, inside a function body.
  case `return`(Expr?)

  public static func == (lhs: StatementKind, rhs: StatementKind) -> Bool {
    switch (lhs, rhs) {
    case (.assign(let targetsA, let valueA), .assign(let targetsB, let valueB)):
      targetsA == targetsB && valueA == valueB
    case (.update(let targetA, let valueA), .update(let targetB, let valueB)):
      targetA == targetB && valueA == valueB
    case (.expression(let a), .expression(let b)):
      a == b
    case (.command(let nameA, let argumentsA, _), .command(let nameB, let argumentsB, _)):
      nameA == nameB && argumentsA == argumentsB
    case (
      .forLoop(let variableA, let startA, let endA, let inclusiveA, let bodyA),
      .forLoop(let variableB, let startB, let endB, let inclusiveB, let bodyB)
    ):
      variableA == variableB && startA == startB && endA == endB && inclusiveA == inclusiveB
        && bodyA == bodyB
    case (
      .ifElse(let conditionA, let thenA, let elseA), .ifElse(let conditionB, let thenB, let elseB)
    ):
      conditionA == conditionB && thenA == thenB && elseA == elseB
    case (
      .functionDefinition(let nameA, let parametersA, let bodyA),
      .functionDefinition(let nameB, let parametersB, let bodyB)
    ):
      nameA == nameB && parametersA == parametersB && bodyA == bodyB
    case (.return(let a), .return(let b)):
      a == b
    default:
      false
    }
  }
}

/// The body of a function definition: one expression, or a block of statements.
public enum FunctionBody: Sendable, Equatable {
  /// `def f(x) = x * 2`.
  case expression(Expr)
  /// `def f(x) { y = x * 2; return y }`.
  case block([Statement])
}

// MARK: - Printing

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
    case .update(let target, let value):
      guard case let .binary(op, _, operand, _) = value.kind else { return [target.text + " = " + value.sourceText] }
      return ["\(target.text) \(op.symbol)= \(operand.sourceText)"]
    case .expression(let expr):
      return [expr.sourceText]
    case .command(let name, let arguments, _):
      return [arguments.isEmpty ? ":\(name)" : ":\(name) \(arguments)"]
    case .forLoop(let variable, let start, let end, let inclusive, let body):
      let header =
        "for \(variable.text) in \(start.sourceText)\(inclusive ? ".." : "..<")\(end.sourceText) "
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
      case .block(let statements):
        return Self.block(statements, after: header + " ", indent: indent)
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
      statement.lines(indent: inner).enumerated().map { index, line in
        index == 0 ? inner + line : line
      }
    }
    return [header + "{"] + bodyLines + [indent + "}"]
  }
}
