import Foundation
import VectorKernels

/// Splits large loops across the machine's cores (as PyTorch's `at::parallel_for` does), and
/// runs small ones on the calling thread, with one pool of threads (``WorkerPool``). Matrix
/// products split too, in blocks of rows or columns (``BLAS``).
///
/// Only loops whose elements are independent are split, so their results do not depend on the
/// number of cores: reductions keep their single summation order. Products are the exception
/// (as in NumPy with OpenBLAS's threads): OpenBLAS adds a block's terms in an order that
/// depends on the block's size, so an element can differ in its last bits from the whole
/// product's.
public enum Parallel {
  /// Below two grains of work a loop stays on one thread: handing half to another costs more
  /// than it saves. A grain is this many elements of an arithmetic loop (`a * b`, a row sum),
  /// whose time is the memory's; loops whose elements cost more (exp, tanh) say how much more.
  /// It is PyTorch's grain. Measured on a 2-core virtual machine with the pool's workers: a
  /// product of two vectors of 65,536 elements 20 → 13 µs on two cores, of 131,072 95 → 28 µs
  /// (both stayed on one core with Dispatch's workers, which took tens of microseconds to wake
  /// and needed a grain four times larger); of 32,768 (one grain) 8 µs on one.
  static let grainSize = 1 << 15

  /// The cores to use: ``usableCores``, unless `BACKSTEP_THREADS` sets fewer.
  public static let cores: Int = {
    guard let text = ProcessInfo.processInfo.environment["BACKSTEP_THREADS"], let wanted = Int(text), wanted > 0 else {
      return usableCores
    }
    return min(wanted, usableCores)
  }()

  /// The CPUs the process may run on, counted from its affinity, as `nproc` and OpenBLAS count
  /// them: pinned to one CPU (`taskset -c 0`, a container's cpuset) on a 2-core machine,
  /// Foundation's count said 2, and a pool of two threads spinning on one CPU took an MLP step
  /// 1.2 times as long.
  public static let usableCores: Int = {
    let pinned = Int(backstep_usable_cpus())
    return max(1, pinned > 0 ? pinned : ProcessInfo.processInfo.activeProcessorCount)
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
