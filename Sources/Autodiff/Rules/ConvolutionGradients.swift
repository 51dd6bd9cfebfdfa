import Tensors

// The two halves of a convolution's backward, as ops of their own so that a
// recorded backward can be differentiated again. Each is linear in both inputs,
// and each one's backward is made of the three convolution ops:
//   conv(x, w)              → dx = conv_transpose(dy, w),   dw = conv_weight(x, dy)
//   conv_transpose(g, w)    → dg = conv(dt, w),             dw = conv_weight(dt, g)
//   conv_weight(x, g)       → dx = conv_transpose(g, dt),   dg = conv(x, dt)

extension Rule {
  /// `conv_transpose1d(dy, w, stride=1, padding=0, output_padding=0)`: (N, O, Lo), (O, C, K) → (N, C, L).
  public static let convTranspose1d = transposedConvolution(spatialRank: 1)
  /// `conv_transpose2d(dy, w, stride=1, padding=0, output_padding=0)`: (N, O, Ho, Wo), (O, C, kh, kw) → (N, C, H, W).
  public static let convTranspose2d = transposedConvolution(spatialRank: 2)
  /// `conv1d_weight(x, dy, kernel_size, stride=1, padding=0)`: (N, C, L), (N, O, Lo) → (O, C, K).
  public static let conv1dWeight = filterGradient(spatialRank: 1)
  /// `conv2d_weight(x, dy, kernel_size, stride=1, padding=0)`: (N, C, H, W), (N, O, Ho, Wo) → (O, C, kh, kw).
  public static let conv2dWeight = filterGradient(spatialRank: 2)

  /// Both ops do their forward convolution's multiply-adds, |dy| · C · ∏kernel; their backwards twice that.
  private static func convolutionCost(dyIndex: Int) -> CostModel {
    .custom { inputs, output, _ in
      guard inputs.count == 2 else { return (0, 0) }
      // C · ∏kernel: the filter's shape after O, given as an input (conv_transpose) or the output (conv_weight).
      let filter = dyIndex == 0 ? inputs[1] : output
      let forward = 2 * Double(Shape.product(inputs[dyIndex])) * Double(Shape.product(Array(filter.dropFirst())))
      return (forward, 2 * forward)
    }
  }

  static func transposedConvolution(spatialRank rank: Int) -> Rule {
    let name = "conv_transpose\(rank)d"
    let (at, k) = rank == 1 ? ("s·i + p - pad", "p") : ("s·i + p - pad, s·j + q - pad", "p,q")
    return Rule(
      name: name,
      formulas: [
        "ddy = conv\(rank)d(dt, w, stride=stride, padding=padding)",
        "dw = conv\(rank)d_weight(dt, dy, w.shape[2:], stride=stride, padding=padding)",
      ],
      explanation: Explanation(
        indexNotation: "t[n, c, \(at)] += Σ_o dy[n,o,\(rank == 1 ? "i" : "i,j")] · w[o,c,\(k)]   (t starts at 0; what lands in the padding is dropped)",
        derivation: """
          The input gradient of conv\(rank)d(x, w): every entry of dy is spread back over the window it was \
          computed from, weighted by the filter. Read per output element t[n,c,h], it sums dy[n,o,i] · w[o,c,h + pad - s·i] \
          — a full convolution of dy (stretched by the stride) with the flipped filter. It is linear in dy and in w. \
          dy[n,o,i] reaches t[n,c,s·i + p - pad] with factor w[o,c,p], so ddy[n,o,i] = Σ_{c,p} dt[n,c,s·i + p - pad] · w[o,c,p]: \
          the forward convolution of dt with w. w[o,c,p] pairs dy[n,o,i] with t[n,c,s·i + p - pad], so \
          dw[o,c,p] = Σ_{n,i} dt[n,c,s·i + p - pad] · dy[n,o,i]: the filter gradient conv\(rank)d_weight(dt, dy).
          """,
        shapes: "dy (N, O, *out) and the forward's filter w (O, C, *k) → t (N, C, *in) with in = (out - 1)·stride - 2·pad + k + output_padding. "
          + "ddy has dy's shape, dw has w's.",
        pitfall: """
          Called a "deconvolution" in some papers, it does not undo a convolution: it is its transpose (its \
          adjoint), which maps shapes back but not values. output_padding (smaller than the stride) picks \
          which of the input sizes that a stride maps to one output size is meant.
          """),
      cost: convolutionCost(dyIndex: 0),
      samples: rank == 1
        ? [
          Sample(shapes: [[2, 3, 3], [3, 2, 2]]),
          Sample(shapes: [[1, 2, 3], [2, 2, 3]], Attributes(ConvolutionOptions(stride: [2], padding: .explicit([1]), outputPadding: [1]).attributes)),
          Sample(shapes: [[2, 4, 3], [4, 3, 2]], Attributes(ConvolutionOptions(groups: 2).attributes)),
          Sample(shapes: [[1, 2, 3], [2, 1, 3]], Attributes(ConvolutionOptions(stride: [2], outputPadding: [1], dilation: [2]).attributes)),
        ]
        : [
          Sample(shapes: [[1, 2, 2, 3], [2, 3, 2, 2]]),
          Sample(shapes: [[1, 2, 2, 2], [2, 1, 3, 2]], Attributes(ConvolutionOptions(stride: [2, 1], padding: .explicit([1, 0]), outputPadding: [1, 0]).attributes)),
          Sample(shapes: [[1, 4, 2, 2], [4, 1, 2, 2]], Attributes(ConvolutionOptions(groups: 2).attributes)),
        ],
      notation: .call(name),
      forward: { inputs, attributes throws(TensorError) in
        let g = try ConvolutionOptions(attributes).transposed(rank, gradient: inputs[0].shape, weight: inputs[1].shape)
        return try Tensor.transposedConvolution(inputs[0], inputs[1], geometry: g)
      },
      backward: { c throws(TensorError) in
        let (dy, w, dt) = (c.inputs[0], c.inputs[1], c.upstream)
        var options = ConvolutionOptions(c.attributes)
        options.outputPadding = [0]
        let ddy = c.needsGradient[0] ? try Variable.convolution(dt, w, spatialRank: rank, options: options) : nil
        let dw = c.needsGradient[1]
          ? try Variable.convolutionFilterGradient(dt, dy, spatialRank: rank, kernelSize: Array(w.shape.dropFirst(2)), options: options)
          : nil
        return [ddy, dw]
      })
  }

  static func filterGradient(spatialRank rank: Int) -> Rule {
    let name = "conv\(rank)d_weight"
    let (at, k) = rank == 1 ? ("s·i + p - pad", "p") : ("s·i + p - pad, s·j + q - pad", "p,q")
    let positions = rank == 1 ? "i" : "i,j"
    return Rule(
      name: name,
      formulas: [
        "dx = conv_transpose\(rank)d(dy, dv, stride=stride, padding=padding, output_padding=(rows the stride skipped))",
        "ddy = conv\(rank)d(x, dv, stride=stride, padding=padding)",
      ],
      explanation: Explanation(
        indexNotation: "v[o,c,\(k)] = Σ_{n,\(positions)} dy[n,o,\(positions)] · x[n, c, \(at)]",
        derivation: """
          The filter gradient of conv\(rank)d(x, w): each filter tap sees, across the batch and every position, the input \
          value under it times the output gradient there — a correlation of x with dy. It is linear in x and in dy. \
          x[n,c,s·i + p - pad] meets dy[n,o,i] with tap v[o,c,p], so dx[n,c,h] = Σ_{o,p} dy[n,o,(h + pad - p)/s] · dv[o,c,p]: \
          the transposed convolution conv_transpose\(rank)d(dy, dv). dy[n,o,i] meets every x[n,c,s·i + p - pad] with tap \
          v[o,c,p], so ddy[n,o,i] = Σ_{c,p} x[n,c,s·i + p - pad] · dv[o,c,p]: the forward convolution conv\(rank)d(x, dv).
          """,
        shapes: "x (N, C, *in) and dy (N, O, *out) → v (O, C, *kernel_size). dx has x's shape, ddy has dy's.",
        pitfall: """
          The batch is summed: one filter serves every example, so its gradient adds up all of theirs. \
          kernel_size is needed because with a stride several kernel sizes give the same output size.
          """),
      cost: convolutionCost(dyIndex: 1),
      samples: rank == 1
        ? [
          Sample(shapes: [[2, 2, 5], [2, 3, 3]], Attributes([("kernel_size", .int(3))])),
          Sample(shapes: [[1, 2, 6], [1, 2, 3]],
                 Attributes([("kernel_size", .int(3))] + ConvolutionOptions(stride: [2], padding: .explicit([1])).attributes)),
          Sample(shapes: [[2, 4, 5], [2, 6, 4]], Attributes([("kernel_size", .int(2))] + ConvolutionOptions(groups: 2).attributes)),
          Sample(shapes: [[1, 2, 7], [1, 1, 3]], Attributes([("kernel_size", .int(3))] + ConvolutionOptions(dilation: [2]).attributes)),
        ]
        : [
          Sample(shapes: [[1, 2, 4, 4], [1, 3, 3, 2]], Attributes([("kernel_size", .ints([2, 3]))])),
          Sample(shapes: [[1, 1, 3, 3], [1, 2, 3, 3]], Attributes([("kernel_size", .int(2))] + ConvolutionOptions(padding: .same).attributes)),
        ],
      notation: .call(name, positional: ["kernel_size"]),
      forward: { inputs, attributes throws(TensorError) in
        let kernel = ConvolutionOptions.integers(attributes["kernel_size"]) ?? []
        let g = try ConvolutionOptions(attributes).filterGradient(rank, input: inputs[0].shape, gradient: inputs[1].shape, kernelSize: kernel)
        return try Tensor.convolutionFilterGradient(inputs[0], inputs[1], geometry: g)
      },
      backward: { c throws(TensorError) in
        let (x, dy, dv) = (c.inputs[0], c.inputs[1], c.upstream)
        var options = ConvolutionOptions(c.attributes)
        let g = try options.forward(rank, input: x.shape, weight: dv.shape)
        let ddy = c.needsGradient[1] ? try Variable.convolution(x, dv, spatialRank: rank, options: options) : nil
        options.outputPadding = g.outputPadding
        let dx = c.needsGradient[0] ? try Variable.transposedConvolution(dy, dv, spatialRank: rank, options: options) : nil
        return [dx, ddy]
      })
  }
}
