import Autodiff
import Tensors

// Index arguments (indices, labels, lengths) are tensors that must hold whole
// numbers in a range. The first entry that does not is named in the error,
// with its position and value: `gather(): indices[1] = 1.5 is not an integer`.

extension CallArguments {
  /// Checks that entry k of the tensor argument `name` is a whole number in `allowed(k)`.
  /// `problem` says what is wrong with an entry out of range ("is out of range for axis 1 of size 3"),
  /// `hint` what is valid.
  @discardableResult
  func indexArgument(
    _ name: String, allowed: (Int) -> Range<Int>,
    problem: (InvalidIndexEntry) -> String, hint: (InvalidIndexEntry) -> String?
  ) throws(EvaluationError) -> Variable {
    let indices = try tensor(name)
    if case .failure(let entry) = indices.value.integerEntries(allowed: allowed) {
      let described = entry.entry(named: name)
      if entry.isInteger {
        throw EvaluationError("\(callee)(): \(described) \(problem(entry))", at: range(of: name), hint: hint(entry))
      }
      if entry.value.isFinite, entry.value == entry.value.rounded() {
        throw EvaluationError("\(callee)(): \(described) is too large", at: range(of: name))
      }
      throw EvaluationError(
        "\(callee)(): \(described) is not an integer", at: range(of: name),
        hint: "indices are whole numbers; round(), floor() or ceil() make them (and pass no gradient)")
    }
    return indices
  }

  /// An index tensor into an axis of `size`: -size..<size, negative entries counting from the end.
  @discardableResult
  func axisIndexArgument(_ name: String, axis: Int, size: Int) throws(EvaluationError) -> Variable {
    try indexArgument(
      name, allowed: { _ in -size..<size }, problem: { _ in "is out of range for axis \(axis) of size \(size)" },
      hint: { _ in
        size == 0 ? "the axis is empty: no index fits" : "valid indices run from 0 to \(size - 1), or from -\(size) to -1 counting from the end"
      })
  }

  /// An integer argument that is an axis of a tensor of `rank`, normalized.
  func axis(_ name: String, default fallback: Int, rank: Int) throws(EvaluationError) -> Int {
    let axis = try integer(name, default: fallback)
    return try Conversion.check(at: range(of: name)) { () throws(TensorError) in try Shape.normalize(axis: axis, rank: rank) }
  }

  /// Every argument as written, in order, for built-ins that read their arguments themselves.
  var allArguments: [(label: String?, value: Value, range: SourceRange)] {
    given.map { ($0.label, $0.value, $0.range) }
  }
}
