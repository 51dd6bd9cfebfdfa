import Foundation

/// Splits large loops across the machine's cores (as PyTorch's `at::parallel_for` does), and
/// runs small ones on the calling thread, with one pool of threads (``WorkerPool``).
///
/// Only loops whose elements are independent are split, so results do not depend on the number
/// of cores: reductions keep their single summation order.
public enum Parallel {
  /// Below two grains of work a loop stays on one thread: waking another costs more than it
  /// saves. A grain is this many elements of an arithmetic loop (`a * b`, a row sum), whose
  /// time is the memory's; loops whose elements cost more (exp, tanh) say how much more.
  /// Measured on a 2-core virtual machine, where waking a worker takes tens of microseconds:
  /// a product of two vectors ran faster on one core up to about 230,000 elements, and on two
  /// from 262,144 (PyTorch's grain is 32,768, for threads that wake faster).
  static let grainSize = 1 << 17

  /// The cores to use: the machine's, unless `BACKSTEP_THREADS` sets fewer.
  public static let cores: Int = {
    let available = ProcessInfo.processInfo.activeProcessorCount
    guard let text = ProcessInfo.processInfo.environment["BACKSTEP_THREADS"], let wanted = Int(text), wanted > 0 else {
      return max(1, available)
    }
    return min(wanted, max(1, available))
  }()

  /// Calls `body` once per chunk of `0..<count`, the chunks covering it without overlap,
  /// concurrently when there are at least two grains of work (`itemSize` elements per item,
  /// each `cost` times an arithmetic element's work); `body` must only write the elements of
  /// its own chunk.
  @inline(__always)
  static func forEachChunk(of count: Int, itemSize: Int = 1, cost: Int = 1, _ body: (Range<Int>) -> Void) {
    let chunks = min(cores, count, count * itemSize * cost / grainSize)
    guard chunks > 1 else {
      body(0..<count)
      return
    }
    pool.run(chunks: chunks) { chunk in body(count * chunk / chunks..<count * (chunk + 1) / chunks) }
  }

  /// The process's worker threads, started by its first split loop.
  private static let pool = WorkerPool(workers: cores - 1)
}
