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
public enum StatementKind: Sendable, Equatable {
  /// `x = e`, or `h, c = e` to unpack a tuple.
  case assign(targets: [Name], value: Expr)
  /// An expression on its own, e.g. `loss` or `f(x)`.
  case expression(Expr)
  /// A shell command `:name arguments`; the arguments are the raw rest of the line.
  case command(name: String, arguments: String, argumentsRange: SourceRange)
  /// `for i in 0..<n { ... }` (end excluded) or `for i in 0..n { ... }` (`inclusive`).
  case forLoop(variable: Name, start: Expr, end: Expr, inclusive: Bool, body: [Statement])
  /// `if c { ... } else { ... }`; an `else if` is an `else` block holding one `ifElse`.
  case ifElse(condition: Expr, then: [Statement], else: [Statement]?)
  /// `def f(a, b) = e` or `def f(a, b) { ...; return e }`.
  case functionDefinition(name: Name, parameters: [Name], body: FunctionBody)
  /// `return` or `return e`, inside a function body.
  case `return`(Expr?)

  public static func == (lhs: StatementKind, rhs: StatementKind) -> Bool {
    switch (lhs, rhs) {
    case let (.assign(targetsA, valueA), .assign(targetsB, valueB)):
      targetsA == targetsB && valueA == valueB
    case let (.expression(a), .expression(b)):
      a == b
    case let (.command(nameA, argumentsA, _), .command(nameB, argumentsB, _)):
      nameA == nameB && argumentsA == argumentsB
    case let (.forLoop(variableA, startA, endA, inclusiveA, bodyA), .forLoop(variableB, startB, endB, inclusiveB, bodyB)):
      variableA == variableB && startA == startB && endA == endB && inclusiveA == inclusiveB && bodyA == bodyB
    case let (.ifElse(conditionA, thenA, elseA), .ifElse(conditionB, thenB, elseB)):
      conditionA == conditionB && thenA == thenB && elseA == elseB
    case let (.functionDefinition(nameA, parametersA, bodyA), .functionDefinition(nameB, parametersB, bodyB)):
      nameA == nameB && parametersA == parametersB && bodyA == bodyB
    case let (.return(a), .return(b)):
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
