import Testing
@testable import Tensors
@testable import Autodiff

/// Direct loops for PyTorch's conv2d (cross-correlation), with separate zeros before and after;
/// with `groups`, output channel f sums over the input channels of its group only; with
/// `dilation`, the kernel's taps are that many pixels apart.
private func naiveConv2d(
  _ x: Tensor, _ w: Tensor, stride: [Int], before: [Int], after: [Int], groups: Int = 1, dilation: [Int] = [1, 1]
) throws -> Tensor {
  let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
  let (perGroup, outPerGroup) = (c / groups, o / groups)
  let (reachY, reachX) = ((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)
  let ho = (h + before[0] + after[0] - reachY) / stride[0] + 1, wo = (wd + before[1] + after[1] - reachX) / stride[1] + 1
  var y = try Tensor.zeros([n, o, ho, wo])
  for b in 0..<n {
    for f in 0..<o {
      for i in 0..<ho {
        for j in 0..<wo {
          var total = 0.0
          let group = f / outPerGroup
          for ch in group * perGroup..<(group + 1) * perGroup {
            for p in 0..<kh {
              for q in 0..<kw {
                let (r, s) = (i * stride[0] + p * dilation[0] - before[0], j * stride[1] + q * dilation[1] - before[1])
                guard r >= 0, r < h, s >= 0, s < wd else { continue }
                total += x[flat: ((b * c + ch) * h + r) * wd + s] * w[flat: ((f * perGroup + ch - group * perGroup) * kh + p) * kw + q]
              }
            }
          }
          y[flat: ((b * o + f) * ho + i) * wo + j] = total
        }
      }
    }
  }
  return y
}

private func expectClose(_ a: Tensor, _ b: Tensor, tolerance: Double = 1e-10, _ note: Comment? = nil) {
  #expect(a.shape == b.shape, note)
  let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
  #expect(worst < tolerance, note)
}

private func dot(_ a: Tensor, _ b: Tensor) -> Double { zip(a.scalars, b.scalars).reduce(0) { $0 + $1.0 * $1.1 } }

@Suite("Correlation and convolution")
struct ConvolutionTests {
  /// The learner's question: N signals against M filters, P[n,m,k] = dot(X[n, k:k+D2], Y[m]).
  @Test func xcorrIsEveryFilterSlidAlongEverySignal() throws {
    var generator = RandomGenerator(seed: 1)
    let x = try generator.normal([3, 7]), y = try generator.normal([4, 3])
    let p = try Tensor.crossCorrelation(x, y)
    #expect(p.shape == [3, 4, 5])
    for n in 0..<3 {
      for m in 0..<4 {
        for k in 0..<5 {
          let loop = (0..<3).reduce(0.0) { $0 + x[flat: n * 7 + k + $1] * y[flat: m * 3 + $1] }
          #expect(abs(p[flat: (n * 4 + m) * 5 + k] - loop) < 1e-12)
        }
      }
    }
  }

  @Test func xcorrMatchesNumPy() throws {
    // X = [[1, 2, 3, 4], [0, 1, 0, -1]]; Y = [[1, 0], [1, -1], [0.5, 0.5]]
    // [[np.correlate(X[n], Y[m], "valid") for m in range(3)] for n in range(2)]
    let x = try Tensor(rows: [[1, 2, 3, 4], [0, 1, 0, -1]]), y = try Tensor(rows: [[1, 0], [1, -1], [0.5, 0.5]])
    let expected = try Tensor(shape: [2, 3, 3], scalars: [1, 2, 3, -1, -1, -1, 1.5, 2.5, 3.5, 0, 1, 0, -1, 1, 1, 0.5, 0.5, -0.5])
    #expect(try Tensor.crossCorrelation(x, y) == expected)
    // [np.correlate(X[n], Y[n], "valid") for n in range(2)]: one filter per row.
    #expect(try Tensor.batchCrossCorrelation(x, y.indexed([.slice(start: 0, stop: 2, step: nil)])) == (try Tensor(rows: [[1, 2, 3], [-1, 1, 1]])))
  }

  /// batch_xcorr keeps the diagonal n = m of xcorr without computing the rest.
  @Test func batchXcorrIsTheDiagonalOfXcorr() throws {
    var generator = RandomGenerator(seed: 2)
    let x = try generator.normal([4, 6]), y = try generator.normal([4, 2])
    let all = try Tensor.crossCorrelation(x, y).transposed([2, 0, 1]).diagonalPart().transposed()
    expectClose(try Tensor.batchCrossCorrelation(x, y), all)
  }

  @Test(arguments: [([1, 1], [0, 0], [0, 0]), ([2, 1], [1, 2], [1, 2]), ([1, 2], [0, 1], [0, 1]), ([3, 2], [2, 0], [2, 0])])
  func conv2dMatchesNaiveLoops(stride: [Int], before: [Int], after: [Int]) throws {
    var generator = RandomGenerator(seed: 3)
    let x = try generator.normal([2, 3, 6, 5]), w = try generator.normal([4, 3, 3, 2])
    let y = try Tensor.convolution(x, w, stride: stride, padding: .explicit(before))
    expectClose(y, try naiveConv2d(x, w, stride: stride, before: before, after: after))
  }

  /// Convolutions whose products are large enough to run in blocks across the cores (each of
  /// the three products here is 663,552 multiply-adds): the forward still matches direct loops,
  /// and the two backward ops stay its adjoints.
  @Test func largeConvolutionsSplitAcrossCoresMatchDirectLoops() throws {
    var generator = RandomGenerator(seed: 9)
    let x = try generator.normal([1, 8, 26, 26]), w = try generator.normal([16, 8, 3, 3])
    #expect(16 * 24 * 24 * 8 * 3 * 3 / BLAS.multiplyAddsPerElement >= 2 * Parallel.grainSize)
    let g = try ConvolutionOptions().forward(2, input: x.shape, weight: w.shape)
    let y = try Tensor.convolution(x, w, geometry: g)
    expectClose(y, try naiveConv2d(x, w, stride: [1, 1], before: [0, 0], after: [0, 0]))
    let dy = try generator.normal(g.outputShape)
    let transposed = try Tensor.transposedConvolution(dy, w, geometry: g)
    #expect(abs(dot(y, dy) - dot(x, transposed)) < 1e-9)
    let filter = try Tensor.convolutionFilterGradient(x, dy, geometry: g)
    #expect(abs(dot(y, dy) - dot(w, filter)) < 1e-9)
  }

  /// padding="same" with an even kernel puts the extra zero at the end, as PyTorch does.
  @Test func samePaddingKeepsTheSizeWithTheExtraZeroAtTheEnd() throws {
    var generator = RandomGenerator(seed: 4)
    let x = try generator.normal([1, 2, 5, 4]), w = try generator.normal([3, 2, 4, 3])
    let y = try Tensor.convolution(x, w, padding: .same)
    #expect(y.shape == [1, 3, 5, 4])
    expectClose(y, try naiveConv2d(x, w, stride: [1, 1], before: [1, 1], after: [2, 1]))
  }

  @Test func conv1dMatchesNumPy() throws {
    // x = np.arange(10.).reshape(1, 2, 5); w = np.arange(12.).reshape(3, 2, 2) * 0.5 - 1
    // xp = np.pad(x, ((0, 0), (0, 0), (1, 1)))
    // y[0, o, i] = np.sum(xp[0, :, 2*i : 2*i + 2] * w[o])   (stride 2, padding 1)
    let x = try Tensor.arange(0, 10).reshaped([1, 2, 5])
    let w = try Tensor.arange(0, 12).reshaped([3, 2, 2]).map { $0 * 0.5 - 1 }
    let y = try Rule.conv1d.evaluate([x, w], Attributes([("stride", .int(2)), ("padding", .int(1))]))
    #expect(y == (try Tensor(shape: [1, 3, 3], scalars: [2.5, 1.5, -0.5, 12.5, 33.5, 47.5, 22.5, 65.5, 95.5])))
  }

  /// ⟨conv(x, w), g⟩ = ⟨x, conv_transpose(g, w)⟩ = ⟨w, conv_weight(x, g)⟩: the backward ops are the adjoints.
  @Test(arguments: [[1, 1], [2, 3], [2, 2]])
  func backwardOpsAreAdjoints(stride: [Int]) throws {
    var generator = RandomGenerator(seed: 5)
    let x = try generator.normal([2, 3, 7, 6]), w = try generator.normal([2, 3, 3, 2])
    let options = ConvolutionOptions(stride: stride, padding: .explicit([1, 0]))
    let g = try options.forward(2, input: x.shape, weight: w.shape)
    let dy = try generator.normal(g.outputShape)
    let y = try Tensor.convolution(x, w, geometry: g)
    let transposed = try Rule.convTranspose2d.evaluate(
      [dy, w], Attributes(ConvolutionOptions(stride: stride, padding: .explicit([1, 0]), outputPadding: g.outputPadding).attributes))
    #expect(transposed.shape == x.shape)
    #expect(abs(dot(y, dy) - dot(x, transposed)) < 1e-9)
    let filter = try Tensor.convolutionFilterGradient(x, dy, geometry: g)
    #expect(abs(dot(y, dy) - dot(w, filter)) < 1e-9)
  }

  /// Groups: each output channel sums over its own group's input channels (checked against direct loops),
  /// and the two backward ops stay the adjoints of the forward.
  @Test(arguments: [(2, [1, 1], [0, 0]), (3, [2, 1], [1, 0]), (6, [1, 2], [1, 1])])
  func groupsSplitTheChannels(groups: Int, stride: [Int], padding: [Int]) throws {
    var generator = RandomGenerator(seed: 11)
    let x = try generator.normal([2, 6, 5, 6]), w = try generator.normal([6, 6 / groups, 3, 2])
    let options = ConvolutionOptions(stride: stride, padding: .explicit(padding), groups: groups)
    let g = try options.forward(2, input: x.shape, weight: w.shape)
    let y = try Tensor.convolution(x, w, geometry: g)
    expectClose(y, try naiveConv2d(x, w, stride: stride, before: padding, after: padding, groups: groups))
    let dy = try generator.normal(g.outputShape)
    var transposedOptions = options
    transposedOptions.outputPadding = g.outputPadding
    let dx = try Rule.convTranspose2d.evaluate([dy, w], Attributes(transposedOptions.attributes))
    #expect(abs(dot(y, dy) - dot(x, dx)) < 1e-9)
    let dw = try Tensor.convolutionFilterGradient(x, dy, geometry: g)
    #expect(dw.shape == w.shape)
    #expect(abs(dot(y, dy) - dot(w, dw)) < 1e-9)
  }

  /// Dilation: taps `dilation` apart, checked against direct loops and as adjoints; "same" padding keeps the size.
  @Test(arguments: [([2, 1], [1, 1], [2, 0], 1), ([1, 3], [2, 1], [0, 3], 2), ([2, 2], [1, 2], [1, 1], 1)])
  func dilationSpacesTheTaps(dilation: [Int], stride: [Int], padding: [Int], groups: Int) throws {
    var generator = RandomGenerator(seed: 13)
    let x = try generator.normal([2, 2, 8, 9]), w = try generator.normal([2, 2 / groups, 3, 2])
    let options = ConvolutionOptions(stride: stride, padding: .explicit(padding), groups: groups, dilation: dilation)
    let g = try options.forward(2, input: x.shape, weight: w.shape)
    let y = try Tensor.convolution(x, w, geometry: g)
    expectClose(y, try naiveConv2d(x, w, stride: stride, before: padding, after: padding, groups: groups, dilation: dilation))
    let dy = try generator.normal(g.outputShape)
    var transposedOptions = options
    transposedOptions.outputPadding = g.outputPadding
    let dx = try Rule.convTranspose2d.evaluate([dy, w], Attributes(transposedOptions.attributes))
    #expect(dx.shape == x.shape)
    #expect(abs(dot(y, dy) - dot(x, dx)) < 1e-9)
    let dw = try Tensor.convolutionFilterGradient(x, dy, geometry: g)
    #expect(abs(dot(y, dy) - dot(w, dw)) < 1e-9)
    let same = try ConvolutionOptions(padding: .same, dilation: dilation).forward(2, input: x.shape, weight: [2, 2, 3, 2])
    #expect(same.outputSize == [8, 9])
  }

  /// One filter per signal, PyTorch's way: conv1d with groups=N over the signals as channels is batch_xcorr.
  @Test func depthwiseConv1dIsBatchXcorr() throws {
    var generator = RandomGenerator(seed: 12)
    let signals = try generator.normal([4, 9]), filters = try generator.normal([4, 3])
    let y = try Tensor.convolution(try signals.reshaped([1, 4, 9]), try filters.reshaped([4, 1, 3]), groups: 4)
    expectClose(try y.reshaped([4, 7]), try Tensor.batchCrossCorrelation(signals, filters))
  }

  @Test func groupsThatDoNotDivideTheChannelsAreErrors() throws {
    #expect(operandMessage { () throws(OperandError) in
      try ConvolutionGeometry(operation: "conv1d", spatialRank: 1, input: [1, 6, 5], weight: [4, 2, 3], stride: [1], padding: .valid, groups: 3)
    } == "conv1d: groups=3 must divide the 6 input channels and the 4 output channels")
    #expect(operandMessage { () throws(OperandError) in
      try ConvolutionGeometry(operation: "conv1d", spatialRank: 1, input: [1, 6, 5], weight: [4, 2, 3], stride: [1], padding: .valid, groups: 2)
    } == "conv1d: x has 6 channels (shape (1, 6, 5)) but w expects 2 per group, 4 in all (shape (4, 2, 3)): "
      + "w is (out_channels, in_channels / groups, K)")
    #expect(operandMessage { () throws(OperandError) in
      try ConvolutionGeometry(operation: "conv1d", spatialRank: 1, input: [1, 6, 5], weight: [4, 2, 3], stride: [1], padding: .valid, groups: 0)
    } == "conv1d: groups must be at least 1, got 0")
    #expect(operandMessage { () throws(OperandError) in
      try ConvolutionGeometry(
        operation: "conv_transpose1d", spatialRank: 1, gradient: [1, 4, 3], weight: [4, 1 << 40, 3], stride: [1], padding: .valid,
        outputPadding: [0], groups: 1 << 40)
    } == "conv_transpose1d: groups must be at least 1 and not absurdly large, got 1099511627776")
    #expect(operandMessage { () throws(OperandError) in
      try ConvolutionGeometry(operation: "conv1d", spatialRank: 1, input: [1, 1, 5], weight: [1, 1, 3], stride: [1], padding: .valid, dilation: [3])
    } == "conv1d: the kernel (3,) dilated by (3,) is larger than the input (5,)")
    #expect(operandMessage { () throws(OperandError) in
      try ConvolutionGeometry(operation: "conv1d", spatialRank: 1, input: [1, 1, 5], weight: [1, 1, 3], stride: [1], padding: .valid, dilation: [0])
    } == "conv1d: dilation must be at least 1, got (0,)")
  }

  /// The explanation's claim: dx is the full convolution of dy with the flipped filter.
  @Test func inputGradientIsAFullConvolutionWithTheFlippedFilter() throws {
    var generator = RandomGenerator(seed: 6)
    let x = Variable(try generator.normal([1, 2, 6])), w = Variable(try generator.normal([3, 2, 3]))
    let y = try Variable.convolution(x, w, spatialRank: 1)
    let dy = try generator.normal(y.shape)
    let dx = try gradients(of: y, wrt: [x], seed: .constant(dy))[0].value
    // Full convolution: dy padded by K - 1 = 2 on both sides, filters flipped and in/out channels swapped.
    let flipped = try w.value.indexed([.ellipsis, .slice(start: nil, stop: nil, step: -1)]).transposed([1, 0, 2])
    expectClose(dx, try Tensor.convolution(dy, flipped, padding: .explicit([2])))
  }

  @Test func gradientsFlowThroughConv2dAndAgainThroughItsBackward() throws {
    var generator = RandomGenerator(seed: 8)
    let values = [try generator.normal([1, 2, 5, 5]), try generator.normal([2, 2, 3, 3])]
    let options = ConvolutionOptions(stride: [2], padding: .explicit([1]))
    // L = Σ conv2d(x, w)²: its gradient dL/dx depends on w, so it has a derivative with respect to w.
    func loss(_ x: Variable, _ w: Variable) throws -> Variable {
      let y = try Variable.convolution(x, w, spatialRank: 2, options: options)
      return try (y * y).reduced(.sum)
    }
    let x = Variable(values[0]), w = Variable(values[1])
    let dx = try gradients(of: loss(x, w), wrt: [x], createGraph: true)[0].variable
    let mixed = try gradients(of: dx.reduced(.sum), wrt: [w])[0].value
    let numeric = try numericGradient(of: { (t: [Tensor]) throws -> Double in
      let (a, b) = (Variable(t[0]), Variable(t[1]))
      return try gradients(of: loss(a, b), wrt: [a])[0].value.scalars.reduce(0, +)
    }, at: values, wrt: 1)
    #expect(GradientCheckReport(autodiff: mixed, numeric: numeric).maxRelativeError < 1e-6)
  }

  @Test func mismatchedShapesAreErrorsThatNameThem() throws {
    #expect(operandMessage { () throws(OperandError) in
      try ConvolutionGeometry(operation: "conv2d", spatialRank: 2, input: [1, 3, 5, 5], weight: [4, 2, 3, 3], stride: [1], padding: .valid)
    } == "conv2d: x has 3 channels (shape (1, 3, 5, 5)) but w expects 2 (shape (4, 2, 3, 3)): w is (out_channels, in_channels, kh, kw)")
    #expect(operandMessage { () throws(OperandError) in
      try ConvolutionGeometry(operation: "conv2d", spatialRank: 2, input: [1, 1, 2, 5], weight: [1, 1, 3, 3], stride: [1], padding: .valid)
    } == "conv2d: the kernel (3, 3) is larger than the input (2, 5)")
    #expect(operandMessage { () throws(OperandError) in
      try ConvolutionGeometry(operation: "conv1d", spatialRank: 1, input: [2, 5], weight: [1, 1, 3], stride: [1], padding: .valid)
    } == "conv1d needs x of shape (N, C, L), got (2, 5)")
    #expect(throws: TensorError.self) { try Tensor.crossCorrelation(Tensor([1, 2]), Tensor([1])) }
    #expect(throws: TensorError.self) { try Tensor.batchCrossCorrelation(Tensor.zeros([2, 3]), Tensor.zeros([3, 2])) }
  }
}
