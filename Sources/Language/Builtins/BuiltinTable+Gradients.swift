import Autodiff
import Tensors

extension BuiltinTable {
  static let gradients: [Builtin] = [
    Builtin("grad", [P("L", .tensor), P("x", .tensor), P("create_graph", .bool, default: "false")], .gradient,
            summary: "dL/dx for a scalar L computed from x; create_graph=true records the backward so it can be differentiated again.",
            example: "grad(sum(x * x), x)") { a throws(EvaluationError) in
      let L = try a.tensor("L"), x = try a.tensor("x"), recorded = try a.bool("create_graph")
      guard L.value.count == 1 else {
        throw EvaluationError(
          "grad needs a scalar L; `\(a.text(of: "L"))` has shape \(Shape.text(L.shape))", at: a.range(of: "L"),
          hint: "reduce it first (sum(...) or mean(...)), or take a vector-Jacobian product: vjp(y, x, seed)")
      }
      return try differentiate(a, output: L, wrt: x, seed: nil, createGraph: recorded)
    },
    Builtin("vjp", [P("y", .tensor), P("x", .tensor), P("seed", .tensor), P("create_graph", .bool, default: "false")], .gradient,
            summary: "The vector-Jacobian product seed·∂y/∂x for a y of any shape (seed has y's shape).",
            example: "vjp(x * x, x, ones(2, 3))") { a throws(EvaluationError) in
      let y = try a.tensor("y"), x = try a.tensor("x"), seed = try a.tensor("seed"), recorded = try a.bool("create_graph")
      guard seed.shape == y.shape else {
        throw EvaluationError(
          "the seed has shape \(Shape.text(seed.shape)) but `\(a.text(of: "y"))` has shape \(Shape.text(y.shape))",
          at: a.range(of: "seed"), hint: "the seed is dL/dy: it has the shape of y")
      }
      return try differentiate(a, output: y, wrt: x, seed: seed, createGraph: recorded)
    },
  ]

  private static func differentiate(
    _ a: CallArguments, output: Variable, wrt x: Variable, seed: Variable?, createGraph: Bool
  ) throws(EvaluationError) -> Value {
    let result: Gradient
    do {
      result = try Autodiff.gradients(of: output, wrt: [x], seed: seed, createGraph: createGraph)[0]
    } catch {
      throw EvaluationError(error, at: a.callRange)
    }
    if !result.isReached {
      let y = a.text(of: a.has("L") ? "L" : "y"), name = a.text(of: "x")
      a.interpreter.notes.append(
        "`\(y)` does not depend on `\(name)`, so the gradient is zeros. "
          + "(If `\(name)` was reassigned after `\(y)` was computed, `\(y)` still uses the old value.)")
    }
    // A plain gradient is new data; a recorded one keeps its graph for second derivatives.
    return .tensor(createGraph && result.isReached ? result.variable : Variable(result.value))
  }
}

private typealias P = Builtin.Parameter
