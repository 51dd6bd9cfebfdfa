// Printing uses the same precedence table as parsing, so it adds exactly the parentheses
// that parsing needs: `(a + b) * c`, `a - (b - c)`, `(-x) ** 2`, but `-x ** 2` and `2 ** 3 ** 2`.

extension Expr: CustomStringConvertible {
  /// The expression as canonical source, with only the parentheses that precedence requires.
  public var sourceText: String {
    switch kind {
    case .number(let value):
      return Self.format(value)
    case .string(let value):
      return Self.quote(value)
    case .bool(let value):
      return value ? "true" : "false"
    case .noneLiteral:
      return "None"
    case .ellipsis:
      return "..."
    case .name(let name):
      return name
    case .list(let elements):
      return "[" + elements.map(\.sourceText).joined(separator: ", ") + "]"
    case .tuple(let elements):
      if elements.count == 1 { return "(\(elements[0].sourceText),)" }
      return "(" + elements.map(\.sourceText).joined(separator: ", ") + ")"
    case .unary(.not, let operand):
      return "not " + operand.printed(atLeast: .not)
    case .unary(let op, let operand):
      return op.symbol + operand.printed(atLeast: .unary)
    case .binary(let op, let lhs, let rhs, _):
      let (left, right) = op.operandPrecedences
      return "\(lhs.printed(atLeast: left)) \(op.symbol) \(rhs.printed(atLeast: right))"
    case .attribute(let base, let name, _):
      // `2.T` would read as the number `2.` followed by `T`.
      let baseText =
        if case .number = base.kind { "(\(base.sourceText))" } else {
          base.printed(atLeast: .postfix)
        }
      return baseText + "." + name
    case .call(let callee, let arguments):
      return callee.printed(atLeast: .postfix) + "("
        + arguments.map(\.sourceText).joined(separator: ", ") + ")"
    case .subscript(let base, let items):
      return base.printed(atLeast: .postfix) + "[" + items.map(\.sourceText).joined(separator: ", ")
        + "]"
    }
  }

  public var description: String { sourceText }

  /// How tightly this expression binds when printed; a negative number reads as a unary minus.
  public var precedence: Precedence {
    switch kind {
    case .number(let value): value.sign == .minus ? .unary : .atom
    case .unary(.not, _): .not
    case .unary: .unary
    case .binary(let op, _, _, _): op.precedence
    case .attribute, .call, .subscript: .postfix
    default: .atom
    }
  }

  /// The source text, parenthesized when this expression binds looser than `minimum`.
  func printed(atLeast minimum: Precedence) -> String {
    precedence >= minimum ? sourceText : "(\(sourceText))"
  }

  /// Integral values print as integers (`2`), others as the shortest text that reads back exactly (`0.001`).
  static func format(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == value.rounded(), abs(value) < 1e16 {
      return value == 0 && value.sign == .minus ? "-0" : String(Int64(value))
    }
    return "\(value)"
  }

  /// A double-quoted string literal with `\\`, `\"`, `\n` and `\t` escaped.
  static func quote(_ value: String) -> String {
    var text = "\""
    for character in value {
      switch character {
      case "\\": text += "\\\\"
      case "\"": text += "\\\""
      case "\n": text += "\\n"
      case "\t": text += "\\t"
      default: text.append(character)
      }
    }
    return text + "\""
  }
}

extension BinaryOperator {
  /// The loosest forms each operand may take without parentheses, from the grammar.
  var operandPrecedences: (left: Expr.Precedence, right: Expr.Precedence) {
    switch precedence {
    case .or: (.or, .and)
    case .and: (.and, .not)
    case .comparison: (.additive, .additive)
    case .additive: (.additive, .multiplicative)
    case .multiplicative: (.multiplicative, .unary)
    default: (.postfix, .unary)  // `**`: the base is postfix, the exponent unary (`2 ** -1`)
    }
  }
}

extension Argument: CustomStringConvertible {
  /// `value` or `label=value`.
  public var sourceText: String {
    label.map { "\($0)=\(value.sourceText)" } ?? value.sourceText
  }

  public var description: String { sourceText }
}

extension SubscriptItem: CustomStringConvertible {
  /// `i`, `1:3`, `::2`, `None` or `...`.
  public var sourceText: String {
    switch kind {
    case .index(let index):
      index.sourceText
    case .slice(let start, let stop, let step):
      (start?.sourceText ?? "") + ":" + (stop?.sourceText ?? "")
        + (step.map { ":" + $0.sourceText } ?? "")
    case .newAxis:
      "None"
    case .ellipsis:
      "..."
    }
  }

  public var description: String { sourceText }
}

// MARK: - Prefix form

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
