import Tensors

/// How far an autodiff gradient is from central finite differences.
public struct GradientCheckReport: Sendable {
  /// Largest |autodiff - numeric| over all elements.
  public let maxAbsoluteError: Double
  /// Largest |autodiff - numeric| / max(1, |numeric|): relative for large values, absolute near zero.
  public let maxRelativeError: Double
  /// Whether every compared element was finite.
  public let allFinite: Bool

  /// Compares two gradients of one shape element by element.
  public init(autodiff: Tensor, numeric: Tensor) {
    var absolute = 0.0, relative = 0.0, finite = true
    for (a, n) in zip(autodiff.scalars, numeric.scalars) {
      if !a.isFinite || !n.isFinite { finite = false }
      let difference = Swift.abs(a - n)
      absolute = Swift.max(absolute, difference)
      relative = Swift.max(relative, difference / Swift.max(1, Swift.abs(n)))
    }
    maxAbsoluteError = absolute
    maxRelativeError = relative
    allFinite = finite && autodiff.shape == numeric.shape
  }

  /// The worse of two reports.
  public func merged(with other: GradientCheckReport) -> GradientCheckReport {
    GradientCheckReport(
      absolute: Swift.max(maxAbsoluteError, other.maxAbsoluteError),
      relative: Swift.max(maxRelativeError, other.maxRelativeError),
      finite: allFinite && other.allFinite)
  }

  private init(absolute: Double, relative: Double, finite: Bool) {
    maxAbsoluteError = absolute
    maxRelativeError = relative
    allFinite = finite
  }
}

/// The gradient of a scalar function of several tensors with respect to input `index`,
/// by central differences: (f(x + h) - f(x - h)) / 2h, one element at a time.
public func numericGradient(
  of function: ([Tensor]) throws -> Double, at inputs: [Tensor], wrt index: Int, step: Double = 1e-5
) rethrows -> Tensor {
  var gradient = Tensor.zeros(like: inputs[index])
  var shifted = inputs
  for element in inputs[index].scalars.indices {
    let original = inputs[index].scalars[element]
    gradient[flat: element] = try centralDifference(at: original, step: step) { (x: Double) throws -> Double in
      shifted[index][flat: element] = x
      return try function(shifted)
    }
    shifted[index][flat: element] = original
  }
  return gradient
}

/// The derivative of `f` at `x` by central differences: (f(x + h) - f(x - h)) / 2h.
public func centralDifference(at x: Double, step h: Double, _ f: (Double) throws -> Double) rethrows -> Double {
  (try f(x + h) - f(x - h)) / (2 * h)
}

extension Sample {
  /// Input values drawn from each input's domain.
  public func makeInputs(using generator: inout RandomGenerator) throws(TensorError) -> [Tensor] {
    try inputs.map { (input: Input) throws(TensorError) -> Tensor in
      var tensor = try generator.uniform(input.shape)
      let count = tensor.count
      for i in 0..<count {
        let u = tensor.scalars[i]
        switch input.domain {
        case .real: tensor[flat: i] = 4 * u - 2
        case .positive: tensor[flat: i] = 0.5 + 1.5 * u
        case .awayFromZero: tensor[flat: i] = (u < 0.5 ? -1 : 1) * (0.3 + 3 * Swift.abs(u - 0.5))
        case .distinct: tensor[flat: i] = Double(i) * 0.7 - Double(count) * 0.3 + 0.2 * u
        case .mask: tensor[flat: i] = u < 0.5 ? 0 : 1
        }
      }
      if input.domain == .distinct {
        // Shuffle so that the maxima are not always at the end.
        var order = tensor.scalars
        order.shuffle(using: &generator)
        tensor = try Tensor(shape: tensor.shape, scalars: order)
      }
      return tensor
    }
  }

  /// Whether input `index` should receive a gradient.
  public func isDifferentiable(input index: Int) -> Bool {
    inputs[index].domain != .mask
  }
}

extension Rule {
  /// Checks this rule's backward at `sample` against finite differences of ⟨y, v⟩
  /// for a random direction v (a vector-Jacobian product check).
  public func check(at sample: Sample, using generator: inout RandomGenerator) throws -> GradientCheckReport {
    let values = try sample.makeInputs(using: &generator)
    let inputs = values.indices.map { Variable(values[$0], requiresGradient: sample.isDifferentiable(input: $0)) }
    let output = try apply(inputs, sample.attributes)
    let direction = try generator.normal(output.shape)
    let targets = inputs.filter(\.requiresGradient)
    let autodiff = try gradients(of: output, wrt: targets, seed: .constant(direction))
    var report = GradientCheckReport(autodiff: Tensor(0), numeric: Tensor(0))
    for (position, index) in values.indices.filter({ sample.isDifferentiable(input: $0) }).enumerated() {
      let numeric = try numericGradient(
        of: { (x: [Tensor]) throws -> Double in
          let y = try evaluate(x, sample.attributes)
          return zip(y.scalars, direction.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }, at: values, wrt: index)
      report = report.merged(with: GradientCheckReport(autodiff: autodiff[position].value, numeric: numeric))
    }
    return report
  }
}

/// Recomputes `output` with some leaves replaced by other values, re-running every
/// rule of its graph (the function that finite differences perturb).
///
/// Nodes that take no gradient (comparisons) keep their recorded values: they are
/// piecewise constant, so a small perturbation does not change them.
public func replay(_ output: Variable, replacing values: [ObjectIdentifier: Tensor]) throws(TensorError) -> Tensor {
  var computed = values
  for node in topologicalOrder(from: output) {
    guard let rule = node.rule else { continue }
    let inputs = node.inputs.map { computed[ObjectIdentifier($0)] ?? $0.value }
    computed[ObjectIdentifier(node)] = try rule.evaluate(inputs, node.attributes)
  }
  return computed[ObjectIdentifier(output)] ?? output.value
}
