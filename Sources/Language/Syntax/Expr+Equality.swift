// Trees compare by shape, never by where they were written: a parsed expression equals the
// same expression built in code, and `parse(print(e)) == e` holds for the round-trip tests.

extension Expr: Equatable {
  public static func == (lhs: Expr, rhs: Expr) -> Bool {
    lhs.kind == rhs.kind
  }
}

extension ExprKind: Equatable {
  public static func == (lhs: ExprKind, rhs: ExprKind) -> Bool {
    switch (lhs, rhs) {
    case (.number(let a), .number(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    case (.bool(let a), .bool(let b)): a == b
    case (.noneLiteral, .noneLiteral), (.ellipsis, .ellipsis): true
    case (.name(let a), .name(let b)): a == b
    case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)): a == b
    case (.unary(let opA, let a), .unary(let opB, let b)): opA == opB && a == b
    case (.binary(let opA, let leftA, let rightA, _), .binary(let opB, let leftB, let rightB, _)):
      opA == opB && leftA == leftB && rightA == rightB
    case (.attribute(let a, let nameA, _), .attribute(let b, let nameB, _)):
      nameA == nameB && a == b
    case (.call(let calleeA, let argumentsA), .call(let calleeB, let argumentsB)):
      calleeA == calleeB && argumentsA == argumentsB
    case (.subscript(let a, let itemsA), .subscript(let b, let itemsB)): a == b && itemsA == itemsB
    default: false
    }
  }
}

extension Argument: Equatable {
  public static func == (lhs: Argument, rhs: Argument) -> Bool {
    lhs.label == rhs.label && lhs.value == rhs.value
  }
}

extension SubscriptItem: Equatable {
  public static func == (lhs: SubscriptItem, rhs: SubscriptItem) -> Bool {
    lhs.kind == rhs.kind
  }
}

// MARK: - Building expressions in code

extension Expr {
  /// A number literal.
  public static func number(_ value: Double) -> Expr { Expr(.number(value)) }
  /// A string literal.
  public static func string(_ value: String) -> Expr { Expr(.string(value)) }
  /// `true` or `false`.
  public static func bool(_ value: Bool) -> Expr { Expr(.bool(value)) }
  /// `None`.
  public static let noneLiteral = Expr(.noneLiteral)
  /// `...`.
  public static let ellipsis = Expr(.ellipsis)
  /// A variable or function name.
  public static func name(_ name: String) -> Expr { Expr(.name(name)) }
  /// A list literal.
  public static func list(_ elements: [Expr]) -> Expr { Expr(.list(elements)) }
  /// A tuple.
  public static func tuple(_ elements: [Expr]) -> Expr { Expr(.tuple(elements)) }

  /// A prefix operation such as `-x`.
  public static func unary(_ op: UnaryOperator, _ operand: Expr) -> Expr {
    Expr(.unary(op, operand))
  }

  /// A binary operation such as `dz @ x.T`.
  public static func binary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr) -> Expr {
    Expr(.binary(op, lhs, rhs, operatorRange: .empty))
  }

  /// An attribute such as `x.T`.
  public static func attribute(_ base: Expr, _ name: String) -> Expr {
    Expr(.attribute(base, name: name, nameRange: .empty))
  }

  /// A call with positional arguments, then keyword arguments in the order given:
  /// `.call(.name("sum"), [x], keywords: ["axis": .number(1)])`.
  public static func call(
    _ callee: Expr, _ arguments: [Expr], keywords: KeyValuePairs<String, Expr> = [:]
  ) -> Expr {
    let positional = arguments.map { Argument(value: $0) }
    let labeled = keywords.map { Argument(label: $0.key, value: $0.value) }
    return Expr(.call(callee: callee, arguments: positional + labeled))
  }

  /// A call of a function by name: `.call("sum", [x], keywords: ["axis": .number(1)])`.
  public static func call(
    _ function: String, _ arguments: [Expr], keywords: KeyValuePairs<String, Expr> = [:]
  ) -> Expr {
    call(.name(function), arguments, keywords: keywords)
  }

  /// Indexing: `.subscript(x, [.index(.number(0)), .slice(start: .number(1))])`.
  public static func `subscript`(_ base: Expr, _ items: [SubscriptItem]) -> Expr {
    Expr(.subscript(base, items))
  }
}

extension SubscriptItem {
  /// An index item.
  public static func index(_ index: Expr) -> SubscriptItem { SubscriptItem(.index(index)) }

  /// A slice item `start:stop:step`; omitted parts are nil.
  public static func slice(start: Expr? = nil, stop: Expr? = nil, step: Expr? = nil)
    -> SubscriptItem
  {
    SubscriptItem(.slice(start: start, stop: stop, step: step))
  }

  /// `None`, a new axis.
  public static let newAxis = SubscriptItem(.newAxis)
  /// `...`.
  public static let ellipsis = SubscriptItem(.ellipsis)
}
