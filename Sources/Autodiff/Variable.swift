import Tensors
import VectorKernels

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
  /// The first two values the rule was applied to, held in place: most ops have one or two
  /// inputs, and an array of them was an allocation per op (`make bench`, case 4).
  @exclusivity(unchecked) private var firstInput: Variable?
  @exclusivity(unchecked) private var secondInput: Variable?
  /// The third value the rule was applied to and those after it (`where`, `concat`, …).
  @exclusivity(unchecked) private var laterInputs: [Variable] = []
  /// The name the learner first gave this value (`z`), for showing graphs in their own words.
  @exclusivity(unchecked) public var label: String?
  // The two flags last and together: a node is then 96 bytes, not 97 (which took a 112-byte block).
  /// Whether gradients flow to or through this variable.
  public let requiresGradient: Bool
  /// A gradient handed out as data (by `grad`): a value computed from it is an
  /// optimizer step, which the language stores without a graph.
  @exclusivity(unchecked) public var isGradient = false

  /// A leaf: a value that was not computed from other variables.
  public init(_ value: Tensor, requiresGradient: Bool = true) {
    // Counted first: read after it is stored, the value would be copied (two retains and releases).
    GraphMemory.add(elements: value.scalars.count)
    self.value = value
    self.rule = nil
    self.attributes = .none
    self.requiresGradient = requiresGradient
  }

  /// A constant: a leaf that never receives a gradient.
  public static func constant(_ value: Tensor) -> Variable {
    Variable(value, requiresGradient: false)
  }

  /// A constant scalar.
  public static func constant(_ value: Double) -> Variable {
    Variable(Tensor(value), requiresGradient: false)
  }

  /// A result of `rule` applied to `inputs` (lent for the call: the node keeps its own references).
  init(value: Tensor, rule: Rule, attributes: Attributes, inputs: UnsafeBufferPointer<Variable>, requiresGradient: Bool) {
    GraphMemory.add(elements: value.scalars.count)
    self.value = value
    self.rule = rule
    self.attributes = attributes
    self.firstInput = inputs.first
    self.secondInput = inputs.count > 1 ? inputs[1] : nil
    if inputs.count > 2 { self.laterInputs = Array(inputs[2...]) }
    self.requiresGradient = requiresGradient
  }

  /// The same value cut from its graph: a leaf that records nothing.
  public var detached: Variable { Variable(value, requiresGradient: false) }

  /// The shape of the value.
  public var shape: [Int] { value.shape }

  /// True for a variable with no rule.
  public var isLeaf: Bool { rule == nil }

  /// The values the rule was applied to, in order.
  public var inputs: [Variable] {
    guard let firstInput else { return [] }
    guard let secondInput else { return [firstInput] }
    return [firstInput, secondInput] + laterInputs
  }

  // Release long chains without recursion: a chain of 100,000 ops would
  // otherwise free itself through 100,000 nested deinits and overflow the stack.
  deinit {
    GraphMemory.remove(elements: value.scalars.count)
    // Usually every input outlives this node or is a leaf: releasing them frees nothing further.
    guard Self.diesWithOwner(&firstInput) || Self.diesWithOwner(&secondInput)
      || laterInputs.indices.contains(where: { Self.diesWithOwner(&laterInputs[$0]) })
    else { return }
    var pending: [Variable] = []
    moveInputs(to: &pending)
    while var next = pending.popLast() {
      if Self.diesWithOwner(&next) { next.moveInputs(to: &pending) }
    }
  }

  /// Whether releasing `input` here would free it and, with it, inputs of its own: it has
  /// inputs and no other owner. (An input with another owner, or none, frees nothing further.)
  private static func diesWithOwner(_ input: inout Variable) -> Bool {
    input.firstInput != nil && isKnownUniquelyReferenced(&input)
  }

  private static func diesWithOwner(_ input: inout Variable?) -> Bool {
    input?.firstInput != nil && isKnownUniquelyReferenced(&input)
  }

  /// Moves this node's inputs to the end of `pending`, leaving it none, without retaining and
  /// releasing each (an atomic operation apiece, and a graph has many): each is taken out and
  /// consumed, since a bound copy appended was retained and then released. Each input is asked
  /// into the cache as it is moved, while this node's own memory is freed: a long graph is
  /// released at the speed of its cache misses (case 4 of `make bench`: 0.29 → 0.26 µs a statement).
  private func moveInputs(to pending: inout [Variable]) {
    func move(_ input: consuming Variable) {
      backstep_prefetch(Unmanaged.passUnretained(input).toOpaque())
      pending.append(consume input)
    }
    if let input = firstInput.take() { move(consume input) }
    if let input = secondInput.take() { move(consume input) }
    guard !laterInputs.isEmpty else { return }
    var later: [Variable] = []
    swap(&later, &laterInputs)
    while let element = later.popLast() { pending.append(consume element) }
  }
}

extension Variable: CustomStringConvertible {
  public var description: String {
    "Variable(\(rule?.name ?? "leaf"), shape: \(Shape.text(shape)))"
  }
}
