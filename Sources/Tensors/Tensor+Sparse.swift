// Coordinates (COO): a (K, m) tensor whose rows are positions in the first m
// axes of a tensor. `gatherND` reads at them, `sparse` adds values into zeros at
// them (each the other's adjoint), and `sparseMatmul` multiplies by the matrix
// they describe without ever building it.

extension Tensor {
  /// The coordinates of `indices` (…, m) into the first m axes of `shape`: row-major, m per row.
  /// Entries are whole numbers in 0..<shape[column] (no negative indices, as in TensorFlow).
  public static func coordinates(_ indices: Tensor, into shape: [Int]) throws(TensorError) -> (rows: Int, depth: Int, flat: [Int]) {
    guard let depth = indices.shape.last else {
      throw .rankTooLow(operation: "coordinates", shape: indices.shape, minimum: 1)
    }
    guard depth <= shape.count else { throw .tooManyIndices(given: depth, rank: shape.count) }
    switch indices.integerEntries(allowed: { depth == 0 ? 0..<0 : 0..<shape[$0 % depth] }) {
    case .success(let flat):
      return (depth == 0 ? Shape.product(Array(indices.shape.dropLast())) : flat.count / depth, depth, flat)
    case .failure(let entry):
      let column = entry.position.last ?? 0
      throw entry.tensorError(axis: column, size: shape[column])
    }
  }

  /// The slices at coordinates `indices` (…, m): shape `indices.shape[..<-1] + shape[m...]`
  /// (TensorFlow's `gather_nd`).
  public func gatheredND(_ indices: Tensor) throws(TensorError) -> Tensor {
    let (rows, depth, flat) = try Tensor.coordinates(indices, into: shape)
    let outShape = Array(indices.shape.dropLast()) + Array(shape[depth...])
    let inner = Shape.product(Array(shape[depth...]))
    let own = strides
    var result = [Double](repeating: 0, count: try Shape.elementCount(outShape))
    scalars.withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { out in
        for r in 0..<rows {
          var source = 0
          for c in 0..<depth { source += flat[r * depth + c] * own[c] }
          for e in 0..<inner { out[r * inner + e] = x[source + e] }
        }
      }
    }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }

  /// Zeros of `shape` with `values` added at the coordinates `indices` (K, m); values has shape
  /// (K,) + shape[m...] (or broadcasts to it). Repeated coordinates add up.
  /// The adjoint of `gatheredND` (TensorFlow's `scatter_nd`; a dense SparseTensor).
  public static func sparse(indices: Tensor, values: Tensor, shape: [Int]) throws(TensorError) -> Tensor {
    let count = try checkedCount(shape)
    let (rows, depth, flat) = try coordinates(indices, into: shape)
    let updates = try values.broadcast(to: Array(indices.shape.dropLast()) + Array(shape[depth...]))
    let inner = Shape.product(Array(shape[depth...]))
    let own = Shape.strides(shape)
    var result = [Double](repeating: 0, count: count)
    updates.scalars.withUnsafeBufferPointer { v in
      result.withUnsafeMutableBufferPointer { out in
        for r in 0..<rows {
          var target = 0
          for c in 0..<depth { target += flat[r * depth + c] * own[c] }
          for e in 0..<inner { out[target + e] += v[r * inner + e] }
        }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }

  /// `A @ x` for the (m, n) matrix A = sparse(indices, values, shape), without building A:
  /// `y[i, …] += v[k] · x[j, …]` for each stored entry (i, j, v). x has shape (n, …).
  public static func sparseMatmul(indices: Tensor, values: Tensor, shape: [Int], _ x: Tensor) throws(TensorError) -> Tensor {
    guard shape.count == 2 else {
      if shape.count > 2 { throw .tooManyIndices(given: shape.count, rank: 2) }
      throw .rankTooLow(operation: "sparse_matmul", shape: shape, minimum: 2)
    }
    guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(shape) }
    guard x.rank >= 1 else { throw .rankTooLow(operation: "sparse_matmul", shape: x.shape, minimum: 1) }
    guard x.shape[0] == shape[1] else { throw .matmulMismatch(lhs: shape, rhs: x.shape) }
    let (rows, depth, flat) = try coordinates(indices, into: shape)
    guard depth == 2 else { throw .rankTooLow(operation: "sparse_matmul's indices", shape: indices.shape, minimum: 2) }
    let entries = try values.broadcast(to: Array(indices.shape.dropLast()))
    let outShape = [shape[0]] + Array(x.shape.dropFirst())
    let width = Shape.product(Array(x.shape.dropFirst()))
    var result = [Double](repeating: 0, count: try Shape.elementCount(outShape))
    entries.scalars.withUnsafeBufferPointer { v in
      x.scalars.withUnsafeBufferPointer { xs in
        result.withUnsafeMutableBufferPointer { out in
          for r in 0..<rows {
            let i = flat[2 * r], j = flat[2 * r + 1], value = v[r]
            for e in 0..<width { out[i * width + e] += value * xs[j * width + e] }
          }
        }
      }
    }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }
}
