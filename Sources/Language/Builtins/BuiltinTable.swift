import Autodiff
import Tensors

/// The table of contents of the built-ins, in the order `:help` lists them.
enum BuiltinTable {
  static let all: [Builtin] =
    creation + elementwise + reductions + linearAlgebra + shapes + selection + gradients
    + contractions + masks + softmaxFamily + convolution + warps + recurrent + lists + files
}

private typealias P = Builtin.Parameter

/// Wraps a differentiable op's result as a value, turning a tensor error into one at the call.
private func tensorResult(_ arguments: CallArguments, _ body: () throws(TensorError) -> Variable) throws(EvaluationError) -> Value {
  .tensor(try arguments.check(body))
}

// MARK: - Creating tensors

extension BuiltinTable {
  static let creation: [Builtin] = [
    Builtin("zeros", [P("shape", .shape, variadic: true)], .creation,
            summary: "A tensor of zeros; the shape as separate sizes or one tuple.", example: "zeros(2, 3)") { a throws(EvaluationError) in
      let shape = try a.shape("shape")
      return .leaf(try a.check { () throws(TensorError) in try Tensor.zeros(shape) })
    },
    Builtin("ones", [P("shape", .shape, variadic: true)], .creation,
            summary: "A tensor of ones.", example: "ones((3, 1))") { a throws(EvaluationError) in
      let shape = try a.shape("shape")
      return .leaf(try a.check { () throws(TensorError) in try Tensor(repeating: 1, shape: shape) })
    },
    Builtin("full", [P("shape", .shape), P("value", .number)], .creation,
            summary: "A tensor of the given shape filled with one value.", example: "full((2, 2), 0.5)") { a throws(EvaluationError) in
      let shape = try a.shape("shape"), value = try a.number("value", default: 0)
      return .leaf(try a.check { () throws(TensorError) in try Tensor(repeating: value, shape: shape) })
    },
    Builtin("eye", [P("n", .integer), P("m", .integer, default: "None"), P("k", .integer, default: "0")], .creation,
            summary: "The identity matrix (n×m, ones on diagonal k).", example: "eye(3)") { a throws(EvaluationError) in
      let n = try a.integer("n"), m = a.has("m") ? try a.integer("m") : n, k = try a.integer("k", default: 0)
      guard n >= 0, m >= 0 else { throw EvaluationError("eye() needs sizes of at least 0", at: a.callRange) }
      return .leaf(try a.check { () throws(TensorError) in try Tensor.eye(n, m, k: k) })
    },
    Builtin("arange", [P("start", .number), P("stop", .number, default: "None"), P("step", .number, default: "1")], .creation,
            summary: "Evenly spaced values in [start, stop); arange(n) is 0, 1, …, n-1.", example: "arange(5)") { a throws(EvaluationError) in
      let first = try a.number("start", default: 0)
      let (start, stop) = a.has("stop") ? (first, try a.number("stop", default: 0)) : (0, first)
      let step = try a.number("step", default: 1)
      for (name, value) in [("start", start), ("stop", stop), ("step", step)] where !value.isFinite {
        throw EvaluationError("arange's \(name) must be a finite number, got \(Tensor.formatScalar(value))",
                              at: a.range(of: a.has("stop") || name != "stop" ? name : "start"))
      }
      guard step != 0 else {
        throw EvaluationError("arange's step cannot be 0", at: a.range(of: "step"), hint: "arange(start, stop, step) counts from start by step")
      }
      return .leaf(try a.check { () throws(TensorError) in try Tensor.arange(start, stop, step: step) })
    },
    Builtin("linspace", [P("start", .number), P("stop", .number), P("num", .integer, default: "50")], .creation,
            summary: "num evenly spaced values from start to stop, both included.", example: "linspace(0, 1, 5)") { a throws(EvaluationError) in
      let start = try a.number("start", default: 0), stop = try a.number("stop", default: 0), num = try a.integer("num", default: 50)
      return .leaf(try a.check { () throws(TensorError) in try Tensor.linspace(start, stop, count: num) })
    },
    Builtin("rand", [P("shape", .shape, variadic: true)], .random,
            summary: "Uniform random numbers in [0, 1) (reproducible: see seed).", example: "rand(2, 3)") { a throws(EvaluationError) in
      let shape = try a.shape("shape")
      return .leaf(try a.check { () throws(TensorError) in try a.interpreter.random.uniform(shape) })
    },
    Builtin("randn", [P("shape", .shape, variadic: true)], .random,
            summary: "Standard normal random numbers (reproducible: see seed).", example: "randn(3, 2)") { a throws(EvaluationError) in
      let shape = try a.shape("shape")
      return .leaf(try a.check { () throws(TensorError) in try a.interpreter.random.normal(shape) })
    },
    Builtin("seed", [P("n", .integer)], .random,
            summary: "Restarts the random generator (xoshiro256**, the same numbers on every machine).", example: "seed(0)") { a throws(EvaluationError) in
      let n = try a.integer("n")
      guard n >= 0 else { throw EvaluationError("seed() needs a number of at least 0", at: a.range(of: "n")) }
      a.interpreter.random = RandomGenerator(seed: UInt64(n))
      return .none
    },
  ]
}

// MARK: - Element-wise functions

extension BuiltinTable {
  /// A function of one tensor, element by element; `:help` shows it on `exampleInput` (negative
  /// values and 0 where the function takes them, so that relu's zeros and sign's -1 show).
  private static func elementwise(
    _ name: String, _ summary: String, exampleInput: String = "linspace(-2, 2, 5)",
    _ op: @escaping @Sendable (Variable) throws(TensorError) -> Variable
  ) -> Builtin {
    Builtin(name, [P("x", .tensor)], .arithmetic, rules: [name], summary: summary, example: "\(name)(\(exampleInput))") {
      a throws(EvaluationError) in
      let x = try a.tensor("x")
      return try tensorResult(a) { () throws(TensorError) in try op(x) }
    }
  }

  static let elementwise: [Builtin] = [
    elementwise("exp", "e to the power x, element-wise.") { x throws(TensorError) in try x.exp() },
    elementwise("log", "The natural logarithm, element-wise.", exampleInput: "linspace(0.5, 2, 4)") { x throws(TensorError) in try x.log() },
    elementwise("sqrt", "The square root, element-wise.", exampleInput: "linspace(0.5, 2, 4)") { x throws(TensorError) in try x.sqrt() },
    elementwise("abs", "The absolute value, element-wise.") { x throws(TensorError) in try x.abs() },
    elementwise("sign", "-1, 0 or 1 by the sign of each element (gradient zero).") { x throws(TensorError) in try x.sign() },
    elementwise("sin", "The sine, element-wise (radians).") { x throws(TensorError) in try x.sin() },
    elementwise("cos", "The cosine, element-wise (radians).") { x throws(TensorError) in try x.cos() },
    elementwise("tanh", "The hyperbolic tangent, element-wise.") { x throws(TensorError) in try x.tanh() },
    elementwise("sigmoid", "The logistic function 1 / (1 + e^-x), element-wise.") { x throws(TensorError) in try x.sigmoid() },
    elementwise("relu", "max(x, 0), element-wise.") { x throws(TensorError) in try x.relu() },
    Builtin("maximum", [P("a", .tensor), P("b", .tensor)], .arithmetic, rules: ["maximum"],
            summary: "NumPy's maximum: the larger of a and b at each position (broadcast); the gradient goes to the larger, "
              + "half to each at a tie.", example: "maximum([1, 5, 3], [4, 2, 3])") { a throws(EvaluationError) in
      let x = try a.tensor("a"), y = try a.tensor("b")
      return try tensorResult(a) { () throws(TensorError) in try Variable.maximum(x, y) }
    },
    Builtin("minimum", [P("a", .tensor), P("b", .tensor)], .arithmetic, rules: ["minimum"],
            summary: "NumPy's minimum: the smaller of a and b at each position (broadcast); the gradient goes to the smaller, "
              + "half to each at a tie.", example: "minimum([1, 5, 3], [4, 2, 3])") { a throws(EvaluationError) in
      let x = try a.tensor("a"), y = try a.tensor("b")
      return try tensorResult(a) { () throws(TensorError) in try Variable.minimum(x, y) }
    },
    Builtin("clip", [P("x", .tensor), P("min", .tensor, default: "None"), P("max", .tensor, default: "None")], .arithmetic,
            rules: ["clip"],
            summary: "NumPy's clip (PyTorch's clamp): x held inside [min, max], either bound None for none; the gradient "
              + "goes to x inside, to the bound it crossed outside.", example: "clip([-2, 0.5, 3], 0, 1)") { a throws(EvaluationError) in
      let x = try a.tensor("x"), lower = try a.optionalTensor("min"), upper = try a.optionalTensor("max")
      return try tensorResult(a) { () throws(TensorError) in try x.clipped(lower: lower, upper: upper) }
    },
  ]
}

// MARK: - Reductions

extension BuiltinTable {
  private static func reduction(_ name: String, _ kind: ReductionKind, _ summary: String) -> Builtin {
    Builtin(name, [P("x", .tensor), P("axis", .axes, default: "None"), P("keepdims", .bool, default: "false")], .reduction,
            rules: [kind.rawValue], summary: summary, example: "\(name)([[1, 2], [3, 4]], 1)") { a throws(EvaluationError) in
      let x = try a.tensor("x"), axes = try a.axes("axis"), keep = try a.bool("keepdims")
      return try tensorResult(a) { () throws(TensorError) in try x.reduced(kind, axes: axes, keepDims: keep) }
    }
  }

  static let reductions: [Builtin] = [
    reduction("sum", .sum, "The sum over an axis, a tuple of axes, or all (axis=None)."),
    reduction("mean", .mean, "The mean over an axis, a tuple of axes, or all."),
    reduction("max", .max, "The largest element over an axis, a tuple of axes, or all."),
    reduction("min", .min, "The smallest element over an axis, a tuple of axes, or all."),
    reduction("reduce_sum", .sum, "TensorFlow's name for sum: reduce_sum(x, 1) sums axis 1."),
    reduction("reduce_mean", .mean, "TensorFlow's name for mean."),
    reduction("reduce_max", .max, "TensorFlow's name for max."),
    reduction("reduce_min", .min, "TensorFlow's name for min."),
    argExtreme("argmax", largest: true),
    argExtreme("argmin", largest: false),
  ]

  private static func argExtreme(_ name: String, largest: Bool) -> Builtin {
    Builtin(name, [P("x", .tensor), P("axis", .integer, default: "None"), P("keepdims", .bool, default: "false")], .reduction,
            rules: [name],
            summary: "NumPy's \(name): the index of the first \(largest ? "largest" : "smallest") element along the axis "
              + "(of the flattened tensor with axis=None), as numbers; no gradient. Accuracy: mean(argmax(logits, axis=1) == labels).",
            example: "\(name)([[1, 5, 3], [4, 2, 4]], axis=1)") { a throws(EvaluationError) in
      let x = try a.tensor("x"), keep = try a.bool("keepdims")
      let axis = a.has("axis") ? try a.integer("axis") : nil
      return try tensorResult(a) { () throws(TensorError) in try x.argExtreme(largest: largest, axis: axis, keepDims: keep) }
    }
  }
}

// MARK: - Products and contractions

extension BuiltinTable {
  static let linearAlgebra: [Builtin] = [
    Builtin("matmul", [P("a", .tensor), P("b", .tensor)], .linearAlgebra, rules: ["matmul"],
            summary: "The matrix product a @ b (vectors promoted, batch axes broadcast).", example: "matmul(eye(2), [[1], [2]])") {
      a throws(EvaluationError) in
      let x = try a.tensor("a"), y = try a.tensor("b")
      return try tensorResult(a) { () throws(TensorError) in try Variable.matmul(x, y) }
    },
    Builtin("tensordot", [P("a", .tensor), P("b", .tensor), P("axes", .any, default: "2")], .linearAlgebra,
            rules: ["transpose", "reshape", "matmul"],
            summary: "Sums products over the given axes: axes=n pairs a's last n with b's first n; axes=[[i…], [j…]] names them.",
            example: "tensordot(ones(2, 3), ones(3, 4), axes=1)") { a throws(EvaluationError) in
      try tensordot(a)
    },
    Builtin("diag", [P("x", .tensor), P("rows", .integer, default: "None"), P("cols", .integer, default: "None")],
            .linearAlgebra, rules: ["diag"],
            summary: "The matrix with x (its last axis) on the diagonal and zeros elsewhere; rows×cols, square by default.",
            example: "diag([1, 2, 3])") { a throws(EvaluationError) in
      let x = try a.tensor("x")
      let k = x.shape.last ?? 0
      if x.value.rank == 2 {
        a.interpreter.notes.append(
          "diag builds one diagonal matrix per row of a \(Shape.text(x.shape)) x, as TensorFlow's linalg.diag; "
            + "NumPy's np.diag of a matrix reads its diagonal: that is diag_part(x) here")
      }
      let rows = try a.integer("rows", default: k), cols = try a.integer("cols", default: k)
      for (name, size) in [("rows", rows), ("cols", cols)] where size < 0 {
        throw EvaluationError("diag's \(name) must be at least 0, got \(size)", at: a.range(of: name),
                              hint: "diag(x, rows, cols) puts x on the main diagonal of a rows×cols matrix")
      }
      guard Swift.min(rows, cols) == k else {
        throw EvaluationError(
          "the main diagonal of a \(rows)×\(cols) matrix has \(Swift.min(rows, cols)) entries, and x has \(k)",
          at: a.range(of: a.has("rows") ? "rows" : "cols"),
          hint: "x fills the whole diagonal: the smaller of rows and cols must be x.shape[-1] = \(k)")
      }
      return try tensorResult(a) { () throws(TensorError) in try x.diagonalEmbedded(rows: rows, cols: cols) }
    },
    Builtin("diag_part", [P("x", .tensor)], .linearAlgebra, rules: ["diag_part"],
            summary: "The main diagonal of the last two axes.", example: "diag_part([[1, 2], [3, 4]])") { a throws(EvaluationError) in
      let x = try a.tensor("x")
      return try tensorResult(a) { () throws(TensorError) in try x.diagonalPart() }
    },
  ]

  /// tensordot as NumPy computes it: move the summed axes together, one matrix product, reshape.
  private static func tensordot(_ a: CallArguments) throws(EvaluationError) -> Value {
    let x = try a.tensor("a"), y = try a.tensor("b")
    let axesRange = a.range(of: "axes")
    var pairs: [[Int]]
    if let value = a.value("axes"), a.has("axes") {
      if case .tensor(let t) = value, t.value.rank == 0 {
        let n = try Conversion.integer(value, at: axesRange, purpose: "axes of tensordot()")
        guard n >= 0, n <= x.value.rank, n <= y.value.rank else {
          throw EvaluationError("axes=\(n) does not fit shapes \(Shape.text(x.shape)) and \(Shape.text(y.shape))", at: axesRange)
        }
        pairs = [Array((x.value.rank - n)..<x.value.rank), Array(0..<n)]
      } else {
        pairs = try Conversion.integerLists(value, at: axesRange, purpose: "axes of tensordot()")
      }
    } else {
      pairs = [Array((x.value.rank - 2)..<x.value.rank), [0, 1]]
    }
    guard pairs.count == 2, pairs[0].count == pairs[1].count else {
      throw EvaluationError("axes must be two lists of equal length, like [[1], [0]]", at: axesRange)
    }
    let axesX: [Int], axesY: [Int]
    do {
      axesX = try pairs[0].map { (axis: Int) throws(TensorError) in try Shape.normalize(axis: axis, rank: x.value.rank) }
      axesY = try pairs[1].map { (axis: Int) throws(TensorError) in try Shape.normalize(axis: axis, rank: y.value.rank) }
      _ = try Shape.normalize(axes: axesX, rank: x.value.rank)
      _ = try Shape.normalize(axes: axesY, rank: y.value.rank)
    } catch {
      throw EvaluationError(error, at: axesRange)
    }
    for (i, j) in zip(axesX, axesY) where x.shape[i] != y.shape[j] {
      throw EvaluationError(
        "tensordot sums axis \(i) of a (size \(x.shape[i])) against axis \(j) of b (size \(y.shape[j])): the sizes differ",
        at: axesRange)
    }
    let freeX = (0..<x.value.rank).filter { !axesX.contains($0) }
    let freeY = (0..<y.value.rank).filter { !axesY.contains($0) }
    let size = { (shape: [Int], axes: [Int]) in axes.reduce(1) { $0 * shape[$1] } }
    return try tensorResult(a) { () throws(TensorError) in
      let left = try x.permutedIfNeeded(freeX + axesX).reshapedIfNeeded([size(x.shape, freeX), size(x.shape, axesX)])
      let right = try y.permutedIfNeeded(axesY + freeY).reshapedIfNeeded([size(y.shape, axesY), size(y.shape, freeY)])
      return try Variable.matmul(left, right).reshapedIfNeeded(freeX.map { x.shape[$0] } + freeY.map { y.shape[$0] })
    }
  }
}

extension Variable {
  /// Transposed by `permutation`, or this variable when the permutation changes nothing.
  func permutedIfNeeded(_ permutation: [Int]) throws(TensorError) -> Variable {
    permutation == Array(0..<permutation.count) ? self : try transposed(permutation)
  }
}

// MARK: - Shapes

extension BuiltinTable {
  static let shapes: [Builtin] = [
    Builtin("transpose", [P("x", .tensor), P("axes", .axes, variadic: true)], .shape, rules: ["transpose"],
            summary: "Permutes the axes, given as one tuple or as separate numbers (reverses them without any, like x.T).",
            example: "transpose(zeros(2, 3, 4), (1, 0, 2))") {
      a throws(EvaluationError) in
      let x = try a.tensor("x"), axes = try a.axes("axes")
      return try tensorResult(a) { () throws(TensorError) in try x.transposed(axes) }
    },
    Builtin("reshape", [P("x", .tensor), P("shape", .shape, variadic: true)], .shape, rules: ["reshape"],
            summary: "The same elements in another shape; one size may be -1.", example: "reshape(arange(6), (2, -1))") {
      a throws(EvaluationError) in
      let x = try a.tensor("x")
      let shape = try a.shape("shape", allowingInferred: true)
      return try tensorResult(a) { () throws(TensorError) in try x.reshaped(shape) }
    },
    Builtin("expand_dims", [P("x", .tensor), P("axis", .integer)], .shape, rules: ["expand_dims"],
            summary: "Inserts a size-1 axis at the given position.", example: "expand_dims(ones(3), 1)") { a throws(EvaluationError) in
      let x = try a.tensor("x"), axis = try a.integer("axis")
      return try tensorResult(a) { () throws(TensorError) in try x.expandingDims(at: axis) }
    },
    Builtin("squeeze", [P("x", .tensor), P("axis", .axes, default: "None")], .shape, rules: ["squeeze"],
            summary: "Removes size-1 axes (the given ones, or all).", example: "squeeze(ones(3, 1))") { a throws(EvaluationError) in
      let x = try a.tensor("x"), axes = try a.axes("axis")
      return try tensorResult(a) { () throws(TensorError) in try x.squeezed(axes: axes) }
    },
    Builtin("broadcast_to", [P("x", .tensor), P("shape", .shape)], .shape, rules: ["broadcast_to"],
            summary: "Stretches size-1 (and missing leading) axes to the shape.", example: "broadcast_to([[1], [2]], (2, 3))") {
      a throws(EvaluationError) in
      let x = try a.tensor("x"), shape = try a.shape("shape")
      return try tensorResult(a) { () throws(TensorError) in try x.broadcast(to: shape) }
    },
  ]
}

// MARK: - Selection and joining

extension BuiltinTable {
  static let selection: [Builtin] = [
    Builtin("concat", [P("tensors", .tensors), P("axis", .integer, default: "0")], .selection, rules: ["concat"],
            summary: "Joins tensors along an existing axis.", example: "concat([ones(2, 1), zeros(2, 2)], axis=1)") {
      a throws(EvaluationError) in
      let parts = try a.tensors("tensors"), axis = try a.integer("axis", default: 0)
      return try tensorResult(a) { () throws(TensorError) in try Variable.concatenate(parts, axis: axis) }
    },
    Builtin("stack", [P("tensors", .tensors), P("axis", .integer, default: "0")], .selection, rules: ["stack"],
            summary: "Joins tensors of one shape along a new axis.", example: "stack([ones(3), zeros(3)], axis=1)") {
      a throws(EvaluationError) in
      let parts = try a.tensors("tensors"), axis = try a.integer("axis", default: 0)
      return try tensorResult(a) { () throws(TensorError) in try Variable.stack(parts, axis: axis) }
    },
    Builtin("scatter", [P("values", .tensor), P("shape", .shape), P("index", .string)], .selection, rules: ["scatter"],
            summary: "Zeros of the shape with the values added at a subscript written as text: the backward of x[index].",
            example: "scatter([1, 2], (2, 3), \"1, ::2\")") { a throws(EvaluationError) in
      let values = try a.tensor("values"), shape = try a.shape("shape")
      let items = try a.interpreter.indexItems(parsing: try a.string("index"), at: a.range(of: "index"))
      return try tensorResult(a) { () throws(TensorError) in try values.scattered(into: shape, at: items) }
    },
    Builtin("put", [P("x", .tensor), P("index", .string), P("values", .tensor)], .selection, rules: ["put"],
            summary: "x with the values written at a subscript given as text, as x[index] = values on a copy "
              + "(JAX's x.at[index].set(values)); gradients: dy to x except there, dy[index] to the values.",
            example: "put(zeros(2, 3), \"0, 1:\", 7)") { a throws(EvaluationError) in
      let x = try a.tensor("x"), values = try a.tensor("values")
      let items = try a.interpreter.indexItems(parsing: try a.string("index"), at: a.range(of: "index"))
      return try tensorResult(a) { () throws(TensorError) in try x.putting(values, at: items) }
    },
    Builtin("where", [P("condition", .tensor), P("a", .tensor), P("b", .tensor)], .selection, rules: ["where"],
            summary: "a where the condition is nonzero, b elsewhere (broadcast); the gradient goes to the chosen branch.",
            example: "where([1, 0, 1], [1, 2, 3], 0)") { a throws(EvaluationError) in
      let c = try a.tensor("condition"), x = try a.tensor("a"), y = try a.tensor("b")
      return try tensorResult(a) { () throws(TensorError) in try Variable.select(c, x, y) }
    },
  ]
}

/// The built-ins in table order, for help pages and documentation.
public enum BuiltinCatalog {
  public static var all: [Builtin] { BuiltinTable.all }
}
