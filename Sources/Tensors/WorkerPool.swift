import Foundation
import Synchronization
import VectorKernels

/// Threads that stay for the life of the process and join the calling thread on each split
/// loop (``Parallel/forEachChunk(of:itemSize:cost:_:)``): element-wise loops, reductions and
/// the row blocks of matrix products alike, so that one set of threads shares the cores.
///
/// Between loops a worker spins for ``spinTime`` before it sleeps: in a training step the next
/// loop comes within microseconds, and a spinning worker joins it at once, where waking a
/// sleeping thread takes tens of microseconds on a virtual machine (as long as a small
/// product's half). OpenMP's runtimes and OpenBLAS's own threads wait the same way.
///
/// A loop's chunks are claimed from one atomic word that holds the loop's chunk count and the
/// next unclaimed chunk, so a claim is valid exactly when the word it changed had a chunk left;
/// the caller claims chunks too, then waits until every chunk has finished.
final class WorkerPool: @unchecked Sendable {
  /// How long a worker keeps looking for work after its last chunk before it sleeps.
  static let spinTime: Duration = .microseconds(500)

  /// The loop's chunk count (high 32 bits) and its next unclaimed chunk (low 32 bits).
  private let claims = Atomic<UInt64>(0)
  /// Chunks of the current loop that have finished.
  private let finished = Atomic<Int>(0)
  /// Whether a thread is running a loop on the pool; another loop meanwhile runs on its own
  /// thread (a loop inside a chunk, or a second thread's loop, as tests run them).
  private let inUse = Atomic<Bool>(false)
  /// The current loop's body: written before `claims` announces the loop, read only by a
  /// thread that has claimed one of its chunks, cleared after all have finished.
  private var body: ((Int) -> Void)?

  /// Sleeping workers wait on `wakeUp`; `sleepers` (under `lock`) says whether any do.
  private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private var sleepers = 0

  /// Starts `workers` threads (none for one core).
  init(workers: Int) {
    pthread_mutex_init(lock, nil)
    pthread_cond_init(wakeUp, nil)
    for index in 0..<workers {
      let thread = Thread { [self] in work() }
      thread.name = "backstep worker \(index + 1)"
      thread.start()
    }
  }

  /// Calls `body(chunk)` once for each chunk in `0..<chunks`, on this thread and the workers,
  /// and returns when all have finished.
  func run(chunks: Int, _ body: (Int) -> Void) {
    guard chunks > 1, inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
      for chunk in 0..<chunks { body(chunk) }
      return
    }
    withoutActuallyEscaping(body) { body in
      self.body = body
      finished.store(0, ordering: .relaxed)
      claims.store(UInt64(chunks) << 32, ordering: .releasing)
      wakeSleepers()
      while let chunk = claimChunk() { runClaimed(chunk) }
      waitUntil(chunks, finished)
      self.body = nil
    }
    inUse.store(false, ordering: .releasing)
  }

  /// Spins until `count` has reached `target`, yielding the core now and then in case the
  /// thread being waited for shares it (more threads than cores).
  private func waitUntil(_ target: Int, _ count: borrowing Atomic<Int>) {
    var spins = 0
    while count.load(ordering: .acquiring) < target {
      backstep_spin_pause()
      spins += 1
      if spins % 4096 == 0 { sched_yield() }
    }
  }

  /// Takes the next chunk of the current loop, or returns nil when none is left.
  private func claimChunk() -> Int? {
    let before = claims.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
    let next = before & 0xFFFF_FFFF
    return next < before >> 32 ? Int(next) : nil
  }

  /// Whether the current loop has a chunk nobody has claimed.
  private var hasUnclaimedChunk: Bool {
    let word = claims.load(ordering: .acquiring)
    return word & 0xFFFF_FFFF < word >> 32
  }

  private func runClaimed(_ chunk: Int) {
    body?(chunk)
    finished.add(1, ordering: .releasing)
  }

  /// A worker's life: claim chunks while there are any, spin a while, then sleep until woken.
  private func work() {
    Self.leaveSignalsToOtherThreads()
    var idleSince = ContinuousClock.now
    while true {
      if hasUnclaimedChunk {
        while let chunk = claimChunk() { runClaimed(chunk) }
        idleSince = .now
      } else if ContinuousClock.now - idleSince < Self.spinTime {
        for _ in 0..<64 { backstep_spin_pause() }
      } else {
        sleepUntilWork()
        idleSince = .now
      }
    }
  }

  /// Blocks the signals that come from outside (Ctrl-C, a resized terminal, …) on this thread,
  /// as libdispatch's workers do: the kernel hands them to a thread that does not block them,
  /// and the shell and readline handle them on the main thread. A fault this thread causes
  /// itself (SIGSEGV, SIGFPE, …) still reaches it.
  private static func leaveSignalsToOtherThreads() {
    var signals = sigset_t()
    sigfillset(&signals)
    for own in [SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT] { sigdelset(&signals, own) }
    pthread_sigmask(SIG_BLOCK, &signals, nil)
  }

  private func sleepUntilWork() {
    pthread_mutex_lock(lock)
    sleepers += 1
    while !hasUnclaimedChunk { pthread_cond_wait(wakeUp, lock) }
    sleepers -= 1
    pthread_mutex_unlock(lock)
  }

  /// Wakes sleeping workers for a loop just announced. Under the lock, so that a worker about
  /// to sleep either sees the loop or is already waiting when the signal comes.
  private func wakeSleepers() {
    pthread_mutex_lock(lock)
    if sleepers > 0 { pthread_cond_broadcast(wakeUp) }
    pthread_mutex_unlock(lock)
  }
}
