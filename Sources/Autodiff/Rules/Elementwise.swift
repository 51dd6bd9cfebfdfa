import Foundation
import Tensors

// Functions applied to each element on its own. None of them mixes elements,
// so every gradient here has the shape of its input and is a product dy * f'(x).

/// How an element-wise rule computes its forward: a function of one element, or a
/// vectorised kernel over runs of elements (``VectorMath``), with its time per element in
/// units of an arithmetic loop's (the `cost` that tells ``Tensor/mapRuns(cost:_:)`` when a
/// loop is worth splitting across cores). Measured on one core, in ns per element, against
/// 0.75 for a product of two vectors: log 5.6, sin and cos 8.4, sqrt 1.8.
enum ElementKernel: Sendable {
  case scalar(@Sendable (Double) -> Double, cost: Int = 1)
  case runs(@Sendable (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void, cost: Int = 1)

  func apply(_ x: Tensor) -> Tensor {
    switch self {
    case let .scalar(function, cost): x.map(cost: cost, function)
    case let .runs(kernel, cost): x.mapRuns(cost: cost, kernel)
    }
  }
}

extension Rule {
  /// A rule for `y = f(x)` applied element by element.
  static func elementwise(
    _ name: String, formula: String, explanation: Explanation, flops: (Double, Double),
    domain: Sample.Domain = .real,
    _ kernel: ElementKernel,
    backward: @escaping @Sendable (BackwardContext) throws(TensorError) -> Variable
  ) -> Rule {
    Rule(
      name: name, formulas: [formula], explanation: explanation,
      cost: .perOutputElement(forward: flops.0, backward: flops.1),
      samples: Sample.unary(domain),
      forward: { x, _ in kernel.apply(x[0]) },
      backward: { c throws(TensorError) in [try backward(c)] })
  }

  public static let exp = elementwise(
    "exp", formula: "dx = dy * y",
    explanation: Explanation(
      indexNotation: "y[i] = e^x[i]",
      derivation: "d(e^x)/dx = e^x = y: the rule reuses the forward output.",
      shapes: "dx has the shape of x.",
      pitfall: "exp overflows to inf past x ≈ 709; softmax subtracts the max first."),
    flops: (20, 1), .runs(VectorMath.exp, cost: VectorMath.cost.exp)
  ) { c throws(TensorError) in try c.upstream * c.output }

  public static let log = elementwise(
    "log", formula: "dx = dy / x",
    explanation: Explanation(
      indexNotation: "y[i] = ln x[i]",
      derivation: "d(ln x)/dx = 1/x.",
      shapes: "dx has the shape of x.",
      pitfall: "At x = 0 the gradient is infinite; log(0) is -inf."),
    flops: (20, 1), domain: .positive, .scalar(Foundation.log, cost: 7)
  ) { c throws(TensorError) in try c.upstream / c.inputs[0] }

  public static let sqrt = elementwise(
    "sqrt", formula: "dx = dy * 0.5 / y",
    explanation: Explanation(
      indexNotation: "y[i] = √x[i]",
      derivation: "d(√x)/dx = 1/(2√x) = 0.5/y, reusing the output.",
      shapes: "dx has the shape of x.",
      pitfall: "The gradient is infinite at 0: a norm √(Σx²) of a zero vector has no gradient."),
    flops: (1, 2), domain: .positive, .scalar(Foundation.sqrt, cost: 2)
  ) { c throws(TensorError) in try c.upstream * 0.5 / c.output }

  public static let abs = elementwise(
    "abs", formula: "dx = dy * sign(x)",
    explanation: Explanation(
      indexNotation: "y[i] = |x[i]|",
      derivation: "d|x|/dx = sign(x): +1 for positive x, -1 for negative. At 0 there is a kink; the rule uses sign(0) = 0.",
      shapes: "dx has the shape of x.",
      pitfall: "Undefined at exactly 0; 0 is used there, as NumPy-based autodiff libraries do."),
    flops: (1, 2), domain: .awayFromZero, .scalar(Swift.abs)
  ) { c throws(TensorError) in try c.upstream * c.inputs[0].sign() }

  public static let sign = elementwise(
    "sign", formula: "dx = 0",
    explanation: Explanation(
      indexNotation: "y[i] = sign(x[i]) ∈ {-1, 0, 1}   (NaN for NaN, as NumPy)",
      derivation: "sign is piecewise constant: its derivative is 0 wherever it exists (it jumps at 0, where it has none). "
        + "No gradient signal passes through it.",
      shapes: "dx has the shape of x (all zeros).",
      pitfall: "A zero gradient is not a bug here: to learn through a step, use a smooth stand-in (tanh) or a straight-through estimator."),
    flops: (1, 0), domain: .awayFromZero, .scalar { $0 > 0 ? 1 : ($0 < 0 ? -1 : ($0.isNaN ? .nan : 0)) }
  ) { c throws(TensorError) in try c.upstream * 0 }

  public static let sin = elementwise(
    "sin", formula: "dx = dy * cos(x)",
    explanation: Explanation(
      indexNotation: "y[i] = sin x[i]", derivation: "d(sin x)/dx = cos x.",
      shapes: "dx has the shape of x.", pitfall: "Angles are in radians."),
    flops: (15, 16), .scalar(Foundation.sin, cost: 11)
  ) { c throws(TensorError) in try c.upstream * c.inputs[0].cos() }

  public static let cos = elementwise(
    "cos", formula: "dx = -dy * sin(x)",
    explanation: Explanation(
      indexNotation: "y[i] = cos x[i]", derivation: "d(cos x)/dx = -sin x.",
      shapes: "dx has the shape of x.", pitfall: "Mind the minus sign."),
    flops: (15, 17), .scalar(Foundation.cos, cost: 11)
  ) { c throws(TensorError) in try -c.upstream * c.inputs[0].sin() }

  public static let tanh = elementwise(
    "tanh", formula: "dx = dy * (1 - y ** 2)",
    explanation: Explanation(
      indexNotation: "y[i] = tanh x[i]",
      derivation: "tanh'(x) = 1 - tanh²(x) = 1 - y², so the rule reuses the forward output y. "
        + "Each element is scaled on its own: tanh never mixes elements.",
      shapes: "dx has the shape of x.",
      pitfall: "For |x| > 3 the factor 1 - y² is below 0.01: saturated units pass almost no gradient."),
    flops: (20, 3), .runs(VectorMath.tanh, cost: VectorMath.cost.tanh)
  ) { c throws(TensorError) in try Rule.tanhBackward.apply(c.upstream, c.output) }

  public static let sigmoid = elementwise(
    "sigmoid", formula: "dx = dy * y * (1 - y)",
    explanation: Explanation(
      indexNotation: "y[i] = 1 / (1 + e^(-x[i]))",
      derivation: "σ'(x) = σ(x)(1 - σ(x)) = y(1 - y), reusing the output.",
      shapes: "dx has the shape of x.",
      pitfall: "y(1 - y) is at most 0.25: stacked sigmoids shrink gradients (vanishing gradients)."),
    flops: (22, 3),
    .runs(
      { x, y in
        // 1 / (1 + e^(-x)), with e^(-x) from the vectorised exp, computed in place in y.
        for i in 0..<x.count { y[i] = -x[i] }
        VectorMath.exp(UnsafeBufferPointer(y), into: y)
        for i in 0..<y.count { y[i] = 1 / (1 + y[i]) }
      }, cost: VectorMath.cost.exp + 1)
  ) { c throws(TensorError) in try Rule.sigmoidBackward.apply(c.upstream, c.output) }

  public static let relu = elementwise(
    "relu", formula: "dx = dy * (x > 0)",
    explanation: Explanation(
      indexNotation: "y[i] = max(x[i], 0)",
      derivation: "The slope is 1 where x > 0 and 0 where x < 0, so dx passes dy through the positive entries and blocks the rest. "
        + "At exactly 0 the slope is undefined; the rule uses 0 there, as PyTorch does.",
      shapes: "dx has the shape of x.",
      pitfall: "A unit whose input is negative for every example gets no gradient at all (a dead ReLU)."),
    flops: (1, 2), domain: .awayFromZero,
    .runs { x, y in for i in 0..<x.count { y[i] = Swift.max(x[i], 0) } }  // a loop that vectorises
  ) { c throws(TensorError) in try Rule.reluBackward.apply(c.upstream, c.inputs[0]) }
}

// MARK: - Fused backwards

// relu's, tanh's and sigmoid's backwards as ops of their own, as PyTorch's `tanh_backward`:
// one pass over the elements instead of two or three, and still recorded, so a backward can
// be differentiated again. They are written out as their expressions wherever they
// are shown (`:derive`, `:graph`), so a learner reads `g * (1 - y ** 2)`.

extension Rule {
  /// `tanh_backward(g, y) = g * (1 - y ** 2)`: the gradient through tanh, from its output y.
  public static let tanhBackward = activationBackward(
    of: "tanh", written: "g * (1 - y ** 2)", indexNotation: "t[i] = g[i] · (1 - y[i]²)",
    slope: ("1 - y ** 2", "1 - y²", { y throws(TensorError) in try 1 - y * y }),
    slopeDerivative: ("-2 * y", "-2·y", { y throws(TensorError) in try -2 * y }),
    Tensor.tanhBackward)

  /// `sigmoid_backward(g, y) = g * y * (1 - y)`: the gradient through sigmoid, from its output y.
  public static let sigmoidBackward = activationBackward(
    of: "sigmoid", written: "g * y * (1 - y)", indexNotation: "t[i] = g[i] · y[i] · (1 - y[i])",
    slope: ("y * (1 - y)", "y·(1 - y)", { y throws(TensorError) in try y * (1 - y) }),
    slopeDerivative: ("1 - 2 * y", "1 - 2·y", { y throws(TensorError) in try 1 - 2 * y }),
    Tensor.sigmoidBackward)

  /// `relu_backward(g, x) = g * (x > 0)`: the gradient through relu, from its input x (PyTorch's
  /// `threshold_backward`). The mask is flat away from 0, so x's gradient is 0 (as sign's).
  public static let reluBackward: Rule = Rule(
    name: "relu_backward",
    formulas: ["dg = dt * (x > 0)", "dx = 0"],
    explanation: Explanation(
      indexNotation: "t[i] = g[i] · [x[i] > 0]",
      derivation: """
        relu's backward, dx = dy · (x > 0), computed in one pass rather than two (the mask, then the \
        product). It is linear in g, with the mask as its slope; the mask is a step, flat on both sides \
        of 0, so x's gradient is 0: relu's second derivative is 0 wherever it has one.
        """,
      shapes: "g and x broadcast as in arithmetic; dg has g's shape.",
      pitfall: "Only the backward of relu makes it: it is shown as g * (x > 0), which computes the same values."),
    cost: .perOutputElement(forward: 2, backward: 2),
    samples: [
      Sample([.init([2, 3]), .init([2, 3], .awayFromZero)]), Sample([.init([]), .init([], .awayFromZero)]),
      Sample([.init([3, 1]), .init([4], .awayFromZero)]),
    ],
    notation: .expression("g * (x > 0)", inputs: ["g", "x"]),
    forward: { x, _ throws(TensorError) in try Tensor.reluBackward(x[0], x[1]) },
    backward: { c throws(TensorError) in
      [
        c.needsGradient[0] ? try Rule.reluBackward.apply(c.upstream, c.inputs[1]).summed(toShape: c.inputs[0].shape) : nil,
        c.needsGradient[1] ? try (c.upstream * 0).summed(toShape: c.inputs[1].shape) : nil,
      ]
    })

  /// The backward `t = g · s(y)` of an activation whose slope `s` is a function of its output y,
  /// computed in one pass by `kernel` and `written` as code. The slope and its derivative
  /// come as code, as math, and as an op on variables.
  private static func activationBackward(
    of activation: String, written: String, indexNotation: String,
    slope: (code: String, math: String, of: @Sendable (Variable) throws(TensorError) -> Variable),
    slopeDerivative: (code: String, math: String, of: @Sendable (Variable) throws(TensorError) -> Variable),
    _ kernel: @escaping @Sendable (Tensor, Tensor) throws(TensorError) -> Tensor
  ) -> Rule {
    Rule(
      name: "\(activation)_backward",
      formulas: ["dg = dt * (\(slope.code))", "dy = dt * g * (\(slopeDerivative.code))"],
      explanation: Explanation(
        indexNotation: indexNotation,
        derivation: """
          \(activation)'s backward, dx = dy · \(slope.math), computed in one pass rather than one per operator. \
          It is linear in g, with slope \(slope.math), and ∂t/∂y = g·(\(slopeDerivative.math)): second \
          derivatives of \(activation) go through these.
          """,
        shapes: "g and y broadcast as in arithmetic; dg has g's shape, dy has y's.",
        pitfall: "Only the backward of \(activation) makes it: it is shown as \(written), which computes the same values."),
      cost: .perOutputElement(forward: 3, backward: 7),
      samples: [Sample(shapes: [[2, 3], [2, 3]]), Sample(shapes: [[], []]), Sample(shapes: [[3, 1], [4]])],
      notation: .expression(written, inputs: ["g", "y"]),
      forward: { x, _ throws(TensorError) in try kernel(x[0], x[1]) },
      backward: { c throws(TensorError) in
        let (g, y, dt) = (c.inputs[0], c.inputs[1], c.upstream)
        return [
          c.needsGradient[0] ? try (dt * slope.of(y)).summed(toShape: g.shape) : nil,
          c.needsGradient[1] ? try (dt * g * slopeDerivative.of(y)).summed(toShape: y.shape) : nil,
        ]
      })
  }
}
