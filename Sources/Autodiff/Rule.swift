import Tensors

/// One differentiable operation, declared in one place: what it computes, its
/// backward rule (the vector-Jacobian product), the explanation a learner reads,
/// and what it costs.
///
/// Every node of a graph stores the `Rule` that made it, so the shell's
/// explanations and costs come from the same declaration that computed.
public final class Rule: Sendable {
  /// The op's name as the language spells it (`matmul`, `sum`, `tanh`).
  public let name: String
  /// The backward rule in the language's own notation, one line per input:
  /// `dx = dy * (1 - y**2)`. `y` is the output, `dy` the incoming gradient.
  public let formulas: [String]
  /// What a learner reads in `:explain`.
  public let explanation: Explanation
  /// Floating-point work of the forward and the backward.
  public let cost: CostModel
  /// Inputs to check the backward rule at (finite differences, worked examples).
  public let samples: [Sample]
  /// How an application of the rule is written in the language (`a @ b`, `sum(x, axis=1)`),
  /// so that graphs and derived gradients read back as code.
  public let notation: Notation

  let forward: @Sendable (Operands, Attributes) throws(TensorError) -> Tensor
  /// `nil` for ops with no gradient (comparisons): nothing flows through them.
  let backward: (@Sendable (BackwardContext) throws(TensorError) -> [Variable?])?

  public init(
    name: String,
    formulas: [String],
    explanation: Explanation,
    cost: CostModel,
    samples: [Sample],
    notation: Notation? = nil,
    forward: @escaping @Sendable (Operands, Attributes) throws(TensorError) -> Tensor,
    backward: (@Sendable (BackwardContext) throws(TensorError) -> [Variable?])?
  ) {
    self.name = name
    self.formulas = formulas
    self.explanation = explanation
    self.cost = cost
    self.samples = samples
    self.notation = notation ?? .call(name)
    self.forward = forward
    self.backward = backward
  }

  /// Whether gradients flow through this op at all.
  public var isDifferentiable: Bool { backward != nil }

  /// Computes the op and records it in the graph when any input requires a gradient
  /// or was itself computed.
  public func apply(_ inputs: [Variable], _ attributes: Attributes = .none) throws(TensorError) -> Variable {
    try inputs.withUnsafeBufferPointer { (inputs) throws(TensorError) in try record(inputs, attributes) }
  }

  /// ``apply(_:_:)`` for an op of one input, without gathering it into an array.
  public func apply(_ x: Variable, _ attributes: Attributes = .none) throws(TensorError) -> Variable {
    try Self.lending(x, nil) { (inputs) throws(TensorError) in try record(inputs, attributes) }
  }

  /// ``apply(_:_:)`` for an op of two inputs, without gathering them into an array.
  public func apply(_ x: Variable, _ y: Variable, _ attributes: Attributes = .none) throws(TensorError) -> Variable {
    try Self.lending(x, y) { (inputs) throws(TensorError) in try record(inputs, attributes) }
  }

  /// Computes the op on `inputs`, lent for the call, and records it: the new node keeps its own
  /// references to them.
  private func record(_ inputs: UnsafeBufferPointer<Variable>, _ attributes: Attributes) throws(TensorError) -> Variable {
    let value = try forward(Operands(variables: inputs), attributes)
    try GraphMemory.admit(elements: value.scalars.count)
    if AnomalyDetector.isWatching {
      AnomalyDetector.current?.inspectForward(self, inputs: Array(inputs), output: value)
    }
    guard inputs.contains(where: { $0.requiresGradient || !$0.isLeaf }) else { return .constant(value) }
    // A comparison is recorded too, so that graphs show `x > 0`, but nothing flows back through it.
    // A closure, not the key path `\.requiresGradient`: applying a key path checks exclusive access at run time.
    let requiresGradient = backward != nil && inputs.contains(where: { $0.requiresGradient })
    return Variable(value: value, rule: self, attributes: attributes, inputs: inputs, requiresGradient: requiresGradient)
  }

  /// Calls `body` with `x` and `y` (when given) in a buffer on the stack, without retaining
  /// them: the caller's references keep them alive for the call.
  private static func lending<R>(
    _ x: Variable, _ y: Variable?, _ body: (UnsafeBufferPointer<Variable>) throws(TensorError) -> R
  ) throws(TensorError) -> R {
    var references = (Unmanaged.passUnretained(x), Unmanaged.passUnretained(y ?? x))
    let count = y == nil ? 1 : 2
    return try withUnsafeMutableBytes(of: &references) { (bytes) throws(TensorError) in
      try bytes.withMemoryRebound(to: Variable.self) { (variables) throws(TensorError) in
        try body(UnsafeBufferPointer(rebasing: variables[..<count]))
      }
    }
  }

  /// The forward on plain tensors, recording nothing.
  public func evaluate(_ inputs: [Tensor], _ attributes: Attributes = .none) throws(TensorError) -> Tensor {
    try inputs.withUnsafeBufferPointer { (tensors) throws(TensorError) in try forward(Operands(tensors: tensors), attributes) }
  }
}

/// The input values a rule's forward reads, by position: the values of the variables the
/// rule is applied to, or plain tensors, lent for the forward's duration. Recording an op
/// reads its inputs' values in place, without gathering them into a new array or retaining
/// each (a measurable cost for small tensors); a forward must not keep its `Operands`.
public struct Operands: RandomAccessCollection {
  private let variables: UnsafeBufferPointer<Variable>
  private let tensors: UnsafeBufferPointer<Tensor>

  init(variables: UnsafeBufferPointer<Variable>) {
    self.variables = variables
    self.tensors = UnsafeBufferPointer(start: nil, count: 0)
  }

  init(tensors: UnsafeBufferPointer<Tensor>) {
    self.variables = UnsafeBufferPointer(start: nil, count: 0)
    self.tensors = tensors
  }

  public var startIndex: Int { 0 }

  public var endIndex: Int { Swift.max(variables.count, tensors.count) }

  /// The first two operands lent to `body` in place: reading both by subscript for one call
  /// copies the first (two retains and two releases of its arrays), and so does the second.
  public func pair<R>(_ body: (borrowing Tensor, borrowing Tensor) throws(TensorError) -> R) throws(TensorError) -> R {
    if tensors.isEmpty { return try Self.values(of: variables[0], variables[1], body) }
    return try body(tensors[0], tensors[1])
  }

  /// Kept out of line: its variables are then guaranteed alive for the call, so that their
  /// values can be lent without a copy.
  @inline(never)
  private static func values<R>(
    of a: Variable, _ b: Variable, _ body: (borrowing Tensor, borrowing Tensor) throws(TensorError) -> R
  ) throws(TensorError) -> R {
    try body(a.value, b.value)
  }

  public subscript(position: Int) -> Tensor {
    _read {
      if tensors.isEmpty { yield variables[position].value } else { yield tensors[position] }
    }
  }
}

/// How the language writes an application of a rule.
///
/// Attribute names are the language's keyword names (`axis`, `keepdims`), so an
/// attribute not listed as positional reads as `name=value`.
public enum Notation: Sendable, Equatable {
  /// `a + b`: a binary operator.
  case infix(String)
  /// `-a`: a prefix operator.
  case prefix(String)
  /// `name(inputs…, attributes…)`: the attributes in `positional` follow the inputs
  /// in that order without their names (or the first `afterInputs` inputs, as the built-in's
  /// signature has them: `sparse_matmul(indices, values, shape, x)`), those in `leading` come
  /// before the inputs (`einsum("bi,bi->b", x, y)`); the others are keywords.
  case call(String, positional: [String] = [], leading: [String] = [], afterInputs: Int? = nil)
  /// `name([inputs…], attributes…)`: the inputs as one list (`concat`, `stack`).
  case callWithList(String)
  /// `x[…]`: the `index` attribute as a subscript.
  case indexing
  /// `a @ b`, with `.T` (or a transpose of the last two axes) on operands read transposed.
  case matrixProduct
  /// `x.T` when every axis is reversed, else `transpose(x, axes)`.
  case transpose
  /// Written as the expression it computes in one pass (a fused backward such as
  /// `tanh_backward`), with `inputs` naming the inputs in it: derived gradients then
  /// read as a learner would write them, and evaluate to the same values.
  case expression(String, inputs: [String])
}

/// What the backward rule of one node sees.
public struct BackwardContext {
  /// The node's inputs (detached from the graph unless the backward is being recorded).
  public let inputs: [Variable]
  /// The node's output.
  public let output: Variable
  /// dL/d(output), the gradient arriving from above.
  public let upstream: Variable
  /// The node's parameters.
  public let attributes: Attributes
  /// Which inputs need a gradient; the rule may skip the others.
  public let needsGradient: [Bool]
}

/// The human explanation of a rule, as `:explain` prints it.
public struct Explanation: Sendable {
  /// The forward in index notation: `y[i,j] = Σ_k a[i,k] b[k,j]`.
  public let indexNotation: String
  /// The chain rule written out for this op, leading to the formulas.
  public let derivation: String
  /// The shape of each gradient.
  public let shapes: String
  /// The mistake people make with this op.
  public let pitfall: String

  public init(indexNotation: String, derivation: String, shapes: String, pitfall: String) {
    self.indexNotation = indexNotation
    self.derivation = derivation
    self.shapes = shapes
    self.pitfall = pitfall
  }
}

/// How many floating-point operations an op does, from its shapes.
public enum CostModel: Sendable {
  /// Moves or copies elements only.
  case free
  /// A fixed count per output element (forward) and per output element (backward).
  case perOutputElement(forward: Double, backward: Double)
  /// A fixed count per input element (reductions).
  case perInputElement(forward: Double, backward: Double)
  /// A matrix product: 2·m·n·k forward, twice that backward.
  case matrixProduct
  /// Computed by the rule from its input shapes, output shape and attributes.
  case custom(@Sendable (_ inputs: [[Int]], _ output: [Int], _ attributes: Attributes) -> (forward: Double, backward: Double))

  /// The model in words, for `:explain`.
  public var summary: String {
    switch self {
    case .free: "no arithmetic: elements are only moved or copied"
    case let .perOutputElement(f, b):
      "\(Self.count(f)) per output element forward, \(Self.count(b)) per element backward, "
        + "plus an add per element for each broadcast input (its gradient is summed back)"
    case let .perInputElement(f, b):
      "\(Self.count(f)) per input element forward, \(Self.count(b)) per input element backward"
    case .matrixProduct: "2·m·k·n flops forward (a multiply and an add per term), twice that backward (two products)"
    case .custom: "depends on the shapes and parameters: `:cost` computes it"
    }
  }

  private static func count(_ flops: Double) -> String {
    let n = flops == flops.rounded() ? String(Int(flops)) : String(flops)
    return n == "1" ? "1 flop" : "\(n) flops"
  }

  /// The flops of the forward and of the backward for the given shapes.
  public func flops(inputs: [[Int]], output: [Int], attributes: Attributes = .none) -> (forward: Double, backward: Double) {
    switch self {
    case .custom(let count):
      return count(inputs, output, attributes)
    case .free:
      return (0, 0)
    case let .perOutputElement(f, b):
      let n = Double(Shape.product(output))
      // A broadcast input's gradient is summed back to its shape: one add per element it was stretched over.
      let sums = inputs.reduce(0.0) { $0 + Swift.max(0, n - Double(Shape.product($1))) }
      return (f * n, b * n + sums)
    case let .perInputElement(f, b):
      let n = Double(Shape.product(inputs.first ?? []))
      return (f * n, b * n)
    case .matrixProduct:
      let inner = Double(inputs.first?.last ?? 1)
      let product = 2 * inner * Double(Shape.product(output))
      return (product, 2 * product)
    }
  }
}

/// A set of inputs at which a rule's backward is checked.
public struct Sample: Sendable {
  /// One input: its shape and the values it may take.
  public struct Input: Sendable {
    public let shape: [Int]
    public let domain: Domain
    public init(_ shape: [Int], _ domain: Domain = .real) {
      self.shape = shape
      self.domain = domain
    }
  }

  /// Where an input's values are drawn from, so that finite differences are meaningful.
  public enum Domain: Sendable {
    /// Any value in about [-2, 2].
    case real
    /// Values in about [0.5, 2] (`log`, `sqrt`, the base of `**`).
    case positive
    /// Values at least 0.3 away from zero (kinks of `abs`, `relu`).
    case awayFromZero
    /// Distinct values well apart (ties of `max` have no derivative).
    case distinct
    /// 0/1 values that receive no gradient (a condition or mask).
    case mask
  }

  public let inputs: [Input]
  public let attributes: Attributes

  public init(_ inputs: [Input], _ attributes: Attributes = .none) {
    self.inputs = inputs
    self.attributes = attributes
  }

  /// A sample whose inputs all have the same domain.
  public init(shapes: [[Int]], domain: Domain = .real, _ attributes: Attributes = .none) {
    self.init(shapes.map { Input($0, domain) }, attributes)
  }
}
