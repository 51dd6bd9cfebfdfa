import Autodiff
import Tensors

// Sparse values at coordinates: a dense tensor whose listed entries are trainable.

extension BuiltinTable {
  static let sparseValues: [Builtin] = [
    Builtin("sparse", [P("indices", .tensor), P("values", .tensor), P("shape", .shape)], .creation, rules: ["sparse"],
            summary: """
              A dense tensor of the shape with values[k] at coordinate indices[k] (indices (K, ndim), values (K,)) and \
              zeros elsewhere; gradients reach the values. Repeated coordinates add up.
              """,
            example: "sparse([[0, 0], [1, 2]], [1, 2], (3, 4))") { a throws(EvaluationError) in
      let shape = try a.shape("shape")
      try a.coordinateArgument("indices", into: shape)
      let indices = try a.tensor("indices"), values = try a.tensor("values")
      try checkValues(a, values, count: Array(indices.shape.dropLast()), slices: Array(shape[(indices.shape.last ?? 0)...]))
      return .tensor(try a.check { () throws(TensorError) in try Variable.sparse(indices, values, shape: shape) })
    },
    Builtin("sparse_matmul", [P("indices", .tensor), P("values", .tensor), P("shape", .shape), P("x", .tensor)], .linearAlgebra,
            rules: ["sparse_matmul"],
            summary: """
              sparse(indices, values, shape) @ x without building the (m, n) matrix: gradients reach the values and x. \
              The shape may also come after x.
              """,
            example: "sparse_matmul([[0, 0], [1, 2]], [1, 2], (2, 3), ones(3, 2))") { a throws(EvaluationError) in
      try sparseMatmul(a)
    },
  ]

  /// The values must have one entry (or slice) per coordinate.
  private static func checkValues(_ a: CallArguments, _ values: Variable, count: [Int], slices: [Int]) throws(EvaluationError) {
    let expected = count + slices
    guard (try? Shape.broadcast(values.shape, expected)) == expected else {
      throw EvaluationError(
        "\(a.callee)(): values has shape \(Shape.text(values.shape)); \(count.last ?? 1) coordinates need \(Shape.text(expected))",
        at: a.range(of: "values"), hint: "one value per row of indices")
    }
  }

  /// The shape comes third (the signature) or last (as `:derive` prints it: inputs first).
  private static func sparseMatmul(_ a: CallArguments) throws(EvaluationError) -> Value {
    var (shapeName, xName) = ("shape", "x")
    if case .tuple? = a.value("x"), a.value("shape").map({ if case .tuple = $0 { false } else { true } }) == true {
      (shapeName, xName) = ("x", "shape")
    }
    let sizes = try Conversion.integers(a.value(shapeName) ?? .none, at: a.range(of: shapeName), purpose: "the shape of sparse_matmul()")
    let x = try Conversion.tensor(a.value(xName) ?? .none, at: a.range(of: xName), purpose: "`x` of sparse_matmul()")
    guard sizes.count == 2, sizes.allSatisfy({ $0 >= 0 }) else {
      throw EvaluationError(
        "sparse_matmul(): the sparse matrix needs a shape (rows, columns), got \(sizes)", at: a.range(of: shapeName))
    }
    guard x.value.rank >= 1, x.shape[0] == sizes[1] else {
      throw EvaluationError(
        "sparse_matmul(): a (\(sizes[0]), \(sizes[1])) matrix times x of shape \(Shape.text(x.shape)): x needs \(sizes[1]) rows",
        at: a.range(of: xName))
    }
    try a.coordinateArgument("indices", into: sizes)
    let indices = try a.tensor("indices"), values = try a.tensor("values")
    guard indices.shape.count == 2, indices.shape[1] == 2 else {
      throw EvaluationError(
        "sparse_matmul(): indices must be (K, 2), one (row, column) per stored entry; got \(Shape.text(indices.shape))",
        at: a.range(of: "indices"))
    }
    try checkValues(a, values, count: [indices.shape[0]], slices: [])
    return .tensor(try a.check { () throws(TensorError) in try Variable.sparseMatmul(indices, values, x, shape: sizes) })
  }
}

private typealias P = Builtin.Parameter
