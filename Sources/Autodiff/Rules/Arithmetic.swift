import Tensors

// + - * / ** and negation. Binary ops broadcast; their backward sums each
// gradient back to its input's shape (`summed(toShape:)`), said once here.

extension Sample {
  /// Shapes every broadcasting binary op is checked at: equal shapes, a vector
  /// against a matrix, two stretched size-1 axes, 0-d against a tensor, and 0-d alone.
  static func binary(_ domain: Domain = .real, rhs rhsDomain: Domain? = nil) -> [Sample] {
    [[[2, 3], [2, 3]], [[2, 3], [3]], [[3, 1], [1, 4]], [[], [2, 2]], [[2, 1, 3], [4, 1]], [[], []]].map {
      Sample([Input($0[0], domain), Input($0[1], rhsDomain ?? domain)])
    }
  }

  /// Shapes every element-wise unary op is checked at.
  static func unary(_ domain: Domain = .real) -> [Sample] {
    [[2, 3], [], [1], [3, 1, 2]].map { Sample([Input($0, domain)]) }
  }
}

private let broadcastingNote = """
  If the inputs have different shapes, NumPy's broadcasting stretched them to \
  a common shape first. Stretching copies a value to many places, so in the \
  backward the gradients of all those places add up: each input's gradient is \
  summed over the axes it was stretched along, which brings it back to the input's shape.
  """

extension Rule {
  /// Element-wise addition.
  public static let add = Rule(
    name: "add",
    formulas: ["da = dy", "db = dy"],
    explanation: Explanation(
      indexNotation: "y[i] = a[i] + b[i]",
      derivation: "∂y[i]/∂a[i] = 1 and ∂y[i]/∂b[i] = 1, so both inputs receive dy unchanged. " + broadcastingNote,
      shapes: "da has the shape of a, db the shape of b (after summing broadcast axes).",
      pitfall: "Adding a bias b (3, 1) to z (3, 5) broadcasts b along axis 1: its gradient is sum(dz, axis=1, keepdims=true), not dz."),
    cost: .perOutputElement(forward: 1, backward: 0),
    samples: Sample.binary(),
    notation: .infix("+"),
    forward: { x, _ throws(TensorError) in try x.pair { (a, b) throws(TensorError) in try a + b } },
    backward: { c throws(TensorError) in
      [try c.upstream.summed(toShape: c.inputs[0].shape), try c.upstream.summed(toShape: c.inputs[1].shape)]
    })

  /// Element-wise subtraction.
  public static let subtract = Rule(
    name: "subtract",
    formulas: ["da = dy", "db = -dy"],
    explanation: Explanation(
      indexNotation: "y[i] = a[i] - b[i]",
      derivation: "∂y[i]/∂a[i] = 1 and ∂y[i]/∂b[i] = -1. " + broadcastingNote,
      shapes: "da has the shape of a, db the shape of b.",
      pitfall: "The minus sign goes to b's gradient only."),
    cost: .perOutputElement(forward: 1, backward: 1),
    samples: Sample.binary(),
    notation: .infix("-"),
    forward: { x, _ throws(TensorError) in try x.pair { (a, b) throws(TensorError) in try a - b } },
    backward: { c throws(TensorError) in
      [try c.upstream.summed(toShape: c.inputs[0].shape),
       c.needsGradient[1] ? try (-c.upstream).summed(toShape: c.inputs[1].shape) : nil]
    })

  /// Element-wise multiplication (`*`, not the matrix product).
  public static let multiply = Rule(
    name: "multiply",
    formulas: ["da = dy * b", "db = dy * a"],
    explanation: Explanation(
      indexNotation: "y[i] = a[i] · b[i]",
      derivation: "∂y[i]/∂a[i] = b[i], so da[i] = dy[i] · b[i]; likewise db[i] = dy[i] · a[i]. "
        + "Each element meets only its partner: no sum over other elements. " + broadcastingNote,
      shapes: "da has the shape of a, db the shape of b.",
      pitfall: "`*` is element-wise. For (2, 3) and (3, 5) it is a broadcast error; the matrix product is `@`."),
    cost: .perOutputElement(forward: 1, backward: 2),
    samples: Sample.binary(),
    notation: .infix("*"),
    forward: { x, _ throws(TensorError) in try x.pair { (a, b) throws(TensorError) in try a * b } },
    backward: { c throws(TensorError) in
      let (a, b, dy) = (c.inputs[0], c.inputs[1], c.upstream)
      return [c.needsGradient[0] ? try (dy * b).summed(toShape: a.shape) : nil,
              c.needsGradient[1] ? try (dy * a).summed(toShape: b.shape) : nil]
    })

  /// Element-wise division.
  public static let divide = Rule(
    name: "divide",
    formulas: ["da = dy / b", "db = -dy * y / b"],
    explanation: Explanation(
      indexNotation: "y[i] = a[i] / b[i]",
      derivation: "∂y/∂a = 1/b, and ∂y/∂b = -a/b² = -y/b (reusing the output). " + broadcastingNote,
      shapes: "da has the shape of a, db the shape of b.",
      pitfall: "Dividing by a mean or a count: the count is a constant, only the numerator gets a gradient."),
    cost: .perOutputElement(forward: 1, backward: 4),
    samples: Sample.binary(.real, rhs: .awayFromZero),
    notation: .infix("/"),
    forward: { x, _ throws(TensorError) in try x.pair { (a, b) throws(TensorError) in try a / b } },
    backward: { c throws(TensorError) in
      let (a, b, dy, y) = (c.inputs[0], c.inputs[1], c.upstream, c.output)
      return [c.needsGradient[0] ? try (dy / b).summed(toShape: a.shape) : nil,
              c.needsGradient[1] ? try (-(dy * y) / b).summed(toShape: b.shape) : nil]
    })

  /// Element-wise remainder `a % b`, with the divisor's sign as in Python and NumPy.
  public static let remainder = Rule(
    name: "remainder",
    formulas: ["da = dy", "db = -dy * (a // b)"],
    explanation: Explanation(
      indexNotation: "y[i] = a[i] % b[i] = a[i] - (a[i] // b[i]) · b[i]",
      derivation: """
        Between its jumps the quotient a // b (⌊a/b⌋) is a constant q, so y = a - q·b: ∂y/∂a = 1 and ∂y/∂b = -q. \
        At a/b an integer y jumps (from near b back to 0) and has no derivative there. 
        """ + broadcastingNote,
      shapes: "da has the shape of a, db the shape of b.",
      pitfall: """
        The sign follows the divisor, as in Python and NumPy (-1 % 3 is 2), not C's fmod (-1). The gradient \
        ignores the jumps: an angle wrapped with % learns as if it were not wrapped.
        """),
    cost: .perOutputElement(forward: 3, backward: 4),
    samples: Sample.binary(.real, rhs: .awayFromZero),
    notation: .infix("%"),
    forward: { x, _ throws(TensorError) in try x.pair { (a, b) throws(TensorError) in try a % b } },
    backward: { c throws(TensorError) in
      let (a, b, dy) = (c.inputs[0], c.inputs[1], c.upstream)
      return [c.needsGradient[0] ? try dy.summed(toShape: a.shape) : nil,
              c.needsGradient[1] ? try (-(dy * Variable.floorDivide(a, b))).summed(toShape: b.shape) : nil]
    })

  /// Floor division `a // b`, as in Python and NumPy: the quotient that goes with `%`.
  public static let floorDivide = Rule(
    name: "floor_divide",
    formulas: ["da = 0", "db = 0"],
    explanation: Explanation(
      indexNotation: "y[i] = a[i] // b[i] = ⌊a[i] / b[i]⌋   (computed with % so that a == (a // b) * b + a % b)",
      derivation: """
        The result is an integer: flat between the points where a / b crosses one, where it jumps. Its \
        derivative is 0 wherever it exists, in a as in b, so no gradient passes.
        """,
      shapes: "da has the shape of a, db the shape of b (all zeros).",
      pitfall: """
        1 // 0.1 is 9, not 10: 0.1 is stored a little above one tenth, so it fits 9 times with a remainder \
        (1 % 0.1 is 0.0999…), while floor(1 / 0.1) rounds the quotient to 10 first. Python and NumPy agree on 9.
        """),
    cost: .perOutputElement(forward: 6, backward: 0),
    samples: Sample.binary(.real, rhs: .awayFromZero),
    notation: .infix("//"),
    forward: { x, _ throws(TensorError) in try Tensor.floorDivide(x[0], x[1]) },
    backward: { c throws(TensorError) in
      [c.needsGradient[0] ? try (c.upstream * 0).summed(toShape: c.inputs[0].shape) : nil,
       c.needsGradient[1] ? try (c.upstream * 0).summed(toShape: c.inputs[1].shape) : nil]
    })

  /// Negation.
  public static let negate = Rule(
    name: "negative",
    formulas: ["dx = -dy"],
    explanation: Explanation(
      indexNotation: "y[i] = -x[i]",
      derivation: "∂y[i]/∂x[i] = -1.",
      shapes: "dx has the shape of x.",
      pitfall: "`-x ** 2` is -(x ** 2): `**` binds tighter than the minus."),
    cost: .perOutputElement(forward: 1, backward: 1),
    samples: Sample.unary(),
    notation: .prefix("-"),
    forward: { x, _ in -x[0] },
    backward: { c throws(TensorError) in [try -c.upstream] })

  /// Element-wise power `a ** b`; the exponent may be a tensor.
  public static let power = Rule(
    name: "power",
    formulas: ["da = dy * b * a ** (b - 1)", "db = dy * y * log(a)"],
    explanation: Explanation(
      indexNotation: "y[i] = a[i] ** b[i]",
      derivation: "∂y/∂a = b·a^(b-1) (the power rule); ∂y/∂b = a^b · ln a = y · ln a, "
        + "which needs a > 0 (zero is used where a ≤ 0). " + broadcastingNote,
      shapes: "da has the shape of a, db the shape of b.",
      pitfall: "With a constant exponent (x ** 2) only the base gets a gradient."),
    cost: .perOutputElement(forward: 10, backward: 30),
    samples: Sample.binary(.positive),
    notation: .infix("**"),
    forward: { x, _ throws(TensorError) in try x.pair { (a, b) throws(TensorError) in try Tensor.power(a, b) } },
    backward: { c throws(TensorError) in
      let (a, b, dy, y) = (c.inputs[0], c.inputs[1], c.upstream, c.output)
      let da = c.needsGradient[0] ? try (dy * b * a.power(b - .constant(1))).summed(toShape: a.shape) : nil
      var db: Variable? = nil
      if c.needsGradient[1] {
        let positive = try a > 0
        let safeLog = try Variable.select(positive, a, .constant(1)).log()
        db = try (dy * y * safeLog).summed(toShape: b.shape)
      }
      return [da, db]
    })
}
