import Tensors

// Reading at positions held in an index tensor, and the adjoint of each read.
// A gather copies elements, so its backward adds the gradient back at the same
// positions of zeros (a scatter-add); a scatter-add's backward reads the gradient
// at those positions again (a gather). Each pair is declared here as two rules,
// so gradients of gradients work. Index inputs receive no gradient.

extension RuleBook {
  static let selection: [Rule] = [
    .takeAlongAxis, .scatterAdd, .gather, .indexAdd, .gatherND, .sparse, .sparseMatmul,
    .oneHot, .sequenceMask, .blockdiag, .tril, .triu, .round, .floor, .ceil,
  ]
}

/// Index inputs are drawn as 0/1 (`.mask`: no gradient), so every indexed axis has size ≥ 2.
private func sample(_ data: [Int], _ indices: [Int], _ attributes: [(String, Attribute)]) -> Sample {
  Sample([Sample.Input(data), Sample.Input(indices, .mask)], Attributes(attributes.map { (name: $0.0, value: $0.1) }))
}

extension BackwardContext {
  /// The `axis` attribute, or `fallback`.
  func axis(default fallback: Int) -> Int { attributes.int("axis") ?? fallback }
}

extension Rule {
  /// NumPy's `take_along_axis` (PyTorch's `gather`).
  public static let takeAlongAxis = Rule(
    name: "take_along_axis",
    formulas: ["dx = scatter_add(dy, indices, axis=axis, shape=x.shape)", "dindices = none"],
    explanation: Explanation(
      indexNotation: "y[b,j] = x[b, indices[b,j]]   (axis=1; the other axes broadcast)",
      derivation: """
        Each y[b,j] is a copy of one element of x, so dy[b,j] goes back to that element, x[b, indices[b,j]], \
        and elements never picked get 0. An element picked twice receives both gradients: they add. \
        That is a scatter-add of dy into zeros of x's shape, along the same axis at the same indices. \
        The indices are integers: no gradient flows to them.
        """,
      shapes: "dx has the shape of x (mostly zeros); y and dy have the indices' shape, broadcast with x on the other axes.",
      pitfall: """
        PyTorch calls this gather, TensorFlow's gather is something else (whole slices: gather here). \
        indices must have as many axes as x: take_along_axis(x, reshape(i, (-1, 1)), 1) picks one entry per row.
        """),
    cost: .perOutputElement(forward: 0, backward: 1),
    samples: [
      sample([3, 4], [3, 2], [("axis", .int(1))]), sample([3, 4], [2, 4], [("axis", .int(0))]),
      sample([2, 3, 2], [2, 3, 1], [("axis", .int(-1))]), sample([1, 4], [3, 2], [("axis", .int(1))]),
      sample([3, 4], [1, 5], [("axis", .int(1))]), sample([4], [3], [("axis", .int(0))]),
    ],
    forward: { x, attributes throws(TensorError) in try x[0].takingAlongAxis(x[1], axis: attributes.int("axis") ?? -1) },
    backward: { c throws(TensorError) in
      [try c.upstream.scatterAdded(c.inputs[1], axis: c.axis(default: -1), shape: c.inputs[0].shape), nil]
    })

  /// Zeros with values added at indices along an axis: the adjoint of `take_along_axis` (PyTorch's `scatter_add`).
  public static let scatterAdd = Rule(
    name: "scatter_add",
    formulas: ["dupdates = take_along_axis(dy, indices, axis=axis)", "dindices = none"],
    explanation: Explanation(
      indexNotation: "y = zeros(shape); y[b, indices[b,j]] += updates[b,j]   (axis=1)",
      derivation: """
        y is linear in the updates: updates[b,j] lands in y[b, indices[b,j]] with factor 1, so its gradient \
        reads dy at that place: dupdates[b,j] = dy[b, indices[b,j]], a take_along_axis. Repeated indices \
        sum in the forward; in the backward each copy reads the same gradient.
        """,
      shapes: "dupdates has the shape of updates; y has `shape`.",
      pitfall: "This is how a gather's gradient reaches the tensor it read from: :derive shows it in backward graphs."),
    cost: .perInputElement(forward: 1, backward: 0),
    samples: [
      sample([3, 2], [3, 2], [("axis", .int(1)), ("shape", .ints([3, 4]))]),
      sample([2, 4], [2, 4], [("axis", .int(0)), ("shape", .ints([3, 4]))]),
      sample([3, 2], [3, 2], [("axis", .int(1)), ("shape", .ints([1, 4]))]),
      sample([1, 2], [3, 2], [("axis", .int(-1)), ("shape", .ints([3, 2]))]),
    ],
    forward: { x, attributes throws(TensorError) in
      try x[0].scatterAddedAlongAxis(x[1], axis: attributes.int("axis") ?? -1, shape: attributes.ints("shape") ?? [])
    },
    backward: { c throws(TensorError) in
      [try c.upstream.takenAlongAxis(c.inputs[1], axis: c.axis(default: -1)).summed(toShape: c.inputs[0].shape), nil]
    })

  /// TensorFlow's `gather`, NumPy's `take`: whole slices at the indices.
  public static let gather = Rule(
    name: "gather",
    formulas: ["dx = index_add(dy, indices, axis=axis, shape=x.shape)", "dindices = none"],
    explanation: Explanation(
      indexNotation: "y[i, …] = x[indices[i], …]   (axis=0)",
      derivation: """
        Slice i of y is a copy of slice indices[i] of x, so dy's slice i is added to dx's slice indices[i]; \
        rows never picked get 0 and a row picked k times gets the sum of k gradient slices. For an \
        embedding table this is why only the looked-up rows learn: dx is an index_add of dy into zeros.
        """,
      shapes: "dx has the shape of x; y and dy have shape x.shape[:axis] + indices.shape + x.shape[axis+1:].",
      pitfall: "gather(x, i, axis) takes whole slices; take_along_axis (PyTorch's gather) picks one element per position."),
    cost: .free,
    samples: [
      sample([4, 3], [5], [("axis", .int(0))]), sample([2, 3], [2, 2], [("axis", .int(1))]),
      sample([3], [], [("axis", .int(0))]), sample([2, 3, 2], [3], [("axis", .int(-1))]),
    ],
    forward: { x, attributes throws(TensorError) in try x[0].gathered(x[1], axis: attributes.int("axis") ?? 0) },
    backward: { c throws(TensorError) in
      [try c.upstream.indexAdded(c.inputs[1], axis: c.axis(default: 0), shape: c.inputs[0].shape), nil]
    })

  /// Zeros with slices added at indices along an axis: the adjoint of `gather` (PyTorch's `index_add`).
  public static let indexAdd = Rule(
    name: "index_add",
    formulas: ["dupdates = gather(dy, indices, axis=axis)", "dindices = none"],
    explanation: Explanation(
      indexNotation: "y = zeros(shape); y[indices[i], …] += updates[i, …]   (axis=0)",
      derivation: "y is linear in the updates; slice i lands at slice indices[i], so its gradient is dy's slice there: a gather.",
      shapes: "dupdates has the shape of updates: shape[:axis] + indices.shape + shape[axis+1:].",
      pitfall: "TensorFlow calls this unsorted_segment_sum (on axis 0); it is the gradient of every embedding lookup."),
    cost: .perInputElement(forward: 1, backward: 0),
    samples: [
      sample([5, 3], [5], [("axis", .int(0)), ("shape", .ints([4, 3]))]),
      sample([2, 2, 2], [2, 2], [("axis", .int(1)), ("shape", .ints([2, 3]))]),
      sample([1, 3], [4], [("axis", .int(0)), ("shape", .ints([2, 3]))]),
    ],
    forward: { x, attributes throws(TensorError) in
      try x[0].indexAdded(x[1], axis: attributes.int("axis") ?? 0, shape: attributes.ints("shape") ?? [])
    },
    backward: { c throws(TensorError) in
      [try c.upstream.gathered(c.inputs[1], axis: c.axis(default: 0)).summed(toShape: c.inputs[0].shape), nil]
    })
}

extension Variable {
  /// `take_along_axis(self, indices, axis)`.
  public func takenAlongAxis(_ indices: Variable, axis: Int) throws(TensorError) -> Variable {
    try Rule.takeAlongAxis.apply(self, indices, Attributes([("axis", .int(axis))]))
  }

  /// `scatter_add(self, indices, axis=axis, shape=shape)`: the adjoint of `takenAlongAxis`.
  public func scatterAdded(_ indices: Variable, axis: Int, shape: [Int]) throws(TensorError) -> Variable {
    try Rule.scatterAdd.apply(self, indices, Attributes([("axis", .int(axis)), ("shape", .ints(shape))]))
  }

  /// `gather(self, indices, axis)`: whole slices.
  public func gathered(_ indices: Variable, axis: Int) throws(TensorError) -> Variable {
    try Rule.gather.apply(self, indices, Attributes([("axis", .int(axis))]))
  }

  /// `index_add(self, indices, axis=axis, shape=shape)`: the adjoint of `gathered`.
  public func indexAdded(_ indices: Variable, axis: Int, shape: [Int]) throws(TensorError) -> Variable {
    try Rule.indexAdd.apply(self, indices, Attributes([("axis", .int(axis)), ("shape", .ints(shape))]))
  }
}
