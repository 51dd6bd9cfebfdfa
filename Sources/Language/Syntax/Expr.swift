/// An expression: what it is (``ExprKind``) and where it was written.
///
/// Equality ignores source ranges: two expressions are equal when they have the same tree,
/// so a parsed `x @ w` equals `Expr.binary(.matmul, .name("x"), .name("w"))`.
public struct Expr: Sendable {
  /// The form of the expression and its parts.
  public var kind: ExprKind
  /// Where it was written; ``SourceRange/empty`` for expressions built in code.
  public var range: SourceRange

  /// Creates an expression node.
  public init(_ kind: ExprKind, range: SourceRange = .empty) {
    self.kind = kind
    self.range = range
  }
}

/// The forms an expression can take.
///
/// Only the cases that hold an expression are boxed (`indirect`): names and numbers, the
/// leaves of every tree, are stored inline, without an allocation each.
public enum ExprKind: Sendable {
  /// A number literal: `2`, `0.5`, `1e-3`.
  case number(Double)
  /// A string literal.
  case string(String)
  /// `true` or `false`.
  case bool(Bool)
  /// `None` (named so it does not read as `Optional.none`).
  case noneLiteral
  /// `...` (Ellipsis).
  case ellipsis
  /// A variable or function name.
  case name(String)
  /// A list literal `[a, b, [c]]`.
  case list([Expr])
  /// A tuple `(a, b)`, `(a,)` or `()`.
  case tuple([Expr])
  /// A prefix operator applied to an operand: `-x`, `+x`, `not x`.
  indirect case unary(UnaryOperator, Expr)
  /// A binary operator with the range of its operator token (errors about `*` point at the `*`).
  indirect case binary(BinaryOperator, Expr, Expr, operatorRange: SourceRange)
  /// An attribute such as `x.T` or `x.shape`.
  indirect case attribute(Expr, name: String, nameRange: SourceRange)
  /// A call `f(a, b, axis=1)`: positional arguments first, then keyword arguments.
  indirect case call(callee: Expr, arguments: [Argument])
  /// Indexing `x[i, 1:3, ::2, None, ...]`.
  indirect case `subscript`(Expr, [SubscriptItem])
}

/// A prefix operator.
public enum UnaryOperator: String, CaseIterable, Sendable {
  case negate = "-"
  case plus = "+"
  case not = "not"

  /// The operator as written in source.
  public var symbol: String { rawValue }
}

/// A binary operator: arithmetic, comparison or logical.
public enum BinaryOperator: String, CaseIterable, Sendable {
  case or = "or"
  case and = "and"
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case remainder = "%"
  case floorDivide = "//"
  case matmul = "@"
  case power = "**"

  /// The operator as written in source.
  public var symbol: String { rawValue }

  /// How tightly the operator binds.
  public var precedence: Expr.Precedence {
    switch self {
    case .or: .or
    case .and: .and
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: .comparison
    case .add, .subtract: .additive
    case .multiply, .divide, .remainder, .floorDivide, .matmul: .multiplicative
    case .power: .power
    }
  }

  /// Whether this is one of `< <= > >= == !=`, which do not chain.
  public var isComparison: Bool { precedence == .comparison }

  /// Whether this is one of `+ - * / @ **`, which combine with `=` into an augmented assignment.
  public var isArithmetic: Bool { precedence >= .additive }
}

extension Expr {
  /// Binding strength of expression forms, loosest first; Python's table.
  public enum Precedence: Int, Comparable, Sendable {
    case or = 1
    case and, not, comparison, additive, multiplicative, unary, power, postfix, atom

    public static func < (lhs: Precedence, rhs: Precedence) -> Bool { lhs.rawValue < rhs.rawValue }
  }
}

/// One argument of a call: positional `x` or keyword `axis=1`.
public struct Argument: Sendable {
  /// The keyword, or nil for a positional argument.
  public var label: String?
  /// Where the keyword was written, if there is one.
  public var labelRange: SourceRange?
  /// The argument's value.
  public var value: Expr

  /// Creates an argument; pass a label for a keyword argument.
  public init(label: String? = nil, labelRange: SourceRange? = nil, value: Expr) {
    self.label = label
    self.labelRange = labelRange
    self.value = value
  }

  /// From the keyword (if any) to the end of the value.
  public var range: SourceRange {
    labelRange.map { $0.to(value.range) } ?? value.range
  }
}

/// One item between the brackets of a subscript: an index, a slice, `None` or `...`.
public struct SubscriptItem: Sendable {
  /// What the item is.
  public var kind: Kind
  /// Where it was written.
  public var range: SourceRange

  /// The forms a subscript item can take.
  public enum Kind: Equatable, Sendable {
    /// An index expression: `i`, `-1`, `idx`.
    case index(Expr)
    /// A slice `start:stop:step`, any part omitted.
    case slice(start: Expr?, stop: Expr?, step: Expr?)
    /// `None`: insert a new axis of length 1.
    case newAxis
    /// `...`: as many full slices as needed.
    case ellipsis
  }

  /// Creates a subscript item.
  public init(_ kind: Kind, range: SourceRange = .empty) {
    self.kind = kind
    self.range = range
  }
}

extension Expr {
  /// Whether this expression or any expression inside it (operands, arguments, callee, indices)
  /// satisfies `predicate`.
  public func contains(where predicate: (Expr) -> Bool) -> Bool {
    if predicate(self) { return true }
    switch kind {
    case .number, .string, .bool, .noneLiteral, .ellipsis, .name: return false
    case .list(let items), .tuple(let items): return items.contains { $0.contains(where: predicate) }
    case .unary(_, let operand): return operand.contains(where: predicate)
    case let .binary(_, lhs, rhs, _): return lhs.contains(where: predicate) || rhs.contains(where: predicate)
    case .attribute(let base, _, _): return base.contains(where: predicate)
    case let .call(callee, arguments):
      return callee.contains(where: predicate) || arguments.contains { $0.value.contains(where: predicate) }
    case let .subscript(base, items):
      return base.contains(where: predicate) || items.contains { item in
        switch item.kind {
        case .index(let e): e.contains(where: predicate)
        case let .slice(start, stop, step): [start, stop, step].contains { $0?.contains(where: predicate) ?? false }
        case .newAxis, .ellipsis: false
        }
      }
    }
  }

  /// Whether `other` appears in this expression, as the whole or a part (source ranges aside).
  public func contains(_ other: Expr) -> Bool {
    contains { $0 == other }
  }
}
