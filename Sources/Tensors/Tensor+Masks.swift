// 0/1 tensors that select (one-hot rows, sequence masks, triangles) and the
// block-diagonal matrix: the shapes of trainable sparse connections.

extension Tensor {
  /// `out[..., c] = 1 if labels[...] == c else 0`, for c in 0..<classes: shape labels.shape + (classes,).
  public static func oneHot(_ labels: Tensor, classes: Int) throws(TensorError) -> Tensor {
    guard classes >= 0 else { throw .negativeDimension(labels.shape + [classes]) }
    let positions: [Int]
    switch labels.integerEntries(allowed: { _ in 0..<classes }) {
    case .success(let values): positions = values
    case .failure(let entry): throw entry.tensorError(axis: labels.rank, size: classes)
    }
    let outShape = labels.shape + [classes]
    var result = [Double](repeating: 0, count: try Shape.elementCount(outShape))
    for (k, label) in positions.enumerated() { result[k * classes + label] = 1 }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }

  /// `out[..., t] = 1 if t < lengths[...] else 0`, for t in 0..<maxLength (TensorFlow's `sequence_mask`).
  /// Lengths are whole numbers of at least 0; a length past maxLength gives a row of ones.
  public static func sequenceMask(_ lengths: Tensor, maxLength: Int) throws(TensorError) -> Tensor {
    guard maxLength >= 0 else { throw .negativeDimension(lengths.shape + [maxLength]) }
    let counts: [Int]
    switch lengths.integerEntries(allowed: { _ in 0..<Int.max }) {
    case .success(let values): counts = values
    case .failure(let entry): throw entry.tensorError(axis: lengths.rank, size: maxLength)
    }
    let outShape = lengths.shape + [maxLength]
    var result = [Double](repeating: 0, count: try Shape.elementCount(outShape))
    for (k, length) in counts.enumerated() {
      for t in 0..<Swift.min(length, maxLength) { result[k * maxLength + t] = 1 }
    }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }

  /// The rows×cols 0/1 matrix that keeps the entries on or below diagonal `k` (`lower`),
  /// or on or above it: NumPy's `tri(rows, cols, k)` and its mirror.
  public static func triangle(rows: Int, cols: Int, k: Int, lower: Bool) throws(TensorError) -> Tensor {
    var result = try Tensor.zeros([rows, cols])
    for i in 0..<rows {
      for j in 0..<cols where lower ? j - i <= k : j - i >= k { result.scalars[i * cols + j] = 1 }
    }
    return result
  }

  /// The entries on or below diagonal `k` of the last two axes (`lower`), or on or above it; zeros elsewhere.
  /// A 1-d tensor is read as every row of a square matrix, as NumPy's `tril` does.
  public func triangular(k: Int, lower: Bool) throws(TensorError) -> Tensor {
    guard rank >= 1 else { throw .rankTooLow(operation: lower ? "tril" : "triu", shape: shape, minimum: 1) }
    let cols = shape[rank - 1], rows = rank >= 2 ? shape[rank - 2] : cols
    return try self * Tensor.triangle(rows: rows, cols: cols, k: k, lower: lower)
  }

  /// The shape a block of `blockDiagonal` is read as: 0-d (1, 1), 1-d (1, n), others as they are.
  public static func blockShape(_ shape: [Int]) -> [Int] {
    switch shape.count {
    case 0: [1, 1]
    case 1: [1, shape[0]]
    default: shape
    }
  }

  /// The blocks along the diagonal of the last two axes, zeros elsewhere (SciPy's `block_diag`).
  /// Leading axes, if any, must agree: each leading position gets its own block-diagonal matrix.
  public static func blockDiagonal(_ blocks: [Tensor]) throws(TensorError) -> Tensor {
    guard !blocks.isEmpty else { throw .emptyList(operation: "blockdiag") }
    let shapes = blocks.map { blockShape($0.shape) }
    let batch = Array(shapes[0].dropLast(2))
    guard shapes.allSatisfy({ Array($0.dropLast(2)) == batch }) else {
      throw .concatMismatch(axis: -1, shapes: blocks.map(\.shape))
    }
    let rows = shapes.reduce(0) { $0 + $1[$1.count - 2] }, cols = shapes.reduce(0) { $0 + $1[$1.count - 1] }
    let outShape = batch + [rows, cols]
    var result = [Double](repeating: 0, count: try Shape.elementCount(outShape))
    let batchCount = Shape.product(batch)
    var top = 0, left = 0
    for (block, blockShape) in Swift.zip(blocks, shapes) {
      let m = blockShape[blockShape.count - 2], n = blockShape[blockShape.count - 1]
      for b in 0..<batchCount {
        for i in 0..<m {
          let target = b * rows * cols + (top + i) * cols + left, source = (b * m + i) * n
          for j in 0..<n { result[target + j] = block.scalars[source + j] }
        }
      }
      top += m
      left += n
    }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }
}
