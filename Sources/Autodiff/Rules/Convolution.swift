import Tensors

// Convolution in PyTorch's layout and sense (a cross-correlation: the filter is
// not flipped). A convolution is linear in its input and in its filter, so its
// backward is two more convolutions: the transposed convolution gives dx (a full
// convolution of dy with the flipped filter) and the filter gradient correlates
// x with dy. Those two are rules of their own (ConvolutionGradients.swift) whose
// backwards are convolutions again, so second derivatives come for free.

extension RuleBook {
  static let convolution: [Rule] = [
    .xcorr, .batchXcorr,
    .conv1d, .conv2d, .convTranspose1d, .convTranspose2d, .conv1dWeight, .conv2dWeight,
  ]
}

extension Rule {
  /// `conv1d(x, w, stride=1, padding=0)`: x (N, C, L), w (O, C, K) → (N, O, Lo).
  public static let conv1d = convolution(spatialRank: 1)
  /// `conv2d(x, w, stride=1, padding=0)`: x (N, C, H, W), w (O, C, kh, kw) → (N, O, Ho, Wo).
  public static let conv2d = convolution(spatialRank: 2)

  static func convolution(spatialRank rank: Int) -> Rule {
    let name = "conv\(rank)d"
    let (at, k, x) = rank == 1 ? ("i", "p", "x[n, c, s·i + p - pad]") : ("i,j", "p,q", "x[n, c, s·i + p - pad, s·j + q - pad]")
    return Rule(
      name: name,
      formulas: [
        "dx = conv_transpose\(rank)d(dy, w, stride=stride, padding=padding, output_padding=(rows the stride skipped))",
        "dw = conv\(rank)d_weight(x, dy, w.shape[2:], stride=stride, padding=padding)",
      ],
      explanation: Explanation(
        indexNotation: "y[n,o,\(at)] = Σ_{c,\(k)} \(x) · w[o,c,\(k)]   (x is 0 outside, in the padding)",
        derivation: (rank == 2 ? "Written for one spatial axis; H and W each work the same way. " : "") + """
          y is linear in x and in w, so each gradient gathers, for one input element, the output elements it \
          took part in. x[n,c,h] met w[o,c,p] in y[n,o,i] wherever h = s·i + p - pad, so \
          dx[n,c,h] = Σ_{o,p} dy[n,o,(h + pad - p)/s] · w[o,c,p] (over the i that exist): dy slid along the filter \
          read backwards (h - p, not h + p). That is a full convolution of dy with the flipped filter — every \
          overlap, dy padded by K - 1 — with zeros between dy's entries when s > 1: the transposed convolution \
          conv_transpose\(rank)d(dy, w). Each w[o,c,p] met x[n,c,s·i + p - pad] in every y[n,o,i], so \
          dw[o,c,p] = Σ_{n,i} dy[n,o,i] · x[n,c,s·i + p - pad]: a correlation of the input with the output \
          gradient, conv\(rank)d_weight(x, dy, K). Both are convolutions again, so their backwards are too.
          """,
        shapes: rank == 1
          ? "x (N, C, L), w (O, C, K) → y (N, O, Lo) with Lo = ⌊(L + 2·pad - K) / stride⌋ + 1. "
            + "dx has x's shape and dw has w's (summed over the batch and every position)."
          : "x (N, C, H, W), w (O, C, kh, kw) → y (N, O, Ho, Wo) with Ho = ⌊(H + 2·pad - kh) / stride⌋ + 1 (Wo likewise). "
            + "dx has x's shape and dw has w's (summed over the batch and every position).",
        pitfall: """
          PyTorch's and TensorFlow's "convolution" is a cross-correlation: the forward does not flip the filter, \
          the backward (dx) does. With a stride, input rows the windows never reach get a zero gradient; \
          padding="same" (stride 1 only) puts the extra zero of an even kernel at the end. With groups=G, w is \
          (O, C/G, …): output channels of group g sum over input channels of group g only, and so do both gradients \
          (groups=C is a depthwise convolution: one filter per channel). With dilation=d the taps are d apart: \
          x[n, c, s·i + d·p - pad], and a kernel of K taps reaches (K - 1)·d + 1 inputs.
          """),
      cost: .custom { inputs, output, _ in
        let weight = inputs.count > 1 ? inputs[1] : []
        let perOutput = 2 * Double(Shape.product(Array(weight.dropFirst())))
        return (perOutput * Double(Shape.product(output)), 2 * perOutput * Double(Shape.product(output)))
      },
      samples: rank == 1
        ? [
          Sample(shapes: [[2, 2, 5], [3, 2, 3]]),
          Sample(shapes: [[1, 2, 6], [2, 2, 3]], Attributes(ConvolutionOptions(stride: [2], padding: .explicit([1])).attributes)),
          Sample(shapes: [[1, 1, 4], [2, 1, 2]], Attributes(ConvolutionOptions(padding: .same).attributes)),
          Sample(shapes: [[2, 4, 5], [6, 2, 2]], Attributes(ConvolutionOptions(groups: 2).attributes)),
          Sample(shapes: [[1, 2, 7], [2, 2, 3]], Attributes(ConvolutionOptions(padding: .same, dilation: [2]).attributes)),
        ]
        : [
          Sample(shapes: [[1, 2, 4, 4], [2, 2, 2, 3]]),
          Sample(shapes: [[2, 1, 4, 3], [2, 1, 3, 2]], Attributes(ConvolutionOptions(stride: [2, 1], padding: .explicit([1, 0])).attributes)),
          Sample(shapes: [[1, 1, 3, 3], [1, 1, 2, 2]], Attributes(ConvolutionOptions(padding: .same).attributes)),
          Sample(shapes: [[1, 3, 3, 3], [3, 1, 2, 2]], Attributes(ConvolutionOptions(padding: .explicit([1]), groups: 3).attributes)),
          Sample(shapes: [[1, 1, 5, 4], [2, 1, 2, 2]], Attributes(ConvolutionOptions(stride: [1, 2], dilation: [2, 1]).attributes)),
        ],
      notation: .call(name),
      forward: { inputs, attributes throws(TensorError) in
        let options = ConvolutionOptions(attributes)
        let g = try options.forward(rank, input: inputs[0].shape, weight: inputs[1].shape)
        return try Tensor.convolution(inputs[0], inputs[1], geometry: g)
      },
      backward: { c throws(TensorError) in
        let (x, w, dy) = (c.inputs[0], c.inputs[1], c.upstream)
        var options = ConvolutionOptions(c.attributes)
        let g = try options.forward(rank, input: x.shape, weight: w.shape)
        let dw = c.needsGradient[1]
          ? try Variable.convolutionFilterGradient(x, dy, spatialRank: rank, kernelSize: g.kernelSize, options: options) : nil
        options.outputPadding = g.outputPadding
        let dx = c.needsGradient[0] ? try Variable.transposedConvolution(dy, w, spatialRank: rank, options: options) : nil
        return [dx, dw]
      })
  }
}

extension Variable {
  /// `conv1d`/`conv2d` (PyTorch's, a cross-correlation): x (N, C, *in) ⋆ w (O, C, *k) → (N, O, *out).
  public static func convolution(
    _ x: Variable, _ w: Variable, spatialRank: Int, options: ConvolutionOptions = ConvolutionOptions()
  ) throws(TensorError) -> Variable {
    try (spatialRank == 1 ? Rule.conv1d : Rule.conv2d).apply(x, w, Attributes(options.attributes))
  }

  /// The input gradient of a convolution (`conv_transpose1d`/`conv_transpose2d`): dy (N, O, *out), w (O, C, *k) → (N, C, *in).
  public static func transposedConvolution(
    _ dy: Variable, _ w: Variable, spatialRank: Int, options: ConvolutionOptions = ConvolutionOptions()
  ) throws(TensorError) -> Variable {
    try (spatialRank == 1 ? Rule.convTranspose1d : Rule.convTranspose2d).apply(dy, w, Attributes(options.attributes))
  }

  /// The filter gradient of a convolution (`conv1d_weight`/`conv2d_weight`): x (N, C, *in), dy (N, O, *out) → (O, C, *k).
  public static func convolutionFilterGradient(
    _ x: Variable, _ dy: Variable, spatialRank: Int, kernelSize: [Int], options: ConvolutionOptions = ConvolutionOptions()
  ) throws(TensorError) -> Variable {
    var entries: [(name: String, value: Attribute)] = [("kernel_size", ConvolutionOptions.attribute(kernelSize))]
    entries += options.attributes
    return try (spatialRank == 1 ? Rule.conv1dWeight : Rule.conv2dWeight).apply(x, dy, Attributes(entries))
  }
}
