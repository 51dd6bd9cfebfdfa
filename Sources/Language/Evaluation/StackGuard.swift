import CThreadStack

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How close the running thread's stack is to its end, so that evaluation deep in nested calls
/// and brackets stops with an error instead of overflowing the stack (a crash).
///
/// The call and bracket limits bound each kind of nesting alone, but a recursive function whose
/// body nests brackets multiplies them; the stack itself is what runs out, and its size depends
/// on the thread and the build. So the guard measures it: the address of a local variable is the
/// stack pointer, compared with the thread's lowest address plus a reserve.
struct StackGuard {
  /// Stack left unused for what runs after the check (errors, rendering, a built-in's own frames):
  /// 1 MiB, or a quarter of a small stack.
  static func reserve(forStackOf size: Int) -> Int { Swift.min(1 << 20, size / 4) }

  /// The thread the limit was measured on.
  private let thread: pthread_t
  /// The lowest stack address evaluation may reach on that thread (0: unknown, never stops).
  private let limit: UInt

  /// Measures the calling thread's stack.
  init() {
    thread = pthread_self()
    var lowest: UInt = 0
    var size = 0
    guard backstep_thread_stack(&lowest, &size) == 0, size > 0 else {
      limit = 0
      return
    }
    limit = lowest + UInt(Self.reserve(forStackOf: size))
  }

  /// Whether this guard was measured on the calling thread.
  var isForCurrentThread: Bool { pthread_equal(thread, pthread_self()) != 0 }

  /// Whether the stack has grown down into the reserve.
  @inline(__always) var isNearlyFull: Bool {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) } < limit
  }
}
