import Autodiff
import Tensors

extension Interpreter {
  /// Evaluates an expression. Tensor results record their graph.
  func evaluate(_ expr: Expr) throws(EvaluationError) -> Value {
    if stackGuard.isNearlyFull {
      throw EvaluationError(
        "the computation nests too deeply for the stack", at: expr.range,
        hint: "the stack runs out before \(maximumCallDepth) calls when each call nests many calls or brackets; "
          + "compute it in a loop, or with fewer levels per call")
    }
    switch expr.kind {
    case .number(let x):
      return .number(x)
    case .string(let s):
      return .string(s)
    case .bool(let b):
      return .bool(b)
    case .noneLiteral:
      return .none
    case .ellipsis:
      throw EvaluationError("`...` can only be used inside brackets, as in x[..., 0]", at: expr.range)
    case .name(let name):
      return try resolve(name, at: expr.range)
    case .list(let items):
      if let literal = Self.literalTensor(expr) {
        return .leaf(try Conversion.check(at: expr.range) { () throws(TensorError) in try literal() })
      }
      return .list(try items.map { (item: Expr) throws(EvaluationError) in try evaluate(item) })
    case .tuple(let items):
      return .tuple(try items.map { (item: Expr) throws(EvaluationError) in try materialize(evaluate(item), at: item.range) })
    case let .unary(op, operand):
      return try evaluateUnary(op, operand, range: expr.range)
    case let .binary(op, lhs, rhs, operatorRange):
      return try evaluateBinary(op, lhs, rhs, operatorRange: operatorRange)
    case let .attribute(base, name, nameRange):
      return try evaluateAttribute(base, name, nameRange: nameRange)
    case let .call(callee, arguments):
      return try evaluateCall(callee, arguments, range: expr.range)
    case let .subscript(base, items):
      return try evaluateSubscript(base, items, range: expr.range)
    }
  }

  /// A nested list of number literals, built as one tensor without recording a graph.
  static func literalTensor(_ expr: Expr) -> (() throws(TensorError) -> Tensor)? {
    func numbers(_ e: Expr) -> (shape: [Int], values: [Double])?? {
      switch e.kind {
      case .number(let x): return .some((shape: [], values: [x]))
      case .unary(.negate, let inner):
        if case .number(let x) = inner.kind { return .some((shape: [], values: [-x])) }
        return nil
      case .list(let items):
        var shape: [Int]? = nil
        var values: [Double] = []
        for item in items {
          guard let inner = numbers(item) else { return nil }
          guard let (itemShape, itemValues) = inner else { return .some(nil) }
          if let shape, shape != itemShape { return .some(nil) }  // ragged
          shape = itemShape
          values += itemValues
        }
        return .some((shape: [items.count] + (shape ?? []), values: values))
      default:
        return nil
      }
    }
    guard case .list = expr.kind, let result = numbers(expr) else { return nil }
    guard let (shape, values) = result else {
      return { () throws(TensorError) in throw TensorError.ragged(depth: 1) }
    }
    return { () throws(TensorError) in try Tensor(shape: shape, scalars: values) }
  }

  func resolve(_ name: String, at range: SourceRange) throws(EvaluationError) -> Value {
    if let value = lookup(name) { return value }
    if let function = Self.builtinFunctions[name] { return .function(function) }
    if let constant = Self.constants[name] { return .number(constant) }
    let known = Array(globals.keys) + Array(frames.last?.keys ?? [:].keys) + Array(Self.builtins.keys) + Array(Self.constants.keys)
    throw EvaluationError(
      "unknown name `\(name)`", at: range,
      hint: Habits.nameHint(name) ?? closestName(to: name, in: known).map { "did you mean `\($0)`?" }
        ?? "define it first, e.g. \(name) = randn(2, 3)")
  }

  // MARK: - Operators

  // The symbol is wanted only for an error, so it is passed unevaluated.
  private func tensorOperand(_ expr: Expr, for symbol: @autoclosure () -> String) throws(EvaluationError) -> Variable {
    try Conversion.tensor(evaluate(expr), at: expr.range, purpose: "the operand of `\(symbol())`")
  }

  private func evaluateUnary(_ op: UnaryOperator, _ operand: Expr, range: SourceRange) throws(EvaluationError) -> Value {
    switch op {
    case .not:
      return .bool(!(try Conversion.bool(evaluate(operand), at: operand.range, purpose: "the operand of `not`")))
    case .plus:
      return .tensor(try tensorOperand(operand, for: "+"))
    case .negate:
      let x = try tensorOperand(operand, for: "-")
      let result = try Conversion.check(at: range) { () throws(TensorError) in try -x }
      trace(range, operation: "-", inputs: [x], output: result)
      return .tensor(result)
    }
  }

  private func evaluateBinary(
    _ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, operatorRange: SourceRange
  ) throws(EvaluationError) -> Value {
    if op == .and || op == .or {
      let left = try Conversion.bool(evaluate(lhs), at: lhs.range, purpose: "the left side of `\(op.symbol)`")
      if op == .and && !left { return .bool(false) }
      if op == .or && left { return .bool(true) }
      return .bool(try Conversion.bool(evaluate(rhs), at: rhs.range, purpose: "the right side of `\(op.symbol)`"))
    }
    let a = try tensorOperand(lhs, for: op.symbol)
    let b = try tensorOperand(rhs, for: op.symbol)
    return .tensor(try combine(op, a, b, lhs, rhs, operatorRange: operatorRange))
  }

  /// Applies an arithmetic or comparison operator to its operands, evaluated from `lhs` and
  /// `rhs` (their text goes into errors and traces).
  private func combine(
    _ op: BinaryOperator, _ a: Variable, _ b: Variable, _ lhs: Expr, _ rhs: Expr, operatorRange: SourceRange
  ) throws(EvaluationError) -> Variable {
    try checkInterruption(at: operatorRange)
    let result: Variable?
    do {
      result = try Self.operation(op, a, b)
    } catch {
      throw operatorError(error, op, lhs, rhs, a.shape, b.shape, operatorRange)
    }
    guard let result else {
      throw EvaluationError("internal error: `\(op.symbol)` combines truth values, not tensors", at: operatorRange)
    }
    trace(operatorRange, operation: op.symbol, inputs: [a, b], output: result, expression: lhs.range.to(rhs.range))
    return result
  }

  /// The op an operator applies to two tensors; nil for `and` and `or`, which take truth values.
  private static func operation(_ op: BinaryOperator, _ a: Variable, _ b: Variable) throws(TensorError) -> Variable? {
    switch op {
    case .add: try a + b
    case .subtract: try a - b
    case .multiply: try a * b
    case .divide: try a / b
    case .remainder: try a % b
    // Python's floor division, recorded as the two ops it is: floor(a / b), whose gradient is 0.
    case .floorDivide: try Variable.floorDivide(a, b)
    case .power: try a.power(b)
    case .matmul: try Variable.matmul(a, b)
    case .less: try a < b
    case .lessEqual: try a <= b
    case .greater: try a > b
    case .greaterEqual: try a >= b
    case .equal: try a.equals(b)
    case .notEqual: try a.notEquals(b)
    case .and, .or: nil
    }
  }

  /// `W - lr * G` (or `W - G * lr`) for a number lr and a gradient G of W's shape: an optimizer
  /// step, computed in one pass over the elements as PyTorch's SGD does (`add_(grad, alpha=-lr)`),
  /// without `lr * G` in between and without a graph (the new W is data: see ``assignedValue``).
  /// The values are those of the two operators, each element rounded as they round it.
  /// Nil for any other expression; operands of other kinds are combined as written. A trace or
  /// anomaly mode sees the two operators.
  func evaluateOptimizerStep(_ expr: Expr) throws(EvaluationError) -> Variable? {
    guard case let .binary(.subtract, weightsExpr, stepExpr, minusRange) = expr.kind,
      case let .binary(.multiply, leftExpr, rightExpr, timesRange) = stepExpr.kind
    else { return nil }
    let weights = try tensorOperand(weightsExpr, for: "-")
    let left = try tensorOperand(leftExpr, for: "*")
    let right = try tensorOperand(rightExpr, for: "*")
    let (rate, gradient) = left.shape.isEmpty ? (left, right) : (right, left)
    guard tracer == nil, anomalyWatch == nil, rate.shape.isEmpty, gradient.isGradient, gradient.shape == weights.shape else {
      let step = try combine(.multiply, left, right, leftExpr, rightExpr, operatorRange: timesRange)
      return try combine(.subtract, weights, step, weightsExpr, stepExpr, operatorRange: minusRange)
    }
    try checkInterruption(at: minusRange)
    return .constant(try Conversion.check(at: expr.range) { () throws(TensorError) in
      try weights.value.subtracting(gradient.value, scaledBy: rate.value.scalars[0])
    })
  }

  /// The teaching hints: `*` between matrices that `@` would multiply, `@` that needs a transpose.
  private func operatorError(
    _ error: TensorError, _ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr,
    _ a: [Int], _ b: [Int], _ range: SourceRange
  ) -> EvaluationError {
    let left = source[lhs.range], right = source[rhs.range]
    if case .broadcast = error, op == .multiply {
      let hint = a.count == 2 && b.count == 2 && a[1] == b[0]
        ? "for the matrix product \(Shape.text(a)) @ \(Shape.text(b)) -> \(Shape.text([a[0], b[1]])), write \(left) @ \(right)"
        : Self.columnHint(a, b, left, right, op)
      return EvaluationError("`*` multiplies element-wise; \(error.description)", at: range, hint: hint)
    }
    if case let .broadcast(batchA, batchB, axis) = error, op == .matmul {
      // The axes before a product's last two are a batch, which broadcasts; the error counted within it.
      let sizeA = Shape.dimension(batchA, fromEnd: axis), sizeB = Shape.dimension(batchB, fromEnd: axis)
      return EvaluationError(
        "`@` of \(Shape.text(a)) and \(Shape.text(b)): their batch axes \(Shape.text(batchA)) and \(Shape.text(batchB)) "
          + "do not broadcast (\(sizeA) vs \(sizeB))",
        at: range,
        hint: "the last two axes multiply as matrices; the axes before them pair up one batch entry with another, "
          + "so their sizes must be equal or 1")
    }
    if case .matmulMismatch = error, a.count == 2, b.count == 2 {
      return EvaluationError(error.description, at: range, hint: Self.matmulHint(a, b, left, right))
    }
    if case .broadcast = error, let hint = Self.columnHint(a, b, left, right, op) {
      return EvaluationError("`\(op.symbol)` \(error.description)", at: range, hint: hint)
    }
    if case .broadcast = error {
      return EvaluationError("`\(op.symbol)` \(error.description)", at: range,
        hint: "broadcasting compares shapes from the last axis; sizes must match or be 1. reshape or expand_dims can add the missing size-1 axis")
    }
    return EvaluationError(error, at: range)
  }

  /// A vector (n,) against the rows of a matrix (n, m): broadcasting lines up the last axes,
  /// so the vector needs a column axis.
  private static func columnHint(_ a: [Int], _ b: [Int], _ left: String, _ right: String, _ op: BinaryOperator) -> String? {
    let simple = { (text: String) in text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? text : "(\(text))" }
    if a.count == 1, b.count == 2, a[0] == b[0] {
      return "to pair \(Shape.text(a)) with the rows of \(Shape.text(b)), give it a column axis: \(simple(left))[:, None] \(op.symbol) \(right)"
    }
    if b.count == 1, a.count == 2, b[0] == a[0] {
      return "to pair \(Shape.text(b)) with the rows of \(Shape.text(a)), give it a column axis: \(left) \(op.symbol) \(simple(right))[:, None]"
    }
    return nil
  }

  /// The products of the two matrices, transposed or swapped, that fit, simplest first (one
  /// transpose, then swapping the order, as in dW = x.T @ dz for a batch in rows), with their shapes.
  private static func matmulHint(_ a: [Int], _ b: [Int], _ left: String, _ right: String) -> String {
    typealias Operand = (text: String, shape: [Int])
    let l: Operand = (left, a), r: Operand = (right, b)
    func t(_ o: Operand) -> Operand { (transposedText(o.text), [o.shape[1], o.shape[0]]) }
    let candidates: [(Operand, Operand)] = [(l, t(r)), (t(l), r), (r, l), (t(r), l), (r, t(l)), (t(l), t(r))]
    let fitting = candidates.filter { $0.0.shape[1] == $0.1.shape[0] }.prefix(2)
    guard !fitting.isEmpty else { return "the columns of the left must equal the rows of the right" }
    return fitting.map { (x, y) in
      "\(Shape.text(x.shape)) @ \(Shape.text(y.shape)) fits: \(x.text) @ \(y.text) gives \(Shape.text([x.shape[0], y.shape[1]]))"
    }.joined(separator: "; or ")
  }

  /// `text.T`, or the text without its `.T` when it already ends with one (`x.T` transposed is `x`).
  private static func transposedText(_ text: String) -> String {
    let isSimple = { (text: Substring) in text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } }
    if text.hasSuffix(".T"), isSimple(text.dropLast(2)) { return String(text.dropLast(2)) }
    return isSimple(Substring(text)) || isParenthesized(text) ? "\(text).T" : "(\(text)).T"
  }

  /// Whether one pair of parentheses encloses the whole text: `(p + 1)`, not `(a) @ (b)`.
  private static func isParenthesized(_ text: String) -> Bool {
    guard text.first == "(", text.last == ")" else { return false }
    var depth = 0
    for (offset, character) in text.enumerated() {
      if character == "(" { depth += 1 } else if character == ")" { depth -= 1 }
      if depth == 0 { return offset == text.count - 1 }
    }
    return false
  }

  // MARK: - Attributes, calls, subscripts

  private func evaluateAttribute(_ base: Expr, _ name: String, nameRange: SourceRange) throws(EvaluationError) -> Value {
    try checkModule(base, name, nameRange: nameRange)
    let value = try evaluate(base)
    let x = try Conversion.tensor(value, at: base.range, purpose: "`.\(name)`")
    switch name {
    case "T":
      let result = try Conversion.check(at: nameRange) { () throws(TensorError) in try x.transposed() }
      trace(nameRange, operation: "transpose", inputs: [x], output: result, expression: base.range.to(nameRange))
      return .tensor(result)
    case "shape":
      return .tuple(x.shape.map { .number(Double($0)) })
    case "ndim":
      return .number(Double(x.value.rank))
    case "size":
      return .number(Double(x.value.count))
    default:
      if Habits.attributeHint(name) == nil, Self.method(named: name) != nil {
        throw EvaluationError(
          "`.\(name)` is a method: call it", at: nameRange, hint: "write \(source[base.range]).\(name)() or \(name)(\(source[base.range]))")
      }
      throw EvaluationError(
        "a tensor has no attribute `.\(name)`", at: nameRange,
        hint: Habits.attributeHint(name)
          ?? closestName(to: name, in: Self.tensorAttributes).map { "did you mean `.\($0)`?" }
          ?? "tensors have .T, .shape, .ndim and .size, and the built-ins as methods: x.sum(axis=1)")
    }
  }

  /// The attributes of a tensor: `x.T`, `x.shape`, `x.ndim`, `x.size`.
  public static let tensorAttributes = ["T", "shape", "ndim", "size"]

  /// The built-ins that are also methods (`x.sum()`), by name.
  public static let methodNames: [String] = builtins.keys.filter { method(named: $0) != nil }.sorted()

  /// The built-in that `x.name(…)` calls with `x` first, as NumPy's and PyTorch's methods do:
  /// one whose first parameter is a tensor (`x.sum(axis=1)`, `x.reshape(3, 1)`, `x.detach()`).
  static func method(named name: String) -> Function? {
    guard !notMethods.contains(name), let builtin = builtins[name],
      let first = builtin.parameters.first, first.kind == .tensor, !first.isVariadic
    else { return nil }
    return builtinFunctions[name]
  }

  /// Built-ins that read wrongly as methods: `x.grad` is PyTorch's stored gradient, which `Habits` explains.
  private static let notMethods: Set<String> = ["grad", "vjp"]

  /// Throws for `np.sum`, `torch.randn`…: a module the learner did not define, whose functions are built in here.
  private func checkModule(_ base: Expr, _ name: String, nameRange: SourceRange) throws(EvaluationError) {
    guard case .name(let module) = base.kind, Habits.modules.contains(module), lookup(module) == nil else { return }
    throw EvaluationError(
      "`\(module).\(name)`: Backstep has no modules; its functions are built in", at: base.range.to(nameRange),
      hint: Habits.moduleFunctionHint(name))
  }

  private func evaluateCall(_ callee: Expr, _ arguments: [Argument], range: SourceRange) throws(EvaluationError) -> Value {
    let calleeValue: Value
    // `x.sum(axis=1)` calls sum with x first; the receiver's value and place lead the arguments.
    var receiver: CallArguments.Argument? = nil
    if case .name(let name) = callee.kind {
      guard let value = lookup(name) ?? Self.builtinFunctions[name].map(Value.function) else {
        let functions = Array(Self.builtins.keys) + globals.compactMap { if case .function = $0.value { $0.key } else { nil } }
        throw EvaluationError(
          "unknown function `\(name)`", at: callee.range,
          hint: Habits.functionHint(name)
            ?? closestName(to: name, in: functions).map { "did you mean `\($0)`?" } ?? "`:help` lists the built-ins")
      }
      calleeValue = value
    } else if case let .attribute(base, name, nameRange) = callee.kind, let method = Self.method(named: name) {
      try checkModule(base, name, nameRange: nameRange)
      receiver = CallArguments.Argument(label: nil, value: try evaluate(base), range: base.range)
      calleeValue = .function(method)
    } else {
      calleeValue = try evaluate(callee)
    }
    guard case .function(let function) = calleeValue else {
      var hint: String? = nil
      if case .attribute(_, let name, _) = callee.kind, Self.tensorAttributes.contains(name) {
        hint = "`.\(name)` is an attribute: write it without parentheses"
          + (name == "size" ? " (it counts the elements, as NumPy's; PyTorch's x.size() is x.shape)" : "")
      }
      throw EvaluationError(
        "`\(source[callee.range])` is \(calleeValue.kindDescription), not a function", at: callee.range, hint: hint)
    }
    var given: [CallArguments.Argument] = []
    given.reserveCapacity(arguments.count + (receiver == nil ? 0 : 1))
    if let receiver { given.append(receiver) }
    for argument in arguments {
      given.append(CallArguments.Argument(label: argument.label, value: try evaluate(argument.value), range: argument.value.range))
    }
    try checkInterruption(at: range)
    var call = CallArguments(callee: function.name, callRange: range, given: given, interpreter: self)
    let result = try function.call(&call)
    noteAnomalyLocation(range)
    if tracer != nil, case .tensor(let output) = result {
      let inputs = given.compactMap { argument -> Variable? in if case .tensor(let v) = argument.value { v } else { nil } }
      trace(range, operation: function.name, inputs: inputs, output: output)
    }
    return result
  }

  private func evaluateSubscript(_ base: Expr, _ items: [SubscriptItem], range: SourceRange) throws(EvaluationError) -> Value {
    let value = try evaluate(base)
    if case .tuple(let elements) = value, items.count == 1, case .index(let e) = items[0].kind {
      let i = try Conversion.integer(evaluate(e), at: e.range, purpose: "a tuple index")
      let position = i < 0 ? i + elements.count : i
      guard elements.indices.contains(position) else {
        throw EvaluationError("index \(i) is out of range for a tuple of \(elements.count)", at: e.range)
      }
      return elements[position]
    }
    let x = try Conversion.tensor(value, at: base.range, purpose: "the indexed value")
    let resolved = try indexItems(items)
    let result = try Conversion.check(at: range) { () throws(TensorError) in try x.indexed(resolved) }
    trace(range, operation: "index", inputs: [x], output: result)
    return .tensor(result)
  }

  /// The subscript written in `text` (`"1, ::2"`), as `scatter` takes it.
  func indexItems(parsing text: String, at range: SourceRange) throws(EvaluationError) -> [IndexItem] {
    guard case .subscript(_, let items)? = (try? Parser.parseExpression("x[\(text)]"))?.kind else {
      throw EvaluationError("`\(text)` is not a subscript", at: range, hint: "write it as inside brackets, e.g. \"0, 1:3, ::2\"")
    }
    do {
      return try indexItems(items)
    } catch {
      throw EvaluationError(error.message, at: range, hint: error.hint)
    }
  }

  /// Subscript items evaluated to positions, slices, new axes and ellipses.
  func indexItems(_ items: [SubscriptItem]) throws(EvaluationError) -> [IndexItem] {
    let ellipses = items.filter { $0.kind == .ellipsis }
    if ellipses.count > 1 {
      throw EvaluationError(
        "an index can have only one `...`", at: ellipses[1].range,
        hint: "`...` stands for as many `:` as needed; write the axes between two of them out: x[..., 1, :]")
    }
    return try items.map { (item: SubscriptItem) throws(EvaluationError) -> IndexItem in
      func integer(_ e: Expr?) throws(EvaluationError) -> Int? {
        guard let e else { return nil }
        let v = try evaluate(e)
        if case .none = v { return nil }
        return try Conversion.integer(v, at: e.range, purpose: "an index")
      }
      switch item.kind {
      case .index(let e):
        let v = try evaluate(e)
        if case .tensor(let t) = v, t.value.rank > 0 {
          throw EvaluationError(
            "indexing with a tensor of indices is not supported here", at: e.range,
            hint: "for indices, gather(x, idx, axis) or take_along_axis(x, idx, axis), and for NumPy's x[rows, cols] "
              + "gather_nd(x, stack([rows, cols], axis=-1)); for a 0/1 mask, which would select a varying number "
              + "of elements, keep the shape: where(mask, x, 0) or x * mask")
        }
        if case .bool = v {
          throw EvaluationError(
            "a boolean is not an index", at: e.range,
            hint: "NumPy's x[True] adds an axis of length 1: write x[None]; to choose by a condition, where(c, x, y)")
        }
        if case .list(let items) = v, items.contains(where: { if case .bool = $0 { true } else { false } }) {
          throw EvaluationError(
            "a list of booleans is not an index (a mask would select a varying number of elements)", at: e.range,
            hint: "keep the shape and zero the rest, with the mask as 0/1 numbers: where(mask, x, 0) or x * mask")
        }
        return .index(try Conversion.integer(v, at: e.range, purpose: "an index"))
      case let .slice(start, stop, step):
        return .slice(start: try integer(start), stop: try integer(stop), step: try integer(step))
      case .newAxis:
        return .newAxis
      case .ellipsis:
        return .ellipsis
      }
    }
  }
}
