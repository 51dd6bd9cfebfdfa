import Foundation

/// Arithmetic on shapes (`[Int]`): element counts, strides, broadcasting, axes.
public enum Shape {
  /// The largest tensor, in bytes, that any operation allocates. Checked before allocating.
  ///
  /// A process-wide setting because tensors are created deep inside arithmetic;
  /// the shell sets it once from its configuration.
  /// Unchecked for exclusive access: it is read by every allocation and set only between statements.
  @exclusivity(unchecked) nonisolated(unsafe) public static var byteLimit = 4 << 30

  /// Product of the dimensions (1 for a 0-d shape).
  public static func product(_ shape: [Int]) -> Int {
    shape.reduce(1, *)
  }

  /// The element count, or an error when the tensor would exceed `byteLimit`.
  public static func elementCount(_ shape: [Int]) throws(TensorError) -> Int {
    var count = 1.0
    for dimension in shape { count *= Double(dimension) }
    let bytes = count * 8
    guard bytes <= Double(byteLimit) else {
      throw .tooLarge(shape: shape, bytes: bytes, limit: byteLimit)
    }
    return Int(count)
  }

  /// Row-major strides in elements.
  public static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var step = 1
    for axis in shape.indices.reversed() {
      strides[axis] = step
      step *= shape[axis]
    }
    return strides
  }

  /// `(2, 3)`, `(5,)` for one axis and `()` for a scalar, as NumPy writes shapes.
  public static func text(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }

  /// Human-readable byte counts: `800 B`, `7.6 MiB`.
  public static func bytesText(_ bytes: Double) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = bytes
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    if unit == 0 { return "\(Int(value)) B" }
    return "\(value.formatted(significantDigits: 3)) \(units[unit])"
  }

  /// The dimension `axis` counted from the end (-1 is the last), 1 if the shape is shorter.
  public static func dimension(_ shape: [Int], fromEnd axis: Int) -> Int {
    let index = shape.count + axis
    return index >= 0 ? shape[index] : 1
  }

  /// NumPy's broadcast of two shapes.
  public static func broadcast(_ lhs: [Int], _ rhs: [Int]) throws(TensorError) -> [Int] {
    // Equal shapes, or a 0-d operand: the other shape as it is (no new array).
    if lhs == rhs || rhs.isEmpty { return lhs }
    if lhs.isEmpty { return rhs }
    // One shape stretched along the other (a bias added to a batch): that one, no new array.
    if stretches(rhs, to: lhs) { return lhs }
    if stretches(lhs, to: rhs) { return rhs }
    let rank = max(lhs.count, rhs.count)
    var result = [Int](repeating: 1, count: rank)
    for offset in 1...max(rank, 1) where offset <= rank {
      let a = dimension(lhs, fromEnd: -offset), b = dimension(rhs, fromEnd: -offset)
      if a == b || b == 1 {
        result[rank - offset] = a
      } else if a == 1 {
        result[rank - offset] = b
      } else {
        throw .broadcast(lhs: lhs, rhs: rhs, axis: -offset)
      }
    }
    return result
  }

  /// Whether `shape` broadcasts to `target` itself: no more axes, each of its sizes equal to
  /// the target's or 1.
  private static func stretches(_ shape: [Int], to target: [Int]) -> Bool {
    guard shape.count <= target.count else { return false }
    let lead = target.count - shape.count
    for axis in shape.indices where shape[axis] != 1 && shape[axis] != target[lead + axis] { return false }
    return true
  }

  /// Normalizes a possibly negative axis into `0..<rank`.
  public static func normalize(axis: Int, rank: Int) throws(TensorError) -> Int {
    let normalized = axis < 0 ? axis + rank : axis
    guard normalized >= 0 && normalized < rank else {
      throw .axisOutOfRange(axis: axis, rank: rank)
    }
    return normalized
  }

  /// Normalizes a list of axes, sorted, rejecting duplicates.
  public static func normalize(axes: [Int], rank: Int) throws(TensorError) -> [Int] {
    var seen = [Bool](repeating: false, count: rank)
    for axis in axes {
      let normalized = try normalize(axis: axis, rank: rank)
      guard !seen[normalized] else { throw .duplicateAxis(axis) }
      seen[normalized] = true
    }
    return (0..<rank).filter { seen[$0] }
  }

  /// The axes along which `shape` was stretched to become `target` (leading axes included).
  ///
  /// Summing a gradient of shape `target` over these axes, then reshaping, gives
  /// the gradient for `shape`: broadcasting's backward.
  public static func stretchedAxes(from shape: [Int], to target: [Int]) -> [Int] {
    let lead = target.count - shape.count
    return (0..<target.count).filter { axis in
      axis < lead || (shape[axis - lead] == 1 && target[axis] != 1)
    }
  }
}

extension Double {
  /// A short decimal form with at most `significantDigits` digits, no trailing zeros.
  public func formatted(significantDigits: Int) -> String {
    var text = String(format: "%.\(significantDigits)g", self)
    if text.contains("e") { return text }
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }
}
