import CBLAS

/// Backstep's matrix products through OpenBLAS: each call runs on the thread that makes it,
/// and a large product is split into blocks across ``Parallel``'s threads, like any loop.
enum BLAS {
  /// `C = alpha · op(A) · op(B) + beta · C`, row-major, as `cblas_dgemm` with the same
  /// arguments. From 262,144 multiply-adds the product runs in blocks of C's rows (of its
  /// columns, for a product wider than tall), one OpenBLAS call per block, each reading the
  /// rows of op(A) (the columns of op(B)) that it needs.
  static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double = 1,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    onCallingThread()
    func call(m: Int, n: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>) {
      cblas_dgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(max(1, lda)), b, Int32(max(1, ldb)), beta, c, Int32(max(1, ldc)))
    }
    if m >= n {
      Parallel.forEachChunk(of: m, itemSize: n * k / multiplyAddsPerElement) { rows in
        call(m: rows.count, n: n, a: a + rows.lowerBound * (transposeA ? 1 : lda), b: b, c: c + rows.lowerBound * ldc)
      }
    } else {
      Parallel.forEachChunk(of: n, itemSize: m * k / multiplyAddsPerElement) { columns in
        call(m: m, n: columns.count, a: a, b: b + columns.lowerBound * (transposeB ? ldb : 1), c: c + columns.lowerBound)
      }
    }
  }

  /// How many of a product's multiply-adds count as an arithmetic element for ``Parallel``'s
  /// grain: a product splits from 262,144 multiply-adds (64³: 6–9 µs on one core, 4–8 on two;
  /// 256×512 by 512×10: 97–104 µs on one, 27–30 on two).
  static let multiplyAddsPerElement = 4

  /// Makes OpenBLAS run each call on the calling thread, as the blocks of ``gemm`` need; called
  /// before each call (someone may have changed it: the benchmark's bare products do).
  ///
  /// OpenBLAS's own threads would take the pool's cores: after each product they spin for a
  /// tenth of a second (its thread timeout, 2²⁸ cycles), and a loop split across Dispatch's
  /// workers then ran on one core. Split into blocks instead, the products of a small
  /// network's step ran in 0.53–0.6 of OpenBLAS 0.3.21's threaded time (256×512 by 512×10
  /// and the like); 1024×1024 products took the same time either way.
  @inline(__always)
  static func onCallingThread() {
    if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
  }
}
