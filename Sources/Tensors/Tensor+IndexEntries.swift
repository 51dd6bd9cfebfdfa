// Index arguments are tensors of doubles that must hold whole numbers in range.
// Reading them is checked once, here, and the first bad entry is reported with
// its position, so that an error can say which entry is wrong.

/// An entry of an index tensor that cannot be used: not a whole number, or out of range.
public struct InvalidIndexEntry: Error, Equatable, Sendable {
  /// Where the entry sits in the index tensor (empty for a 0-d tensor).
  public let position: [Int]
  /// The entry as given.
  public let value: Double
  /// The values allowed at that position.
  public let allowed: Range<Int>

  public init(position: [Int], value: Double, allowed: Range<Int>) {
    self.position = position
    self.value = value
    self.allowed = allowed
  }

  /// True when the entry is a whole number, so that the problem is its range.
  public var isInteger: Bool { value.isFinite && value == value.rounded() && Swift.abs(value) < 1e15 }

  /// The entry as the language reads it: `indices[1, 0] = 5`, or `indices = 5` for a 0-d tensor.
  public func entry(named name: String) -> String {
    let at = position.isEmpty ? name : "\(name)[\(position.map(String.init).joined(separator: ", "))]"
    return "\(at) = \(isInteger ? String(Int(value)) : Tensor.formatScalar(value))"
  }

  /// The nearest `TensorError`, for callers below the language (which reports the entry itself).
  public func tensorError(axis: Int, size: Int) -> TensorError {
    let index = isInteger ? Int(value) : (value.isNaN ? Int.min : Int(Swift.max(-1e15, Swift.min(1e15, value))))
    return .indexOutOfRange(index: index, axis: axis, size: size)
  }
}

extension Tensor {
  /// The entries as integers; entry `k` (row-major) must lie in `allowed(k)`.
  /// The first entry that is not a whole number in its range is reported.
  public func integerEntries(allowed: (Int) -> Range<Int>) -> Result<[Int], InvalidIndexEntry> {
    var result = [Int](repeating: 0, count: count)
    for k in 0..<count {
      let value = scalars[k]
      let range = allowed(k)
      guard value.isFinite, value == value.rounded(), Swift.abs(value) < 1e15, range.contains(Int(value)) else {
        return .failure(InvalidIndexEntry(position: position(ofFlat: k), value: value, allowed: range))
      }
      result[k] = Int(value)
    }
    return .success(result)
  }

  /// Indices into an axis of `size`, read NumPy's way: -size..<size, negative ones counting
  /// from the end. The result is normalized to 0..<size.
  public func axisIndices(size: Int) -> Result<[Int], InvalidIndexEntry> {
    integerEntries { _ in -size..<size }.map { $0.map { $0 < 0 ? $0 + size : $0 } }
  }

  /// The element count of a shape given by a caller, checked: no negative sizes, not over the limit.
  static func checkedCount(_ shape: [Int]) throws(TensorError) -> Int {
    guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(shape) }
    return try Shape.elementCount(shape)
  }

  /// The multi-index of a row-major position.
  public func position(ofFlat flat: Int) -> [Int] {
    var rest = flat
    var position = [Int](repeating: 0, count: rank)
    for axis in shape.indices.reversed() where shape[axis] > 0 {
      position[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    return position
  }
}
