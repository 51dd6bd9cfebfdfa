import Autodiff
import Tensors

extension BuiltinTable {
  static let gradients: [Builtin] = [
    Builtin("grad", [P("L", .tensor), P("x", .any), P("create_graph", .bool, default: "false")], .gradient,
            summary: "dL/dx for a scalar L computed from x (a list [W, b] gives a tuple of gradients, from one backward pass); "
              + "create_graph=true records the backward so it can be differentiated again.",
            example: "grad(sum(x * x), x)") { a throws(EvaluationError) in
      let L = try a.tensor("L"), recorded = try a.bool("create_graph")
      guard L.value.count == 1 else {
        throw EvaluationError(
          "grad needs a scalar L; `\(a.text(of: "L"))` has shape \(Shape.text(L.shape))", at: a.range(of: "L"),
          hint: "reduce it first (sum(...) or mean(...)), or take a vector-Jacobian product: vjp(y, x, seed)")
      }
      return try differentiate(a, output: L, seed: nil, createGraph: recorded)
    },
    Builtin("vjp", [P("y", .tensor), P("x", .any), P("seed", .tensor), P("create_graph", .bool, default: "false")], .gradient,
            summary: "The vector-Jacobian product seed·∂y/∂x for a y of any shape (seed has y's shape).",
            example: "vjp(x * x, x, ones(2, 3))") { a throws(EvaluationError) in
      let y = try a.tensor("y"), seed = try a.tensor("seed"), recorded = try a.bool("create_graph")
      guard seed.shape == y.shape else {
        throw EvaluationError(
          "the seed has shape \(Shape.text(seed.shape)) but `\(a.text(of: "y"))` has shape \(Shape.text(y.shape))",
          at: a.range(of: "seed"), hint: "the seed is dL/dy: it has the shape of y")
      }
      return try differentiate(a, output: y, seed: seed, createGraph: recorded)
    },
    Builtin("detach", [P("x", .tensor)], .gradient,
            summary: "x's values as new data, cut from the graph that computed them (PyTorch's detach, JAX's "
              + "stop_gradient): no gradient flows back through it, and the graph behind it can be freed.",
            example: "detach(x * 2)") { a throws(EvaluationError) in
      .tensor(try a.tensor("x").detached)
    },
  ]

  /// The gradient of `output` with respect to the argument `x`: one tensor, or a list or tuple of them
  /// (then a tuple of gradients, all from one backward pass).
  private static func differentiate(
    _ a: CallArguments, output: Variable, seed: Variable?, createGraph: Bool
  ) throws(EvaluationError) -> Value {
    let targets: [Variable]
    let several: Bool
    switch a.value("x") {
    case .list(let items)?, .tuple(let items)?:
      targets = try a.tensors("x")
      several = true
      guard targets.count == items.count, !targets.isEmpty else {
        throw EvaluationError("give the variables to differentiate by as a list: [W, b]", at: a.range(of: "x"))
      }
    default:
      targets = [try a.tensor("x")]
      several = false
    }
    let results: [Gradient]
    do {
      results = try Autodiff.gradients(of: output, wrt: targets, seed: seed, createGraph: createGraph)
    } catch {
      throw EvaluationError(error, at: a.callRange)
    }
    let y = a.text(of: a.has("L") ? "L" : "y")
    let reachable = results.contains { !$0.isReached } ? Set(topologicalOrder(from: output).map(ObjectIdentifier.init)) : []
    for (target, result) in zip(targets, results) where !result.isReached {
      let name = several ? target.label ?? "an entry of \(a.text(of: "x"))" : a.text(of: "x")
      if reachable.contains(ObjectIdentifier(target)) {
        a.interpreter.notes.append(
          "`\(y)` depends on `\(name)` only through operations that pass no gradient "
            + "(indices, comparisons, rounding), so the gradient is zeros.")
      } else if topologicalOrder(from: output).contains(where: { $0.isLeaf && $0.isGradient }) {
        // grad(sum(grad(f, x)), x) without create_graph: the inner gradient came back as data.
        a.interpreter.notes.append(
          "`\(y)` was computed from a gradient that grad() returned as data, cut from `\(name)`, so this gradient is zeros; "
            + "for a second derivative, take the first one with create_graph=true: grad(L, x, create_graph=true)")
      } else {
        a.interpreter.notes.append(
          "`\(y)` does not depend on `\(name)`, so the gradient is zeros."
            + (Lexer.isName(name) ? " (If `\(name)` was reassigned after `\(y)` was computed, `\(y)` still uses the old value.)" : ""))
      }
    }
    // A plain gradient is new data; a recorded one keeps its graph for second derivatives.
    let values = results.map { result -> Value in
      if createGraph && result.isReached { return .tensor(result.variable) }
      let data = Variable(result.value)
      data.isGradient = true
      a.interpreter.hasHandedOutGradients = true
      return .tensor(data)
    }
    return several ? .tuple(values) : values[0]
  }
}

private typealias P = Builtin.Parameter
