import Tensors

// softmax, log_softmax and logsumexp along axes, computed stably (the max is
// subtracted first), and the two losses that end most networks: cross_entropy
// on integer labels and mse. Their backward rules reuse the forward outputs.

extension RuleBook {
  static let softmaxFamily: [Rule] = [.softmax, .logSoftmax, .logsumexp, .crossEntropy, .mse]
}

private func axisSamples(_ shapes: [([Int], [Int]?)]) -> [Sample] {
  shapes.map { shape, axes in Sample(shapes: [shape], axes.map { Attributes([("axis", .ints($0))]) } ?? .none) }
}

extension BackwardContext {
  /// The normalized `axis` attribute of a softmax-like op (`fallback` when absent: nil is all axes).
  func softmaxAxes(default fallback: [Int]?) throws(TensorError) -> [Int] {
    let rank = inputs[0].value.rank
    guard let axes = attributes.ints("axis") ?? fallback else { return Array(0..<rank) }
    return try Shape.normalize(axes: axes, rank: rank)
  }
}

extension Rule {
  public static let softmax = Rule(
    name: "softmax",
    formulas: ["dx = y * (dy - sum(dy * y, axis, keepdims=true))"],
    explanation: Explanation(
      indexNotation: "y[b,i] = exp(x[b,i]) / Σ_j exp(x[b,j])   (axis=-1)",
      derivation: """
        ∂y[i]/∂x[j] = y[i]·(δ_ij - y[j]): raising x[j] raises y[j] and takes that share from every other y[i]. \
        So dx[j] = Σ_i dy[i]·y[i]·(δ_ij - y[j]) = y[j]·(dy[j] - Σ_i dy[i]·y[i]): the incoming gradient \
        minus its y-weighted average, times y. Adding a constant to every x[j] changes nothing, and indeed dx sums to 0. \
        The forward subtracts max_j x[j] first (that constant), so exp never overflows.
        """,
      shapes: "dx has the shape of x; the sum runs along the softmax axis only.",
      pitfall: "softmax then log is unstable for very negative scores (log 0 = -inf): use log_softmax, or cross_entropy on the logits."),
    cost: .perOutputElement(forward: 25, backward: 4),
    samples: axisSamples([([2, 3], [-1]), ([2, 3], [0]), ([3], nil), ([2, 1, 3], [1]), ([2, 3, 2], [0, 2])]),
    forward: { x, attributes throws(TensorError) in try x[0].softmax(axes: attributes.ints("axis") ?? [-1]) },
    backward: { c throws(TensorError) in
      let (y, dy) = (c.output, c.upstream)
      return [try y * (dy - (dy * y).reduced(.sum, axes: c.softmaxAxes(default: [-1]), keepDims: true))]
    })

  public static let logSoftmax = Rule(
    name: "log_softmax",
    formulas: ["dx = dy - exp(y) * sum(dy, axis, keepdims=true)"],
    explanation: Explanation(
      indexNotation: "y[b,i] = x[b,i] - log Σ_j exp(x[b,j])   (axis=-1)",
      derivation: """
        y[i] = x[i] - logsumexp(x), and ∂ logsumexp/∂x[j] = softmax(x)[j] = exp(y[j]). So \
        dx[j] = dy[j] - exp(y[j])·Σ_i dy[i]: each input gets its own gradient minus its probability's share of the total.
        """,
      shapes: "dx has the shape of x.",
      pitfall: "The values are ≤ 0 (log-probabilities); exp(log_softmax(x)) is softmax(x)."),
    cost: .perOutputElement(forward: 25, backward: 22),
    samples: axisSamples([([2, 3], [-1]), ([2, 3], [0]), ([3], nil), ([2, 1, 3], [1])]),
    forward: { x, attributes throws(TensorError) in try x[0].logSoftmax(axes: attributes.ints("axis") ?? [-1]) },
    backward: { c throws(TensorError) in
      let (y, dy) = (c.output, c.upstream)
      return [try dy - y.exp() * dy.reduced(.sum, axes: c.softmaxAxes(default: [-1]), keepDims: true)]
    })

  public static let logsumexp = Rule(
    name: "logsumexp",
    formulas: ["dx = broadcast_to(dy, x.shape) * softmax(x, axis)"],
    explanation: Explanation(
      indexNotation: "y[b] = log Σ_j exp(x[b,j])   (axis=1)",
      derivation: """
        Computed as m + log Σ_j exp(x[j] - m) with m = max_j x[j]. \
        ∂y/∂x[j] = exp(x[j]) / Σ_i exp(x[i]) = softmax(x)[j]: a smooth maximum, whose gradient is a soft \
        one-hot of the largest entry. Subtracting m changes no value (it is added back) and keeps every exp ≤ 1.
        """,
      shapes: "dx has the shape of x; dy gets back the reduced axes (as in sum) and is broadcast.",
      pitfall: "log(sum(exp(x))) overflows for x > 709 and gives -inf when every x < -745; logsumexp does not."),
    cost: .perInputElement(forward: 25, backward: 27),
    samples: axisSamples([([2, 3], nil), ([2, 3], [1]), ([3, 1], [-1]), ([], nil)])
      + [Sample(shapes: [[2, 3, 2]], Attributes([("axis", .ints([0, 2])), ("keepdims", .bool(true))]))],
    forward: { x, attributes throws(TensorError) in
      try x[0].logSumExp(axes: attributes.ints("axis"), keepDims: attributes.bool("keepdims"))
    },
    backward: { c throws(TensorError) in
      let axes = try c.softmaxAxes(default: nil)
      var kept = c.inputs[0].shape
      for axis in axes { kept[axis] = 1 }
      let spread = try c.upstream.reshapedIfNeeded(kept).broadcast(to: c.inputs[0].shape)
      return [try spread * c.inputs[0].softmax(axes: axes)]
    })

  public static let crossEntropy = Rule(
    name: "cross_entropy",
    formulas: ["dlogits = dy * (softmax(logits, axis=-1) - one_hot(labels, C)) / B", "dlabels = none"],
    explanation: Explanation(
      indexNotation: "L = (1/B) Σ_b (logsumexp(z[b,:]) - z[b, labels[b]])",
      derivation: """
        Per example, ℓ = -log softmax(z)[t] = logsumexp(z) - z[t] for the true class t. The first term's \
        gradient is softmax(z) (see logsumexp); the second's is 1 at t and 0 elsewhere: one_hot(t). So \
        ∂ℓ/∂z = softmax(z) - one_hot(t): the predicted probabilities minus the target ones. The mean over \
        the batch divides by B: dlogits = (softmax(logits) - one_hot(labels, C)) / B. Computed from the logits, \
        log 0 never appears.
        """,
      shapes: "dlogits has the shape of the logits z, (B, C); labels are (B,) integers and get no gradient; the loss is a number.",
      pitfall: "Pass the logits, not softmax(logits): applying softmax twice flattens the probabilities and the gradient."),
    cost: .perInputElement(forward: 25, backward: 4),
    samples: [
      Sample([.init([4, 3]), .init([4], .mask)]), Sample([.init([2, 2]), .init([2], .mask)]),
      Sample([.init([3]), .init([], .mask)]),
    ],
    forward: { x, _ throws(TensorError) in
      let (logits, labels) = try crossEntropyOperands(x[0], x[1])
      let picked = try logits.takingAlongAxis(labels.reshaped([-1, 1]), axis: 1).reshaped([-1])
      return try (logits.logSumExp(axes: [1]) - picked).reduced(.mean)
    },
    backward: { c throws(TensorError) in
      let (logits, labels) = try crossEntropyOperands(c.inputs[0].value, c.inputs[1].value)
      let (batch, classes) = (logits.shape[0], logits.shape[1])
      let z = try c.inputs[0].reshapedIfNeeded(logits.shape)
      let target = try c.inputs[1].reshapedIfNeeded(labels.shape).oneHot(classes: classes)
      let gradient = try (z.softmax(axes: [-1]) - target) * (c.upstream / Double(Swift.max(batch, 1)))
      return [try gradient.reshapedIfNeeded(c.inputs[0].shape), nil]
    })

  /// Logits as (B, C) and labels as (B,): a single example (C,) with a 0-d label counts as B = 1.
  static func crossEntropyOperands(_ logits: Tensor, _ labels: Tensor) throws(TensorError) -> (Tensor, Tensor) {
    let z = logits.rank == 1 ? try logits.reshaped([1, -1]) : logits
    let t = logits.rank == 1 && labels.rank == 0 ? try labels.reshaped([1]) : labels
    guard z.rank == 2 else { throw .rankTooLow(operation: "cross_entropy", shape: logits.shape, minimum: 2) }
    guard t.shape == [z.shape[0]] else { throw .broadcast(lhs: [z.shape[0]], rhs: labels.shape, axis: -1) }
    return (z, t)
  }

  public static let mse = Rule(
    name: "mse",
    formulas: ["da = dy * 2 * (a - b) / n", "db = -dy * 2 * (a - b) / n"],
    explanation: Explanation(
      indexNotation: "L = (1/n) Σ_i (a[i] - b[i])²   (n elements, after broadcasting)",
      derivation: """
        ∂L/∂a[i] = (2/n)·(a[i] - b[i]) and ∂L/∂b[i] = -(2/n)·(a[i] - b[i]): each element pulls its \
        prediction toward its target, in proportion to the error. Broadcast inputs sum their gradients back.
        """,
      shapes: "da has the shape of a, db the shape of b; the loss is a number.",
      pitfall: "Predictions (B, 1) against targets (B,) broadcast to (B, B) and compare every pair: reshape one first."),
    cost: .perOutputElement(forward: 3, backward: 4),
    samples: Sample.binary(),
    forward: { x, _ throws(TensorError) in try Tensor.zip(x[0], x[1]) { ($0 - $1) * ($0 - $1) }.reduced(.mean) },
    backward: { c throws(TensorError) in
      let (a, b) = (c.inputs[0], c.inputs[1])
      let difference = try a - b
      let n = Double(Swift.max(difference.value.count, 1))
      let da = try difference * (c.upstream * (2 / n))
      return [c.needsGradient[0] ? try da.summed(toShape: a.shape) : nil,
              c.needsGradient[1] ? try (-da).summed(toShape: b.shape) : nil]
    })
}

extension Variable {
  /// `softmax(self, axis)`; `axes` nil is the last axis.
  public func softmax(axes: [Int]? = nil) throws(TensorError) -> Variable {
    try Rule.softmax.apply(self, Attributes([("axis", .ints(axes ?? [-1]))]))
  }

  public func logSoftmax(axes: [Int]? = nil) throws(TensorError) -> Variable {
    try Rule.logSoftmax.apply(self, Attributes([("axis", .ints(axes ?? [-1]))]))
  }

  /// `logsumexp(self, axis, keepdims)`; `axes` nil is all of them.
  public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) throws(TensorError) -> Variable {
    var entries: [(name: String, value: Attribute)] = []
    if let axes { entries.append(("axis", .ints(axes))) }
    if keepDims { entries.append(("keepdims", .bool(true))) }
    return try Rule.logsumexp.apply(self, Attributes(entries))
  }

  /// `cross_entropy(self, labels)`: self are the logits (B, C), labels (B,) integers.
  public func crossEntropy(labels: Variable) throws(TensorError) -> Variable {
    try Rule.crossEntropy.apply(self, labels)
  }

  /// `mse(a, b)`: the mean squared difference.
  public static func mse(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable {
    try Rule.mse.apply(a, b)
  }
}
