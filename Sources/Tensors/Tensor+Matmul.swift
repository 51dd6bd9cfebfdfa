import CBLAS

extension Tensor {
  /// NumPy's `matmul`, through `cblas_dgemm`.
  ///
  /// 1-d operands are promoted (a row for `lhs`, a column for `rhs`) and the
  /// promoted axis removed from the result; leading (batch) axes broadcast.
  /// `transposeLHS`/`transposeRHS` swap the last two axes of an operand of rank ≥ 2
  /// without copying it: BLAS reads it transposed.
  public static func matmul(
    _ lhs: Tensor, _ rhs: Tensor, transposeLHS: Bool = false, transposeRHS: Bool = false
  ) throws(TensorError) -> Tensor {
    guard lhs.rank >= 1 else { throw .rankTooLow(operation: "matmul", shape: lhs.shape, minimum: 1) }
    guard rhs.rank >= 1 else { throw .rankTooLow(operation: "matmul", shape: rhs.shape, minimum: 1) }
    let a = MatrixOperand(lhs, transposed: transposeLHS, isLeft: true)
    let b = MatrixOperand(rhs, transposed: transposeRHS, isLeft: false)
    guard a.cols == b.rows else {
      throw .matmulMismatch(lhs: a.logicalShape, rhs: b.logicalShape)
    }
    let batch = try Shape.broadcast(a.batch, b.batch)
    // Array literals: an array grown from empty takes the standard library's generic path,
    // some 200 instructions, as much as a 4×4 product's arithmetic (`make bench`, case 4).
    let matrixAxes: [Int] = switch (lhs.rank > 1, rhs.rank > 1) {
    case (true, true): [a.rows, b.cols]
    case (true, false): [a.rows]
    case (false, true): [b.cols]
    case (false, false): []
    }
    let outShape = batch.isEmpty ? matrixAxes : batch + matrixAxes
    let m = a.rows, n = b.cols, k = a.cols
    let batchCount = Shape.product(batch)
    // A vector operand has no row (or column) axis in the output, and then m (or n) is 1.
    let count = try Shape.elementCount(outShape)
    // An empty sum is 0; otherwise every element is written below (BLAS with beta = 0 ignores what is there).
    guard m > 0 && n > 0 && k > 0 else { return Tensor(uncheckedShape: outShape, scalars: [Double](repeating: 0, count: count)) }
    let result = [Double].written(count: count) { pc in
      lhs.scalars.withUnsafeBufferPointer { pa in
        rhs.scalars.withUnsafeBufferPointer { pb in
          guard let baseA = pa.baseAddress, let baseB = pb.baseAddress, let baseC = pc.baseAddress else { return }
          // A stack of untransposed left matrices against one right matrix is one tall product.
          if b.batch.isEmpty && !transposeLHS && a.batch == batch {
            gemm(a, b, m: m * batchCount, n: n, k: k, baseA, baseB, baseC)
            return
          }
          // The batch's products on the cores, whole (a product in a chunk runs on its thread);
          // a batch of one product leaves the product to split itself. OpenBLAS is set to one
          // thread here, once, rather than by the chunks at the same time.
          BLAS.onCallingThread()
          let loop = StridedLoop(shape: batch + [1], operands: [a.batch + [1], b.batch + [1]])
          Parallel.forEachChunk(of: loop.rowCount, itemSize: m * n * k / BLAS.multiplyAddsPerElement) { items in
            loop.forEachRow(in: items) { output, bases, _, _ in
              gemm(
                a, b, m: m, n: n, k: k,
                baseA + bases[0] * a.matrixSize, baseB + bases[1] * b.matrixSize, baseC + output * m * n)
            }
          }
        }
      }
    }
    return Tensor(uncheckedShape: outShape, scalars: result)
  }

  private static func gemm(
    _ a: MatrixOperand, _ b: MatrixOperand, m: Int, n: Int, k: Int,
    _ pa: UnsafePointer<Double>, _ pb: UnsafePointer<Double>, _ pc: UnsafeMutablePointer<Double>
  ) {
    if m * n * k <= smallProductLimit {
      smallProduct(a, b, m: m, n: n, k: k, pa, pb, pc)
      return
    }
    if m == 1 && n == 1 {
      BLAS.onCallingThread()
      pc[0] = cblas_ddot(Int32(k), pa, Int32(a.transposed ? a.storedCols : 1), pb, Int32(b.transposed ? 1 : b.storedCols))
      return
    }
    BLAS.gemm(
      transposeA: a.transposed, transposeB: b.transposed, m: m, n: n, k: k,
      a: pa, lda: a.storedCols, b: pb, ldb: b.storedCols, c: pc, ldc: n)
  }

  /// Products up to this many multiply-adds (`m·n·k`, 16³) skip BLAS: for them the call
  /// itself, and waking its threads, costs more than the arithmetic (`make bench`, case 4).
  static let smallProductLimit = 4096

  /// `C = A · B` for small products, reading transposed operands through their strides.
  ///
  /// Row by row: C(i, ·) = Σ_p A(i, p) · B(p, ·), the terms added in order of p, as a dot
  /// product per element adds them (the same bits); along a row of B the loop vectorises
  /// (a 4×4 product: 1,800 instructions as dot products, 600 this way).
  private static func smallProduct(
    _ a: MatrixOperand, _ b: MatrixOperand, m: Int, n: Int, k: Int,
    _ pa: UnsafePointer<Double>, _ pb: UnsafePointer<Double>, _ pc: UnsafeMutablePointer<Double>
  ) {
    // How far apart A(i, p) and A(i+1, p), A(i, p+1) are in memory; likewise B(p, j).
    let (aStepI, aStepP) = a.transposed ? (1, a.storedCols) : (a.storedCols, 1)
    let (bStepP, bStepJ) = b.transposed ? (1, b.storedCols) : (b.storedCols, 1)
    for i in 0..<m {
      let row = pc + i * n
      row.initialize(repeating: 0, count: n)
      for p in 0..<k {
        let scale = pa[i * aStepI + p * aStepP], rowOfB = pb + p * bStepP
        if bStepJ == 1 {
          for j in 0..<n { row[j] += scale * rowOfB[j] }
        } else {
          for j in 0..<n { row[j] += scale * rowOfB[j * bStepJ] }
        }
      }
    }
  }
}

/// One side of a matrix product: its batch axes and its matrix as stored and as used.
private struct MatrixOperand {
  let batch: [Int]
  let storedRows: Int
  let storedCols: Int
  let transposed: Bool
  /// The tensor's own shape.
  private let shape: [Int]

  init(_ tensor: Tensor, transposed: Bool, isLeft: Bool) {
    shape = tensor.shape
    if shape.count == 1 {
      // A vector is a row on the left and a column on the right; stored either way.
      storedRows = isLeft ? 1 : shape[0]
      storedCols = isLeft ? shape[0] : 1
      self.transposed = false
      batch = []
    } else {
      storedRows = shape[shape.count - 2]
      storedCols = shape[shape.count - 1]
      self.transposed = transposed
      // A matrix has no batch axes: no copy of an empty slice (a generic call, some 300 instructions).
      batch = shape.count == 2 ? [] : Array(shape.dropLast(2))
    }
  }

  /// The shape as the product sees it, for error messages.
  var logicalShape: [Int] { transposed ? batch + [storedCols, storedRows] : shape }

  var rows: Int { transposed ? storedCols : storedRows }
  var cols: Int { transposed ? storedRows : storedCols }
  var matrixSize: Int { storedRows * storedCols }
}
