/// How a reduction combines elements.
public enum ReductionKind: String, Sendable, CaseIterable {
  case sum, mean, max, min
}

extension Tensor {
  /// Reduces over `axes` (all axes when `nil`), keeping them as size-1 axes when `keepDims`.
  public func reduced(
    _ kind: ReductionKind, axes: [Int]? = nil, keepDims: Bool = false
  ) throws(TensorError) -> Tensor {
    let reducedAxes = try axes.map { (list: [Int]) throws(TensorError) in
      try Shape.normalize(axes: list, rank: rank)
    } ?? Array(0..<rank)
    var keptShape = shape
    for axis in reducedAxes { keptShape[axis] = 1 }
    let reducedCount = reducedAxes.reduce(1) { $0 * shape[$1] }
    if (kind == .max || kind == .min) && reducedCount == 0 && count == 0 && Shape.product(keptShape) > 0 {
      throw .emptyReduction(operation: kind.rawValue)
    }
    let initial: Double
    switch kind {
    case .sum, .mean: initial = 0
    case .max: initial = -.infinity
    case .min: initial = .infinity
    }
    var result = [Double](repeating: initial, count: Shape.product(keptShape))
    let loop = StridedLoop(shape: shape, operands: [keptShape])
    scalars.withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { out in
        /// Reduces the input rows `rows`, each over its elements `columns` (its whole row
        /// when the last axis is reduced: then the output steps by 0 along it, else by 1).
        func reduce(rows: Range<Int>, columns: Range<Int>) {
          loop.forEachRow(in: rows) { input, bases, length, steps in
            let o = bases[0]
            switch (kind, steps[0]) {
            case (.sum, 0), (.mean, 0):
              out[o] += Tensor.sum(UnsafeBufferPointer(rebasing: x[input..<input + length]))
            case (.sum, _), (.mean, _):
              // Summing the outer axes: one row added into another, element by element.
              for k in columns { out[o + k] += x[input + k] }
            case (.max, let step):
              for k in columns {
                let v = x[input + k]
                // NaN propagates, as in NumPy.
                if v > out[o + k * step] || v.isNaN { out[o + k * step] = v }
              }
            case (.min, let step):
              for k in columns {
                let v = x[input + k]
                if v < out[o + k * step] || v.isNaN { out[o + k * step] = v }
              }
            }
          }
        }
        // Split across cores only where each output element keeps its order of additions:
        // by columns when the last axis is kept, by rows when only the last axis is reduced.
        let everyRow = 0..<loop.rowCount, wholeRow = 0..<loop.rowLength
        if rank > 0 && !reducedAxes.contains(rank - 1) {
          Parallel.forEachChunk(of: loop.rowLength, itemSize: loop.rowCount) { columns in reduce(rows: everyRow, columns: columns) }
        } else if reducedAxes == [rank - 1] {
          Parallel.forEachChunk(of: loop.rowCount, itemSize: loop.rowLength) { rows in reduce(rows: rows, columns: wholeRow) }
        } else {
          reduce(rows: everyRow, columns: wholeRow)
        }
      }
    }
    if kind == .mean {
      let n = Double(reducedCount)
      for i in result.indices { result[i] /= n }
    }
    let outShape = keepDims ? keptShape : (0..<rank).filter { !reducedAxes.contains($0) }.map { shape[$0] }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }

  /// Sums the axes along which `shape` would be broadcast to `self.shape`, giving a tensor of `shape`.
  ///
  /// The backward of broadcasting: axes stretched in the forward are summed in the backward.
  public func summed(toShape target: [Int]) throws(TensorError) -> Tensor {
    if target == shape { return self }
    _ = try Shape.broadcast(target, shape)
    let axes = Shape.stretchedAxes(from: target, to: shape)
    return try reduced(.sum, axes: axes, keepDims: true).reshaped(target)
  }
}

extension Tensor {
  /// The sum of a run of elements, added in eight lanes (as NumPy adds in blocks): the lanes
  /// vectorise, where a single running total waits on each addition in turn.
  static func sum(_ run: UnsafeBufferPointer<Double>) -> Double {
    var lanes = SIMD8<Double>()
    var k = 0
    while k + 8 <= run.count {
      lanes += SIMD8(run[k], run[k + 1], run[k + 2], run[k + 3], run[k + 4], run[k + 5], run[k + 6], run[k + 7])
      k += 8
    }
    var total = lanes.sum()
    while k < run.count {
      total += run[k]
      k += 1
    }
    return total
  }
}
