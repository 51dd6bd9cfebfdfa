import CBLAS
import Foundation
import Tensors

/// The machine's own matrix-product speed: `cblas_dgemm` called directly on
/// preallocated buffers, the floor that case 2 is held against.
///
/// OpenBLAS threads these products itself, as NumPy's are threaded. Backstep's products in the
/// same process set OpenBLAS to one thread (they split themselves), so each bare call sets
/// ``threads`` again.
enum BareBLAS {
  /// OpenBLAS's own default: `OPENBLAS_NUM_THREADS`, or one thread per CPU the process may use.
  static let threads: Int32 = {
    guard let text = getenv("OPENBLAS_NUM_THREADS").map({ String(cString: $0) }), let wanted = Int32(text), wanted > 0 else {
      return Int32(Parallel.usableCores)
    }
    return wanted
  }()

  /// Floating-point operations of one n×n by n×n product.
  static func productFlops(_ n: Int) -> Double { 2 * Double(n) * Double(n) * Double(n) }

  /// Seconds of `repeats` single n×n products (`C = A B`).
  static func productTimes(n: Int, repeats: Int) throws(BenchError) -> [Double] {
    let a = filled(n * n, 0.5), b = filled(n * n, 0.25)
    var c = [Double](repeating: 0, count: n * n)
    return try timed(repeats: repeats) { () throws(BenchError) in
      gemm(n, a, false, b, false, &c)
    }
  }

  /// The three products that `L = sum(A @ B)` and both gradients need, as one call on buffers
  /// made beforehand: `Y = A B`, `dA = dY Bᵀ`, `dB = Aᵀ dY` with `dY` all ones.
  static func gradientProducts(n: Int) -> () throws(BenchError) -> Void {
    let a = filled(n * n, 0.5), b = filled(n * n, 0.25), dy = filled(n * n, 1)
    var y = [Double](repeating: 0, count: n * n)
    var da = y, db = y
    return { () throws(BenchError) in
      gemm(n, a, false, b, false, &y)
      gemm(n, dy, false, b, true, &da)
      gemm(n, a, true, dy, false, &db)
    }
  }

  /// Peak memory of the three products above, counted from before the inputs exist.
  static func gradientPeak(n: Int) -> MemoryReading {
    resetPeakResident()
    let before = residentKiB()
    let a = filled(n * n, 0.5), b = filled(n * n, 0.25)
    var y = [Double](repeating: 0, count: n * n)
    gemm(n, a, false, b, false, &y)
    let dy = filled(n * n, 1)
    var da = [Double](repeating: 0, count: n * n), db = da
    gemm(n, dy, false, b, true, &da)
    gemm(n, a, true, dy, false, &db)
    let after = peakResidentKiB()
    withExtendedLifetime((a, b, y, dy, da, db)) {}
    return MemoryReading(before: before, after: after)
  }

  private static func filled(_ count: Int, _ value: Double) -> [Double] {
    (0..<count).map { Double($0 % 17) * value / 17 }
  }

  private static func gemm(
    _ n: Int, _ a: [Double], _ transposeA: Bool, _ b: [Double], _ transposeB: Bool, _ c: inout [Double]
  ) {
    let size = Int32(n)
    openblas_set_num_threads(threads)
    cblas_dgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      size, size, size, 1, a, size, b, size, 0, &c, size)
  }
}

/// A process's resident set before a case and its peak after it (KiB, from /proc/self/status).
struct MemoryReading: Codable {
  let before: Int
  let after: Int
  /// What the case added to the high-water mark, in bytes.
  var addedBytes: Double { Double(max(0, after - before)) * 1024 }
}
