import Tensors

// The diagonal of a matrix and the matrix with a given diagonal: each the
// other's backward (both are linear and only move elements).

extension Rule {
  public static let diagPart = Rule(
    name: "diag_part",
    formulas: ["dx = diag(dy) (zeros off the diagonal)"],
    explanation: Explanation(
      indexNotation: "y[i] = x[i,i]   (over the last two axes)",
      derivation: "Each y[i] is a copy of x[i,i], so dx[i,i] = dy[i] and every off-diagonal dx[i,j] is 0.",
      shapes: "dx has the shape of x: (…, m, n).",
      pitfall: "diag_part(tensordot(x, y, axes=[[1],[1]])) computes a (B, B) matrix of all pairwise products "
        + "and keeps B of them: B times the work of sum(x * y, axis=1)."),
    cost: .free,
    samples: [Sample(shapes: [[3, 3]]), Sample(shapes: [[2, 3, 2]]), Sample(shapes: [[2, 4]])],
    forward: { x, _ throws(TensorError) in try x[0].diagonalPart() },
    backward: { c throws(TensorError) in
      let shape = c.inputs[0].shape
      return [try c.upstream.diagonalEmbedded(rows: shape[shape.count - 2], cols: shape[shape.count - 1])]
    })

  public static let diag = Rule(
    name: "diag",
    formulas: ["dx = diag_part(dy)"],
    explanation: Explanation(
      indexNotation: "y[i,j] = x[i] if i == j else 0",
      derivation: "Only the diagonal of y depends on x, each y[i,i] on x[i] alone: dx[i] = dy[i,i].",
      shapes: "dx has the shape of x.",
      pitfall: "Off-diagonal entries of y are constants: their gradients go nowhere."),
    cost: .free,
    samples: [Sample(shapes: [[3]]), Sample(shapes: [[2, 2]], Attributes([("rows", .int(2)), ("cols", .int(3))]))],
    forward: { x, attributes throws(TensorError) in
      let k = x[0].shape.last ?? 0
      return try x[0].diagonalEmbedded(rows: attributes.int("rows") ?? k, cols: attributes.int("cols") ?? k)
    },
    backward: { c throws(TensorError) in [try c.upstream.diagonalPart()] })
}

extension Variable {
  /// The main diagonal of the last two axes.
  public func diagonalPart() throws(TensorError) -> Variable { try Rule.diagPart.apply(self) }

  /// A matrix (per leading axis) with this tensor's last axis on its diagonal.
  public func diagonalEmbedded(rows: Int, cols: Int) throws(TensorError) -> Variable {
    try Rule.diag.apply(self, Attributes([("rows", .int(rows)), ("cols", .int(cols))]))
  }
}
