/// Everything that can go wrong in tensor arithmetic, with a message a learner can read.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Two shapes that NumPy's rules cannot broadcast; `axis` counts from the end (-1 is the last).
  case broadcast(lhs: [Int], rhs: [Int], axis: Int)
  /// A matrix product whose inner dimensions differ.
  case matmulMismatch(lhs: [Int], rhs: [Int])
  /// An operation that needs at least a given rank.
  case rankTooLow(operation: String, shape: [Int], minimum: Int)
  case negativeDimension([Int])
  case elementCountMismatch(shape: [Int], count: Int)
  case reshape(from: [Int], to: [Int])
  case axisOutOfRange(axis: Int, rank: Int)
  case duplicateAxis(Int)
  case invalidPermutation([Int], rank: Int)
  case squeezeNonUnit(axis: Int, shape: [Int])
  case indexOutOfRange(index: Int, axis: Int, size: Int)
  case tooManyIndices(given: Int, rank: Int)
  case zeroStep
  case emptyReduction(operation: String)
  case concatMismatch(axis: Int, shapes: [[Int]])
  case emptyList(operation: String)
  case ragged(depth: Int)
  /// A tensor larger than the configured limit, refused before allocating.
  case tooLarge(shape: [Int], bytes: Double, limit: Int)
  /// A value that would take what the live graphs hold past their limit (`GraphMemory`).
  case graphTooLarge(bytes: Double, limit: Int)

  public var description: String {
    switch self {
    case let .broadcast(lhs, rhs, axis):
      let a = Shape.dimension(lhs, fromEnd: axis), b = Shape.dimension(rhs, fromEnd: axis)
      return "shapes \(Shape.text(lhs)) and \(Shape.text(rhs)) do not broadcast (axis \(axis): \(a) vs \(b))"
    case let .matmulMismatch(lhs, rhs):
      return "matrix product of \(Shape.text(lhs)) and \(Shape.text(rhs)): "
        + "inner dimensions \(lhs.last ?? 0) and \(rhs.count >= 2 ? rhs[rhs.count - 2] : rhs.last ?? 0) differ"
    case let .rankTooLow(operation, shape, minimum):
      return "\(operation) needs at least \(minimum) \(minimum == 1 ? "axis" : "axes"), got shape \(Shape.text(shape))"
    case let .negativeDimension(shape):
      return "negative dimension in shape \(Shape.text(shape))"
    case let .elementCountMismatch(shape, count):
      return "shape \(Shape.text(shape)) needs \(Shape.product(shape)) elements, got \(count)"
    case let .reshape(from, to):
      return "cannot reshape \(Shape.text(from)) (\(Shape.product(from)) elements) into \(Shape.text(to))"
    case let .axisOutOfRange(axis, rank):
      return "axis \(axis) is out of range for a tensor with \(rank) \(rank == 1 ? "axis" : "axes")"
    case let .duplicateAxis(axis):
      return "axis \(axis) is given twice"
    case let .invalidPermutation(permutation, rank):
      return "\(permutation) is not a permutation of the \(rank) axes"
    case let .squeezeNonUnit(axis, shape):
      return "cannot squeeze axis \(axis) of shape \(Shape.text(shape)): its size is not 1"
    case let .indexOutOfRange(index, axis, size):
      return "index \(index) is out of range for axis \(axis) with size \(size)"
    case let .tooManyIndices(given, rank):
      return "too many indices: \(given) given for a tensor with \(rank) axes"
    case .zeroStep:
      return "slice step cannot be zero"
    case let .emptyReduction(operation):
      return "\(operation) of an empty tensor has no identity"
    case let .concatMismatch(axis, shapes):
      return "cannot join shapes \(shapes.map(Shape.text).joined(separator: ", ")) along axis \(axis)"
    case let .emptyList(operation):
      return "\(operation) needs at least one tensor"
    case let .ragged(depth):
      return "ragged nested list: the lists at depth \(depth) differ in length"
    case let .tooLarge(shape, bytes, limit):
      return "a tensor of shape \(Shape.text(shape)) needs \(Shape.bytesText(bytes)), over the limit of \(Shape.bytesText(Double(limit)))"
    case let .graphTooLarge(bytes, limit):
      return "the values kept by computation graphs would reach \(Shape.bytesText(bytes)), over the limit of \(Shape.bytesText(Double(limit)))"
    }
  }
}
