import Autodiff
import Tensors

extension BuiltinTable {
  static let contractions: [Builtin] = [
    Builtin("einsum", [P("subscripts", .string), P("operands", .tensor, variadic: true)], .linearAlgebra, rules: ["einsum"],
            summary: """
              Einstein summation, NumPy's: letters name axes, a letter missing from the output (after ->) is summed, \
              ii reads a diagonal, ... stands for the remaining axes; without -> the letters that appear once are kept, \
              in alphabetical order. The subscripts may also come after the operands.
              """,
            example: "einsum(\"bi,bi->b\", x, x)") { a throws(EvaluationError) in
      try einsum(a)
    },
    Builtin("dot", [P("a", .tensor), P("b", .tensor)], .linearAlgebra, rules: ["matmul", "einsum", "multiply"],
            summary: "NumPy's dot: the inner product of vectors, the matrix product of matrices; beyond, a sum over a's last axis and b's second-to-last.",
            example: "dot([1, 2, 3], [4, 5, 6])") { a throws(EvaluationError) in
      let x = try a.tensor("a"), y = try a.tensor("b")
      return .tensor(try a.check { () throws(TensorError) in try Variable.dot(x, y) })
    },
    Builtin("outer", [P("a", .tensor), P("b", .tensor)], .linearAlgebra, rules: ["reshape", "multiply"],
            summary: "NumPy's outer product: y[i, j] = a[i] * b[j], both inputs flattened first.",
            example: "outer([1, 2], [1, 2, 3])") { a throws(EvaluationError) in
      let x = try a.tensor("a"), y = try a.tensor("b")
      return .tensor(try a.check { () throws(TensorError) in try Variable.outer(x, y) })
    },
    Builtin("trace", [P("x", .tensor)], .linearAlgebra, rules: ["einsum"],
            summary: "NumPy's trace: the sum of the main diagonal of the first two axes (einsum(\"ii\", x) for a matrix).",
            example: "trace(eye(3))") { a throws(EvaluationError) in
      let x = try a.tensor("x")
      return .tensor(try a.check { () throws(TensorError) in try x.trace() })
    },
  ]

  /// einsum reads its own arguments: the one string among them is the equation (first, as in
  /// NumPy, or after the operands, as `:derive` prints it), the others are the operands in order.
  private static func einsum(_ a: CallArguments) throws(EvaluationError) -> Value {
    var subscripts: (text: String, range: SourceRange)? = nil
    var operands: [Variable] = []
    for argument in a.allArguments {
      if case .string(let text) = argument.value {
        guard subscripts == nil else {
          throw EvaluationError("einsum() takes one subscripts string; this is a second", at: argument.range)
        }
        subscripts = (text, argument.range)
      } else {
        let purpose = "operand \(operands.count) of einsum()"
        operands.append(try Conversion.tensor(argument.value, at: argument.range, purpose: purpose))
      }
    }
    guard let subscripts else {
      throw EvaluationError(
        "einsum() needs its subscripts, a string", at: a.callRange, hint: "for example einsum(\"bi,bi->b\", x, y)")
    }
    do {
      _ = try EinsumEquation(subscripts.text, shapes: operands.map(\.shape))
    } catch {
      let shapes = operands.map { Shape.text($0.shape) }.joined(separator: ", ")
      throw EvaluationError(error.description, at: subscripts.range, hint: operands.isEmpty ? nil : "the operands have shapes \(shapes)")
    }
    return .tensor(try a.check { () throws(TensorError) in try Variable.einsum(subscripts.text, operands) })
  }
}

private typealias P = Builtin.Parameter
