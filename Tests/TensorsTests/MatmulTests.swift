import Testing
@testable import Tensors

@Suite("Matrix products: a direct loop for small ones, BLAS beyond")
struct MatmulTests {
  /// The textbook triple loop, for reference: c[i,j] = Σ_k a[i,k] b[k,j].
  static func naive(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    a.map { row in (0..<b[0].count).map { j in zip(row, b.map { $0[j] }).reduce(0) { $0 + $1.0 * $1.1 } } }
  }

  static func rows(_ t: Tensor) -> [[Double]] {
    let cols = t.shape.last ?? 1
    return stride(from: 0, to: t.count, by: cols).map { Array(t.scalars[$0..<($0 + cols)]) }
  }

  // Both sides of Tensor.smallProductLimit (4096 multiply-adds): 16·9·13 is below, 17·16·16 above.
  @Test(arguments: [(1, 1, 1), (2, 3, 4), (5, 1, 7), (7, 6, 1), (16, 9, 13), (17, 16, 16), (40, 30, 20)])
  func matchesTheTripleLoop(m: Int, k: Int, n: Int) throws {
    var generator = RandomGenerator(seed: UInt64(m * 100 + k * 10 + n))
    let a = try generator.normal([m, k]), b = try generator.normal([k, n])
    let c = try Tensor.matmul(a, b)
    #expect(c.shape == [m, n])
    let expected = Self.naive(Self.rows(a), Self.rows(b)).flatMap { $0 }
    if m * k * n <= Tensor.smallProductLimit {
      // The direct loop adds the terms in the triple loop's order: the same bits.
      #expect(c.scalars == expected)
    } else {
      for (x, y) in zip(c.scalars, expected) { #expect(abs(x - y) < 1e-12) }
    }
  }

  @Test(arguments: [(3, 4, 5), (20, 30, 25)], [(false, true), (true, false), (true, true)])
  func transposeFlagsReadInPlace(sizes: (m: Int, k: Int, n: Int), flags: (lhs: Bool, rhs: Bool)) throws {
    var generator = RandomGenerator(seed: 3)
    let a = try generator.normal(flags.lhs ? [sizes.k, sizes.m] : [sizes.m, sizes.k])
    let b = try generator.normal(flags.rhs ? [sizes.n, sizes.k] : [sizes.k, sizes.n])
    let viaFlags = try Tensor.matmul(a, b, transposeLHS: flags.lhs, transposeRHS: flags.rhs)
    let viaCopies = Self.naive(Self.rows(flags.lhs ? try a.transposed() : a), Self.rows(flags.rhs ? try b.transposed() : b))
    #expect(viaFlags.shape == [sizes.m, sizes.n])
    for (x, y) in zip(viaFlags.scalars, viaCopies.flatMap { $0 }) { #expect(abs(x - y) < 1e-12) }
  }

  /// Products of a million multiply-adds and more run in blocks on the cores: C's rows for a
  /// tall product, its columns for a wide one, with transposed operands read in place.
  @Test(arguments: [
    ([300, 80], [80, 50], false, false),  // rows
    ([80, 300], [80, 50], true, false),  // rows of a transposed A
    ([40, 60], [60, 600], false, false),  // columns
    ([40, 60], [600, 60], false, true),  // columns of a transposed B
    ([2000], [2000, 600], false, false),  // a vector times a matrix: columns
    ([1500, 800], [800], false, false),  // a matrix times a vector: rows
    ([3, 150, 80], [80, 70], false, false),  // a stack against one matrix: one tall product
  ])
  func productsSplitAcrossCoresMatchTheTripleLoop(lhsShape: [Int], rhsShape: [Int], transposeLHS: Bool, transposeRHS: Bool) throws {
    var generator = RandomGenerator(seed: 17)
    let a = try generator.normal(lhsShape), b = try generator.normal(rhsShape)
    let c = try Tensor.matmul(a, b, transposeLHS: transposeLHS, transposeRHS: transposeRHS)
    // The same product spelled out: matrices, transposes copied.
    let left = try a.reshaped([lhsShape.dropLast().reduce(1, *), lhsShape[lhsShape.count - 1]])
    let right = rhsShape.count == 1 ? try b.reshaped([rhsShape[0], 1]) : b
    let expected = Self.naive(
      Self.rows(transposeLHS ? try left.transposed() : left), Self.rows(transposeRHS ? try right.transposed() : right))
    let multiplyAdds = expected.count * expected[0].count * (transposeLHS ? left.shape[0] : left.shape[1])
    #expect(multiplyAdds / BLAS.multiplyAddsPerElement >= 2 * Parallel.grainSize)
    #expect(c.count == expected.count * expected[0].count)
    let worst = zip(c.scalars, expected.flatMap { $0 }).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst < 1e-9)
  }

  /// A batch of products with a million multiply-adds in all runs its products on the cores
  /// (each below BLAS's own split, some below the direct loop's limit); each matches its own.
  @Test(arguments: [([3, 1, 40, 30], [5, 30, 20]), ([64, 16, 16], [64, 16, 16]), ([2, 200, 90], [1, 90, 60])])
  func batchesSplitAcrossCoresMatchTheirProducts(lhsShape: [Int], rhsShape: [Int]) throws {
    var generator = RandomGenerator(seed: 23)
    let a = try generator.normal(lhsShape), b = try generator.normal(rhsShape)
    let c = try Tensor.matmul(a, b)
    let (m, k, n) = (lhsShape[lhsShape.count - 2], lhsShape[lhsShape.count - 1], rhsShape[rhsShape.count - 1])
    let items = c.count / (m * n)
    #expect(items * m * n * k / BLAS.multiplyAddsPerElement >= 2 * Parallel.grainSize)
    let batch = Array(c.shape.dropLast(2))
    var worst = 0.0
    for item in 0..<items {
      // The item's multi-index in the batch, and each operand's (a size-1 axis stays at 0).
      var index: [Int] = [], rest = item
      for size in batch.reversed() {
        index.insert(rest % size, at: 0)
        rest /= size
      }
      func matrix(_ t: Tensor) throws -> Tensor {
        let own = t.shape.dropLast(2)
        let at = zip(own, index.suffix(own.count)).map { size, i in IndexItem.index(size == 1 ? 0 : i) }
        return try t.indexed(at)
      }
      let expected = Self.naive(Self.rows(try matrix(a)), Self.rows(try matrix(b))).flatMap { $0 }
      let got = Array(c.scalars[item * m * n..<(item + 1) * m * n])
      worst = max(worst, zip(got, expected).map { abs($0 - $1) }.max() ?? .infinity)
    }
    #expect(worst < 1e-9)
  }

  @Test func batchedWithBroadcastBatchAxes() throws {
    var generator = RandomGenerator(seed: 5)
    let a = try generator.normal([2, 1, 3, 4]), b = try generator.normal([5, 4, 2])
    let c = try Tensor.matmul(a, b)
    #expect(c.shape == [2, 5, 3, 2])
    for i in 0..<2 {
      for j in 0..<5 {
        let ai = try a.indexed([.index(i), .index(0)]), bj = try b.indexed([.index(j)])
        let expected = Self.naive(Self.rows(ai), Self.rows(bj)).flatMap { $0 }
        let got = try c.indexed([.index(i), .index(j)])
        for (x, y) in zip(got.scalars, expected) { #expect(abs(x - y) < 1e-12) }
      }
    }
    // A stack of matrices against one matrix is one tall product; same numbers.
    let stack = try generator.normal([3, 2, 4]), single = try generator.normal([4, 2])
    let tall = try Tensor.matmul(stack, single)
    for s in 0..<3 {
      let expected = Self.naive(Self.rows(try stack.indexed([.index(s)])), Self.rows(single)).flatMap { $0 }
      for (x, y) in zip(try tall.indexed([.index(s)]).scalars, expected) { #expect(abs(x - y) < 1e-12) }
    }
  }

  @Test func vectorsArePromotedAndDropped() throws {
    let v = Tensor([1, 2, 3])
    let m = try Tensor(rows: [[1, 0], [0, 1], [1, 1]])
    #expect(try Tensor.matmul(v, v) == Tensor(14))
    #expect(try Tensor.matmul(v, m) == Tensor([4, 5]))
    #expect(try Tensor.matmul(m.transposed(), v) == Tensor([4, 5]))
    let batch = try Tensor(shape: [2, 2, 3], scalars: (0..<12).map(Double.init))
    #expect(try Tensor.matmul(batch, v) == (try Tensor(rows: [[8, 26], [44, 62]])))
  }

  /// The learner's question: w.T (2, 3) @ dz (3, 5).
  @Test func learnersWorkedExample() throws {
    let wT = try Tensor(rows: [[1, 0.5, 1], [-1, -1, -0.5]])
    let dz = try Tensor(rows: Array(repeating: [1, 2, 3, 4, 5], count: 3))
    #expect(try Tensor.matmul(wT, dz) == (try Tensor(rows: [[2.5, 5, 7.5, 10, 12.5], [-2.5, -5, -7.5, -10, -12.5]])))
  }

  @Test func mismatchedInnerDimensions() {
    #expect(throws: TensorError.matmulMismatch(lhs: [2, 3], rhs: [2, 5])) {
      try Tensor.matmul(Tensor.zeros([2, 3]), Tensor.zeros([2, 5]))
    }
    #expect(
      TensorError.matmulMismatch(lhs: [2, 3], rhs: [2, 5]).description
        == "matrix product of (2, 3) and (2, 5): inner dimensions 3 and 2 differ")
  }

  @Test func emptyInnerDimensionGivesZeros() throws {
    #expect(try Tensor.matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3])) == (try Tensor.zeros([2, 3])))
  }
}
