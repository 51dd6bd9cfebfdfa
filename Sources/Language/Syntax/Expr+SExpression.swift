extension Expr {
  /// The tree in fully parenthesized prefix form, which shows grouping at a glance:
  /// `-2 ** 2` is `(- (** 2 2))`, `f(x, axis=1)` is `(call f x axis=1)`,
  /// `x[0, 1:3, None]` is `(index x 0 (slice 1 3 _) None)`.
  public var sExpression: String {
    switch kind {
    case .number, .string, .bool, .noneLiteral, .ellipsis, .name:
      return sourceText
    case .list(let elements):
      return Self.form(["list"] + elements.map(\.sExpression))
    case .tuple(let elements):
      return Self.form(["tuple"] + elements.map(\.sExpression))
    case .unary(let op, let operand):
      return Self.form([op.symbol, operand.sExpression])
    case .binary(let op, let lhs, let rhs, _):
      return Self.form([op.symbol, lhs.sExpression, rhs.sExpression])
    case .attribute(let base, let name, _):
      return Self.form([".", base.sExpression, name])
    case .call(let callee, let arguments):
      let parts = arguments.map { argument in
        argument.label.map { "\($0)=\(argument.value.sExpression)" } ?? argument.value.sExpression
      }
      return Self.form(["call", callee.sExpression] + parts)
    case .subscript(let base, let items):
      return Self.form(["index", base.sExpression] + items.map(\.sExpression))
    }
  }

  private static func form(_ parts: [String]) -> String {
    "(" + parts.joined(separator: " ") + ")"
  }
}

extension SubscriptItem {
  /// The item in the prefix form of ``Expr/sExpression``; an omitted slice part is `_`.
  public var sExpression: String {
    switch kind {
    case .index(let index):
      index.sExpression
    case .slice(let start, let stop, let step):
      "(slice \([start, stop, step].map { $0?.sExpression ?? "_" }.joined(separator: " ")))"
    case .newAxis:
      "None"
    case .ellipsis:
      "..."
    }
  }
}
