import Autodiff
import Tensors

/// Writes nodes of a computation graph as expressions of the language, in the
/// learner's own names: the node that computed `z` reads `W @ x + b`.
///
/// A node with a name (its label, or a name given here such as `dz` for a
/// gradient) is written as that name; other nodes are written out in full.
public struct GraphNotation {
  /// Names that take precedence over labels (gradients: `dz`), by node.
  public var names: [ObjectIdentifier: String] = [:]

  public init(names: [ObjectIdentifier: String] = [:]) {
    self.names = names
  }

  /// The name a node is written as, if it has one.
  public func name(of variable: Variable) -> String? {
    names[ObjectIdentifier(variable)] ?? variable.label
  }

  /// `variable` as an operand: its name, a constant's value, or its expression.
  public func operand(_ variable: Variable) -> Expr {
    if let name = name(of: variable) { return .name(name) }
    if variable.isLeaf { return Self.literal(variable.value) }
    return expression(of: variable)
  }

  /// The expression that computed `variable` (its rule applied to its inputs as operands).
  public func expression(of variable: Variable) -> Expr {
    guard let rule = variable.rule else { return operand(variable) }
    // Three spellings say the same more simply: x ** 1 is x, a single number broadcasts
    // without first being reshaped to size-1 axes, and a reduction kept with size-1 axes then
    // reshaped to drop them is the reduction without keepdims (db = sum(dz, axis=0)).
    if rule === Rule.power, let exponent = variable.inputs.last, exponent.isLeaf, exponent.value.scalars == [1],
      variable.inputs[0].shape == variable.shape
    {
      return operand(variable.inputs[0])
    }
    if rule === Rule.reshape, let reduction = variable.inputs.first, name(of: reduction) == nil,
      let reductionRule = reduction.rule, [Rule.sum, Rule.mean, Rule.max, Rule.min].contains(where: { $0 === reductionRule }),
      reduction.attributes.bool("keepdims"), let source = reduction.inputs.first,
      variable.shape == reduction.shape.enumerated().filter({ index, size in
        size != 1 || !reduction.attributes.reducedAxes(rank: source.shape.count).contains(index)
      }).map(\.element)
    {
      let attributes = Attributes(reduction.attributes.entries.filter { $0.name != "keepdims" })
      return Self.spell(reductionRule, attributes, inputs: [operand(source)], shapes: [source.shape])
    }
    let inputs = variable.inputs.map { input in
      rule === Rule.broadcastTo && input.rule === Rule.reshape && input.value.count == 1 && name(of: input) == nil
        ? operand(input.inputs[0]) : operand(input)
    }
    return Self.spell(rule, variable.attributes, inputs: inputs, shapes: variable.inputs.map(\.shape))
  }

  /// `stem(1)`, `stem(2)`, … the first that is not `taken` after `counter`, which it then takes.
  static func unusedName(_ stem: (Int) -> String, counter: inout Int, taken: inout Set<String>) -> String {
    var name: String
    repeat {
      counter += 1
      name = stem(counter)
    } while taken.contains(name)
    taken.insert(name)
    return name
  }

  /// Names for the nodes of `order` (inputs first) so that every expression written
  /// with them stays short and shallow: a label, the output's name, or t1, t2, … for
  /// an unnamed op whose expression would be long or deeply nested. Short unnamed
  /// expressions get no name: they are written out where they are used. A label that
  /// several nodes carry (`y = sin(y) + y` in a loop) is the last one's; the earlier
  /// ones are y_1, y_2, … in the order they were computed.
  public static func shortNames(_ order: [Variable], outputName: String?) -> [ObjectIdentifier: String] {
    var names: [ObjectIdentifier: String] = [:]
    var nesting: [ObjectIdentifier: Int] = [:]
    var counter = 0
    var remaining: [String: Int] = [:]
    for label in order.compactMap(\.label) { remaining[label, default: 0] += 1 }
    var taken = Set(remaining.keys)
    var earlier: [String: Int] = [:]  // how many of a label's earlier values are named so far
    for node in order {
      let id = ObjectIdentifier(node)
      if let label = node.label {
        remaining[label, default: 1] -= 1
        guard remaining[label] != 0 else {
          names[id] = label
          continue
        }
        names[id] = unusedName({ "\(label)_\($0)" }, counter: &earlier[label, default: 0], taken: &taken)
      } else if let outputName, node === order.last {
        names[id] = outputName
      } else if !node.isLeaf {
        let depth = 1 + (node.inputs.map { names[ObjectIdentifier($0)] == nil ? nesting[ObjectIdentifier($0)] ?? 1 : 0 }.max() ?? 0)
        if depth > 6 || GraphNotation(names: names).expression(of: node).sourceText.count > 24 {
          counter += 1
          names[id] = "t\(counter)"
        } else {
          nesting[id] = depth
        }
      }
    }
    return names
  }

  // MARK: - Notation

  /// A rule applied to operands, as the language writes it.
  public static func spell(_ rule: Rule, _ attributes: Attributes, inputs: [Expr], shapes: [[Int]]) -> Expr {
    switch rule.notation {
    case .infix(let symbol):
      guard let op = BinaryOperator(rawValue: symbol), inputs.count == 2 else { return call(rule.name, inputs, attributes) }
      return .binary(op, inputs[0], inputs[1])
    case .prefix(let symbol):
      guard let op = UnaryOperator(rawValue: symbol), inputs.count == 1 else { return call(rule.name, inputs, attributes) }
      return .unary(op, inputs[0])
    case let .call(name, positional, leading, afterInputs):
      return call(name, inputs, attributes, positional: positional, leading: leading, afterInputs: afterInputs)
    case .callWithList(let name):
      return call(name, [.list(inputs)], attributes)
    case .indexing:
      guard let items = attributes.index("index"), let x = inputs.first else { return call(rule.name, inputs, attributes) }
      return .subscript(x, items.map(subscriptItem))
    case .matrixProduct:
      guard inputs.count == 2 else { return call(rule.name, inputs, attributes) }
      let a = attributes.bool("transposeLHS") ? swapLastAxes(inputs[0], rank: shapes[0].count) : inputs[0]
      let b = attributes.bool("transposeRHS") ? swapLastAxes(inputs[1], rank: shapes[1].count) : inputs[1]
      return .binary(.matmul, a, b)
    case .transpose:
      guard let x = inputs.first else { return call(rule.name, inputs, attributes) }
      if let axes = attributes.ints("axes"), axes != Array((0..<axes.count).reversed()) {
        return .call("transpose", [x, integers(axes)])
      }
      // x.T.T is x.
      if case .attribute(let inner, "T", _) = x.kind { return inner }
      return .attribute(x, "T")
    case let .expression(text, names):
      guard names.count == inputs.count, let template = try? Parser.parseExpression(text) else {
        return call(rule.name, inputs, attributes)
      }
      return template.replacingNames(Dictionary(uniqueKeysWithValues: zip(names, inputs)))
    }
  }

  /// `x.T` for a matrix; for a stack of matrices, the last two axes swapped.
  static func swapLastAxes(_ x: Expr, rank: Int) -> Expr {
    if rank == 2, case .attribute(let inner, "T", _) = x.kind { return inner }
    guard rank > 2 else { return .attribute(x, "T") }
    var permutation = Array(0..<rank)
    permutation.swapAt(rank - 1, rank - 2)
    return .call("transpose", [x, integers(permutation)])
  }

  static func call(
    _ name: String, _ inputs: [Expr], _ attributes: Attributes, positional: [String] = [], leading: [String] = [],
    afterInputs: Int? = nil
  ) -> Expr {
    var arguments = leading.compactMap { key in attributes[key].map { Argument(value: attribute($0, named: key)) } }
    let split = Swift.min(afterInputs ?? inputs.count, inputs.count)
    arguments += inputs.prefix(split).map { Argument(value: $0) }
    for key in positional {
      if let value = attributes[key] { arguments.append(Argument(value: attribute(value, named: key))) }
    }
    arguments += inputs.dropFirst(split).map { Argument(value: $0) }
    for (key, value) in attributes.entries where !positional.contains(key) && !leading.contains(key) {
      arguments.append(Argument(label: key, value: attribute(value, named: key)))
    }
    return Expr(.call(callee: .name(name), arguments: arguments))
  }

  static func attribute(_ value: Attribute, named key: String) -> Expr {
    switch value {
    case .int(let n): .number(Double(n))
    case .ints(let list): list.count == 1 && key == "axis" ? .number(Double(list[0])) : integers(list)
    case .bool(let b): .bool(b)
    case .double(let x): .number(x)
    case .string(let s): .string(s)
    case .index(let items): .string(items.map { subscriptItem($0).sourceText }.joined(separator: ", "))
    }
  }

  static func integers(_ list: [Int]) -> Expr { .tuple(list.map { .number(Double($0)) }) }

  static func subscriptItem(_ item: IndexItem) -> SubscriptItem {
    switch item {
    case .index(let i): .index(.number(Double(i)))
    case let .slice(start, stop, step):
      .slice(start: start.map { .number(Double($0)) }, stop: stop.map { .number(Double($0)) }, step: step.map { .number(Double($0)) })
    case .newAxis: .newAxis
    case .ellipsis: .ellipsis
    }
  }

  /// A constant written so that it reads back: a number, a short list, or ones/zeros/full of a shape.
  public static func literal(_ tensor: Tensor) -> Expr {
    if tensor.rank == 0 { return .number(tensor.scalars[0]) }
    if let first = tensor.scalars.first, tensor.scalars.allSatisfy({ $0 == first }) {
      let shape = integers(tensor.shape)
      if first == 0 { return .call("zeros", [shape]) }
      if first == 1 { return .call("ones", [shape]) }
      return .call("full", [shape, .number(first)])
    }
    if tensor.count <= 12 { return nested(tensor, offset: 0, axis: 0) }
    return .call("tensor_of_shape", [integers(tensor.shape)])
  }

  private static func nested(_ tensor: Tensor, offset: Int, axis: Int) -> Expr {
    if axis == tensor.rank { return .number(tensor.scalars[offset]) }
    let stride = tensor.strides[axis]
    return .list((0..<tensor.shape[axis]).map { nested(tensor, offset: offset + $0 * stride, axis: axis + 1) })
  }
}

extension Expr {
  /// The expression with each name in `replacements` replaced by its expression (a rule's
  /// `.expression` notation filled in with its inputs). Subscripts are left as they are:
  /// those expressions are arithmetic.
  func replacingNames(_ replacements: [String: Expr]) -> Expr {
    func replace(_ e: Expr) -> Expr { e.replacingNames(replacements) }
    switch kind {
    case .name(let name): return replacements[name] ?? self
    case .number, .string, .bool, .noneLiteral, .ellipsis, .subscript: return self
    case .list(let items): return Expr(.list(items.map(replace)), range: range)
    case .tuple(let items): return Expr(.tuple(items.map(replace)), range: range)
    case let .unary(op, operand): return Expr(.unary(op, replace(operand)), range: range)
    case let .binary(op, lhs, rhs, operatorRange):
      return Expr(.binary(op, replace(lhs), replace(rhs), operatorRange: operatorRange), range: range)
    case let .attribute(base, name, nameRange): return Expr(.attribute(replace(base), name: name, nameRange: nameRange), range: range)
    case let .call(callee, arguments):
      let replaced = arguments.map { Argument(label: $0.label, labelRange: $0.labelRange, value: replace($0.value)) }
      return Expr(.call(callee: replace(callee), arguments: replaced), range: range)
    }
  }
}
