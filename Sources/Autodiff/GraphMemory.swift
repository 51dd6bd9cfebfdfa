import Foundation
import Synchronization
import Tensors

/// The memory held by the values of every variable alive in the process, and the most it
/// may hold.
///
/// A graph keeps each value it was computed from for as long as anything refers to its
/// result, so a loop that chains every iteration to the last (`x = x * 1.01` on a large `x`)
/// keeps every iteration's value. Without a limit it would exhaust the machine's memory and be
/// killed; past the limit, recording an op fails with an error instead. The count is an upper
/// bound: a value that two variables share (a detached copy) counts twice.
public enum GraphMemory {
  private static let live = Atomic<Int>(0)

  /// The bytes the values of the live variables hold now.
  public static var bytes: Int { live.load(ordering: .relaxed) }

  /// The most ``bytes`` may reach: half the machine's memory, unless set (`:set max_graph_bytes`).
  /// Read by every op, set only between statements.
  @exclusivity(unchecked) nonisolated(unsafe) public static var limit =
    Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)

  /// Counts a new variable's value of `elements` elements.
  @inline(__always)
  static func add(elements: Int) {
    live.add(elements &* MemoryLayout<Double>.size, ordering: .relaxed)
  }

  /// Stops counting a released variable's value of `elements` elements.
  @inline(__always)
  static func remove(elements: Int) {
    live.subtract(elements &* MemoryLayout<Double>.size, ordering: .relaxed)
  }

  /// Throws when keeping a value of `elements` elements as well would take the live values past the limit.
  @inline(__always)
  static func admit(elements: Int) throws(TensorError) {
    let total = bytes &+ elements &* MemoryLayout<Double>.size
    guard total <= limit else { throw .graphTooLarge(bytes: Double(total), limit: limit) }
  }
}
