import Tensors

// Sliding dot products of rows, the learner's question: every signal against
// every filter (xcorr, a conv1d with one input channel) and each signal against
// its own filter (batch_xcorr, which a conv with one shared filter bank cannot do).

extension Rule {
  /// `xcorr(X, Y)`: X (N, D1), Y (M, D2) → P (N, M, D1 - D2 + 1).
  public static let xcorr = Rule(
    name: "xcorr",
    formulas: [
      "dX = reshape(conv_transpose1d(dP, expand_dims(Y, 1)), X.shape)",
      "dY = reshape(conv1d_weight(expand_dims(X, 1), dP, Y.shape[1]), Y.shape)",
    ],
    explanation: Explanation(
      indexNotation: "P[n,m,k] = Σ_j X[n, k + j] · Y[m, j]   (k = 0 … D1 - D2)",
      derivation: """
        P is linear in X and in Y. X[n,t] meets Y[m,j] in P[n,m,k] whenever t = k + j, so \
        dX[n,t] = Σ_{m,k} dP[n,m,k] · Y[m, t - k]: each dP[n,m,·] convolved with its filter read backwards — \
        a full convolution of dP with the flipped filter (every overlap, so dX has D1 = L + D2 - 1 entries), \
        summed over the filters m. Y[m,j] meets X[n, k + j] in every P[n,m,k], so \
        dY[m,j] = Σ_{n,k} dP[n,m,k] · X[n, k + j]: a correlation of the input with the output gradient, summed \
        over the signals n. xcorr is conv1d(X[:, None, :], Y[:, None, :]) (one input channel, M output \
        channels), so the backward is written with conv1d's two gradient ops.
        """,
      shapes: "X (N, D1), Y (M, D2) with D2 ≤ D1 → P (N, M, D1 - D2 + 1). dX has X's shape, dY has Y's.",
      pitfall: """
        TensorFlow's conv2d with one filter bank applies every filter to every signal: that is this op. To give \
        each signal its own filter (filter n for signal n) use batch_xcorr, not a diagonal of this (N·M·L products to keep N·L).
        """),
    cost: .custom { inputs, output, _ in
      let perOutput = 2 * Double(inputs.count > 1 ? inputs[1].last ?? 0 : 0)
      return (perOutput * Double(Shape.product(output)), 2 * perOutput * Double(Shape.product(output)))
    },
    samples: [Sample(shapes: [[2, 5], [3, 2]]), Sample(shapes: [[1, 4], [2, 4]]), Sample(shapes: [[3, 3], [1, 1]])],
    forward: { x, _ throws(TensorError) in try Tensor.crossCorrelation(x[0], x[1]) },
    backward: { c throws(TensorError) in
      let (x, y, dp) = (c.inputs[0], c.inputs[1], c.upstream)
      let dx = c.needsGradient[0]
        ? try Variable.transposedConvolution(dp, y.expandingDims(at: 1), spatialRank: 1).reshaped(x.shape) : nil
      let dy = c.needsGradient[1]
        ? try Variable.convolutionFilterGradient(x.expandingDims(at: 1), dp, spatialRank: 1, kernelSize: [y.shape[1]])
          .reshaped(y.shape)
        : nil
      return [dx, dy]
    })

  /// `batch_xcorr(X, Y)`: X (N, D1), Y (N, D2) → P (N, D1 - D2 + 1), row n of X against row n of Y.
  public static let batchXcorr = Rule(
    name: "batch_xcorr",
    formulas: [
      "dX = batch_xcorr(scatter(dP, (N, D1 + D2 - 1), [:, D2-1 : D1]), Y[:, ::-1])",
      "dY = batch_xcorr(X, dP)",
    ],
    explanation: Explanation(
      indexNotation: "P[n,k] = Σ_j X[n, k + j] · Y[n, j]   (k = 0 … D1 - D2)",
      derivation: """
        Row n of P depends only on row n of X and row n of Y. X[n,t] meets Y[n,j] in P[n,k] for t = k + j, so \
        dX[n,t] = Σ_k dP[n,k] · Y[n, t - k]: the full convolution of dP's row with the flipped filter — pad dP by \
        D2 - 1 zeros on each side and correlate it with Y[:, ::-1], which is batch_xcorr again. Y[n,j] meets \
        X[n, k + j] in every P[n,k], so dY[n,j] = Σ_k dP[n,k] · X[n, k + j] = batch_xcorr(X, dP)[n,j]: the \
        input correlated with the output gradient. The backward is made of batch_xcorr, a slice and a scatter, \
        so it can be differentiated again.
        """,
      shapes: "X (N, D1), Y (N, D2) with D2 ≤ D1 → P (N, D1 - D2 + 1). dX has X's shape, dY has Y's.",
      pitfall: """
        A conv2d with the N filters as a filter bank computes all N·N pairs (then a diagonal keeps N of them): \
        N times the work. Here each signal meets only its own filter, like a grouped convolution with one group per row.
        """),
    cost: .custom { inputs, output, _ in
      let perOutput = 2 * Double(inputs.count > 1 ? inputs[1].last ?? 0 : 0)
      return (perOutput * Double(Shape.product(output)), 2 * perOutput * Double(Shape.product(output)))
    },
    samples: [Sample(shapes: [[2, 5], [2, 3]]), Sample(shapes: [[3, 2], [3, 2]]), Sample(shapes: [[1, 4], [1, 1]])],
    forward: { x, _ throws(TensorError) in try Tensor.batchCrossCorrelation(x[0], x[1]) },
    backward: { c throws(TensorError) in
      let (x, y, dp) = (c.inputs[0], c.inputs[1], c.upstream)
      let (rows, length, filter) = (dp.shape[0], dp.shape[1], y.shape[1])
      var dx: Variable? = nil
      if c.needsGradient[0] {
        let all = IndexItem.slice(start: nil, stop: nil, step: nil)
        let padded = try dp.scattered(
          into: [rows, length + 2 * (filter - 1)], at: [all, .slice(start: filter - 1, stop: filter - 1 + length, step: nil)])
        dx = try Variable.batchCrossCorrelation(padded, y.indexed([all, .slice(start: nil, stop: nil, step: -1)]))
      }
      let dy = c.needsGradient[1] ? try Variable.batchCrossCorrelation(x, dp) : nil
      return [dx, dy]
    })
}

extension Variable {
  /// Every row of `x` correlated with every row of `y`: (N, M, D1 - D2 + 1).
  public static func crossCorrelation(_ x: Variable, _ y: Variable) throws(TensorError) -> Variable {
    try Rule.xcorr.apply(x, y)
  }

  /// Row n of `x` correlated with row n of `y`: (N, D1 - D2 + 1).
  public static func batchCrossCorrelation(_ x: Variable, _ y: Variable) throws(TensorError) -> Variable {
    try Rule.batchXcorr.apply(x, y)
  }
}
