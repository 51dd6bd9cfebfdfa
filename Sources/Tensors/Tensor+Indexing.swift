/// One item of a subscript `x[0, 1:3, ::2, None, ...]`.
public enum IndexItem: Hashable, Sendable {
  /// A single position; the axis disappears. Negative counts from the end.
  case index(Int)
  /// `start:stop:step` with Python's defaults and clamping.
  case slice(start: Int?, stop: Int?, step: Int?)
  /// `None`: a new axis of size 1.
  case newAxis
  /// `...`: as many full slices as needed.
  case ellipsis
}

/// A subscript resolved against a shape: which positions of each input axis are read,
/// and the shape of the result.
public struct IndexPlan: Sendable, Equatable {
  /// For each input axis, the positions selected, in order.
  public let positions: [[Int]]
  /// The shape of the result (removed axes gone, new axes inserted).
  public let resultShape: [Int]

  /// Resolves `items` for a tensor of `shape`, with Python's rules.
  public init(_ items: [IndexItem], shape: [Int]) throws(TensorError) {
    let ellipses = items.filter { $0 == .ellipsis }.count
    guard ellipses <= 1 else { throw .tooManyIndices(given: items.count, rank: shape.count) }
    let consuming = items.filter { if case .index = $0 { true } else if case .slice = $0 { true } else { false } }.count
    guard consuming <= shape.count else { throw .tooManyIndices(given: consuming, rank: shape.count) }
    var expanded: [IndexItem] = []
    for item in items {
      if item == .ellipsis {
        expanded += Array(repeating: .slice(start: nil, stop: nil, step: nil), count: shape.count - consuming)
      } else {
        expanded.append(item)
      }
    }
    let consumedSoFar = expanded.filter { if case .newAxis = $0 { false } else { true } }.count
    expanded += Array(repeating: .slice(start: nil, stop: nil, step: nil), count: shape.count - consumedSoFar)

    var positions: [[Int]] = []
    var resultShape: [Int] = []
    var axis = 0
    for item in expanded {
      switch item {
      case .newAxis:
        resultShape.append(1)
      case .index(let i):
        let size = shape[axis]
        let position = i < 0 ? i + size : i
        guard position >= 0 && position < size else { throw .indexOutOfRange(index: i, axis: axis, size: size) }
        positions.append([position])
        axis += 1
      case let .slice(start, stop, step):
        let selected = try Self.slicePositions(start: start, stop: stop, step: step, size: shape[axis])
        positions.append(selected)
        resultShape.append(selected.count)
        axis += 1
      case .ellipsis:
        break
      }
    }
    self.positions = positions
    self.resultShape = resultShape
  }

  /// Python's `slice(start, stop, step).indices(size)`, listed.
  static func slicePositions(start: Int?, stop: Int?, step: Int?, size: Int) throws(TensorError) -> [Int] {
    let step = step ?? 1
    guard step != 0 else { throw .zeroStep }
    func clamp(_ value: Int?, default fallback: Int, low: Int, high: Int) -> Int {
      guard var v = value else { return fallback }
      if v < 0 { v += size }
      return Swift.min(Swift.max(v, low), high)
    }
    if step > 0 {
      let from = clamp(start, default: 0, low: 0, high: size)
      let to = clamp(stop, default: size, low: 0, high: size)
      return from < to ? Array(stride(from: from, to: to, by: step)) : []
    } else {
      let from = clamp(start, default: size - 1, low: -1, high: size - 1)
      let to = clamp(stop, default: -1, low: -1, high: size - 1)
      return from > to ? Array(stride(from: from, to: to, by: step)) : []
    }
  }

  /// Calls `body(resultOffset, inputOffset)` for every selected element, in result order.
  func forEachElement(inputShape: [Int], _ body: (Int, Int) -> Void) {
    let strides = Shape.strides(inputShape)
    let offsets = Swift.zip(positions, strides).map { list, stride in list.map { $0 * stride } }
    let total = offsets.reduce(1) { $0 * $1.count }
    guard total > 0 else { return }
    var index = [Int](repeating: 0, count: offsets.count)
    for output in 0..<total {
      var input = 0
      for axis in offsets.indices { input += offsets[axis][index[axis]] }
      body(output, input)
      var axis = offsets.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < offsets[axis].count { break }
        index[axis] = 0
        axis -= 1
      }
    }
  }
}

extension Tensor {
  /// `x[items]`: a copy of the selected elements.
  public func indexed(_ items: [IndexItem]) throws(TensorError) -> Tensor {
    let plan = try IndexPlan(items, shape: shape)
    var result = [Double](repeating: 0, count: Shape.product(plan.resultShape))
    scalars.withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { out in
        plan.forEachElement(inputShape: shape) { o, i in out[o] = x[i] }
      }
    }
    return Tensor(uncheckedShape: plan.resultShape, scalars: result)
  }

  /// A copy with `values` (broadcast to the selection's shape) written at the positions `items`
  /// selects: NumPy's `x[items] = values` on a copy, JAX's `x.at[items].set(values)`.
  public func putting(_ values: Tensor, at items: [IndexItem]) throws(TensorError) -> Tensor {
    let plan = try IndexPlan(items, shape: shape)
    let written = try values.broadcast(to: plan.resultShape)
    var result = scalars
    written.scalars.withUnsafeBufferPointer { v in
      result.withUnsafeMutableBufferPointer { out in
        plan.forEachElement(inputShape: shape) { o, i in out[i] = v[o] }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }

  /// The backward of `indexed`: `self` (shaped like the selection) added into zeros of `shape`
  /// at the positions `items` selects.
  public func scattered(into shape: [Int], at items: [IndexItem]) throws(TensorError) -> Tensor {
    let plan = try IndexPlan(items, shape: shape)
    guard Shape.product(plan.resultShape) == count else {
      throw .elementCountMismatch(shape: plan.resultShape, count: count)
    }
    var result = [Double](repeating: 0, count: try Shape.elementCount(shape))
    scalars.withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { out in
        plan.forEachElement(inputShape: shape) { o, i in out[i] += x[o] }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }
}
