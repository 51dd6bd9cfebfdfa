import Autodiff
import Tensors

// Correlation and convolution, with the backward ops as built-ins of their own so
// that `:derive` writes a convolution's gradient as code that runs.

extension BuiltinTable {
  static let convolution: [Builtin] = [
    Builtin("xcorr", [P("X", .tensor), P("Y", .tensor)], .linearAlgebra, rules: ["xcorr"],
            summary: "Every row of X (N, D1) slid along by every row of Y (M, D2): P[n,m,k] = Σ_j X[n,k+j]·Y[m,j], (N, M, D1-D2+1).",
            example: "xcorr([[1, 2, 3, 4]], [[1, 0], [1, -1]])") { a throws(EvaluationError) in
      let x = try a.tensor("X"), y = try a.tensor("Y")
      _ = try a.checkOperands { () throws(OperandError) in try Tensor.crossCorrelationShape(x.shape, y.shape) }
      return .tensor(try a.check { () throws(TensorError) in try Variable.crossCorrelation(x, y) })
    },
    Builtin("batch_xcorr", [P("X", .tensor), P("Y", .tensor)], .linearAlgebra, rules: ["batch_xcorr"],
            summary: "Row n of X (N, D1) slid along by row n of Y (N, D2), one filter per row: (N, D1-D2+1).",
            example: "batch_xcorr([[1, 2, 3], [4, 5, 6]], [[1, 1], [1, -1]])") { a throws(EvaluationError) in
      let x = try a.tensor("X"), y = try a.tensor("Y")
      _ = try a.checkOperands { () throws(OperandError) in try Tensor.crossCorrelationShape(x.shape, y.shape, operation: "batch_xcorr") }
      return .tensor(try a.check { () throws(TensorError) in try Variable.batchCrossCorrelation(x, y) })
    },
    convolution(rank: 1, example: "conv1d(ones(1, 2, 5), ones(3, 2, 3), padding=1)"),
    convolution(rank: 2, example: "conv2d(reshape(arange(16), (1, 1, 4, 4)), ones(1, 1, 2, 2), stride=2)"),
    transposedConvolution(rank: 1, example: "conv_transpose1d(ones(1, 1, 3), ones(1, 2, 2))"),
    transposedConvolution(rank: 2, example: "conv_transpose2d(ones(1, 1, 2, 2), ones(1, 1, 3, 3), stride=2, output_padding=1)"),
    filterGradient(rank: 1, example: "conv1d_weight(ones(2, 1, 5), ones(2, 3, 3), 3)"),
    filterGradient(rank: 2, example: "conv2d_weight(ones(1, 2, 4, 4), ones(1, 3, 2, 2), (3, 3))"),
  ]

  private static func convolution(rank: Int, example: String) -> Builtin {
    let (x, w) = rank == 1 ? ("(N, C, L)", "(O, C/groups, K)") : ("(N, C, H, W)", "(O, C/groups, kh, kw)")
    return Builtin(
      "conv\(rank)d",
      [P("x", .tensor), P("w", .tensor), P("stride", .any, default: "1"), P("padding", .any, default: "0"),
       P("groups", .integer, default: "1"), P("dilation", .any, default: "1")],
      .layers, rules: ["conv\(rank)d"],
      summary: "PyTorch's conv\(rank)d, a cross-correlation: x \(x) with filters w \(w); padding an integer, a tuple, \"valid\" or \"same\"; "
        + "groups splits the channels into independent groups (groups=C: one filter per channel); dilation spaces the filter's taps.",
      example: example
    ) { a throws(EvaluationError) in
      let x = try a.tensor("x"), w = try a.tensor("w"), options = try convolutionOptions(a)
      _ = try a.checkOperands { () throws(OperandError) in
        try ConvolutionGeometry(
          operation: "conv\(rank)d", spatialRank: rank, input: x.shape, weight: w.shape, stride: options.stride, padding: options.padding,
          groups: options.groups, dilation: options.dilation)
      }
      return .tensor(try a.check { () throws(TensorError) in try Variable.convolution(x, w, spatialRank: rank, options: options) })
    }
  }

  private static func transposedConvolution(rank: Int, example: String) -> Builtin {
    let name = "conv_transpose\(rank)d"
    return Builtin(
      name,
      [P("dy", .tensor), P("w", .tensor), P("stride", .any, default: "1"), P("padding", .any, default: "0"),
       P("output_padding", .any, default: "0"), P("groups", .integer, default: "1"), P("dilation", .any, default: "1")],
      .layers, rules: [name],
      summary: "The transposed convolution (PyTorch's \(name)): conv\(rank)d's input gradient for output gradient dy and filters w, "
        + "a full convolution of dy with the flipped filters.",
      example: example
    ) { a throws(EvaluationError) in
      let dy = try a.tensor("dy"), w = try a.tensor("w"), options = try convolutionOptions(a)
      _ = try a.checkOperands { () throws(OperandError) in
        try ConvolutionGeometry(
          operation: name, spatialRank: rank, gradient: dy.shape, weight: w.shape, stride: options.stride,
          padding: options.padding, outputPadding: options.outputPadding, groups: options.groups, dilation: options.dilation)
      }
      return .tensor(try a.check { () throws(TensorError) in try Variable.transposedConvolution(dy, w, spatialRank: rank, options: options) })
    }
  }

  private static func filterGradient(rank: Int, example: String) -> Builtin {
    let name = "conv\(rank)d_weight"
    return Builtin(
      name,
      [P("x", .tensor), P("dy", .tensor), P("kernel_size", .any), P("stride", .any, default: "1"), P("padding", .any, default: "0"),
       P("groups", .integer, default: "1"), P("dilation", .any, default: "1")],
      .layers, rules: [name],
      summary: "conv\(rank)d's filter gradient (PyTorch's torch.nn.grad.\(name)): the input x correlated with the output gradient dy, "
        + "summed over the batch.",
      example: example
    ) { a throws(EvaluationError) in
      let x = try a.tensor("x"), dy = try a.tensor("dy"), options = try convolutionOptions(a)
      let kernel = try a.integerList("kernel_size")
      _ = try a.checkOperands { () throws(OperandError) in
        try ConvolutionGeometry(
          operation: name, spatialRank: rank, input: x.shape, gradient: dy.shape, kernelSize: kernel, stride: options.stride,
          padding: options.padding, groups: options.groups, dilation: options.dilation)
      }
      return .tensor(try a.check { () throws(TensorError) in
        try Variable.convolutionFilterGradient(x, dy, spatialRank: rank, kernelSize: kernel, options: options)
      })
    }
  }

  /// stride, padding, output_padding, groups and dilation as given (those a built-in lacks keep their defaults).
  private static func convolutionOptions(_ a: CallArguments) throws(EvaluationError) -> ConvolutionOptions {
    var options = ConvolutionOptions()
    if a.has("stride") { options.stride = try a.integerList("stride") }
    if a.has("groups") { options.groups = try a.integer("groups") }
    if a.has("dilation") { options.dilation = try a.integerList("dilation") }
    if a.has("output_padding") { options.outputPadding = try a.integerList("output_padding") }
    if let value = a.value("padding"), a.has("padding") {
      switch value {
      case .string("same"): options.padding = .same
      case .string("valid"): options.padding = .valid
      case .string(let word):
        throw EvaluationError(
          "padding must be an integer, a tuple, \"valid\" or \"same\", got \"\(word)\"", at: a.range(of: "padding"),
          hint: closestName(to: word, in: ["valid", "same"]).map { "did you mean \"\($0)\"?" })
      default:
        options.padding = .explicit(try a.integerList("padding"))
      }
    }
    return options
  }
}

extension CallArguments {
  /// One integer or a tuple of them (`stride=2`, `padding=(1, 0)`).
  func integerList(_ name: String) throws(EvaluationError) -> [Int] {
    guard let value = value(name) else { throw EvaluationError("\(callee)() is missing its argument `\(name)`", at: callRange) }
    return try Conversion.integers(value, at: range(of: name), purpose: "`\(name)` of \(callee)()")
  }

  /// Runs a check of the operands' shapes, reporting its message at the call.
  func checkOperands<T>(_ body: () throws(OperandError) -> T) throws(EvaluationError) -> T {
    do {
      return try body()
    } catch {
      throw EvaluationError(error.message, at: callRange)
    }
  }
}

private typealias P = Builtin.Parameter
