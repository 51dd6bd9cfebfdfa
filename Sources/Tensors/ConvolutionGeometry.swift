/// How a convolution pads its input, as PyTorch spells it.
public enum ConvolutionPadding: Sendable, Hashable {
  /// The same number of zeros on both sides of each spatial axis.
  case explicit([Int])
  /// No padding.
  case valid
  /// Enough zeros for the output to keep the input's size (stride 1 only); with an
  /// even kernel the extra zero goes at the end, as in PyTorch.
  case same
}

/// The sizes of one convolution, checked against each other:
/// x (N, C, *input) ⋆ w (O, C/groups, *kernel) → y (N, O, *output), PyTorch's layout.
///
/// For every spatial axis `output = (input + before + after - extent) / stride + 1`
/// (rounded down), where a kernel of size k dilated by d spans `extent = (k - 1)·d + 1`
/// (its taps d apart). With `groups` G, the channels split into G groups, and output channel
/// group g sees only input channel group g (G = C: one filter per channel, "depthwise").
/// One geometry describes the forward, the input gradient (transposed convolution) and
/// the filter gradient: they share their sizes.
public struct ConvolutionGeometry: Sendable, Equatable {
  public let batch: Int
  public let inChannels: Int
  public let outChannels: Int
  public let inputSize: [Int]
  public let kernelSize: [Int]
  public let stride: [Int]
  /// Zeros added before each spatial axis.
  public let padBefore: [Int]
  /// Zeros added after each spatial axis.
  public let padAfter: [Int]
  public let outputSize: [Int]
  /// How many independent channel groups (1: every output channel sees every input channel).
  public let groups: Int
  /// The spacing of the kernel's taps along each spatial axis (1: next to each other).
  public let dilation: [Int]

  /// How far the kernel reaches along `axis`: its taps and the gaps between them.
  public func extent(_ axis: Int) -> Int { Self.extent(kernelSize[axis], dilation: dilation[axis]) }

  /// The inputs a kernel of `size` taps, `dilation` apart, spans: `(size - 1)·dilation + 1`.
  static func extent(_ size: Int, dilation: Int) -> Int { (size - 1) * dilation + 1 }

  /// x (N, C, *input).
  public var inputShape: [Int] { [batch, inChannels] + inputSize }
  /// w (O, C/groups, *kernel).
  public var weightShape: [Int] { [outChannels, inChannels / groups] + kernelSize }
  /// y (N, O, *output).
  public var outputShape: [Int] { [batch, outChannels] + outputSize }
  /// The number of spatial axes (1 for conv1d, 2 for conv2d).
  public var spatialRank: Int { inputSize.count }
  /// Multiply-adds of the forward: every output element sums (C/groups)·∏kernel products.
  public var multiplyAdds: Double {
    Double(Shape.product(outputShape)) * Double(inChannels / groups * Shape.product(kernelSize))
  }

  /// Layouts in messages: x (N, C, L) or (N, C, H, W), w (O, C, K) or (O, C, kh, kw), dy (N, O, …).
  static func layout(_ rank: Int, _ operand: String) -> String {
    let spatial = operand == "w" ? (rank == 1 ? "K" : "kh, kw") : (rank == 1 ? "L" : "H, W")
    switch operand {
    case "w": return "(O, C, \(spatial))"
    case "dy": return "(N, O, \(spatial))"
    default: return "(N, C, \(spatial))"
    }
  }

  /// Checks that every operand has 2 + `rank` axes.
  static func checkRanks(_ operation: String, _ operands: [(String, [Int])], rank: Int) throws(OperandError) {
    for (name, shape) in operands where shape.count != rank + 2 {
      throw .rank(operation, name, shape, layout: layout(rank, name))
    }
  }

  // MARK: - The forward

  /// The geometry of `conv(x, w, stride, padding, groups)`, or an error naming the shapes.
  public init(
    operation: String, spatialRank rank: Int, input x: [Int], weight w: [Int], stride: [Int], padding: ConvolutionPadding,
    groups: Int = 1, dilation: [Int] = [1]
  ) throws(OperandError) {
    try Self.checkRanks(operation, [("x", x), ("w", w)], rank: rank)
    try Self.checkGroups(operation, groups, inChannels: x[1], outChannels: w[0])
    guard try Self.channels(operation, w[1], groups: groups) == x[1] else {
      let expected = groups == 1 ? "\(w[1])" : "\(w[1]) per group, \(w[1] * groups) in all"
      throw OperandError(
        "\(operation): x has \(x[1]) channels (shape \(Shape.text(x))) but w expects \(expected) (shape \(Shape.text(w))): "
          + "w is (out_channels, in_channels\(groups == 1 ? "" : " / groups"), \(rank == 1 ? "K" : "kh, kw"))",
        fallback: .matmulMismatch(lhs: [w[0], Shape.product(Array(w[1...]))], rhs: [Shape.product(Array(x[1...])), 1]))
    }
    let kernel = Array(w[2...])
    let strides = try Self.checkedStride(operation, stride, rank: rank)
    let dilations = try Self.checkedDilation(operation, dilation, kernel: kernel, rank: rank)
    let (before, after) = try Self.resolve(operation, padding, kernel: kernel, dilation: dilations, stride: strides)
    try self.init(
      operation: operation, batch: x[0], inChannels: x[1], outChannels: w[0], inputSize: Array(x[2...]),
      kernelSize: kernel, stride: strides, padBefore: before, padAfter: after, groups: groups, dilation: dilations)
  }

  /// Checks that the padded input holds the kernel and computes the output size.
  init(
    operation: String, batch: Int, inChannels: Int, outChannels: Int, inputSize: [Int], kernelSize: [Int],
    stride: [Int], padBefore: [Int], padAfter: [Int], groups: Int, dilation: [Int]
  ) throws(OperandError) {
    var output: [Int] = []
    for axis in inputSize.indices {
      guard kernelSize[axis] >= 1 else {
        throw OperandError(
          "\(operation): the kernel \(Shape.text(kernelSize)) is empty: every kernel size must be at least 1",
          fallback: .negativeDimension(kernelSize))
      }
      let padded = inputSize[axis] + padBefore[axis] + padAfter[axis]
      let extent = Self.extent(kernelSize[axis], dilation: dilation[axis])
      guard padded >= extent else {
        let shown = Shape.text(inputSize) + (padBefore == [Int](repeating: 0, count: padBefore.count) && padAfter == padBefore
          ? "" : " padded by \(Shape.text(padBefore)) before and \(Shape.text(padAfter)) after")
        let kernel = dilation.allSatisfy({ $0 == 1 })
          ? "the kernel \(Shape.text(kernelSize))"
          : "the kernel \(Shape.text(kernelSize)) dilated by \(Shape.text(dilation))"
        throw OperandError(
          "\(operation): \(kernel) is larger than the input \(shown)",
          fallback: .negativeDimension([batch, outChannels] + [padded - extent]))
      }
      output.append((padded - extent) / stride[axis] + 1)
    }
    self.batch = batch
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.inputSize = inputSize
    self.kernelSize = kernelSize
    self.stride = stride
    self.padBefore = padBefore
    self.padAfter = padAfter
    self.outputSize = output
    self.groups = groups
    self.dilation = dilation
  }

  // MARK: - The backward operations

  /// The geometry of the transposed convolution `conv_transpose(dy, w, …)`: the x of the
  /// forward whose output gradient is dy, `output_padding` choosing among the input sizes
  /// that a stride maps to one output size.
  public init(
    operation: String, spatialRank rank: Int, gradient dy: [Int], weight w: [Int], stride: [Int],
    padding: ConvolutionPadding, outputPadding: [Int], groups: Int = 1, dilation: [Int] = [1]
  ) throws(OperandError) {
    try Self.checkRanks(operation, [("dy", dy), ("w", w)], rank: rank)
    let inChannels = try Self.channels(operation, w[1], groups: groups)
    try Self.checkGroups(operation, groups, inChannels: inChannels, outChannels: w[0])
    guard w[0] == dy[1] else {
      throw OperandError(
        "\(operation): dy has \(dy[1]) channels (shape \(Shape.text(dy))) but w has \(w[0]) output channels "
          + "(shape \(Shape.text(w))): w is the forward's filter (out_channels, in_channels, …)",
        fallback: .matmulMismatch(lhs: [w[0], Shape.product(Array(w[1...]))], rhs: [dy[1], 1]))
    }
    let kernel = Array(w[2...])
    let strides = try Self.checkedStride(operation, stride, rank: rank)
    let dilations = try Self.checkedDilation(operation, dilation, kernel: kernel, rank: rank)
    let extra = try Self.expand(operation, "output_padding", outputPadding, rank: rank)
    for axis in 0..<rank where extra[axis] < 0 || extra[axis] >= strides[axis] {
      throw OperandError(
        "\(operation): output_padding \(Shape.text(extra)) must be at least 0 and smaller than the stride \(Shape.text(strides))",
        fallback: .negativeDimension(extra))
    }
    let (before, after) = try Self.resolve(operation, padding, kernel: kernel, dilation: dilations, stride: strides)
    var size: [Int] = []
    for axis in 0..<rank {
      guard dy[axis + 2] < Self.sizeBound else {
        throw OperandError("\(operation): dy \(Shape.text(dy)) is too large", fallback: .negativeDimension(dy))
      }
      let extent = Self.extent(kernel[axis], dilation: dilations[axis])
      let length = (dy[axis + 2] - 1) * strides[axis] - before[axis] - after[axis] + extent + extra[axis]
      guard length >= 1, dy[axis + 2] >= 1 else {
        throw OperandError(
          "\(operation): dy \(Shape.text(dy)) with kernel \(Shape.text(kernel)), stride \(Shape.text(strides)) "
            + "and padding \(Shape.text(before)) gives an empty input",
          fallback: .negativeDimension([dy[0], w[1], length]))
      }
      size.append(length)
    }
    try self.init(
      operation: operation, batch: dy[0], inChannels: inChannels, outChannels: w[0], inputSize: size,
      kernelSize: kernel, stride: strides, padBefore: before, padAfter: after, groups: groups, dilation: dilations)
  }

  /// The geometry of the filter gradient `conv_weight(x, dy, kernel_size, …)`.
  public init(
    operation: String, spatialRank rank: Int, input x: [Int], gradient dy: [Int], kernelSize: [Int], stride: [Int],
    padding: ConvolutionPadding, groups: Int = 1, dilation: [Int] = [1]
  ) throws(OperandError) {
    try Self.checkRanks(operation, [("x", x), ("dy", dy)], rank: rank)
    try Self.checkGroups(operation, groups, inChannels: x[1], outChannels: dy[1])
    guard dy[0] == x[0] else {
      throw OperandError(
        "\(operation): x \(Shape.text(x)) and dy \(Shape.text(dy)) have different batch sizes",
        fallback: .broadcast(lhs: x, rhs: dy, axis: -x.count))
    }
    let kernel = try Self.expand(operation, "kernel_size", kernelSize, rank: rank)
    let strides = try Self.checkedStride(operation, stride, rank: rank)
    let dilations = try Self.checkedDilation(operation, dilation, kernel: kernel, rank: rank)
    let (before, after) = try Self.resolve(operation, padding, kernel: kernel, dilation: dilations, stride: strides)
    try self.init(
      operation: operation, batch: x[0], inChannels: x[1], outChannels: dy[1], inputSize: Array(x[2...]),
      kernelSize: kernel, stride: strides, padBefore: before, padAfter: after, groups: groups, dilation: dilations)
    guard outputSize == Array(dy[2...]) else {
      throw OperandError(
        "\(operation): x \(Shape.text(x)) with kernel \(Shape.text(kernel)) gives outputs of size \(Shape.text(outputSize)), "
          + "but dy is \(Shape.text(dy))",
        fallback: .broadcast(lhs: outputShape, rhs: dy, axis: -1))
    }
  }

  // MARK: - Parameters

  /// One value per spatial axis from one value or a list of them.
  static func expand(_ operation: String, _ name: String, _ values: [Int], rank: Int) throws(OperandError) -> [Int] {
    // Sizes past a billion fit no tensor; refusing them keeps the size arithmetic far from overflow.
    for value in values where Swift.abs(value) > 1_000_000_000 {
      throw OperandError("\(operation): \(name) \(Shape.text(values)) is too large", fallback: .negativeDimension(values))
    }
    if values.count == 1 { return [Int](repeating: values[0], count: rank) }
    guard values.count == rank else {
      throw OperandError(
        "\(operation): \(name) needs 1 or \(rank) values, got \(values.count)", fallback: .tooManyIndices(given: values.count, rank: rank))
    }
    return values
  }

  /// The input channels of `groups` groups of `perGroup` channels each.
  static func channels(_ operation: String, _ perGroup: Int, groups: Int) throws(OperandError) -> Int {
    let (channels, overflow) = perGroup.multipliedReportingOverflow(by: groups)
    guard groups >= 1, !overflow else {
      throw OperandError("\(operation): groups must be at least 1 and not absurdly large, got \(groups)", fallback: .negativeDimension([groups]))
    }
    return channels
  }

  /// Checks that `groups` is at least 1 and divides both channel counts.
  static func checkGroups(_ operation: String, _ groups: Int, inChannels: Int, outChannels: Int) throws(OperandError) {
    guard groups >= 1 else {
      throw OperandError("\(operation): groups must be at least 1, got \(groups)", fallback: .negativeDimension([groups]))
    }
    guard inChannels % groups == 0, outChannels % groups == 0 else {
      throw OperandError(
        "\(operation): groups=\(groups) must divide the \(inChannels) input channels and the \(outChannels) output channels",
        fallback: .reshape(from: [inChannels, outChannels], to: [groups]))
    }
  }

  /// Sizes past this fit no tensor: a kernel that reaches further, or an output gradient this
  /// long, is refused, which keeps the size arithmetic from overflowing.
  static let sizeBound = 1 << 40

  /// One dilation per spatial axis, each at least 1, with which `kernel` stays within ``sizeBound``.
  static func checkedDilation(_ operation: String, _ dilation: [Int], kernel: [Int], rank: Int) throws(OperandError) -> [Int] {
    let dilations = try expand(operation, "dilation", dilation, rank: rank)
    guard dilations.allSatisfy({ $0 >= 1 }) else {
      throw OperandError("\(operation): dilation must be at least 1, got \(Shape.text(dilations))", fallback: .zeroStep)
    }
    for (size, d) in zip(kernel, dilations) {
      let (reach, overflow) = (size - 1).multipliedReportingOverflow(by: d)
      guard !overflow, reach < sizeBound else {
        throw OperandError("\(operation): the kernel \(Shape.text(kernel)) is too large", fallback: .negativeDimension(kernel))
      }
    }
    return dilations
  }

  static func checkedStride(_ operation: String, _ stride: [Int], rank: Int) throws(OperandError) -> [Int] {
    let strides = try expand(operation, "stride", stride, rank: rank)
    guard strides.allSatisfy({ $0 >= 1 }) else {
      throw OperandError("\(operation): stride must be at least 1, got \(Shape.text(strides))", fallback: .zeroStep)
    }
    return strides
  }

  /// Zeros before and after each spatial axis.
  static func resolve(
    _ operation: String, _ padding: ConvolutionPadding, kernel: [Int], dilation: [Int], stride: [Int]
  ) throws(OperandError) -> ([Int], [Int]) {
    switch padding {
    case .valid:
      let zeros = [Int](repeating: 0, count: kernel.count)
      return (zeros, zeros)
    case .explicit(let sizes):
      let pads = try expand(operation, "padding", sizes, rank: kernel.count)
      guard pads.allSatisfy({ $0 >= 0 }) else {
        throw OperandError("\(operation): padding must be at least 0, got \(Shape.text(pads))", fallback: .negativeDimension(pads))
      }
      return (pads, pads)
    case .same:
      guard stride.allSatisfy({ $0 == 1 }) else {
        throw OperandError(
          "\(operation): padding=\"same\" needs stride 1 (as in PyTorch), got stride \(Shape.text(stride))",
          fallback: .zeroStep)
      }
      // The kernel's extent less one: what "same" pads in all along an axis.
      let total = zip(kernel, dilation).map { extent($0, dilation: $1) - 1 }
      let before = total.map { $0 / 2 }
      return (before, zip(total, before).map { $0 - $1 })
    }
  }
}
