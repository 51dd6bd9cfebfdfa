import Autodiff
import Tensors

/// What `:backward` says about each step: the equation, the rule, each gradient
/// with its shape, and the remarks that matter at that moment.
public struct BackwardExplanation {
  /// One gradient sent to one input.
  public struct Line {
    /// `dW`.
    public let name: String
    /// `dz @ x.T`.
    public let formula: String
    public let shape: [Int]
    public let value: Tensor
    /// Broadcasting undone, the matrix-product shape check, the batch axis, zero gradients.
    public let remarks: [String]
    /// Whether this is one of several gradients the input receives, which add up (`dz += …`).
    public var isPart = false
  }

  public struct Step {
    /// 1-based.
    public let number: Int
    /// `z = W @ x + b`, or the expression alone for an unnamed node.
    public let equation: String
    public let rule: Rule
    /// `y = a @ b`: the op in the names the rule's formulas use, so they are not read as the learner's.
    public let ruleSignature: String?
    /// `dz = dz₁ + dz₂` when the node fed several others (fan-out), else nil.
    public let accumulation: String?
    public let lines: [Line]
  }

  public let outputName: String
  public let steps: [Step]
  /// Leaves that received several contributions, with how they add up.
  public let leafAccumulations: [String]
  /// Every leaf gradient: name, shape and value (what grad() returns).
  public let leafGradients: [Line]

  public init(_ walk: BackwardWalk) {
    let notation = walk.notation
    outputName = walk.name(of: walk.output)
    var steps: [Step] = []
    for (index, step) in walk.steps.enumerated() {
      guard let rule = step.node.rule else { continue }
      let nodeName = walk.name(of: step.node)
      let expression = notation.expression(of: step.node).sourceText
      let equation = nodeName == expression ? expression : "\(nodeName) = \(expression)"
      // A named node's step calls its upstream gradient by the node's name (`a = W @ x` reads
      // `dW = da @ x.T`), even where the gradient came unchanged from an unnamed `a + b`.
      var stepNotation = notation
      if step.node.label != nil { stepNotation.names[ObjectIdentifier(step.upstream)] = walk.gradientName(of: nodeName) }
      let lines = step.contributions.map { contribution in
        let name = walk.gradientName(of: walk.name(of: contribution.input))
        let formula = contribution.gradient === step.upstream
          ? walk.gradientName(of: nodeName)
          : stepNotation.expression(of: contribution.gradient).sourceText
        return Line(
          name: name, formula: formula, shape: contribution.gradient.shape, value: contribution.gradient.value,
          remarks: Self.remarks(
            rule: rule, node: step.node, input: contribution.input, walk: walk,
            upstreamName: stepNotation.operand(step.upstream).sourceText),
          isPart: (walk.received[ObjectIdentifier(contribution.input)]?.count ?? 0) > 1)
      }
      steps.append(Step(
        number: index + 1, equation: equation, rule: rule, ruleSignature: Self.ruleSignature(rule, node: step.node),
        accumulation: Self.accumulation(of: step.node, walk: walk, notation: notation), lines: lines))
    }
    self.steps = steps
    let leaves = walk.order.filter { $0.isLeaf && walk.totals[ObjectIdentifier($0)] != nil }
    leafAccumulations = leaves.compactMap { Self.accumulation(of: $0, walk: walk, notation: notation) }
    leafGradients = leaves.compactMap { leaf in
      guard let total = walk.totals[ObjectIdentifier(leaf)] else { return nil }
      return Line(
        name: walk.gradientName(of: walk.name(of: leaf)), formula: "", shape: total.shape, value: total.value, remarks: [])
    }
  }

  /// `y = a @ b`: the op written with the names its rule's formulas use (the inputs they give a
  /// gradient, `da`, `db`, in order; the output is y). Nil when the formulas do not name every input.
  static func ruleSignature(_ rule: Rule, node: Variable) -> String? {
    var names: [String] = []
    for formula in rule.formulas where formula.hasPrefix("d") {
      let name = String(formula.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" })
      if !name.isEmpty, !names.contains(name) { names.append(name) }
    }
    guard names.count == node.inputs.count, !names.contains("y") else { return nil }
    let expression = GraphNotation.spell(rule, node.attributes, inputs: names.map { Expr.name($0) }, shapes: node.inputs.map(\.shape))
    return "y = " + expression.sourceText
  }

  /// `x is used 2 times, so its gradients add up: dx = dx₁ + dx₂` (`x * x` uses x twice in one op).
  static func accumulation(of node: Variable, walk: BackwardWalk, notation: GraphNotation) -> String? {
    guard let parts = walk.received[ObjectIdentifier(node)], parts.count > 1 else { return nil }
    let name = walk.name(of: node)
    // A part passed on unchanged is the sender's own gradient, and reads by its name (dy_2).
    let terms = parts.map { "\(notation.operand($0.gradient).sourceText)  (from \(walk.name(of: $0.from)))" }
    return "\(name) is used \(parts.count) times, so its gradients add up:\n"
      + "\(walk.gradientName(of: name)) = " + terms.joined(separator: "\n    + ")
  }

  /// The remarks for the gradient that `node` sends to `input`.
  static func remarks(rule: Rule, node: Variable, input: Variable, walk: BackwardWalk, upstreamName: String) -> [String] {
    var remarks: [String] = []
    let inputName = walk.name(of: input)
    let broadcasting = ["add", "subtract", "multiply", "divide", "power", "where"]
    if broadcasting.contains(rule.name) && input.shape != node.shape {
      let axes = Shape.stretchedAxes(from: input.shape, to: node.shape)
      let lead = node.shape.count - input.shape.count
      let described = axes.map { axis in
        axis < lead ? "added axis \(axis) (×\(node.shape[axis]))" : "axis \(axis) (×\(node.shape[axis]))"
      }
      remarks.append(
        "\(inputName) \(Shape.text(input.shape)) was broadcast to \(Shape.text(node.shape)) along "
          + described.joined(separator: ", ")
          + ": each value was used many times, so its gradient sums over "
          + (axes.count == 1 ? "that axis" : "those axes") + ".")
    }
    if rule.name == "matmul", node.inputs.count == 2, node.shape.count >= 1 {
      remarks += matmulRemarks(node: node, input: input, walk: walk, dy: upstreamName)
    }
    if rule.name == "relu" {
      let zeros = input.value.scalars.filter { $0 == 0 }.count
      let negative = input.value.scalars.filter { $0 < 0 }.count
      if negative > 0 { remarks.append("\(negative) of \(input.value.count) entries of \(inputName) are negative: relu passes no gradient there.") }
      if zeros > 0 { remarks.append("\(zeros) entries of \(inputName) are exactly 0, where relu has no slope: the rule uses 0.") }
    }
    if rule.name == "max" || rule.name == "min" {
      let receiving = node.value.count
      remarks.append(
        "only the \(rule.name == "max" ? "largest" : "smallest") entry behind each of the \(receiving) result\(receiving == 1 ? "" : "s") "
          + "gets a gradient; the other \(input.value.count - receiving) entries of \(inputName) get 0.")
    }
    if rule.name == "where", let condition = node.inputs.first {
      let chosen = input === node.inputs[1]
      let blocked = condition.value.scalars.filter { chosen ? $0 == 0 : $0 != 0 }.count
      if blocked > 0 {
        remarks.append("\(inputName) was not chosen at \(blocked) of \(condition.value.count) positions: its gradient is 0 there.")
      }
    }
    if ["sign", "round", "floor", "ceil"].contains(rule.name) {
      remarks.append("\(rule.name) is piecewise constant: its gradient is zero everywhere it exists.")
    }
    return remarks
  }

  /// The shape check of a matrix product's gradient, which axis of dy it sums over and which it
  /// keeps, and what that means for a batch: which axis holds the examples is read from a bias
  /// added to the product (shared by the examples), or both readings are given.
  static func matmulRemarks(node: Variable, input: Variable, walk: BackwardWalk, dy: String) -> [String] {
    let a = node.inputs[0], b = node.inputs[1]
    guard a.shape.count == 2, b.shape.count == 2, !node.attributes.bool("transposeLHS"), !node.attributes.bool("transposeRHS") else {
      return []
    }
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    let examples = exampleAxis(of: node, walk: walk)
    // dA = dy @ B.T sums over dy's columns and keeps its rows; dB = A.T @ dy the other way round.
    let (summed, kept) = input === a ? (1, 0) : (0, 1)
    let axisName = ["rows", "columns"], count = [m, n]
    let shapes = input === a
      ? "shapes: \(dy) \(Shape.text([m, n])) @ \(transposed(b, walk)) \(Shape.text([n, k])) -> \(Shape.text([m, k])), the shape of \(walk.name(of: a))."
      : "shapes: \(transposed(a, walk)) \(Shape.text([k, m])) @ \(dy) \(Shape.text([m, n])) -> \(Shape.text([k, n])), the shape of \(walk.name(of: b))."
    let sums = "each entry sums over the \(count[summed]) \(axisName[summed]) of \(dy) and keeps its \(count[kept]) \(axisName[kept])"
    guard let examples else {
      return [
        shapes,
        sums + ": when \(axisName[summed]) are examples this sums over the batch; when \(axisName[kept]) are, "
          + "each example keeps its own gradient.",
      ]
    }
    let evidence = "(\(examples.bias) is added to each of them)"
    return [
      shapes,
      examples.axis == summed
        ? sums + ": \(axisName[summed]) are examples here \(evidence), so this sums over the batch."
        : sums + ": \(axisName[kept]) are examples here \(evidence), so each example of \(walk.name(of: input)) "
          + "keeps its own gradient: the batch axis is kept.",
    ]
  }

  /// A matrix operand transposed, as the learner would write it: `(V * mask).T`, and `q` for an unnamed `q.T`.
  static func transposed(_ node: Variable, _ walk: BackwardWalk) -> String {
    if walk.names[ObjectIdentifier(node)] == nil, node.rule === Rule.transpose, let inner = node.inputs.first, inner.shape.count == 2 {
      return walk.name(of: inner)
    }
    let operand = walk.names[ObjectIdentifier(node)].map { Expr.name($0) } ?? GraphNotation(names: walk.names).operand(node)
    return Expr(.attribute(operand, name: "T", nameRange: .empty)).sourceText
  }

  /// The axis of a matrix product (0: rows, 1: columns) that holds the examples, when a bias
  /// added to the product is broadcast along exactly that axis, and the bias's name and shape.
  static func exampleAxis(of node: Variable, walk: BackwardWalk) -> (axis: Int, bias: String)? {
    for (consumer, _) in walk.received[ObjectIdentifier(node)] ?? [] where consumer.rule === Rule.add && consumer.shape == node.shape {
      guard let bias = consumer.inputs.first(where: { $0 !== node }) else { continue }
      let stretched = Shape.stretchedAxes(from: bias.shape, to: node.shape)
      if stretched.count == 1 { return (stretched[0], "\(walk.name(of: bias)) \(Shape.text(bias.shape))") }
    }
    return nil
  }
}
