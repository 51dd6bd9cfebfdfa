import Tensors

/// The parameters of a convolution, read from and written to a rule's attributes
/// with the language's keyword names: `stride`, `padding`, `output_padding`, `groups`, `dilation`, `kernel_size`.
///
/// Defaults are left out of the attributes, and one value stands for all axes, so a
/// graph reads back as the learner wrote it: `conv2d(x, w, stride=2, padding="same")`.
public struct ConvolutionOptions: Sendable, Hashable {
  public var stride: [Int]
  public var padding: ConvolutionPadding
  /// Extra rows/columns at the end of a transposed convolution's output (0 ≤ output_padding < stride).
  public var outputPadding: [Int]
  /// Independent channel groups: output group g sees only input group g (PyTorch's `groups`).
  public var groups: Int
  /// The spacing of the kernel's taps (PyTorch's `dilation`; 1: next to each other).
  public var dilation: [Int]

  public init(
    stride: [Int] = [1], padding: ConvolutionPadding = .explicit([0]), outputPadding: [Int] = [0], groups: Int = 1,
    dilation: [Int] = [1]
  ) {
    self.stride = stride
    self.padding = padding
    self.outputPadding = outputPadding
    self.groups = groups
    self.dilation = dilation
  }

  /// The options an application of a rule was made with.
  public init(_ attributes: Attributes) {
    stride = Self.integers(attributes["stride"]) ?? [1]
    outputPadding = Self.integers(attributes["output_padding"]) ?? [0]
    groups = attributes.int("groups") ?? 1
    dilation = Self.integers(attributes["dilation"]) ?? [1]
    switch attributes["padding"] {
    case .string("same")?: padding = .same
    case .string("valid")?: padding = .valid
    // Any other word is not a padding: -1 makes the geometry check refuse it.
    case .string?: padding = .explicit([-1])
    case let other: padding = .explicit(Self.integers(other) ?? [0])
    }
  }

  /// The attributes, defaults omitted: `stride=2`, `padding=(1, 0)`, `padding="same"`.
  public var attributes: [(name: String, value: Attribute)] {
    var entries: [(name: String, value: Attribute)] = []
    if stride.contains(where: { $0 != 1 }) { entries.append(("stride", Self.attribute(stride))) }
    switch padding {
    case .explicit(let sizes) where sizes.contains(where: { $0 != 0 }): entries.append(("padding", Self.attribute(sizes)))
    case .explicit: break
    case .valid: entries.append(("padding", .string("valid")))
    case .same: entries.append(("padding", .string("same")))
    }
    if outputPadding.contains(where: { $0 != 0 }) { entries.append(("output_padding", Self.attribute(outputPadding))) }
    if groups != 1 { entries.append(("groups", .int(groups))) }
    if dilation.contains(where: { $0 != 1 }) { entries.append(("dilation", Self.attribute(dilation))) }
    return entries
  }

  /// One integer when all axes agree, else the list.
  static func attribute(_ values: [Int]) -> Attribute {
    if let first = values.first, values.allSatisfy({ $0 == first }) { return .int(first) }
    return .ints(values)
  }

  static func integers(_ attribute: Attribute?) -> [Int]? {
    switch attribute {
    case .int(let v)?: [v]
    case .ints(let v)?: v
    default: nil
    }
  }

  // MARK: - Geometries of the three convolution ops

  /// The geometry of `conv{rank}d(x, w)` with these options.
  func forward(_ rank: Int, input: [Int], weight: [Int]) throws(TensorError) -> ConvolutionGeometry {
    try OperandError.checking { () throws(OperandError) in
      try ConvolutionGeometry(
        operation: "conv\(rank)d", spatialRank: rank, input: input, weight: weight, stride: stride, padding: padding,
        groups: groups, dilation: dilation)
    }
  }

  /// The geometry of `conv_transpose{rank}d(dy, w)`.
  func transposed(_ rank: Int, gradient: [Int], weight: [Int]) throws(TensorError) -> ConvolutionGeometry {
    try OperandError.checking { () throws(OperandError) in
      try ConvolutionGeometry(
        operation: "conv_transpose\(rank)d", spatialRank: rank, gradient: gradient, weight: weight, stride: stride,
        padding: padding, outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
  }

  /// The geometry of `conv{rank}d_weight(x, dy, kernel_size)`.
  func filterGradient(_ rank: Int, input: [Int], gradient: [Int], kernelSize: [Int]) throws(TensorError) -> ConvolutionGeometry {
    try OperandError.checking { () throws(OperandError) in
      try ConvolutionGeometry(
        operation: "conv\(rank)d_weight", spatialRank: rank, input: input, gradient: gradient, kernelSize: kernelSize,
        stride: stride, padding: padding, groups: groups, dilation: dilation)
    }
  }
}

extension ConvolutionGeometry {
  /// The `output_padding` that makes a transposed convolution give back this geometry's input size:
  /// the rows at the end that the stride stepped over, `(input + pads - extent) mod stride`.
  public var outputPadding: [Int] {
    inputSize.indices.map { (inputSize[$0] + padBefore[$0] + padAfter[$0] - extent($0)) % stride[$0] }
  }
}
