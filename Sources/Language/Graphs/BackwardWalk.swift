import Autodiff
import Tensors

/// The backward pass of a scalar, recorded so that each step can be shown in the
/// learner's names and each gradient read back as an expression.
///
/// The walk runs the same rules as `grad()`, with the backward itself recorded
/// (create-graph) and the seed dL/dL = 1 as a named leaf, so every gradient is a
/// graph built from the forward nodes and the seed.
public struct BackwardWalk {
  /// One contribution of a step: the gradient a node sends to one of its inputs.
  public struct Contribution {
    public let input: Variable
    public let gradient: Variable
  }

  /// One node of the walk: its rule applied backward.
  public struct Step {
    public let node: Variable
    /// dL/d(node), complete when the step runs.
    public let upstream: Variable
    /// What it sent to each input that takes a gradient.
    public let contributions: [Contribution]
  }

  public let output: Variable
  /// The seed dL/dL: a leaf of ones named `d` + the output's name.
  public let seed: Variable
  /// The forward nodes L depends on, inputs first.
  public let order: [Variable]
  /// The steps in the order they ran (reverse topological).
  public let steps: [Step]
  /// The complete gradient of every node reached, leaves included.
  public let totals: [ObjectIdentifier: Variable]
  /// For every node, the contributions it received, in order.
  public let received: [ObjectIdentifier: [(from: Variable, gradient: Variable)]]
  /// Names of the forward nodes: labels, the output's name, or t1, t2, … for long unnamed expressions.
  public let names: [ObjectIdentifier: String]

  /// Walks backward from a scalar `output` called `outputName`. Gradients are not given
  /// a name in `avoiding` (the session's variables, which pasted lines would overwrite).
  public init(from output: Variable, named outputName: String, avoiding: Set<String> = []) throws(AutodiffError) {
    guard output.value.count == 1 else { throw .nonScalarOutput(shape: output.shape) }
    self.output = output
    let order = topologicalOrder(from: output)
    self.order = order
    names = GraphNotation.shortNames(order, outputName: outputName)
    takenNames = Set(order.compactMap(\.label) + [outputName]).union(avoiding)

    let seed = Variable(Tensor.ones(like: output.value))
    seed.label = takenNames.contains("d" + outputName) ? "grad_" + outputName : "d" + outputName
    self.seed = seed
    let leaves = order.filter(\.isLeaf)
    var steps: [Step] = []
    var received: [ObjectIdentifier: [(from: Variable, gradient: Variable)]] = [:]
    let results = try gradients(of: output, wrt: leaves, seed: seed, createGraph: true) { step in
      var contributions: [Contribution] = []
      for (input, gradient) in zip(step.node.inputs, step.inputGradients) {
        guard let gradient, input.requiresGradient else { continue }
        contributions.append(Contribution(input: input, gradient: gradient))
        received[ObjectIdentifier(input), default: []].append((from: step.node, gradient: gradient))
      }
      steps.append(Step(node: step.node, upstream: step.upstream, contributions: contributions))
    }
    var totals: [ObjectIdentifier: Variable] = [ObjectIdentifier(output): seed]
    for step in steps { totals[ObjectIdentifier(step.node)] = step.upstream }
    for (leaf, result) in zip(leaves, results) where result.isReached { totals[ObjectIdentifier(leaf)] = result.variable }
    self.steps = steps
    self.received = received
    self.totals = totals
  }

  /// The display name of a forward node: its name, or its expression when it is short and unnamed.
  public func name(of node: Variable) -> String {
    names[ObjectIdentifier(node)] ?? GraphNotation(names: names).operand(node).sourceText
  }

  /// The names the learner gave to values of this graph; a gradient's name must not take one.
  public let takenNames: Set<String>

  /// `dz` for `z`, `d(W @ x)` for an expression; `grad_z` when the graph already has a value called `dz`.
  public func gradientName(of name: String) -> String {
    guard Lexer.isName(name) else { return "d(\(name))" }
    return takenNames.contains("d" + name) ? "grad_" + name : "d" + name
  }

  /// Notation that writes forward nodes by their names and gradients by theirs (`dz`).
  public var notation: GraphNotation {
    var all = names
    // One gradient can be several nodes' (`z = W @ x + b` passes dz on to W @ x unchanged, `x % y`
    // passes its own to x): it is named after the node nearest L, which computed it.
    for node in order.reversed() {
      if let total = totals[ObjectIdentifier(node)], all[ObjectIdentifier(total)] == nil {
        all[ObjectIdentifier(total)] = gradientName(of: name(of: node))
      }
    }
    all[ObjectIdentifier(seed)] = seed.label
    return GraphNotation(names: all)
  }
}
