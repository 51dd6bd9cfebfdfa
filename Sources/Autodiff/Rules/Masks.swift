import Foundation
import Tensors

// Masks: 0/1 tensors made from integers (one_hot, sequence_mask), which carry
// no gradient, and ops that keep part of a matrix (tril, triu, blockdiag),
// whose gradient is the same part of dy. Rounding closes the file: piecewise
// constant, so its gradient is zero.

extension Rule {
  public static let oneHot = Rule(
    name: "one_hot",
    formulas: [],
    explanation: Explanation(
      indexNotation: "y[b,c] = 1 if labels[b] == c else 0   (c in 0..<n)",
      derivation: "The labels are integers: nudging one changes nothing until it jumps to another class, so there is no gradient.",
      shapes: "y has shape labels.shape + (n,). No gradients.",
      pitfall: "Labels run from 0 to n-1; a label of n is out of range, not the last class."),
    cost: .free,
    samples: [],
    notation: .call("one_hot", positional: ["n"]),
    forward: { x, attributes throws(TensorError) in try Tensor.oneHot(x[0], classes: attributes.int("n") ?? 0) },
    backward: nil)

  public static let sequenceMask = Rule(
    name: "sequence_mask",
    formulas: [],
    explanation: Explanation(
      indexNotation: "y[b,t] = 1 if t < lengths[b] else 0   (t in 0..<maxlen)",
      derivation: "Built from integer lengths: a constant mask, no gradient. Multiplying by it blocks the gradient of padded steps.",
      shapes: "y has shape lengths.shape + (maxlen,). No gradients.",
      pitfall: "A mask multiplies values and their gradients: padded steps still cost compute, they just learn nothing."),
    cost: .free,
    samples: [],
    notation: .call("sequence_mask", positional: ["maxlen"]),
    forward: { x, attributes throws(TensorError) in try Tensor.sequenceMask(x[0], maxLength: attributes.int("maxlen") ?? 0) },
    backward: nil)

  /// SciPy's `block_diag`: the inputs along the diagonal, zeros elsewhere.
  public static let blockdiag = Rule(
    name: "blockdiag",
    formulas: ["dx_k = dy[the k-th diagonal block]"],
    explanation: Explanation(
      indexNotation: "y = [[a, 0], [0, b]]   (a (m, n), b (p, q) → y (m+p, n+q))",
      derivation: """
        Each input is copied into its own block; the off-diagonal blocks are constant zeros. So dx_k is \
        dy's k-th diagonal block, and the gradient that lands off the blocks goes nowhere: \
        a block-diagonal weight matrix trains only its blocks.
        """,
      shapes: "Each dx_k has the shape of x_k (0-d inputs count as (1, 1), 1-d as (1, n)).",
      pitfall: "The zeros are not parameters: W = blockdiag(a, b) and then W @ x trains a and b only, unlike a dense W times a mask that still stores every entry."),
    cost: .free,
    samples: [
      Sample(shapes: [[2, 3], [1, 2]]), Sample(shapes: [[2, 2], [], [3]]), Sample(shapes: [[2, 1, 2], [2, 2, 1]]),
    ],
    forward: { x, _ throws(TensorError) in try Tensor.blockDiagonal(Array(x)) },
    backward: { c throws(TensorError) in
      let rank = c.upstream.value.rank
      var top = 0, left = 0
      var parts: [Variable?] = []
      for (input, needed) in zip(c.inputs, c.needsGradient) {
        let block = Tensor.blockShape(input.shape)
        let (m, n) = (block[block.count - 2], block[block.count - 1])
        var items = [IndexItem](repeating: .slice(start: nil, stop: nil, step: nil), count: rank - 2)
        items += [.slice(start: top, stop: top + m, step: nil), .slice(start: left, stop: left + n, step: nil)]
        parts.append(needed ? try c.upstream.indexed(items).reshapedIfNeeded(input.shape) : nil)
        top += m
        left += n
      }
      return parts
    })

  static func triangular(_ name: String, lower: Bool) -> Rule {
    let side = lower ? "on or below" : "on or above"
    return Rule(
      name: name,
      formulas: ["dx = \(name)(dy, k=k)"],
      explanation: Explanation(
        indexNotation: "y[i,j] = x[i,j] if j - i \(lower ? "<=" : ">=") k else 0   (over the last two axes)",
        derivation: """
          y is x times a constant 0/1 mask (the entries \(side) diagonal k), so dx = dy times the same mask: \
          \(name)(dy, k). Entries outside the triangle get no gradient: they never reach y.
          """,
        shapes: "dx has the shape of x (a 1-d x counts as every row of a square matrix; its gradient sums those rows).",
        pitfall: "k counts diagonals above the main one: \(name)(x, -1) \(lower ? "drops" : "keeps") the main diagonal."),
      cost: .perOutputElement(forward: 1, backward: 1),
      samples: [
        Sample(shapes: [[3, 3]]), Sample(shapes: [[2, 3, 4]], Attributes([("k", .int(1))])),
        Sample(shapes: [[4, 2]], Attributes([("k", .int(-1))])), Sample(shapes: [[3]]),
      ],
      forward: { x, attributes throws(TensorError) in try x[0].triangular(k: attributes.int("k") ?? 0, lower: lower) },
      backward: { c throws(TensorError) in
        let k = c.attributes.int("k") ?? 0
        return [try c.upstream.triangular(k: k, lower: lower).summed(toShape: c.inputs[0].shape)]
      })
  }

  public static let tril = triangular("tril", lower: true)
  public static let triu = triangular("triu", lower: false)

  static func rounding(_ name: String, _ rule: FloatingPointRoundingRule, _ indexNotation: String, jumps: String) -> Rule {
    elementwise(
      name, formula: "dx = 0",
      explanation: Explanation(
        indexNotation: indexNotation,
        derivation: """
          \(name) is piecewise constant: flat between \(jumps), where it jumps. Its derivative is 0 wherever \
          it exists, so no gradient passes: every parameter before it learns nothing through this path.
          """,
        shapes: "dx has the shape of x (all zeros).",
        pitfall: """
          Rounding coordinates to integer pixels kills the gradient; to learn positions, sample bilinearly \
          (grid_sample) so the output moves smoothly with them. To train through a rounding anyway, use a \
          straight-through estimator: x + (\(name)(x) - x) with the bracket treated as a constant in the backward.
          """),
      flops: (1, 0), domain: .awayFromZero, .scalar { $0.rounded(rule) }
    ) { c throws(TensorError) in try c.upstream * 0 }
  }

  /// NumPy's `round`: halves go to the even neighbour (0.5 → 0, 1.5 → 2, 2.5 → 2).
  public static let round = rounding(
    "round", .toNearestOrEven, "y[i] = the integer nearest x[i]; halves to the even one (NumPy)", jumps: "the half-integers")
  public static let floor = rounding("floor", .down, "y[i] = the largest integer ≤ x[i]", jumps: "the integers")
  public static let ceil = rounding("ceil", .up, "y[i] = the smallest integer ≥ x[i]", jumps: "the integers")
}

extension Variable {
  /// `one_hot(self, n)`: a constant.
  public func oneHot(classes: Int) throws(TensorError) -> Variable {
    try Rule.oneHot.apply(self, Attributes([("n", .int(classes))]))
  }

  /// `sequence_mask(self, maxlen)`: a constant.
  public func sequenceMask(maxLength: Int) throws(TensorError) -> Variable {
    try Rule.sequenceMask.apply(self, Attributes([("maxlen", .int(maxLength))]))
  }

  public static func blockDiagonal(_ blocks: [Variable]) throws(TensorError) -> Variable {
    try Rule.blockdiag.apply(blocks)
  }

  /// `tril(self, k)` (`lower`) or `triu(self, k)`.
  public func triangular(k: Int, lower: Bool) throws(TensorError) -> Variable {
    try (lower ? Rule.tril : Rule.triu).apply(self, k == 0 ? .none : Attributes([("k", .int(k))]))
  }

  public func rounded() throws(TensorError) -> Variable { try Rule.round.apply(self) }
  public func floored() throws(TensorError) -> Variable { try Rule.floor.apply(self) }
  public func ceiled() throws(TensorError) -> Variable { try Rule.ceil.apply(self) }
}
