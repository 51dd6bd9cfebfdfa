import Tensors

/// A tensor in a computation graph: its value and, unless it is a leaf, the rule
/// and inputs that produced it (define-by-run).
///
/// Results hold their inputs strongly and nothing points back, so a graph lives
/// exactly as long as something refers to its outputs.
public final class Variable {
  // The mutable properties are `@exclusivity(unchecked)`: a graph is built and walked by one
  // thread, and the runtime's access checks were a measurable part of recording a small op.

  /// The computed value.
  public let value: Tensor
  /// The rule that computed the value; `nil` for a leaf (data typed in, or a constant).
  public let rule: Rule?
  /// The rule's parameters (axes, shapes, transposes, …).
  public let attributes: Attributes
  /// The values the rule was applied to.
  @exclusivity(unchecked) public private(set) var inputs: [Variable]
  /// Whether gradients flow to or through this variable.
  public let requiresGradient: Bool
  /// The name the learner first gave this value (`z`), for showing graphs in their own words.
  @exclusivity(unchecked) public var label: String?
  /// A gradient handed out as data (by `grad`): a value computed from it is an
  /// optimizer step, which the language stores without a graph.
  @exclusivity(unchecked) public var isGradient = false

  /// A leaf: a value that was not computed from other variables.
  public init(_ value: Tensor, requiresGradient: Bool = true) {
    self.value = value
    self.rule = nil
    self.attributes = .none
    self.inputs = []
    self.requiresGradient = requiresGradient
    GraphMemory.add(elements: value.scalars.count)
  }

  /// A constant: a leaf that never receives a gradient.
  public static func constant(_ value: Tensor) -> Variable {
    Variable(value, requiresGradient: false)
  }

  /// A constant scalar.
  public static func constant(_ value: Double) -> Variable {
    Variable(Tensor(value), requiresGradient: false)
  }

  init(value: Tensor, rule: Rule, attributes: Attributes, inputs: [Variable], requiresGradient: Bool) {
    self.value = value
    self.rule = rule
    self.attributes = attributes
    self.inputs = inputs
    self.requiresGradient = requiresGradient
    GraphMemory.add(elements: value.scalars.count)
  }

  /// The same value cut from its graph: a leaf that records nothing.
  public var detached: Variable { Variable(value, requiresGradient: false) }

  /// The shape of the value.
  public var shape: [Int] { value.shape }

  /// True for a variable with no rule.
  public var isLeaf: Bool { rule == nil }

  // Release long chains without recursion: a chain of 100,000 ops would
  // otherwise free itself through 100,000 nested deinits and overflow the stack.
  deinit {
    GraphMemory.remove(elements: value.scalars.count)
    // Usually every input outlives this node or is a leaf: releasing them frees nothing further.
    guard inputs.indices.contains(where: { !inputs[$0].inputs.isEmpty && isKnownUniquelyReferenced(&inputs[$0]) }) else { return }
    var pending: [Variable] = []
    Self.move(&inputs, to: &pending)
    while var next = pending.popLast() {
      // An input with another owner, or with no inputs, frees nothing further when released here.
      if !next.inputs.isEmpty && isKnownUniquelyReferenced(&next) { Self.move(&next.inputs, to: &pending) }
    }
  }

  /// Moves the elements of `source` to the end of `destination`, leaving it empty, without
  /// retaining and releasing each (an atomic operation apiece, and a graph has many).
  private static func move(_ source: inout [Variable], to destination: inout [Variable]) {
    var taken: [Variable] = []
    swap(&taken, &source)
    destination.reserveCapacity(destination.count + taken.count)
    while let element = taken.popLast() { destination.append(element) }
  }
}

extension Variable: CustomStringConvertible {
  public var description: String {
    "Variable(\(rule?.name ?? "leaf"), shape: \(Shape.text(shape)))"
  }
}
