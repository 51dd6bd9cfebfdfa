import Tensors

/// Failures of a gradient request.
public enum AutodiffError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `grad` of a non-scalar without a seed.
  case nonScalarOutput(shape: [Int])
  /// A seed whose shape differs from the output's.
  case seedShape(seed: [Int], output: [Int])
  /// Shapes went wrong inside a backward rule.
  case tensor(TensorError)

  public var description: String {
    switch self {
    case let .nonScalarOutput(shape):
      "the output has shape \(Shape.text(shape)), not a single number: a gradient needs a scalar output, or a seed (a vector-Jacobian product)"
    case let .seedShape(seed, output):
      "the seed has shape \(Shape.text(seed)) but the output has shape \(Shape.text(output))"
    case let .tensor(error):
      error.description
    }
  }
}

/// The gradient of an output with respect to one target.
public struct Gradient {
  /// dL/d(target), with the target's shape: zeros when the output does not depend on it.
  public let variable: Variable
  /// False when the backward walk never reached the target.
  public let isReached: Bool

  public var value: Tensor { variable.value }
}

/// One node of the backward walk, as it happened: what came in and what went out.
public struct BackwardStep {
  /// The node whose rule was applied.
  public let node: Variable
  /// dL/d(node).
  public let upstream: Variable
  /// The gradient sent to each input (`nil` where none flows).
  public let inputGradients: [Variable?]
}

/// Reverse-mode differentiation over the graph that produced `output`.
///
/// Walks the nodes in reverse topological order (iteratively: a chain of any
/// length is fine), applying each node's rule and adding up the gradients of
/// values used more than once. With `createGraph`, the backward rules run on the
/// graph itself and record their own graph: the gradients can be differentiated
/// again (second derivatives) and read as expressions.
public func gradients(
  of output: Variable,
  wrt targets: [Variable],
  seed: Variable? = nil,
  createGraph: Bool = false,
  observe: ((BackwardStep) -> Void)? = nil
) throws(AutodiffError) -> [Gradient] {
  let start: Variable
  if let seed {
    guard seed.shape == output.shape else { throw .seedShape(seed: seed.shape, output: output.shape) }
    start = createGraph ? seed : seed.detached
  } else {
    guard output.value.count == 1 else { throw .nonScalarOutput(shape: output.shape) }
    start = .constant(Tensor.ones(like: output.value))
  }

  // Anomaly mode checks each rule's gradients, and keeps the ops inside a rule from counting as forwards.
  let anomalies = AnomalyDetector.current
  var pending: [ObjectIdentifier: Variable] = [:]
  let keep = Set(targets.map(ObjectIdentifier.init))
  if output.requiresGradient { pending[ObjectIdentifier(output)] = start }

  // Only the nodes from which a target can be reached run their rule, and only toward
  // inputs on such a path: grad(L, A) of L = sum(A @ B) computes dA, not dB.
  let order = topologicalOrder(from: output)
  var leadsToTarget = keep
  for node in order where !leadsToTarget.contains(ObjectIdentifier(node)) {
    if node.inputs.contains(where: { leadsToTarget.contains(ObjectIdentifier($0)) }) {
      leadsToTarget.insert(ObjectIdentifier(node))
    }
  }

  do {
    for node in order.reversed() {
      let id = ObjectIdentifier(node)
      guard leadsToTarget.contains(id), let rule = node.rule, let backward = rule.backward, let upstream = pending[id] else {
        continue
      }
      if !keep.contains(id) { pending[id] = nil }
      let inputs = node.inputs  // made on demand from the node's fields: read once
      let needed = inputs.map { $0.requiresGradient && leadsToTarget.contains(ObjectIdentifier($0)) }
      let context = BackwardContext(
        inputs: createGraph ? inputs : inputs.map(\.detached),
        output: createGraph ? node : node.detached,
        upstream: upstream,
        attributes: node.attributes,
        needsGradient: needed)
      let contributions: [Variable?]
      if let anomalies {
        contributions = try anomalies.inspectBackward(of: node, rule: rule, context: context, running: backward)
      } else {
        contributions = try backward(context)
      }
      // A rule may compute gradients nobody asked for; only the needed ones are sent on.
      let delivered = zip(contributions, needed).map { $1 ? $0 : nil }
      for (input, contribution) in zip(inputs, delivered) {
        guard let contribution else { continue }
        let inputID = ObjectIdentifier(input)
        if let earlier = pending[inputID] {
          pending[inputID] = try earlier + contribution
        } else {
          pending[inputID] = contribution
        }
      }
      observe?(BackwardStep(node: node, upstream: upstream, inputGradients: delivered))
    }
    return try targets.map { (target: Variable) throws(TensorError) in
      if let gradient = pending[ObjectIdentifier(target)] {
        return Gradient(variable: gradient, isReached: true)
      }
      return Gradient(variable: .constant(try Tensor.zeros(target.shape)), isReached: false)
    }
  } catch {
    throw .tensor(error)
  }
}

/// The gradient of a scalar `output` with respect to `target`.
public func gradient(of output: Variable, wrt target: Variable, createGraph: Bool = false) throws(AutodiffError) -> Gradient {
  try gradients(of: output, wrt: [target], createGraph: createGraph)[0]
}

/// The nodes that `output` depends on through differentiable paths, inputs before the nodes that use them.
public func topologicalOrder(from output: Variable) -> [Variable] {
  var order: [Variable] = []
  var visited = Set<ObjectIdentifier>()
  // Iterative depth-first search: (node, whether its inputs were already pushed).
  var stack: [(Variable, Bool)] = [(output, false)]
  while let (node, expanded) = stack.popLast() {
    if expanded {
      order.append(node)
      continue
    }
    guard node.requiresGradient, visited.insert(ObjectIdentifier(node)).inserted else { continue }
    stack.append((node, true))
    for input in node.inputs.reversed() where input.requiresGradient {
      stack.append((input, false))
    }
  }
  return order
}

