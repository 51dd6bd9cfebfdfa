import Tensors

// Ops that only move elements. Their backward moves the gradient back:
// the inverse permutation, the original shape, or a sum over broadcast axes.

extension Rule {
  public static let reshape = Rule(
    name: "reshape",
    formulas: ["dx = reshape(dy, x.shape)"],
    explanation: Explanation(
      indexNotation: "y[flat index] = x[same flat index]  (row-major order is kept)",
      derivation: "Reshaping renames positions without moving or changing elements, so each gradient element "
        + "goes back to the same flat position: dx is dy read in x's shape.",
      shapes: "dx has the shape of x.",
      pitfall: "reshape is not transpose: (2, 3) → (3, 2) keeps row-major order, it does not swap rows and columns."),
    cost: .free,
    samples: [
      Sample(shapes: [[2, 3]], Attributes([("shape", .ints([3, 2]))])),
      Sample(shapes: [[2, 3]], Attributes([("shape", .ints([-1]))])),
      Sample(shapes: [[]], Attributes([("shape", .ints([1, 1]))])),
    ],
    notation: .call("reshape", positional: ["shape"]),
    forward: { x, attributes throws(TensorError) in try x[0].reshaped(attributes.ints("shape") ?? []) },
    backward: { c throws(TensorError) in [try c.upstream.reshaped(c.inputs[0].shape)] })

  public static let transpose = Rule(
    name: "transpose",
    formulas: ["dx = transpose(dy, inverse(axes))"],
    explanation: Explanation(
      indexNotation: "y[i,j] = x[j,i]   (in general y[i_0..i_n] = x[i_p⁻¹(0)..])",
      derivation: "Each output element is one input element at permuted indices, so the gradient is permuted back "
        + "with the inverse permutation; for a matrix, (x.T).T = x, so dx = dy.T.",
      shapes: "dx has the shape of x.",
      pitfall: ".T reverses all axes; for a batch of matrices (B, m, n) use transpose(x, (0, 2, 1))."),
    cost: .free,
    samples: [
      Sample(shapes: [[2, 3]]), Sample(shapes: [[2, 3, 4]], Attributes([("axes", .ints([1, 2, 0]))])),
      Sample(shapes: [[3]]), Sample(shapes: [[]]),
    ],
    notation: .transpose,
    forward: { x, attributes throws(TensorError) in try x[0].transposed(attributes.ints("axes")) },
    backward: { c throws(TensorError) in
      let rank = c.inputs[0].value.rank
      guard let axes = c.attributes.ints("axes") else { return [try c.upstream.transposed()] }
      var inverse = [Int](repeating: 0, count: rank)
      for (position, axis) in axes.enumerated() { inverse[axis < 0 ? axis + rank : axis] = position }
      return [try c.upstream.transposed(inverse)]
    })

  public static let expandDims = Rule(
    name: "expand_dims",
    formulas: ["dx = reshape(dy, x.shape)"],
    explanation: Explanation(
      indexNotation: "y[i,0,j] = x[i,j]   (axis=1)",
      derivation: "A size-1 axis adds no elements; the gradient only loses that axis again.",
      shapes: "dx has the shape of x.",
      pitfall: "expand_dims makes room for broadcasting; the broadcast that follows is where the sum appears."),
    cost: .free,
    samples: [Sample(shapes: [[2, 3]], Attributes([("axis", .int(1))])), Sample(shapes: [[]], Attributes([("axis", .int(0))]))],
    notation: .call("expand_dims", positional: ["axis"]),
    forward: { x, attributes throws(TensorError) in try x[0].expandingDims(at: attributes.int("axis") ?? 0) },
    backward: { c throws(TensorError) in [try c.upstream.reshaped(c.inputs[0].shape)] })

  public static let squeeze = Rule(
    name: "squeeze",
    formulas: ["dx = reshape(dy, x.shape)"],
    explanation: Explanation(
      indexNotation: "y[i,j] = x[i,0,j]   (axis=1)",
      derivation: "Removing a size-1 axis moves nothing; the gradient gets the axis back.",
      shapes: "dx has the shape of x.",
      pitfall: "squeeze without an axis also removes a batch axis of size 1."),
    cost: .free,
    samples: [Sample(shapes: [[2, 1, 3]]), Sample(shapes: [[1, 3, 1]], Attributes([("axis", .ints([0]))]))],
    forward: { x, attributes throws(TensorError) in try x[0].squeezed(axes: attributes.ints("axis")) },
    backward: { c throws(TensorError) in [try c.upstream.reshaped(c.inputs[0].shape)] })

  public static let broadcastTo = Rule(
    name: "broadcast_to",
    formulas: ["dx = sum(dy, stretched axes) reshaped to x.shape"],
    explanation: Explanation(
      indexNotation: "y[i,j] = x[0,j]   (x (1, n) stretched to (m, n))",
      derivation: "Every x[0,j] is copied to y[i,j] for all i, so it receives the sum of their gradients: "
        + "dx[0,j] = Σ_i dy[i,j]. Axes stretched in the forward are summed in the backward; "
        + "leading axes that broadcasting added are summed away.",
      shapes: "dx has the shape of x.",
      pitfall: "This is the hidden op in every broadcasting + - * /: a bias's gradient is a sum over the batch."),
    cost: .perOutputElement(forward: 0, backward: 1),
    samples: [
      Sample(shapes: [[3, 1]], Attributes([("shape", .ints([3, 4]))])),
      Sample(shapes: [[3]], Attributes([("shape", .ints([2, 3]))])),
      Sample(shapes: [[]], Attributes([("shape", .ints([2, 2]))])),
    ],
    notation: .call("broadcast_to", positional: ["shape"]),
    forward: { x, attributes throws(TensorError) in try x[0].broadcast(to: attributes.ints("shape") ?? []) },
    backward: { c throws(TensorError) in [try c.upstream.summed(toShape: c.inputs[0].shape)] })
}
