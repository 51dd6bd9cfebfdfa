// Reading elements or slices at positions held in an index tensor, and the
// adjoint of each read: adding values into zeros at the same positions
// (a scatter-add). Indices repeat freely: repeated positions add up.

extension Tensor {
  // MARK: - Along an axis (NumPy's take_along_axis, PyTorch's gather)

  /// The output shape of `take_along_axis` for an input of `shape` and indices of `indexShape`:
  /// every axis but `axis` broadcasts; along `axis` the indices' length.
  public static func alongAxisShape(_ shape: [Int], indices indexShape: [Int], axis: Int) throws(TensorError) -> (axis: Int, shape: [Int]) {
    let along = try Shape.normalize(axis: axis, rank: shape.count)
    guard indexShape.count == shape.count else {
      if indexShape.count > shape.count { throw .tooManyIndices(given: indexShape.count, rank: shape.count) }
      throw .rankTooLow(operation: "take_along_axis's indices", shape: indexShape, minimum: shape.count)
    }
    var result = indexShape
    for d in shape.indices where d != along {
      let (a, b) = (shape[d], indexShape[d])
      guard a == b || a == 1 || b == 1 else { throw .broadcast(lhs: shape, rhs: indexShape, axis: d - shape.count) }
      result[d] = a == 1 ? b : a
    }
    return (along, result)
  }

  /// `out[..., i, ...] = x[..., indices[..., i, ...], ...]` along `axis` (NumPy's `take_along_axis`).
  public func takingAlongAxis(_ indices: Tensor, axis: Int) throws(TensorError) -> Tensor {
    let (along, outShape) = try Tensor.alongAxisShape(shape, indices: indices.shape, axis: axis)
    let positions = try indices.checkedAxisIndices(size: shape[along], axis: along)
    let loop = Tensor.alongAxisLoop(outShape, data: shape, indices: indices.shape, axis: along)
    let axisStride = strides[along]
    let count = try Shape.elementCount(outShape)
    var result = [Double](repeating: 0, count: count)
    scalars.withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { out in
        loop.forEachRow { o, bases, length, steps in
          var xi = bases[0], ii = bases[1]
          for k in 0..<length {
            out[o + k] = x[xi + positions[ii] * axisStride]
            xi += steps[0]
            ii += steps[1]
          }
        }
      }
    }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }

  /// The adjoint of `takingAlongAxis`: zeros of `shape` with this tensor (broadcast to the
  /// gathered shape) added at the indices along `axis` (PyTorch's `scatter_add` into zeros).
  public func scatterAddedAlongAxis(_ indices: Tensor, axis: Int, shape target: [Int]) throws(TensorError) -> Tensor {
    let count = try Tensor.checkedCount(target)
    let (along, gathered) = try Tensor.alongAxisShape(target, indices: indices.shape, axis: axis)
    let positions = try indices.checkedAxisIndices(size: target[along], axis: along)
    let updates = try broadcast(to: gathered)
    let loop = Tensor.alongAxisLoop(gathered, data: target, indices: indices.shape, axis: along)
    let axisStride = Shape.strides(target)[along]
    var result = [Double](repeating: 0, count: count)
    updates.scalars.withUnsafeBufferPointer { u in
      result.withUnsafeMutableBufferPointer { out in
        loop.forEachRow { g, bases, length, steps in
          var ti = bases[0], ii = bases[1]
          for k in 0..<length {
            out[ti + positions[ii] * axisStride] += u[g + k]
            ti += steps[0]
            ii += steps[1]
          }
        }
      }
    }
    return Tensor(uncheckedShape: target, scalars: result)
  }

  /// A loop over the gathered shape, with the offsets of the data (its stride along `axis`
  /// is 0: the index supplies that coordinate) and of the indices, both broadcast.
  private static func alongAxisLoop(_ gathered: [Int], data: [Int], indices: [Int], axis: Int) -> StridedLoop {
    var strides = StridedLoop(shape: gathered, operands: [data, indices]).strides
    strides[0][axis] = 0
    return StridedLoop(shape: gathered, strides: strides)
  }

  // MARK: - Whole slices (TensorFlow's gather, NumPy's take)

  /// Whole slices along `axis` at `indices`: the result has shape
  /// `shape[..<axis] + indices.shape + shape[axis+1...]` (NumPy's `take`, TensorFlow's `gather`).
  public func gathered(_ indices: Tensor, axis: Int) throws(TensorError) -> Tensor {
    let along = try Shape.normalize(axis: axis, rank: rank)
    let positions = try indices.checkedAxisIndices(size: shape[along], axis: along)
    let outShape = Array(shape[..<along]) + indices.shape + Array(shape[(along + 1)...])
    let outer = Shape.product(Array(shape[..<along])), inner = Shape.product(Array(shape[(along + 1)...]))
    let n = shape[along], k = positions.count
    var result = [Double](repeating: 0, count: try Shape.elementCount(outShape))
    scalars.withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { out in
        for o in 0..<outer {
          for (j, position) in positions.enumerated() {
            let source = (o * n + position) * inner, target = (o * k + j) * inner
            for e in 0..<inner { out[target + e] = x[source + e] }
          }
        }
      }
    }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }

  /// The adjoint of `gathered`: zeros of `shape` with the slices of this tensor added at
  /// `indices` along `axis` (PyTorch's `index_add` into zeros; TensorFlow's `unsorted_segment_sum` on axis 0).
  public func indexAdded(_ indices: Tensor, axis: Int, shape target: [Int]) throws(TensorError) -> Tensor {
    let count = try Tensor.checkedCount(target)
    let along = try Shape.normalize(axis: axis, rank: target.count)
    let positions = try indices.checkedAxisIndices(size: target[along], axis: along)
    let sliced = Array(target[..<along]) + indices.shape + Array(target[(along + 1)...])
    let updates = try broadcast(to: sliced)
    let outer = Shape.product(Array(target[..<along])), inner = Shape.product(Array(target[(along + 1)...]))
    let n = target[along], k = positions.count
    var result = [Double](repeating: 0, count: count)
    updates.scalars.withUnsafeBufferPointer { u in
      result.withUnsafeMutableBufferPointer { out in
        for o in 0..<outer {
          for (j, position) in positions.enumerated() {
            let source = (o * k + j) * inner, destination = (o * n + position) * inner
            for e in 0..<inner { out[destination + e] += u[source + e] }
          }
        }
      }
    }
    return Tensor(uncheckedShape: target, scalars: result)
  }

  /// The entries as indices into an axis of `size`, normalized; an invalid one throws.
  func checkedAxisIndices(size: Int, axis: Int) throws(TensorError) -> [Int] {
    switch axisIndices(size: size) {
    case .success(let positions): return positions
    case .failure(let entry): throw entry.tensorError(axis: axis, size: size)
    }
  }
}
