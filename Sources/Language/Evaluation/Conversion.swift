import Autodiff
import Tensors

/// Turning values into what an operation needs (a tensor, an integer, a list of
/// axes), with errors that say what was expected and point at the value.
enum Conversion {
  /// Runs a tensor operation, turning its error into one at `range`.
  static func check<T>(at range: SourceRange, hint: String? = nil, _ body: () throws(TensorError) -> T) throws(EvaluationError) -> T {
    do {
      return try body()
    } catch {
      throw EvaluationError(error, at: range, hint: hint)
    }
  }

  /// A tensor from a tensor, a list of tensors (stacked: differentiable), a tuple of numbers or a boolean.
  static func tensor(_ value: consuming Value, at range: SourceRange, purpose: @autoclosure () -> String) throws(EvaluationError) -> Variable {
    // Consumed: the variable is handed on from the value without a retain and a release.
    switch consume value {
    case .tensor(let v):
      return v
    case .bool(let b):
      return .constant(b ? 1 : 0)
    case .list(let items), .tuple(let items):
      let parts = try items.map { (item: Value) throws(EvaluationError) in try tensor(item, at: range, purpose: purpose()) }
      guard let first = parts.first else { return Variable(Tensor([])) }
      guard parts.allSatisfy({ $0.shape == first.shape }) else {
        throw EvaluationError(
          "ragged list: its elements have shapes \(parts.map { Shape.text($0.shape) }.joined(separator: ", "))",
          at: range, hint: "every element of a tensor literal must have the same shape")
      }
      return try check(at: range) { () throws(TensorError) in try Variable.stack(parts, axis: 0) }
    case let other:
      throw EvaluationError("\(purpose()) must be a tensor, got \(other.kindDescription)", at: range)
    }
  }

  static func number(_ value: Value, at range: SourceRange, purpose: @autoclosure () -> String) throws(EvaluationError) -> Double {
    if case .bool(let b) = value { return b ? 1 : 0 }
    guard case .tensor(let v) = value, let x = v.value.scalar else {
      throw EvaluationError("\(purpose()) must be a number, got \(value.kindDescription)", at: range)
    }
    return x
  }

  static func integer(_ value: Value, at range: SourceRange, purpose: @autoclosure () -> String) throws(EvaluationError) -> Int {
    let x = try number(value, at: range, purpose: purpose())
    guard x.isFinite, x == x.rounded() else {
      throw EvaluationError("\(purpose()) must be an integer, got \(Tensor.formatScalar(x))", at: range)
    }
    guard Swift.abs(x) < 1e15 else {
      throw EvaluationError("\(purpose()) is too large: \(Tensor.formatScalar(x)) (sizes and indices stay below 10¹⁵)", at: range)
    }
    return Int(x)
  }

  /// One integer, or a tuple, list or 1-d tensor of integers.
  static func integers(_ value: Value, at range: SourceRange, purpose: @autoclosure () -> String) throws(EvaluationError) -> [Int] {
    switch value {
    case .tuple(let items), .list(let items):
      return try items.map { (item: Value) throws(EvaluationError) in try integer(item, at: range, purpose: purpose()) }
    case .tensor(let v) where v.value.rank == 1:
      return try v.value.scalars.map { (x: Double) throws(EvaluationError) in
        try integer(.number(x), at: range, purpose: purpose())
      }
    default:
      return [try integer(value, at: range, purpose: purpose())]
    }
  }

  /// A list of lists of integers (`[[1], [1]]`, tensordot's axes).
  static func integerLists(_ value: Value, at range: SourceRange, purpose: @autoclosure () -> String) throws(EvaluationError) -> [[Int]] {
    switch value {
    case .tuple(let items), .list(let items):
      return try items.map { (item: Value) throws(EvaluationError) in try integers(item, at: range, purpose: purpose()) }
    case .tensor(let v) where v.value.rank == 2:
      let cols = v.shape[1]
      return try (0..<v.shape[0]).map { (row: Int) throws(EvaluationError) in
        try (0..<cols).map { (col: Int) throws(EvaluationError) in
          try integer(.number(v.value[flat: row * cols + col]), at: range, purpose: purpose())
        }
      }
    default:
      throw EvaluationError("\(purpose()) must be a pair of axis lists like [[1], [0]], got \(value.kindDescription)", at: range)
    }
  }

  static func bool(_ value: Value, at range: SourceRange, purpose: @autoclosure () -> String) throws(EvaluationError) -> Bool {
    switch value {
    case .bool(let b):
      return b
    case .tensor(let v) where v.value.count == 1:
      return v.value.scalars[0] != 0
    case .tensor(let v):
      throw EvaluationError(
        "\(purpose()) must be true or false, got a tensor of shape \(Shape.text(v.shape))", at: range,
        hint: "a condition needs one number; reduce it first, e.g. max(x) > 0")
    default:
      throw EvaluationError("\(purpose()) must be true or false, got \(value.kindDescription)", at: range)
    }
  }
}
