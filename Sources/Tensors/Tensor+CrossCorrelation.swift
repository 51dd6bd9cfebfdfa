// Sliding dot products of rows: every signal against every filter (`xcorr`, a
// 1-d convolution with one input channel, through im2col and dgemm), and each
// signal against its own filter (`batchXcorr`, direct loops over rows).

extension Tensor {
  /// Checks `xcorr(X, Y)`: X (N, D1) and Y (M, D2) with 1 ≤ D2 ≤ D1; returns (N, M, D1 - D2 + 1).
  public static func crossCorrelationShape(_ x: [Int], _ y: [Int], operation: String = "xcorr") throws(OperandError) -> [Int] {
    let sameRows = operation == "batch_xcorr"
    let layout = sameRows ? "X (N, D1) and Y (N, D2)" : "X (N, D1) and Y (M, D2)"
    guard x.count == 2, y.count == 2 else {
      throw OperandError(
        "\(operation) needs \(layout), got X \(Shape.text(x)) and Y \(Shape.text(y))",
        fallback: .rankTooLow(operation: operation, shape: x.count == 2 ? y : x, minimum: 2))
    }
    guard y[1] >= 1, y[1] <= x[1] else {
      throw OperandError(
        "\(operation) slides each filter along the signal, so it needs 1 ≤ D2 ≤ D1: got X \(Shape.text(x)) and Y \(Shape.text(y))",
        fallback: .negativeDimension([x[0], y[0], x[1] - y[1] + 1]))
    }
    guard !sameRows || x[0] == y[0] else {
      throw OperandError(
        "batch_xcorr pairs row n of X with row n of Y, so they need the same number of rows: got X \(Shape.text(x)) and Y \(Shape.text(y))",
        fallback: .broadcast(lhs: x, rhs: y, axis: -2))
    }
    return sameRows ? [x[0], x[1] - y[1] + 1] : [x[0], y[0], x[1] - y[1] + 1]
  }

  /// Every signal against every filter: `P[n,m,k] = Σ_j X[n,k+j] · Y[m,j]` (N, M, D1 - D2 + 1).
  public static func crossCorrelation(_ x: Tensor, _ y: Tensor) throws(TensorError) -> Tensor {
    _ = try OperandError.checking { () throws(OperandError) in try crossCorrelationShape(x.shape, y.shape) }
    let geometry = try OperandError.checking { () throws(OperandError) in
      try ConvolutionGeometry(
        operation: "xcorr", spatialRank: 1, input: [x.shape[0], 1, x.shape[1]], weight: [y.shape[0], 1, y.shape[1]],
        stride: [1], padding: .valid)
    }
    return try convolution(
      Tensor(uncheckedShape: geometry.inputShape, scalars: x.scalars),
      Tensor(uncheckedShape: geometry.weightShape, scalars: y.scalars), geometry: geometry)
  }

  /// Each signal against its own filter: `P[n,k] = Σ_j X[n,k+j] · Y[n,j]` (N, D1 - D2 + 1).
  public static func batchCrossCorrelation(_ x: Tensor, _ y: Tensor) throws(TensorError) -> Tensor {
    let shape = try OperandError.checking { () throws(OperandError) in
      try crossCorrelationShape(x.shape, y.shape, operation: "batch_xcorr")
    }
    let (rows, signal, filter, length) = (shape[0], x.shape[1], y.shape[1], shape[1])
    var result = [Double](repeating: 0, count: try Shape.elementCount(shape))
    x.scalars.withUnsafeBufferPointer { px in
      y.scalars.withUnsafeBufferPointer { py in
        result.withUnsafeMutableBufferPointer { out in
          guard let x0 = px.baseAddress, let y0 = py.baseAddress else { return }
          for n in 0..<rows {
            let a = x0 + n * signal, b = y0 + n * filter
            for k in 0..<length {
              var total = 0.0
              for j in 0..<filter { total += a[k + j] * b[j] }
              out[n * length + k] = total
            }
          }
        }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }
}
