import Tensors

// sum, mean, max, min over an axis, a list of axes or all of them, with keepdims.
// A reduction's backward sends the gradient back along the reduced axes:
// a broadcast, the mirror image of broadcasting's backward (a sum).

extension Sample {
  static func reduction(_ domain: Domain) -> [Sample] {
    [
      Sample([Input([2, 3], domain)]),
      Sample([Input([2, 3], domain)], Attributes([("axis", .ints([1]))])),
      Sample([Input([2, 3, 2], domain)], Attributes([("axis", .ints([0, 2])), ("keepdims", .bool(true))])),
      Sample([Input([3, 1], domain)], Attributes([("axis", .ints([-1]))])),
      Sample([Input([], domain)]),
    ]
  }
}

extension Attributes {
  /// The axes a reduction of a tensor of `rank` axes runs over, normalized (all when none were given).
  public func reducedAxes(rank: Int) -> [Int] {
    guard let axes = ints("axis") else { return Array(0..<rank) }
    return (try? Shape.normalize(axes: axes, rank: rank)) ?? []
  }
}

extension BackwardContext {
  /// The reduced axes (all when none were given).
  var reducedAxes: [Int] { attributes.reducedAxes(rank: inputs[0].value.rank) }

  /// The input's shape with the reduced axes kept as size 1.
  var keptShape: [Int] {
    var shape = inputs[0].shape
    for axis in reducedAxes { shape[axis] = 1 }
    return shape
  }

  /// The number of elements each output element summarizes.
  var reducedCount: Int {
    reducedAxes.reduce(1) { $0 * inputs[0].shape[$1] }
  }
}

extension Rule {
  static func reduction(
    _ kind: ReductionKind, formula: String, explanation: Explanation, domain: Sample.Domain,
    backward: @escaping @Sendable (BackwardContext) throws(TensorError) -> Variable
  ) -> Rule {
    Rule(
      name: kind.rawValue, formulas: [formula], explanation: explanation,
      cost: .perInputElement(forward: 1, backward: kind == .sum ? 0 : 2),
      samples: Sample.reduction(domain),
      forward: { x, attributes throws(TensorError) in
        try x[0].reduced(kind, axes: attributes.ints("axis"), keepDims: attributes.bool("keepdims"))
      },
      backward: { c throws(TensorError) in [try backward(c)] })
  }

  public static let sum = reduction(
    .sum, formula: "dx = broadcast_to(dy, x.shape)",
    explanation: Explanation(
      indexNotation: "y[i] = Σ_j x[i,j]   (for axis=1)",
      derivation: "Every x[i,j] enters y[i] once with factor 1, so dx[i,j] = dy[i]: the gradient is copied "
        + "(broadcast) back along the summed axis. Summing in the forward is broadcasting in the backward, "
        + "and broadcasting in the forward is summing in the backward.",
      shapes: "dx has the shape of x; dy is first given size-1 axes where x was reduced (keepdims), then broadcast.",
      pitfall: "Without keepdims, dy (3,) against x (3, 5) would broadcast along the wrong axis: the rule reinserts the reduced axis first."),
    domain: .real
  ) { c throws(TensorError) in
    try c.upstream.reshapedIfNeeded(c.keptShape).broadcast(to: c.inputs[0].shape)
  }

  public static let mean = reduction(
    .mean, formula: "dx = broadcast_to(dy, x.shape) / n",
    explanation: Explanation(
      indexNotation: "y[i] = (1/n) Σ_j x[i,j]",
      derivation: "Like sum, with the factor 1/n: each of the n elements moves the mean by 1/n of its own change.",
      shapes: "dx has the shape of x.",
      pitfall: "A mean over the batch divides every example's gradient by the batch size."),
    domain: .real
  ) { c throws(TensorError) in
    try c.upstream.reshapedIfNeeded(c.keptShape).broadcast(to: c.inputs[0].shape) / Double(Swift.max(c.reducedCount, 1))
  }

  public static let max = reduction(
    .max, formula: "dx = (x == y) * dy / count(x == y)",
    explanation: Explanation(
      indexNotation: "y[i] = max_j x[i,j]",
      derivation: "Only the largest entry decides y: a small change to any other entry changes nothing, "
        + "so its gradient is 0. The maximal entry passes dy through unchanged. With ties, dy is shared equally among them.",
      shapes: "dx has the shape of x; it is zero except at the maxima.",
      pitfall: "The gradient is sparse: the non-maximal entries (most of them) learn nothing from this step."),
    domain: .distinct
  ) { c throws(TensorError) in try Rule.extremumGradient(c) }

  public static let min = reduction(
    .min, formula: "dx = (x == y) * dy / count(x == y)",
    explanation: Explanation(
      indexNotation: "y[i] = min_j x[i,j]",
      derivation: "Only the smallest entry decides y; it receives dy, every other entry 0. Ties share dy equally.",
      shapes: "dx has the shape of x; it is zero except at the minima.",
      pitfall: "As with max, the gradient reaches one entry per output."),
    domain: .distinct
  ) { c throws(TensorError) in try Rule.extremumGradient(c) }

  /// max and min: the gradient goes to the entries equal to the result, shared among ties.
  static func extremumGradient(_ c: BackwardContext) throws(TensorError) -> Variable {
    let kept = c.keptShape
    let winners = try c.inputs[0].equals(c.output.reshapedIfNeeded(kept))
    let ties = try winners.reduced(.sum, axes: c.reducedAxes, keepDims: true)
    return try winners * c.upstream.reshapedIfNeeded(kept) / ties
  }
}
