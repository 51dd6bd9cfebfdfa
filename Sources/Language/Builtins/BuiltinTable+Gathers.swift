import Autodiff
import Tensors

// Reading at integer positions, and the scatter-adds that are their gradients
// (built-ins too, so that a gradient printed by :derive can be pasted back).

extension BuiltinTable {
  static let gathers: [Builtin] = [
    Builtin("take_along_axis", [P("x", .tensor), P("indices", .tensor), P("axis", .integer, default: "-1")], .selection,
            rules: ["take_along_axis"],
            summary: """
              NumPy's take_along_axis (PyTorch's gather): y[b, j] = x[b, indices[b, j]] for axis=1; \
              indices has as many axes as x, the others broadcast.
              """,
            example: "take_along_axis([[10, 20, 30], [40, 50, 60]], [[2], [0]], axis=1)") { a throws(EvaluationError) in
      let x = try a.tensor("x"), indices = try a.tensor("indices")
      guard indices.value.rank == x.value.rank else {
        throw EvaluationError(
          "take_along_axis(): `indices` needs as many axes as x: x has shape \(Shape.text(x.shape)), indices \(Shape.text(indices.shape))",
          at: a.range(of: "indices"), hint: "to pick one entry per row: take_along_axis(x, reshape(i, (-1, 1)), axis=1)")
      }
      let axis = try a.axis("axis", default: -1, rank: x.value.rank)
      try a.axisIndexArgument("indices", axis: axis, size: x.shape[axis])
      return .tensor(try a.check { () throws(TensorError) in try x.takenAlongAxis(indices, axis: axis) })
    },
    Builtin("scatter_add", [P("updates", .tensor), P("indices", .tensor), P("axis", .integer), P("shape", .shape)], .selection,
            rules: ["scatter_add"],
            summary: "Zeros of the shape with the updates added at the indices along the axis: the gradient of take_along_axis.",
            example: "scatter_add([[1], [1]], [[2], [0]], axis=1, shape=(2, 3))") { a throws(EvaluationError) in
      let updates = try a.tensor("updates"), indices = try a.tensor("indices"), shape = try a.shape("shape")
      let axis = try a.axis("axis", default: 0, rank: shape.count)
      try a.axisIndexArgument("indices", axis: axis, size: shape[axis])
      return .tensor(try a.check { () throws(TensorError) in try updates.scatterAdded(indices, axis: axis, shape: shape) })
    },
    Builtin("gather", [P("x", .tensor), P("indices", .tensor), P("axis", .integer, default: "0")], .selection, rules: ["gather"],
            summary: "TensorFlow's gather, NumPy's take: the whole slices at the indices along the axis (embedding lookup).",
            example: "gather([[1, 2], [3, 4], [5, 6]], [2, 0, 2])") { a throws(EvaluationError) in
      let x = try a.tensor("x"), indices = try a.tensor("indices")
      let axis = try a.axis("axis", default: 0, rank: x.value.rank)
      try a.axisIndexArgument("indices", axis: axis, size: x.shape[axis])
      return .tensor(try a.check { () throws(TensorError) in try x.gathered(indices, axis: axis) })
    },
    Builtin("index_add", [P("updates", .tensor), P("indices", .tensor), P("axis", .integer), P("shape", .shape)], .selection,
            rules: ["index_add"],
            summary: "Zeros of the shape with the slices of updates added at the indices along the axis: the gradient of gather.",
            example: "index_add(ones(3, 2), [2, 0, 2], axis=0, shape=(3, 2))") { a throws(EvaluationError) in
      let updates = try a.tensor("updates"), indices = try a.tensor("indices"), shape = try a.shape("shape")
      let axis = try a.axis("axis", default: 0, rank: shape.count)
      try a.axisIndexArgument("indices", axis: axis, size: shape[axis])
      return .tensor(try a.check { () throws(TensorError) in try updates.indexAdded(indices, axis: axis, shape: shape) })
    },
    Builtin("gather_nd", [P("x", .tensor), P("indices", .tensor)], .selection, rules: ["gather_nd"],
            summary: "TensorFlow's gather_nd: each row of indices is a coordinate into x's first axes; the entries (or slices) there.",
            example: "gather_nd([[1, 2], [3, 4]], [[0, 1], [1, 0]])") { a throws(EvaluationError) in
      let x = try a.tensor("x")
      try a.coordinateArgument("indices", into: x.shape)
      let indices = try a.tensor("indices")
      return .tensor(try a.check { () throws(TensorError) in try x.gatheredND(indices) })
    },
    Builtin("last_step", [P("h", .tensor), P("lengths", .tensor)], .selection, rules: ["gather_nd"],
            summary: """
              For h (B, T, H) and lengths (B,), the row at step length-1 of each sequence, (B, H): \
              the last real output of a padded batch (PyTorch's h_n from a packed sequence).
              """,
            example: "last_step(reshape(arange(12), (2, 3, 2)), [3, 1])") { a throws(EvaluationError) in
      try lastStep(a)
    },
  ]

  private static func lastStep(_ a: CallArguments) throws(EvaluationError) -> Value {
    let h = try a.tensor("h"), lengths = try a.tensor("lengths")
    guard h.value.rank >= 2 else {
      throw EvaluationError(
        "last_step(): h must be (batch, steps, …), got shape \(Shape.text(h.shape))", at: a.range(of: "h"))
    }
    let (batch, steps) = (h.shape[0], h.shape[1])
    guard lengths.shape == [batch] else {
      throw EvaluationError(
        "last_step(): lengths must have one entry per sequence, shape (\(batch),), got \(Shape.text(lengths.shape))",
        at: a.range(of: "lengths"))
    }
    try a.indexArgument(
      "lengths", allowed: { _ in 1..<(steps + 1) }, problem: { _ in "is out of range for sequences of \(steps) steps" },
      hint: { _ in steps == 0 ? "h has no steps" : "a length runs from 1 to \(steps); last_step reads step length - 1" })
    var coordinates = [Double]()
    coordinates.reserveCapacity(2 * batch)
    for (b, length) in lengths.value.scalars.enumerated() { coordinates += [Double(b), length - 1] }
    return .tensor(try a.check { () throws(TensorError) in
      try h.gatheredND(.constant(Tensor(shape: [batch, 2], scalars: coordinates)))
    })
  }
}

extension CallArguments {
  /// Coordinates (…, m) into the first m axes of `shape`: whole numbers in 0..<shape[column].
  func coordinateArgument(_ name: String, into shape: [Int]) throws(EvaluationError) {
    let indices = try tensor(name)
    guard let depth = indices.shape.last, depth <= shape.count else {
      throw EvaluationError(
        "\(callee)(): `\(name)` must have one column per axis it indexes (at most \(shape.count)), got shape \(Shape.text(indices.shape))",
        at: range(of: name), hint: "each row is one coordinate: [[0, 1], [2, 0]] reads [0, 1] and [2, 0]")
    }
    try indexArgument(
      name, allowed: { depth == 0 ? 0..<0 : 0..<shape[$0 % depth] },
      problem: { entry in "is out of range for axis \(entry.position.last ?? 0) of size \(shape[entry.position.last ?? 0])" },
      hint: { entry in
        let size = shape[entry.position.last ?? 0]
        return "column \(entry.position.last ?? 0) indexes axis \(entry.position.last ?? 0): from 0 to \(size - 1)"
      })
  }
}

private typealias P = Builtin.Parameter
