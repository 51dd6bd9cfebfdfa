extension Tensor {
  /// The main diagonal of the last two axes: (…, m, n) → (…, min(m, n)).
  public func diagonalPart() throws(TensorError) -> Tensor {
    guard rank >= 2 else { throw .rankTooLow(operation: "diag_part", shape: shape, minimum: 2) }
    let m = shape[rank - 2], n = shape[rank - 1], k = Swift.min(m, n)
    let batch = Shape.product(Array(shape.dropLast(2)))
    var result = [Double](repeating: 0, count: batch * k)
    for b in 0..<batch {
      for i in 0..<k { result[b * k + i] = scalars[b * m * n + i * n + i] }
    }
    return Tensor(uncheckedShape: Array(shape.dropLast(2)) + [k], scalars: result)
  }

  /// Zeros of the matrix shape `rows`×`cols` (per leading axis) with this tensor's last axis on the diagonal:
  /// the inverse of `diagonalPart`. The last axis must have min(rows, cols) elements.
  public func diagonalEmbedded(rows: Int, cols: Int) throws(TensorError) -> Tensor {
    guard rank >= 1 else { throw .rankTooLow(operation: "diag", shape: shape, minimum: 1) }
    let k = shape[rank - 1]
    guard rows >= 0, cols >= 0, k == Swift.min(rows, cols) else {
      throw .elementCountMismatch(shape: [Swift.min(rows, cols)], count: k)
    }
    let outShape = Array(shape.dropLast()) + [rows, cols]
    var result = [Double](repeating: 0, count: try Shape.elementCount(outShape))
    let batch = Shape.product(Array(shape.dropLast()))
    for b in 0..<batch {
      for i in 0..<k { result[b * rows * cols + i * cols + i] = scalars[b * k + i] }
    }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }
}
