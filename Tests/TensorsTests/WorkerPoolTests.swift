import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Tensors

/// The pool that runs split loops: every chunk once, whoever runs it, however loops nest or
/// how many threads start them.
@Suite("The worker pool")
struct WorkerPoolTests {
  /// Runs `loops` loops of `chunks` chunks each on `pool`, and says whether each chunk of each
  /// loop ran exactly once (each chunk counts its runs in a slot of its own).
  static func eachChunkRanOnce(_ pool: WorkerPool, loops: Int, chunks: Int) -> Bool {
    let runs = UnsafeMutableBufferPointer<Int>.allocate(capacity: loops * chunks)
    defer { runs.deallocate() }
    runs.initialize(repeating: 0)
    for loop in 0..<loops {
      pool.run(chunks: chunks) { chunk in runs[loop * chunks + chunk] += 1 }
    }
    return runs.allSatisfy { $0 == 1 }
  }

  @Test(arguments: [0, 1, 3], [1, 2, 7])
  func everyChunkRunsOnce(workers: Int, chunks: Int) {
    #expect(Self.eachChunkRanOnce(WorkerPool(workers: workers), loops: 2_000, chunks: chunks))
  }

  /// Loops that come after the workers have gone to sleep wake them.
  @Test func loopsAfterSleepRunToo() {
    let pool = WorkerPool(workers: 2)
    for _ in 0..<3 {
      #expect(Self.eachChunkRanOnce(pool, loops: 5, chunks: 3))
      Thread.sleep(forTimeInterval: 0.01)  // twenty times the spin time
    }
  }

  /// A loop inside a chunk runs on that chunk's thread, in order.
  @Test func nestedLoopsRunInline() {
    let pool = WorkerPool(workers: 1)
    let orders = Mutex([[Int]](repeating: [], count: 4))
    pool.run(chunks: 4) { outer in
      var order: [Int] = []
      pool.run(chunks: 5) { chunk in order.append(chunk) }
      orders.withLock { $0[outer] = order }
    }
    #expect(orders.withLock { $0 } == [[Int]](repeating: Array(0..<5), count: 4))
  }

  /// Threads that start loops at once share the pool or run their loops themselves.
  @Test func concurrentCallersEachGetTheirLoops() {
    let pool = WorkerPool(workers: 1)
    let failures = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      if !Self.eachChunkRanOnce(pool, loops: 500, chunks: 3) { failures.add(1, ordering: .relaxed) }
    }
    #expect(failures.load(ordering: .relaxed) == 0)
  }
}
