import Tensors

// Sparse values at coordinates (COO): `sparse` places K values at K positions of
// a dense tensor, differentiably, and `gather_nd` reads them back (each the
// other's backward). `sparse_matmul` multiplies by such a matrix without
// building it. This is the trainable sparse connection: the values learn, the
// positions stay fixed.

extension Rule {
  /// TensorFlow's `gather_nd`: the entries (or slices) at coordinates.
  public static let gatherND = Rule(
    name: "gather_nd",
    formulas: ["dx = sparse(indices, dy, x.shape)", "dindices = none"],
    explanation: Explanation(
      indexNotation: "y[k] = x[indices[k,0], indices[k,1]]   (indices (K, 2))",
      derivation: """
        Each y[k] is a copy of one entry of x, so dy[k] goes back to that entry; entries read twice add \
        their gradients, entries never read get 0. The backward is the dense tensor with dy at the coordinates: sparse(indices, dy, x.shape).
        """,
      shapes: "dx has the shape of x; y has shape indices.shape[:-1] + x.shape[m:] for m index columns (fewer columns than axes: whole slices).",
      pitfall: "Coordinates are rows of indices, one column per axis: [[0, 1], [2, 0]] reads x[0,1] and x[2,0], not a 2×2 block."),
    cost: .free,
    samples: [
      Sample([.init([3, 4]), .init([5, 2], .mask)]), Sample([.init([2, 3, 2]), .init([4, 2], .mask)]),
      Sample([.init([2, 2]), .init([3, 1], .mask)]),
    ],
    forward: { x, _ throws(TensorError) in try x[0].gatheredND(x[1]) },
    backward: { c throws(TensorError) in [try Variable.sparse(c.inputs[1], c.upstream, shape: c.inputs[0].shape), nil] })

  /// A dense tensor from coordinates and values (TensorFlow's `scatter_nd`; a SparseTensor made dense).
  public static let sparse = Rule(
    name: "sparse",
    formulas: ["dindices = none", "dvalues = gather_nd(dy, indices)"],
    explanation: Explanation(
      indexNotation: "y = zeros(shape); y[indices[k,0], indices[k,1]] += values[k]",
      derivation: """
        y is linear in the values: values[k] sits at one position of y with factor 1, so \
        dvalues[k] = dy[indices[k]]: the incoming gradient read at the coordinates (a gather_nd). \
        Positions that hold no value are constant zeros: they receive gradient but pass it to nothing, \
        which is exactly a trainable sparse connection: only the listed weights learn.
        """,
      shapes: "dvalues has the shape of values, (K,); y has `shape`.",
      pitfall: """
        TensorFlow's SparseTensor values are not trainable through to_dense-free ops; here sparse(...) is \
        an ordinary differentiable op. A coordinate listed twice adds its values (and both get the same gradient).
        """),
    cost: .perInputElement(forward: 0, backward: 0),
    samples: [
      Sample([.init([4, 2], .mask), .init([4])], Attributes([("shape", .ints([2, 3]))])),
      Sample([.init([3, 1], .mask), .init([3, 2])], Attributes([("shape", .ints([2, 2]))])),
      Sample([.init([4, 2], .mask), .init([])], Attributes([("shape", .ints([2, 2]))])),
    ],
    notation: .call("sparse", positional: ["shape"]),
    forward: { x, attributes throws(TensorError) in
      try Tensor.sparse(indices: x[0], values: x[1], shape: attributes.ints("shape") ?? [])
    },
    backward: { c throws(TensorError) in
      [nil, try c.upstream.gatheredND(c.inputs[0]).summed(toShape: c.inputs[1].shape)]
    })

  /// `A @ x` for A = sparse(indices, values, shape), never built.
  public static let sparseMatmul = Rule(
    name: "sparse_matmul",
    formulas: [
      "dindices = none",
      "dvalues = sum(gather(dy, indices[:, 0]) * gather(x, indices[:, 1]), axes after 0)",
      "dx = sparse_matmul(indices[:, ::-1], values, dy, (n, m))",
    ],
    explanation: Explanation(
      indexNotation: "y[i,p] = Σ_k [indices[k,0] = i] · values[k] · x[indices[k,1], p]",
      derivation: """
        The stored entry (i, j, v) adds v·x[j,p] to y[i,p]. So dvalues[k] = Σ_p dy[i_k,p] · x[j_k,p]: \
        row i_k of dy against row j_k of x — the dense rule dA = dy @ x.T, evaluated only where A has \
        entries. And dx[j,p] = Σ_k [j_k = j] · v_k · dy[i_k,p] = (A.T @ dy)[j,p]: a sparse product with \
        the transposed matrix, whose coordinates are the columns swapped. Nothing (m, n) is ever built.
        """,
      shapes: "dvalues has the shape of values (K,), dx the shape of x (n, …); y is (m, …).",
      pitfall: "shape is (rows, columns) of A: x must have shape[1] rows, and y has shape[0] rows even where A's rows are empty."),
    cost: .custom { inputs, output, _ in
      let entries = Double(inputs.first?.dropLast().reduce(1, *) ?? 0)
      let width = Double((inputs.count > 2 ? inputs[2] : []).dropFirst().reduce(1, *))
      return (2 * entries * width, 4 * entries * width)
    },
    samples: [
      Sample([.init([5, 2], .mask), .init([5]), .init([2, 3])], Attributes([("shape", .ints([2, 2]))])),
      Sample([.init([4, 2], .mask), .init([4]), .init([2])], Attributes([("shape", .ints([3, 2]))])),
      Sample([.init([3, 2], .mask), .init([]), .init([2, 2, 2])], Attributes([("shape", .ints([2, 2]))])),
    ],
    notation: .call("sparse_matmul", positional: ["shape"], afterInputs: 2),
    forward: { x, attributes throws(TensorError) in
      try Tensor.sparseMatmul(indices: x[0], values: x[1], shape: attributes.ints("shape") ?? [], x[2])
    },
    backward: { c throws(TensorError) in
      let (indices, values, x, dy) = (c.inputs[0], c.inputs[1], c.inputs[2], c.upstream)
      let all = IndexItem.slice(start: nil, stop: nil, step: nil)
      var dvalues: Variable? = nil, dx: Variable? = nil
      if c.needsGradient[1] {
        let rows = try dy.gathered(indices.indexed([all, .index(0)]), axis: 0)
        let columns = try x.gathered(indices.indexed([all, .index(1)]), axis: 0)
        let products = try rows * columns
        let perEntry = products.value.rank > 1 ? try products.reduced(.sum, axes: Array(1..<products.value.rank)) : products
        dvalues = try perEntry.summed(toShape: values.shape)
      }
      if c.needsGradient[2] {
        let shape = c.attributes.ints("shape") ?? []
        let swapped = try indices.indexed([all, .slice(start: nil, stop: nil, step: -1)])
        dx = try Variable.sparseMatmul(swapped, values, dy, shape: shape.reversed())
      }
      return [nil, dvalues, dx]
    })
}

extension Variable {
  /// `gather_nd(self, indices)`.
  public func gatheredND(_ indices: Variable) throws(TensorError) -> Variable {
    try Rule.gatherND.apply(self, indices)
  }

  /// `sparse(indices, values, shape)`: zeros of `shape` with `values` added at the coordinates.
  public static func sparse(_ indices: Variable, _ values: Variable, shape: [Int]) throws(TensorError) -> Variable {
    try Rule.sparse.apply(indices, values, Attributes([("shape", .ints(shape))]))
  }

  /// `sparse_matmul(indices, values, shape, x)`: `sparse(indices, values, shape) @ x` without building the matrix.
  public static func sparseMatmul(_ indices: Variable, _ values: Variable, _ x: Variable, shape: [Int]) throws(TensorError) -> Variable {
    try Rule.sparseMatmul.apply([indices, values, x], Attributes([("shape", .ints(shape))]))
  }
}
