import Tensors

// The differentiable operations, as Swift API. Each one applies a rule from the
// rule book; backward rules are written with these same operations, so a
// backward pass can itself be recorded.

// MARK: - Arithmetic

extension Variable {
  public static func + (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable { try Rule.add.apply(lhs, rhs) }
  public static func - (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable { try Rule.subtract.apply(lhs, rhs) }
  public static func * (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable { try Rule.multiply.apply(lhs, rhs) }
  public static func / (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable { try Rule.divide.apply(lhs, rhs) }
  public static func % (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable { try Rule.remainder.apply(lhs, rhs) }
  /// `lhs // rhs`, Python's and NumPy's floor division.
  public static func floorDivide(_ lhs: Variable, _ rhs: Variable) throws(TensorError) -> Variable {
    try Rule.floorDivide.apply(lhs, rhs)
  }
  public static prefix func - (operand: Variable) throws(TensorError) -> Variable { try Rule.negate.apply(operand) }

  public static func + (lhs: Double, rhs: Variable) throws(TensorError) -> Variable { try .constant(lhs) + rhs }
  public static func - (lhs: Double, rhs: Variable) throws(TensorError) -> Variable { try .constant(lhs) - rhs }
  public static func * (lhs: Double, rhs: Variable) throws(TensorError) -> Variable { try .constant(lhs) * rhs }
  public static func * (lhs: Variable, rhs: Double) throws(TensorError) -> Variable { try lhs * .constant(rhs) }
  public static func / (lhs: Variable, rhs: Double) throws(TensorError) -> Variable { try lhs / .constant(rhs) }

  /// `self ** exponent`, element-wise.
  public func power(_ exponent: Variable) throws(TensorError) -> Variable { try Rule.power.apply(self, exponent) }
  public func power(_ exponent: Double) throws(TensorError) -> Variable { try power(.constant(exponent)) }
}

// MARK: - Comparisons (0/1 results, no gradient)

extension Variable {
  public static func > (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable { try Rule.greater.apply(lhs, rhs) }
  public static func >= (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable { try Rule.greaterEqual.apply(lhs, rhs) }
  public static func < (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable { try Rule.less.apply(lhs, rhs) }
  public static func <= (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable { try Rule.lessEqual.apply(lhs, rhs) }
  public func equals(_ other: Variable) throws(TensorError) -> Variable { try Rule.equal.apply(self, other) }
  public func notEquals(_ other: Variable) throws(TensorError) -> Variable { try Rule.notEqual.apply(self, other) }
  public static func > (lhs: Variable, rhs: Double) throws(TensorError) -> Variable { try lhs > .constant(rhs) }
}

// MARK: - Element-wise functions

extension Variable {
  public func exp() throws(TensorError) -> Variable { try Rule.exp.apply(self) }
  public func log() throws(TensorError) -> Variable { try Rule.log.apply(self) }
  public func sqrt() throws(TensorError) -> Variable { try Rule.sqrt.apply(self) }
  public func abs() throws(TensorError) -> Variable { try Rule.abs.apply(self) }
  public func sign() throws(TensorError) -> Variable { try Rule.sign.apply(self) }
  public func sin() throws(TensorError) -> Variable { try Rule.sin.apply(self) }
  public func cos() throws(TensorError) -> Variable { try Rule.cos.apply(self) }
  public func tanh() throws(TensorError) -> Variable { try Rule.tanh.apply(self) }
  public func sigmoid() throws(TensorError) -> Variable { try Rule.sigmoid.apply(self) }
  public func relu() throws(TensorError) -> Variable { try Rule.relu.apply(self) }

  /// Picks `lhs` where `condition` is nonzero, `rhs` elsewhere (broadcasting all three).
  public static func select(_ condition: Variable, _ lhs: Variable, _ rhs: Variable) throws(TensorError) -> Variable {
    try Rule.where.apply([condition, lhs, rhs])
  }
}

// MARK: - Matrix product

extension Variable {
  /// NumPy's `matmul`; the flags swap the last two axes of an operand without copying it.
  public static func matmul(
    _ lhs: Variable, _ rhs: Variable, transposeLHS: Bool = false, transposeRHS: Bool = false
  ) throws(TensorError) -> Variable {
    var entries: [(name: String, value: Attribute)] = []
    if transposeLHS && lhs.value.rank > 1 { entries.append(("transposeLHS", .bool(true))) }
    if transposeRHS && rhs.value.rank > 1 { entries.append(("transposeRHS", .bool(true))) }
    return try Rule.matmul.apply(lhs, rhs, Attributes(entries))
  }
}

// MARK: - Reductions

extension Variable {
  /// Sum, mean, max or min over `axes` (all when `nil`).
  public func reduced(_ kind: ReductionKind, axes: [Int]? = nil, keepDims: Bool = false) throws(TensorError) -> Variable {
    var entries: [(name: String, value: Attribute)] = []
    if let axes { entries.append(("axis", .ints(axes))) }
    if keepDims { entries.append(("keepdims", .bool(true))) }
    let rule: Rule
    switch kind {
    case .sum: rule = .sum
    case .mean: rule = .mean
    case .max: rule = .max
    case .min: rule = .min
    }
    return try rule.apply(self, Attributes(entries))
  }

  /// Sums the axes along which a tensor of `shape` was broadcast to this one's shape.
  ///
  /// Broadcasting's backward: axes stretched in the forward are summed in the backward.
  public func summed(toShape shape: [Int]) throws(TensorError) -> Variable {
    if self.shape == shape { return self }
    let axes = Shape.stretchedAxes(from: shape, to: self.shape)
    let kept = try reduced(.sum, axes: axes, keepDims: true)
    return kept.shape == shape ? kept : try kept.reshaped(shape)
  }
}

// MARK: - Shapes

extension Variable {
  public func reshaped(_ shape: [Int]) throws(TensorError) -> Variable {
    try Rule.reshape.apply(self, Attributes([("shape", .ints(shape))]))
  }

  /// The axes permuted (all reversed when `nil`).
  public func transposed(_ permutation: [Int]? = nil) throws(TensorError) -> Variable {
    try Rule.transpose.apply(self, permutation.map { Attributes([("axes", .ints($0))]) } ?? .none)
  }

  public func expandingDims(at axis: Int) throws(TensorError) -> Variable {
    try Rule.expandDims.apply(self, Attributes([("axis", .int(axis))]))
  }

  public func squeezed(axes: [Int]? = nil) throws(TensorError) -> Variable {
    try Rule.squeeze.apply(self, axes.map { Attributes([("axis", .ints($0))]) } ?? .none)
  }

  public func broadcast(to shape: [Int]) throws(TensorError) -> Variable {
    try Rule.broadcastTo.apply(self, Attributes([("shape", .ints(shape))]))
  }
}

// MARK: - Indexing and joining

extension Variable {
  /// `x[items]`.
  public func indexed(_ items: [IndexItem]) throws(TensorError) -> Variable {
    try Rule.index.apply(self, Attributes([("index", .index(items))]))
  }

  /// A copy with `values` written at `items` (``Rule/put``).
  public func putting(_ values: Variable, at items: [IndexItem]) throws(TensorError) -> Variable {
    try Rule.put.apply(self, values, Attributes([("index", .index(items))]))
  }

  /// Adds this tensor into zeros of `shape` at the positions `items` selects (the backward of indexing).
  public func scattered(into shape: [Int], at items: [IndexItem]) throws(TensorError) -> Variable {
    try Rule.scatter.apply(self, Attributes([("shape", .ints(shape)), ("index", .index(items))]))
  }

  public static func concatenate(_ parts: [Variable], axis: Int) throws(TensorError) -> Variable {
    try Rule.concat.apply(parts, Attributes([("axis", .int(axis))]))
  }

  public static func stack(_ parts: [Variable], axis: Int) throws(TensorError) -> Variable {
    try Rule.stack.apply(parts, Attributes([("axis", .int(axis))]))
  }
}
