import Autodiff
import Tensors

extension BuiltinTable {
  /// Selection by integer positions, masks, sparse values and rounding.
  static let masks: [Builtin] = gathers + maskMakers + sparseValues + rounding

  static let maskMakers: [Builtin] = [
    Builtin("one_hot", [P("labels", .tensor), P("n", .integer)], .creation, rules: ["one_hot"],
            summary: "Rows of n zeros with a 1 at each label (labels are integers 0…n-1): shape labels.shape + (n,).",
            example: "one_hot([0, 2, 1], 3)") { a throws(EvaluationError) in
      let n = try a.integer("n")
      guard n >= 0 else { throw EvaluationError("one_hot(): n must be at least 0, got \(n)", at: a.range(of: "n")) }
      let labels = try a.indexArgument(
        "labels", allowed: { _ in 0..<n }, problem: { _ in "is out of range for n = \(n) classes" },
        hint: { _ in n == 0 ? "with n = 0 no label fits" : "labels run from 0 to \(n - 1)" })
      return .tensor(try a.check { () throws(TensorError) in try labels.oneHot(classes: n) })
    },
    Builtin("sequence_mask", [P("lengths", .tensor), P("maxlen", .integer, default: "None")], .creation, rules: ["sequence_mask"],
            summary: "TensorFlow's sequence_mask: for each length, a row of maxlen entries, 1 for the first `length` and 0 after (maxlen defaults to the longest).",
            example: "sequence_mask([3, 1, 2], 4)") { a throws(EvaluationError) in
      let lengths = try a.indexArgument(
        "lengths", allowed: { _ in 0..<Int.max }, problem: { _ in "is negative" }, hint: { _ in "a length is at least 0" })
      let longest = Int(lengths.value.scalars.max() ?? 0)
      let maxlen = try a.integer("maxlen", default: longest)
      guard maxlen >= 0 else { throw EvaluationError("sequence_mask(): maxlen must be at least 0, got \(maxlen)", at: a.range(of: "maxlen")) }
      return .tensor(try a.check { () throws(TensorError) in try lengths.sequenceMask(maxLength: maxlen) })
    },
    Builtin("blockdiag", [P("blocks", .tensor, variadic: true)], .selection, rules: ["blockdiag"],
            summary: "SciPy's block_diag: the matrices along the diagonal, zeros elsewhere; only the blocks get gradients.",
            example: "blockdiag(ones(2, 2), [[5]])") { a throws(EvaluationError) in
      let blocks = try a.allArguments.enumerated().map { (k: Int, argument) throws(EvaluationError) in
        try Conversion.tensor(argument.value, at: argument.range, purpose: "block \(k) of blockdiag()")
      }
      guard !blocks.isEmpty else {
        throw EvaluationError("blockdiag() needs at least one block", at: a.callRange, hint: "for example blockdiag(a, b)")
      }
      return .tensor(try a.check { () throws(TensorError) in try Variable.blockDiagonal(blocks) })
    },
    triangle("tril", lower: true), triangle("triu", lower: false),
  ]

  private static func triangle(_ name: String, lower: Bool) -> Builtin {
    Builtin(name, [P("x", .tensor), P("k", .integer, default: "0")], .selection, rules: [name],
            summary: "The entries \(lower ? "on or below" : "on or above") diagonal k of the last two axes, zeros elsewhere (NumPy's \(name)).",
            example: "\(name)(ones(3, 3))") { a throws(EvaluationError) in
      let x = try a.tensor("x"), k = try a.integer("k", default: 0)
      return .tensor(try a.check { () throws(TensorError) in try x.triangular(k: k, lower: lower) })
    }
  }

  static let rounding: [Builtin] = [
    rounding("round", "The nearest integer, halves to the even one as NumPy does (0.5 → 0, 1.5 → 2); gradient zero.") {
      x throws(TensorError) in try x.rounded()
    },
    rounding("floor", "The largest integer ≤ x, element-wise; gradient zero.") { x throws(TensorError) in try x.floored() },
    rounding("ceil", "The smallest integer ≥ x, element-wise; gradient zero.") { x throws(TensorError) in try x.ceiled() },
  ]

  private static func rounding(
    _ name: String, _ summary: String, _ op: @escaping @Sendable (Variable) throws(TensorError) -> Variable
  ) -> Builtin {
    Builtin(name, [P("x", .tensor)], .arithmetic, rules: [name], summary: summary, example: "\(name)([-1.5, -0.5, 0.5, 1.5, 2.5])") {
      a throws(EvaluationError) in
      let x = try a.tensor("x")
      return .tensor(try a.check { () throws(TensorError) in try op(x) })
    }
  }
}

private typealias P = Builtin.Parameter
