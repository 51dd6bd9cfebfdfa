import Tensors

// Comparisons give 0/1 tensors: piecewise constant in their inputs, so no
// gradient flows through them. They are how masks are made (relu's `x > 0`).

extension Rule {
  static func comparison(_ name: String, _ symbol: String, _ comparison: ElementComparison) -> Rule {
    Rule(
      name: name, formulas: [],
      explanation: Explanation(
        indexNotation: "y[i] = 1 if a[i] \(symbol) b[i] else 0",
        derivation: "The result only jumps between 0 and 1: nudging an input a little changes nothing, "
          + "so the derivative is 0 wherever it exists. Nothing flows back through a comparison.",
        shapes: "No gradients. The inputs broadcast as in arithmetic.",
        pitfall: "A mask made by a comparison is a constant in the backward pass: multiply by it to block gradients."),
      cost: .perOutputElement(forward: 1, backward: 0),
      samples: [],
      notation: .infix(symbol),
      forward: { x, _ throws(TensorError) in try x.pair { (a, b) throws(TensorError) in try Tensor.compare(a, b, comparison) } },
      backward: nil)
  }

  public static let greater = comparison("greater", ">", .greater)
  public static let greaterEqual = comparison("greater_equal", ">=", .greaterEqual)
  public static let less = comparison("less", "<", .less)
  public static let lessEqual = comparison("less_equal", "<=", .lessEqual)
  public static let equal = comparison("equal", "==", .equal)
  public static let notEqual = comparison("not_equal", "!=", .notEqual)

  /// `where(cond, a, b)`: a where cond is nonzero, b elsewhere.
  public static let `where` = Rule(
    name: "where",
    formulas: ["dcond = none", "da = where(cond, dy, 0)", "db = where(cond, 0, dy)"],
    explanation: Explanation(
      indexNotation: "y[i] = a[i] if cond[i] ≠ 0 else b[i]",
      derivation: "Each output element is a copy of exactly one input element, so its gradient goes to that one "
        + "and the branch not chosen gets 0. The condition is a 0/1 mask: no gradient. "
        + "Inputs broadcast, so each gradient is summed back to its input's shape.",
      shapes: "da has the shape of a, db the shape of b.",
      pitfall: "The branch not taken is still computed: log(x) in the other branch can give NaN in its own gradient "
        + "even though where hides its value."),
    cost: .perOutputElement(forward: 1, backward: 2),
    samples: [
      Sample([.init([2, 3], .mask), .init([2, 3]), .init([2, 3])]),
      Sample([.init([3, 1], .mask), .init([3, 4]), .init([])]),
      Sample([.init([2, 2], .mask), .init([2]), .init([2, 1])]),
    ],
    forward: { x, _ throws(TensorError) in try Tensor.select(x[0], x[1], x[2]) },
    backward: { c throws(TensorError) in
      let (condition, dy) = (c.inputs[0], c.upstream)
      let zero = Variable.constant(0)
      return [nil,
              c.needsGradient[1] ? try Variable.select(condition, dy, zero).summed(toShape: c.inputs[1].shape) : nil,
              c.needsGradient[2] ? try Variable.select(condition, zero, dy).summed(toShape: c.inputs[2].shape) : nil]
    })
}
