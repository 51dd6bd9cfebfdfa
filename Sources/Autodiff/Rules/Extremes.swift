import Tensors

// Element-wise extremes. maximum, minimum and clip copy one of their inputs at each
// position, so the gradient goes to the input that was copied (split in half at a tie,
// as PyTorch and JAX do for maximum). argmax and argmin give positions: integers,
// piecewise constant, with no gradient.

extension RuleBook {
  static let extremes: [Rule] = [.maximum, .minimum, .clip, .argmax, .argmin]
}

extension Rule {
  static func extreme(_ name: String, larger: Bool) -> Rule {
    let (wins, loses) = larger ? (">", "<") : ("<", ">")
    return Rule(
      name: name,
      formulas: [
        "da = dy * ((a \(wins) b) + 0.5 * (a == b))   (summed to a's shape)",
        "db = dy * ((a \(loses) b) + 0.5 * (a == b))   (summed to b's shape)",
      ],
      explanation: Explanation(
        indexNotation: "y[i] = \(larger ? "max" : "min")(a[i], b[i])   (a and b broadcast)",
        derivation: """
          Each y[i] is a copy of the \(larger ? "larger" : "smaller") of a[i] and b[i]: nudging that one moves y[i] \
          with slope 1, nudging the other does nothing. So dy[i] goes to the winner and the other gets 0. At a tie \
          both are winners and each gets half, as in PyTorch and JAX (the two one-sided slopes are 1 and 0). Where \
          an input was broadcast, its gradient is summed back to its shape.
          """,
        shapes: "da has the shape of a, db the shape of b.",
        pitfall: """
          \(name)(x, 0) is relu\(larger ? "" : " mirrored"): \(larger ? "x where x > 0" : "x where x < 0"), 0 elsewhere, and \
          half the gradient at exactly 0. Not to be confused with \(larger ? "max" : "min")(x, axis), which reduces \
          over an axis.
          """),
      cost: .perOutputElement(forward: 1, backward: 4),
      samples: [
        Sample(shapes: [[2, 3], [2, 3]]), Sample(shapes: [[3, 1], [1, 4]]), Sample(shapes: [[2, 3], []]),
        Sample(shapes: [[], []]),
      ],
      forward: { x, _ throws(TensorError) in
        try x.pair { (a, b) throws(TensorError) in larger ? try Tensor.maximum(a, b) : try Tensor.minimum(a, b) }
      },
      backward: { c throws(TensorError) in
        let (a, b, dy) = (c.inputs[0], c.inputs[1], c.upstream)
        let tie = try 0.5 * a.equals(b)
        let aWins = try (larger ? a > b : a < b) + tie
        return [
          c.needsGradient[0] ? try (dy * aWins).summed(toShape: a.shape) : nil,
          c.needsGradient[1] ? try (dy * (1 - aWins)).summed(toShape: b.shape) : nil,
        ]
      })
  }

  /// NumPy's `maximum(a, b)`.
  public static let maximum = extreme("maximum", larger: true)
  /// NumPy's `minimum(a, b)`.
  public static let minimum = extreme("minimum", larger: false)

  /// NumPy's `clip(x, lo, hi)` (PyTorch's `clamp`): `minimum(maximum(x, lo), hi)`, the bounds broadcast.
  public static let clip = Rule(
    name: "clip",
    formulas: [
      "dx = dy * (x >= lo) * (maximum(x, lo) <= hi)",
      "dlo = dy * (x < lo) * (maximum(x, lo) <= hi)",
      "dhi = dy * (maximum(x, lo) > hi)",
    ],
    explanation: Explanation(
      indexNotation: "y[i] = min(max(x[i], lo[i]), hi[i])   (lo and hi broadcast; a missing bound is ±inf)",
      derivation: """
        Each y[i] is a copy of x[i] inside [lo, hi] and of the bound it crossed outside, so dy[i] goes to \
        whichever was copied: to x where lo ≤ x ≤ hi (the bounds included, as PyTorch's clamp), to lo below, to \
        hi above. A clipped x gets 0: it no longer moves y. When lo > hi, every y is hi, as in NumPy.
        """,
      shapes: "dx has the shape of x; dlo and dhi the shapes of the bounds (summed where they were broadcast).",
      pitfall: """
        Clipping a value kills its gradient where it is clipped: clip(p, 0, 1) inside a loss stops learning for \
        the clipped entries. To keep gradients, clip what you pass to log (log(clip(p, 1e-7, 1))) only to avoid \
        log(0), or use log_softmax.
        """),
    cost: .perOutputElement(forward: 2, backward: 6),
    samples: [
      Sample(shapes: [[2, 3], [], []]), Sample(shapes: [[3, 4], [3, 1], [1, 4]]), Sample(shapes: [[4], [4], [4]]),
      Sample(shapes: [[], [], []]),
    ],
    forward: { x, _ throws(TensorError) in try Tensor.minimum(Tensor.maximum(x[0], x[1]), x[2]) },
    backward: { c throws(TensorError) in
      let (x, lo, hi, dy) = (c.inputs[0], c.inputs[1], c.inputs[2], c.upstream)
      let raised = try Variable.select(x >= lo, x, lo)
      let belowHi = try raised <= hi
      return [
        c.needsGradient[0] ? try (dy * (x >= lo) * belowHi).summed(toShape: x.shape) : nil,
        c.needsGradient[1] ? try (dy * (x < lo) * belowHi).summed(toShape: lo.shape) : nil,
        c.needsGradient[2] ? try (dy * (raised > hi)).summed(toShape: hi.shape) : nil,
      ]
    })

  static func argExtreme(_ name: String, largest: Bool) -> Rule {
    Rule(
      name: name, formulas: [],
      explanation: Explanation(
        indexNotation: "y[i] = the first k with x[i, k] = \(largest ? "max" : "min")_k x[i, k]   (axis=1; all axes flattened without one)",
        derivation: """
          The result is a position, an integer: nudging x changes it only when two entries swap places, so it is \
          piecewise constant and no gradient flows. To learn from the \(largest ? "largest" : "smallest") entry, \
          use \(largest ? "max" : "min")(x, axis), whose gradient goes to that entry.
          """,
        shapes: "No gradient. y has x's shape without the axis (a number without one), as a reduction.",
        pitfall: """
          Without an axis the index counts through the flattened tensor, as in NumPy. Accuracy in a training loop: \
          mean(argmax(logits, axis=1) == labels).
          """),
      cost: .perInputElement(forward: 1, backward: 0),
      samples: [],
      forward: { x, attributes throws(TensorError) in
        try x[0].argExtreme(largest: largest, axis: attributes.ints("axis")?.first, keepDims: attributes.bool("keepdims"))
      },
      backward: nil)
  }

  /// NumPy's `argmax(x, axis=None)`.
  public static let argmax = argExtreme("argmax", largest: true)
  /// NumPy's `argmin(x, axis=None)`.
  public static let argmin = argExtreme("argmin", largest: false)
}

extension Variable {
  /// NumPy's `maximum`, recorded.
  public static func maximum(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable { try Rule.maximum.apply(a, b) }
  /// NumPy's `minimum`, recorded.
  public static func minimum(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable { try Rule.minimum.apply(a, b) }
  /// NumPy's `clip`, recorded; a missing bound is ±inf.
  public func clipped(lower: Variable?, upper: Variable?) throws(TensorError) -> Variable {
    try Rule.clip.apply([self, lower ?? .constant(-.infinity), upper ?? .constant(.infinity)])
  }
  /// NumPy's `argmax` / `argmin`: positions, with no gradient.
  public func argExtreme(largest: Bool, axis: Int?, keepDims: Bool = false) throws(TensorError) -> Variable {
    var entries: [(name: String, value: Attribute)] = []
    if let axis { entries.append(("axis", .ints([axis]))) }
    if keepDims { entries.append(("keepdims", .bool(true))) }
    return try (largest ? Rule.argmax : Rule.argmin).apply(self, Attributes(entries))
  }
}
