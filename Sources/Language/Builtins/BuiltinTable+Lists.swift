import Autodiff
import Tensors

private typealias P = Builtin.Parameter

// MARK: - Recording values

extension BuiltinTable {
  /// Growing a 1-D tensor one number at a time: a training curve recorded in a loop.
  static let lists: [Builtin] = [
    Builtin("append", [P("list", .tensor), P("value", .number)], .selection,
            summary: "A new 1-D tensor: list with the number value added at the end, as data (no gradient); losses = append(losses, L) in a loop records a training curve, starting from losses = [].",
            example: "append([0.9, 0.5], 0.3)") { a throws(EvaluationError) in
      let list = try a.tensor("list")
      guard list.value.rank == 1 else {
        throw EvaluationError(
          "`list` of append() must be 1-D, got \(Value.tensor(list).kindDescription)", at: a.range(of: "list"),
          hint: list.value.rank == 0 ? "start an empty list: losses = [], then losses = append(losses, L)"
            : "flatten it first: append(reshape(\(a.text(of: "list")), -1), …)")
      }
      guard let argument = a.value("value"), case .tensor(let value) = argument, let number = value.value.scalar else {
        var isTensor = false
        if case .tensor? = a.value("value") { isTensor = true }
        throw EvaluationError(
          "`value` of append() must be a single number, got \(a.value("value")?.kindDescription ?? "nothing")",
          at: a.range(of: "value"),
          hint: isTensor ? "to join two vectors, use concat([\(a.text(of: "list")), \(a.text(of: "value"))])" : nil)
      }
      // The number is data: the new list keeps no graph, so the graphs of past steps are freed.
      return .leaf(try a.check { () throws(TensorError) in try Tensor(shape: [list.value.count + 1], scalars: list.value.scalars + [number]) })
    },
  ]
}
