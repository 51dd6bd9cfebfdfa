import Tensors

extension Rule {
  /// NumPy's `matmul` (`@`), with optional transposes read by BLAS in place.
  public static let matmul = Rule(
    name: "matmul",
    formulas: ["da = dy @ b.T", "db = a.T @ dy"],
    explanation: Explanation(
      indexNotation: "y[i,j] = Σ_k a[i,k] · b[k,j]",
      derivation: """
        a[i,k] appears in y[i,j] for every j, with factor b[k,j]; so \
        da[i,k] = Σ_j dy[i,j] · b[k,j] = (dy @ b.T)[i,k]. Likewise b[k,j] appears in y[i,j] for every i, \
        with factor a[i,k]: db[k,j] = Σ_i a[i,k] · dy[i,j] = (a.T @ dy)[k,j]. \
        The index that was summed in the forward (k) is kept; the index that was kept and is absent \
        from the input (j for a, i for b) is summed. Stacked (batched) matrices follow the same rule \
        per matrix, and batch axes that were broadcast are summed.
        """,
      shapes: "a (m, k) @ b (k, n) → y (m, n). da = dy (m, n) @ b.T (n, k) → (m, k); db = a.T (k, m) @ dy (m, n) → (k, n).",
      pitfall: """
        For a dense layer z = W @ x with x (features, batch): dx = W.T @ dz keeps the batch axis, \
        while dW = dz @ x.T sums over it (the batch index is the one summed in dW's product). \
        `*` instead of `@` is element-wise and fails to broadcast.
        """),
    cost: .matrixProduct,
    samples: [
      Sample(shapes: [[2, 3], [3, 4]]), Sample(shapes: [[3], [3, 2]]), Sample(shapes: [[2, 3], [3]]),
      Sample(shapes: [[4], [4]]), Sample(shapes: [[2, 2, 3], [3, 2]]), Sample(shapes: [[2, 1, 2, 3], [3, 3, 2]]),
      Sample(shapes: [[3, 2], [3, 4]], Attributes([("transposeLHS", .bool(true))])),
      Sample(shapes: [[2, 3], [4, 3]], Attributes([("transposeRHS", .bool(true))])),
      Sample(shapes: [[2, 3, 2], [2, 4, 3]], Attributes([("transposeLHS", .bool(true)), ("transposeRHS", .bool(true))])),
    ],
    notation: .matrixProduct,
    forward: { x, attributes throws(TensorError) in
      try x.pair { (a, b) throws(TensorError) in
        try Tensor.matmul(a, b, transposeLHS: attributes.bool("transposeLHS"), transposeRHS: attributes.bool("transposeRHS"))
      }
    },
    backward: { c throws(TensorError) in
      let (a, b) = (c.inputs[0], c.inputs[1])
      let transposeA = a.value.rank > 1 && c.attributes.bool("transposeLHS")
      let transposeB = b.value.rank > 1 && c.attributes.bool("transposeRHS")
      // Vectors become a row (left) or a column (right), as in the forward.
      let a2 = a.value.rank == 1 ? try a.reshaped([1, a.shape[0]]) : a
      let b2 = b.value.rank == 1 ? try b.reshaped([b.shape[0], 1]) : b
      var dy = c.upstream
      if a.value.rank == 1 { dy = try dy.expandingDims(at: dy.value.rank - (b.value.rank == 1 ? 0 : 1)) }
      if b.value.rank == 1 { dy = try dy.expandingDims(at: dy.value.rank) }
      var da: Variable? = nil, db: Variable? = nil
      if c.needsGradient[0] {
        // y = op(a) @ op(b): d op(a) = dy @ op(b).T; when a was read transposed, transpose that back.
        let product = transposeA
          ? try Variable.matmul(b2, dy, transposeLHS: transposeB, transposeRHS: true)
          : try Variable.matmul(dy, b2, transposeRHS: !transposeB)
        da = try product.summed(toShape: a2.shape).reshapedIfNeeded(a.shape)
      }
      if c.needsGradient[1] {
        let product = transposeB
          ? try Variable.matmul(dy, a2, transposeLHS: true, transposeRHS: transposeA)
          : try Variable.matmul(a2, dy, transposeLHS: !transposeA)
        db = try product.summed(toShape: b2.shape).reshapedIfNeeded(b.shape)
      }
      return [da, db]
    })
}

extension Variable {
  /// This variable, reshaped only when its shape differs from `shape`.
  public func reshapedIfNeeded(_ shape: [Int]) throws(TensorError) -> Variable {
    self.shape == shape ? self : try reshaped(shape)
  }
}
