import Tensors

// Selecting and joining. Reading a slice is a copy of some elements, so its
// backward writes the gradient back into those places of a zero tensor.

extension Rule {
  public static let index = Rule(
    name: "index",
    formulas: ["dx = zeros(x.shape) with dy added at [index]"],
    explanation: Explanation(
      indexNotation: "y[i,j] = x[2, 1 + 2i, j]   (for x[2, 1::2, :])",
      derivation: "Each output element is a copy of one input element: that input element gets its gradient, "
        + "every element that was not selected gets 0. The backward scatters dy into zeros of x's shape.",
      shapes: "dx has the shape of x, zero outside the selection.",
      pitfall: "An integer index removes the axis (x[0] of (3, 4) is (4,)); a slice 0:1 keeps it (1, 4)."),
    cost: .free,
    samples: [
      Sample(shapes: [[3, 4]], Attributes([("index", .index([.index(1)]))])),
      Sample(shapes: [[3, 4]], Attributes([("index", .index([.slice(start: nil, stop: nil, step: 2), .index(-1)]))])),
      Sample(shapes: [[2, 3, 2]], Attributes([("index", .index([.ellipsis, .newAxis, .slice(start: 1, stop: nil, step: nil)]))])),
      Sample(shapes: [[4]], Attributes([("index", .index([.slice(start: nil, stop: nil, step: -1)]))])),
    ],
    notation: .indexing,
    forward: { x, attributes throws(TensorError) in try x[0].indexed(attributes.index("index") ?? []) },
    backward: { c throws(TensorError) in
      [try c.upstream.scattered(into: c.inputs[0].shape, at: c.attributes.index("index") ?? [])]
    })

  /// The backward of indexing, itself differentiable (its backward is indexing again).
  public static let scatter = Rule(
    name: "scatter",
    formulas: ["dx = dy[index]"],
    explanation: Explanation(
      indexNotation: "y = zeros(shape); y[index] += x",
      derivation: "x's elements are added at the selected places of a zero tensor; each place receives one element, "
        + "so the gradient reads dy back at the same places: indexing.",
      shapes: "dx has the shape of x (the shape of the selection).",
      pitfall: "This op appears in backward passes: it is how the gradient of a slice reaches the whole tensor."),
    cost: .perInputElement(forward: 1, backward: 0),
    samples: [
      Sample(shapes: [[4]], Attributes([("shape", .ints([3, 4])), ("index", .index([.index(1)]))])),
      Sample(shapes: [[2, 1]], Attributes([("shape", .ints([3, 2])), ("index", .index([.slice(start: nil, stop: nil, step: 2), .slice(start: -1, stop: nil, step: nil)]))])),
    ],
    notation: .call("scatter", positional: ["shape", "index"]),
    forward: { x, attributes throws(TensorError) in
      try x[0].scattered(into: attributes.ints("shape") ?? [], at: attributes.index("index") ?? [])
    },
    backward: { c throws(TensorError) in [try c.upstream.indexed(c.attributes.index("index") ?? [])] })

  /// `x` with values written at a subscript: the functional form of `x[index] = values`.
  public static let put = Rule(
    name: "put",
    formulas: ["dx = dy - scatter(dy[index], x.shape, index)", "dvalues = dy[index]"],
    explanation: Explanation(
      indexNotation: "y = copy of x; y[index] = values   (JAX: x.at[index].set(values))",
      derivation: "Outside the subscript each output element is a copy of x's, so x gets dy there; inside, x's "
        + "elements were overwritten and get 0: dy less dy's selection put back in place. The values were copied "
        + "into the selection, so they get dy read at the same places (summed back to their shape when they broadcast).",
      shapes: "dx has the shape of x; dvalues the shape of values.",
      pitfall: "Tensors are values here: put returns a new tensor, and x is unchanged until you assign it again "
        + "(W = put(W, \"0, 1\", 0))."),
    cost: .free,
    samples: [
      Sample(shapes: [[3, 4], [4]], Attributes([("index", .index([.index(1)]))])),
      Sample(shapes: [[3, 4], []], Attributes([("index", .index([.slice(start: nil, stop: nil, step: 2), .index(-1)]))])),
      Sample(shapes: [[2, 3], [2, 1]], Attributes([("index", .index([.ellipsis, .slice(start: 1, stop: nil, step: nil)]))])),
    ],
    notation: .call("put", positional: ["index"], afterInputs: 1),
    forward: { x, attributes throws(TensorError) in try x[0].putting(x[1], at: attributes.index("index") ?? []) },
    backward: { c throws(TensorError) in
      let items = c.attributes.index("index") ?? []
      let selected = try c.upstream.indexed(items)
      return [
        c.needsGradient[0] ? try c.upstream - selected.scattered(into: c.inputs[0].shape, at: items) : nil,
        c.needsGradient[1] ? try selected.summed(toShape: c.inputs[1].shape) : nil,
      ]
    })

  public static let concat = Rule(
    name: "concat",
    formulas: ["dx_k = dy[the k-th block along axis]"],
    explanation: Explanation(
      indexNotation: "y = [x_0 | x_1 | …] along axis",
      derivation: "Each input occupies its own block of the output, so its gradient is that block of dy.",
      shapes: "Each dx_k has the shape of x_k.",
      pitfall: "All shapes must agree except along the joined axis."),
    cost: .free,
    samples: [
      Sample(shapes: [[2, 3], [1, 3]], Attributes([("axis", .int(0))])),
      Sample(shapes: [[2, 1], [2, 2], [2, 1]], Attributes([("axis", .int(-1))])),
    ],
    notation: .callWithList("concat"),
    forward: { x, attributes throws(TensorError) in try Tensor.concatenate(Array(x), axis: attributes.int("axis") ?? 0) },
    backward: { c throws(TensorError) in
      let rank = c.upstream.value.rank
      let axis = try Shape.normalize(axis: c.attributes.int("axis") ?? 0, rank: rank)
      var start = 0
      var parts: [Variable?] = []
      for (input, needed) in zip(c.inputs, c.needsGradient) {
        let length = input.shape[axis]
        var items = [IndexItem](repeating: .slice(start: nil, stop: nil, step: nil), count: axis)
        items.append(.slice(start: start, stop: start + length, step: nil))
        parts.append(needed ? try c.upstream.indexed(items) : nil)
        start += length
      }
      return parts
    })

  public static let stack = Rule(
    name: "stack",
    formulas: ["dx_k = dy[k along axis]"],
    explanation: Explanation(
      indexNotation: "y[k, …] = x_k[…]   (axis=0)",
      derivation: "Input k is the k-th slice of the output along the new axis, so its gradient is that slice of dy.",
      shapes: "Each dx_k has the shape of x_k.",
      pitfall: "stack adds an axis (all inputs the same shape); concat joins along an existing one."),
    cost: .free,
    samples: [
      Sample(shapes: [[2, 3], [2, 3]], Attributes([("axis", .int(0))])),
      Sample(shapes: [[3], [3], [3]], Attributes([("axis", .int(-1))])),
      Sample(shapes: [[], []], Attributes([("axis", .int(0))])),
    ],
    notation: .callWithList("stack"),
    forward: { x, attributes throws(TensorError) in try Tensor.stack(Array(x), axis: attributes.int("axis") ?? 0) },
    backward: { c throws(TensorError) in
      let rank = c.upstream.value.rank
      let axis = try Shape.normalize(axis: c.attributes.int("axis") ?? 0, rank: rank)
      return try c.inputs.indices.map { (k: Int) throws(TensorError) -> Variable? in
        guard c.needsGradient[k] else { return nil }
        var items = [IndexItem](repeating: .slice(start: nil, stop: nil, step: nil), count: axis)
        items.append(.index(k))
        return try c.upstream.indexed(items)
      }
    })
}
