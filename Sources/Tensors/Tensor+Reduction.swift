/// How a reduction combines elements.
public enum ReductionKind: String, Sendable, CaseIterable {
  case sum, mean, max, min
}

extension Tensor {
  /// Reduces over `axes` (all axes when `nil`), keeping them as size-1 axes when `keepDims`.
  public func reduced(
    _ kind: ReductionKind, axes: [Int]? = nil, keepDims: Bool = false
  ) throws(TensorError) -> Tensor {
    let initial: Double
    switch kind {
    case .sum, .mean: initial = 0
    case .max: initial = -.infinity
    case .min: initial = .infinity
    }
    if axes == nil && !keepDims {
      // Everything to one number (`sum(L)`, `mean(y)`), without working out axes and shapes.
      if (kind == .max || kind == .min) && count == 0 { throw .emptyReduction(operation: kind.rawValue) }
      return Tensor(uncheckedShape: [], scalars: [reducedToOne(kind, initial: initial)])
    }
    let reducedAxes = try axes.map { (list: [Int]) throws(TensorError) in
      try Shape.normalize(axes: list, rank: rank)
    } ?? Array(0..<rank)
    var keptShape = shape
    for axis in reducedAxes { keptShape[axis] = 1 }
    let reducedCount = reducedAxes.reduce(1) { $0 * shape[$1] }
    if (kind == .max || kind == .min) && reducedCount == 0 && count == 0 && Shape.product(keptShape) > 0 {
      throw .emptyReduction(operation: kind.rawValue)
    }
    let outShape = keepDims ? keptShape : (0..<rank).filter { !reducedAxes.contains($0) }.map { shape[$0] }
    if reducedAxes.count == rank {
      // Everything to one number (`sum(L)`, `mean(y)`): one pass over the buffer.
      return Tensor(uncheckedShape: outShape, scalars: [reducedToOne(kind, initial: initial)])
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
            let row = UnsafeBufferPointer(rebasing: x[input..<input + length])
            switch (kind, steps[0]) {
            case (.sum, 0), (.mean, 0):
              out[o] += Tensor.sum(row)
            case (.sum, _), (.mean, _):
              // Reducing the outer axes: one row folded into another, element by element.
              Tensor.fold(x, from: input, into: out, at: o, columns, +)
            case (.max, 0):
              out[o] = Tensor.extreme(row, from: out[o], largest: true)
            case (.max, _):
              Tensor.fold(x, from: input, into: out, at: o, columns, Tensor.larger)
            case (.min, 0):
              out[o] = Tensor.extreme(row, from: out[o], largest: false)
            case (.min, _):
              Tensor.fold(x, from: input, into: out, at: o, columns, Tensor.smaller)
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
  /// Every element reduced to one number in one pass (a sum in NumPy's pairwise order, as any row).
  private func reducedToOne(_ kind: ReductionKind, initial: Double) -> Double {
    scalars.withUnsafeBufferPointer { x in
      switch kind {
      case .sum: return Tensor.sum(x)
      case .mean: return x.isEmpty ? .nan : Tensor.sum(x) / Double(x.count)
      case .max: return Tensor.extreme(x, from: initial, largest: true)
      case .min: return Tensor.extreme(x, from: initial, largest: false)
      }
    }
  }

  /// `out[at + k] = combine(out[at + k], x[from + k])` for each k in `columns`: through pointers,
  /// as one loop (with buffer subscripts the compiler reloaded the output's address at each
  /// element). Over the rows of a (256, 512) tensor a sum took 0.10 ms and now 0.025, as it
  /// vectorises; a maximum 0.23 ms and now 0.064 (NumPy 0.028), its NaN rule taken without a branch
  /// (``larger(_:_:)``).
  @inline(__always)
  private static func fold(
    _ x: UnsafeBufferPointer<Double>, from start: Int, into out: UnsafeMutableBufferPointer<Double>, at offset: Int,
    _ columns: Range<Int>, _ combine: (Double, Double) -> Double
  ) {
    guard let source = x.baseAddress, let target = out.baseAddress else { return }
    let row = source + start, folded = target + offset
    for k in columns { folded[k] = combine(folded[k], row[k]) }
  }

  /// The largest (or smallest) of `initial` and a run's elements, exactly as folding them one by
  /// one with ``larger(_:_:)`` (``smaller(_:_:)``) gives it: eight running maxima, and the run
  /// folded again one by one when the answer is a zero or the run holds a NaN or an infinity
  /// (the order decides a zero's sign and a NaN's payload). Folded one by one, the maxima of the
  /// rows of a (256, 512) tensor took 276 µs, seven times NumPy's 38; now 64 (every softmax
  /// starts with them).
  static func extreme(_ run: UnsafeBufferPointer<Double>, from initial: Double, largest: Bool) -> Double {
    func oneByOne() -> Double { run.reduce(initial, largest ? Tensor.larger : Tensor.smaller) }
    guard run.count >= 16, let x = run.baseAddress else { return oneByOne() }
    // A minimum is the negated maximum of the negated elements; `a > b ? a : b` per lane is
    // the comparison the processor's vector maximum makes, so the loop vectorises.
    let sign: Double = largest ? 1 : -1
    let start = -Double.infinity
    var (m0, m1, m2, m3, m4, m5, m6, m7) = (start, start, start, start, start, start, start, start)
    // v - v is 0, or NaN for a NaN or an infinity: their sum tells whether to fold again.
    var poison = 0.0
    var k = 0
    while k + 8 <= run.count {
      let v0 = sign * x[k], v1 = sign * x[k + 1], v2 = sign * x[k + 2], v3 = sign * x[k + 3]
      let v4 = sign * x[k + 4], v5 = sign * x[k + 5], v6 = sign * x[k + 6], v7 = sign * x[k + 7]
      poison += (v0 - v0) + (v1 - v1) + (v2 - v2) + (v3 - v3) + (v4 - v4) + (v5 - v5) + (v6 - v6) + (v7 - v7)
      m0 = v0 > m0 ? v0 : m0; m1 = v1 > m1 ? v1 : m1; m2 = v2 > m2 ? v2 : m2; m3 = v3 > m3 ? v3 : m3
      m4 = v4 > m4 ? v4 : m4; m5 = v5 > m5 ? v5 : m5; m6 = v6 > m6 ? v6 : m6; m7 = v7 > m7 ? v7 : m7
      k += 8
    }
    var best = Swift.max(Swift.max(Swift.max(m0, m1), Swift.max(m2, m3)), Swift.max(Swift.max(m4, m5), Swift.max(m6, m7)))
    while k < run.count {
      let v = sign * x[k]
      poison += v - v
      best = v > best ? v : best
      k += 1
    }
    if poison.isNaN || best == 0 { return oneByOne() }
    return largest ? Tensor.larger(initial, best) : Tensor.smaller(initial, -best)
  }

  /// The larger of a running maximum and the next element; a NaN wins and stays, as in NumPy.
  ///
  /// The next element is taken when it is larger, or when it is a NaN and the current one is
  /// not; the two cannot both hold, so `!=` joins them without a branch (with `||` the fold over
  /// a (256, 512) tensor's rows took 115–123 µs on one core, this way 64). Of two NaNs the first
  /// stays, as in NumPy (`||` took the later one).
  @inline(__always)
  static func larger(_ current: Double, _ next: Double) -> Double {
    (next > current) != (next.isNaN && !current.isNaN) ? next : current
  }

  /// The smaller of a running minimum and the next element; a NaN wins and stays, as in NumPy.
  @inline(__always)
  static func smaller(_ current: Double, _ next: Double) -> Double {
    (next < current) != (next.isNaN && !current.isNaN) ? next : current
  }

  /// The sum of a run of elements in NumPy's order (`pairwise_sum`), so that a sum reads
  /// exactly as NumPy prints it: under 8 elements one by one; up to 128, eight running
  /// totals (which vectorise) added as a tree, then the rest one by one; longer runs split
  /// in two halves at a multiple of 8, summed the same way.
  static func sum(_ run: UnsafeBufferPointer<Double>) -> Double {
    let n = run.count
    if n < 8 {
      var total = 0.0
      for k in 0..<n { total += run[k] }
      return total
    }
    if n <= 128 {
      func lanes(at k: Int) -> SIMD8<Double> {
        SIMD8(run[k], run[k + 1], run[k + 2], run[k + 3], run[k + 4], run[k + 5], run[k + 6], run[k + 7])
      }
      var r = lanes(at: 0)
      var k = 8
      while k < n - n % 8 {
        r += lanes(at: k)
        k += 8
      }
      var total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
      while k < n {
        total += run[k]
        k += 1
      }
      return total
    }
    var half = n / 2
    half -= half % 8
    return sum(UnsafeBufferPointer(rebasing: run[..<half])) + sum(UnsafeBufferPointer(rebasing: run[half...]))
  }

}

extension Tensor {
  /// NumPy's `argmax` (`largest: true`) and `argmin`: the index of the first largest (smallest)
  /// element along `axis`, or in the flattened tensor when `axis` is nil. A NaN counts as the
  /// extreme, as in NumPy. The indices are numbers (float64), shaped like a reduction over the axis.
  public func argExtreme(largest: Bool, axis: Int?, keepDims: Bool = false) throws(TensorError) -> Tensor {
    // A number has one position along "its" axis, as NumPy's argmax(5, axis=0) is 0.
    if rank == 0, let axis, axis == 0 || axis == -1 { return Tensor(0) }
    let along = try axis.map { (axis: Int) throws(TensorError) in try Shape.normalize(axis: axis, rank: rank) }
    // Runs of `length` elements `inner` apart; without an axis, one run through the flattened tensor.
    let (outer, length, inner) = along.map { (Shape.product(Array(shape[..<$0])), shape[$0], Shape.product(Array(shape[($0 + 1)...]))) }
      ?? (1, count, 1)
    // An empty run has no extreme; other empty axes give an empty result, as in NumPy.
    guard length > 0 else { throw .emptyReduction(operation: largest ? "argmax" : "argmin") }
    func better(_ candidate: Double, than best: Double) -> Bool {
      !best.isNaN && (candidate.isNaN || (largest ? candidate > best : candidate < best))
    }
    var result = [Double](repeating: 0, count: outer * inner)
    scalars.withUnsafeBufferPointer { x in
      for o in 0..<outer {
        for i in 0..<inner {
          let base = o * length * inner + i
          var best = 0
          for k in 1..<length where better(x[base + k * inner], than: x[base + best * inner]) { best = k }
          result[o * inner + i] = Double(best)
        }
      }
    }
    var kept = shape
    if let along {
      if keepDims { kept[along] = 1 } else { kept.remove(at: along) }
    } else {
      kept = keepDims ? [Int](repeating: 1, count: rank) : []
    }
    return Tensor(uncheckedShape: kept, scalars: result)
  }
}
