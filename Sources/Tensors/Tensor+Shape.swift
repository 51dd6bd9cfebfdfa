// Operations that move elements without arithmetic: reshape, transpose, broadcast, join.

extension Tensor {
  /// The same elements under another shape; one dimension may be -1 (inferred).
  public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
    var target = newShape
    let unknown = target.indices.filter { target[$0] == -1 }
    guard unknown.count <= 1, target.allSatisfy({ $0 >= -1 }) else { throw .reshape(from: shape, to: newShape) }
    if let axis = unknown.first {
      let known = target.enumerated().filter { $0.offset != axis }.reduce(1) { $0 * $1.element }
      guard known > 0, count % known == 0 else { throw .reshape(from: shape, to: newShape) }
      target[axis] = count / known
    }
    guard Shape.product(target) == count else { throw .reshape(from: shape, to: newShape) }
    return Tensor(uncheckedShape: target, scalars: scalars)
  }

  /// The axes reordered: axis `i` of the result is axis `permutation[i]` of `self`.
  /// Without a permutation, all axes are reversed (NumPy's `.T`).
  public func transposed(_ permutation: [Int]? = nil) throws(TensorError) -> Tensor {
    let perm = permutation ?? Array((0..<rank).reversed())
    guard perm.count == rank else { throw .invalidPermutation(perm, rank: rank) }
    let normalized = try perm.map { (axis: Int) throws(TensorError) in try Shape.normalize(axis: axis, rank: rank) }
    guard Set(normalized).count == rank else { throw .invalidPermutation(perm, rank: rank) }
    if normalized == Array(0..<rank) { return self }
    let own = strides
    return read(as: normalized.map { shape[$0] }, strides: normalized.map { own[$0] })
  }

  /// A new size-1 axis inserted at `axis` (which may be `rank`, or negative).
  public func expandingDims(at axis: Int) throws(TensorError) -> Tensor {
    let position = try Shape.normalize(axis: axis, rank: rank + 1)
    var newShape = shape
    newShape.insert(1, at: position)
    return Tensor(uncheckedShape: newShape, scalars: scalars)
  }

  /// Size-1 axes removed: the given ones (an error if one is not size 1), or all.
  public func squeezed(axes: [Int]? = nil) throws(TensorError) -> Tensor {
    let removed: [Int]
    if let axes {
      removed = try Shape.normalize(axes: axes, rank: rank)
      for axis in removed where shape[axis] != 1 { throw .squeezeNonUnit(axis: axis, shape: shape) }
    } else {
      removed = shape.indices.filter { shape[$0] == 1 }
    }
    let newShape = shape.indices.filter { !removed.contains($0) }.map { shape[$0] }
    return Tensor(uncheckedShape: newShape, scalars: scalars)
  }

  /// The tensor stretched to `target` by NumPy's broadcasting rules.
  public func broadcast(to target: [Int]) throws(TensorError) -> Tensor {
    if target == shape { return self }
    guard try Shape.broadcast(shape, target) == target else {
      throw .broadcast(lhs: shape, rhs: target, axis: Self.firstMismatch(shape, target))
    }
    let count = try Shape.elementCount(target)
    if scalars.count == 1 { return Tensor(uncheckedShape: target, scalars: Array(repeating: scalars[0], count: count)) }
    // Read through stride-0 axes, without a tensor of zeros to broadcast against.
    return read(as: target, strides: StridedLoop(shape: target, operands: [shape]).strides[0])
  }

  /// A contiguous copy of this tensor's elements read as `shape` with `strides` (in
  /// elements, 0 for a repeated axis): transposes, broadcasts and diagonal views.
  func read(as shape: [Int], strides: [Int]) -> Tensor {
    let count = Shape.product(shape)
    let rank = shape.count
    if rank >= 2, strides[rank - 2] == 1, strides[rank - 1] > 1 {
      return readSwappingLastAxes(as: shape, strides: strides)
    }
    let loop = StridedLoop(shape: shape, strides: [strides])
    let result = [Double].written(count: count) { out in
      scalars.withUnsafeBufferPointer { x in
        guard let o = out.baseAddress, let source = x.baseAddress else { return }
        Parallel.forEachChunk(of: loop.rowCount, itemSize: loop.rowLength) { rows in
          loop.forEachRow(in: rows) { output, bases, length, steps in
            // Through pointers: indices such as out[output + k] were checked for overflow at
            // each element, which kept the loops from vectorising.
            let row = o + output, first = source + bases[0], step = steps[0]
            switch step {
            case 0:
              let v = first.pointee
              for k in 0..<length { row[k] = v }
            case 1:
              row.update(from: first, count: length)
            default:
              for k in 0..<length { row[k] = first[k * step] }
            }
          }
        }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }

  /// ``read(as:strides:)`` when the last two axes read the elements swapped (`x.T`, or any
  /// permutation ending with them): the input's rows become the output's columns. Copied in
  /// tiles of 16 × 16, so that the lines read and the lines written stay in the cache; read a
  /// row of the output at a time, each element came from a new cache line. Measured on one
  /// core (NumPy's `ascontiguousarray(W.T)` in brackets): (784, 512) 1.50 → 0.37 ms (1.58),
  /// (1024, 1024) 1.05 ms (4.19), (512, 512) 0.23 ms (0.55), (256, 512) 0.14 → 0.09 ms (0.14).
  /// Tiles of 32 lose to the cache's associativity when rows are a power of two apart.
  private func readSwappingLastAxes(as shape: [Int], strides: [Int]) -> Tensor {
    let rank = shape.count
    let rows = shape[rank - 2], columns = shape[rank - 1], columnStep = strides[rank - 1]
    let tile = 16
    let rowTiles = (rows + tile - 1) / tile
    // One plane per index of the leading axes, each a (rows, columns) matrix to copy.
    let planes = StridedLoop(shape: Array(shape.dropLast(2)) + [1], strides: [Array(strides.dropLast(2)) + [0]])
    let result = [Double].written(count: Shape.product(shape)) { out in
      scalars.withUnsafeBufferPointer { x in
        guard let o = out.baseAddress, let source = x.baseAddress else { return }
        planes.forEachRow { plane, bases, _, _ in
          let target = o + plane * rows * columns, origin = source + bases[0]
          Parallel.forEachChunk(of: rowTiles, itemSize: tile * columns) { tileRows in
            for rowTile in tileRows {
              let rowRange = rowTile * tile..<min(rows, (rowTile + 1) * tile)
              for columnStart in stride(from: 0, to: columns, by: tile) {
                let columnEnd = min(columns, columnStart + tile)
                for row in rowRange {
                  let write = target + row * columns, read = origin + row
                  for column in columnStart..<columnEnd { write[column] = read[column * columnStep] }
                }
              }
            }
          }
        }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }

  static func firstMismatch(_ shape: [Int], _ target: [Int]) -> Int {
    for offset in 1...max(1, shape.count) {
      let a = Shape.dimension(shape, fromEnd: -offset), b = Shape.dimension(target, fromEnd: -offset)
      if a != b && a != 1 { return -offset }
    }
    return -1
  }

  /// Tensors joined along an existing axis.
  public static func concatenate(_ tensors: [Tensor], axis: Int) throws(TensorError) -> Tensor {
    guard let first = tensors.first else { throw .emptyList(operation: "concat") }
    guard first.rank > 0 else { throw .rankTooLow(operation: "concat", shape: first.shape, minimum: 1) }
    let along = try Shape.normalize(axis: axis, rank: first.rank)
    for tensor in tensors {
      var a = tensor.shape, b = first.shape
      guard a.count == b.count else { throw .concatMismatch(axis: axis, shapes: tensors.map(\.shape)) }
      a[along] = 0
      b[along] = 0
      guard a == b else { throw .concatMismatch(axis: axis, shapes: tensors.map(\.shape)) }
    }
    var outShape = first.shape
    outShape[along] = tensors.reduce(0) { $0 + $1.shape[along] }
    let outer = Shape.product(Array(first.shape[..<along]))
    var result = [Double]()
    result.reserveCapacity(try Shape.elementCount(outShape))
    let chunks = tensors.map { Shape.product(Array($0.shape[along...])) }
    for o in 0..<outer {
      for (tensor, chunk) in Swift.zip(tensors, chunks) {
        result.append(contentsOf: tensor.scalars[(o * chunk)..<((o + 1) * chunk)])
      }
    }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }

  /// Tensors of one shape joined along a new axis.
  public static func stack(_ tensors: [Tensor], axis: Int) throws(TensorError) -> Tensor {
    guard let first = tensors.first else { throw .emptyList(operation: "stack") }
    guard tensors.allSatisfy({ $0.shape == first.shape }) else {
      throw .concatMismatch(axis: axis, shapes: tensors.map(\.shape))
    }
    let expanded = try tensors.map { (t: Tensor) throws(TensorError) in try t.expandingDims(at: axis) }
    return try concatenate(expanded, axis: axis)
  }
}
