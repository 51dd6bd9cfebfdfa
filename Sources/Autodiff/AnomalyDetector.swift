import Synchronization
import Tensors

/// Anomaly mode (PyTorch's `detect_anomaly`): finds the first op whose forward, or whose
/// backward rule, turns finite numbers into NaN or infinity.
///
/// An op is an anomaly when it makes something its inputs did not have:
/// ```
/// forward:   NaN out of inputs without NaN,  or ±inf out of finite inputs
/// backward:  a non-finite gradient out of finite inputs, output and incoming gradient
/// ```
/// so the report names where the trouble starts (`log` at 0, a `divide` by 0), not every
/// op that later carries it along. Only the first anomaly is kept.
///
/// A detector watches the ops run inside `watch(_:)`. It reaches `Rule.apply` and the
/// backward walk through a task-local binding rather than a global: the binding exists
/// only while its owner (the interpreter) runs a statement, on that thread. A process-wide
/// count of watching detectors lets an op skip even that read when none is watching.
public final class AnomalyDetector: @unchecked Sendable {
  // @unchecked: a detector is bound with `withValue` and used synchronously on the thread
  // that bound it; Backstep evaluates on one thread and starts no tasks that could inherit it.

  /// The detector watching the ops being run, if any.
  @TaskLocal static var current: AnomalyDetector?

  /// How many detectors are watching now, in any thread.
  private static let watching = Atomic<Int>(0)

  /// Whether any detector is watching: when not, ops need not look for ``current``.
  static var isWatching: Bool { watching.load(ordering: .relaxed) > 0 }

  /// The first anomaly found since the last `reset()`.
  public private(set) var report: AnomalyReport?
  /// While a backward rule runs, the ops it applies are the rule's business, not new forwards.
  private var insideBackward = false

  public init() {}

  /// Forgets the last report.
  public func reset() {
    report = nil
  }

  /// Runs `body` with this detector watching every op it applies and every backward walk.
  public func watch<T, Failure: Error>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
    Self.watching.add(1, ordering: .relaxed)
    defer { Self.watching.subtract(1, ordering: .relaxed) }
    let result: Result<T, Failure> = Self.$current.withValue(self) {
      do throws(Failure) {
        return .success(try body())
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  // MARK: - Checks

  /// Called by `Rule.apply` after a forward.
  func inspectForward(_ rule: Rule, inputs: [Variable], output: Tensor) {
    guard report == nil, !insideBackward else { return }
    let made = Finiteness(output)
    guard !made.isFinite else { return }
    let given = inputs.map { Finiteness($0.value) }
    let inputsFinite = given.allSatisfy(\.isFinite)
    let inputsHaveNaN = given.contains(where: \.hasNaN)
    guard inputsFinite || (made.hasNaN && !inputsHaveNaN) else { return }
    report = AnomalyReport(
      rule: rule.name, pass: .forward, produced: inputsFinite ? made.kinds : ["NaN"],
      fromFiniteValues: inputsFinite, affected: made.nonFinite, total: output.count,
      inputs: inputs.map { AnomalyReport.ValueRange($0.value) }, incoming: nil, gradientOfInput: nil)
  }

  /// Runs the backward rule of `node`, then checks the gradients it sent.
  func inspectBackward(
    of node: Variable, rule: Rule, context: BackwardContext,
    running backward: (BackwardContext) throws(TensorError) -> [Variable?]
  ) throws(TensorError) -> [Variable?] {
    let outer = insideBackward
    insideBackward = true
    defer { insideBackward = outer }
    let contributions = try backward(context)
    guard report == nil, !outer else { return contributions }
    let inputsFinite = node.inputs.allSatisfy { Finiteness($0.value).isFinite }
    guard inputsFinite, Finiteness(node.value).isFinite, Finiteness(context.upstream.value).isFinite else {
      return contributions
    }
    for (index, contribution) in contributions.enumerated() {
      guard let gradient = contribution?.value else { continue }
      let made = Finiteness(gradient)
      guard !made.isFinite else { continue }
      report = AnomalyReport(
        rule: rule.name, pass: .backward, produced: made.kinds, fromFiniteValues: true,
        affected: made.nonFinite, total: gradient.count, inputs: node.inputs.map { AnomalyReport.ValueRange($0.value) },
        incoming: AnomalyReport.ValueRange(context.upstream.value), gradientOfInput: index)
      break
    }
    return contributions
  }
}

/// Which non-finite values a tensor holds, counted in one pass.
private struct Finiteness {
  var hasNaN = false, hasPositiveInfinity = false, hasNegativeInfinity = false
  var nonFinite = 0

  init(_ tensor: Tensor) {
    for x in tensor.scalars where !x.isFinite {
      nonFinite += 1
      if x.isNaN { hasNaN = true } else if x > 0 { hasPositiveInfinity = true } else { hasNegativeInfinity = true }
    }
  }

  var isFinite: Bool { nonFinite == 0 }
  /// `["NaN", "inf"]`: what is there, in a fixed order.
  var kinds: [String] {
    [(hasNaN, "NaN"), (hasPositiveInfinity, "inf"), (hasNegativeInfinity, "-inf")].filter(\.0).map(\.1)
  }
}

/// The first op found making NaN or infinity, and what it was given.
public struct AnomalyReport: Sendable, Equatable, CustomStringConvertible {
  public enum Pass: String, Sendable {
    case forward, backward
  }

  /// The smallest and largest value of a tensor (NaN left out), and its shape.
  public struct ValueRange: Sendable, Equatable, CustomStringConvertible {
    public let shape: [Int]
    public let minimum: Double?
    public let maximum: Double?
    public let hasNaN: Bool

    init(_ tensor: Tensor) {
      shape = tensor.shape
      let numbers = tensor.scalars.filter { !$0.isNaN }
      minimum = numbers.min()
      maximum = numbers.max()
      hasNaN = numbers.count < tensor.count
    }

    /// `() in [0, 0]`, `(2, 3) in [-1.5, 2] with NaN`, `(0,) empty`.
    public var description: String {
      let shapeText = Shape.text(shape)
      guard let minimum, let maximum else { return shape.contains(0) ? "\(shapeText) empty" : "\(shapeText) all NaN" }
      return "\(shapeText) in [\(Tensor.formatScalar(minimum)), \(Tensor.formatScalar(maximum))]" + (hasNaN ? " with NaN" : "")
    }
  }

  /// The rule's name (`subtract`, `log`).
  public let rule: String
  public let pass: Pass
  /// The non-finite kinds made: `NaN`, `inf`, `-inf`.
  public let produced: [String]
  /// True when every input was finite; false when they held infinities but no NaN.
  public let fromFiniteValues: Bool
  /// How many elements of the result are not finite, of how many.
  public let affected: Int
  public let total: Int
  /// The forward inputs of the op.
  public let inputs: [ValueRange]
  /// The gradient that arrived from above (backward only).
  public let incoming: ValueRange?
  /// Which input's gradient went wrong, from 0 (backward only).
  public let gradientOfInput: Int?

  /// One line: the op, what it made, from what, and the ranges of what it was given.
  public var description: String {
    let made = produced.joined(separator: " and ")
    let from = fromFiniteValues ? "finite inputs" : "inputs without NaN"
    let counts = "at \(affected) of \(total) element\(total == 1 ? "" : "s")"
    let given = (inputs.count == 1 ? "input: " : "inputs: ") + inputs.map(\.description).joined(separator: ", ")
    switch pass {
    case .forward:
      return "`\(rule)` produced \(made) from \(from), \(counts); \(given)"
    case .backward:
      // In words: "input 1" would read as 0-based (the exponent of a power, not its base).
      let ordinals = ["first", "second", "third", "fourth", "fifth"]
      let index = gradientOfInput ?? 0
      let which = inputs.count == 1 ? "its input"
        : index < ordinals.count ? "its \(ordinals[index]) input" : "its input number \(index + 1), counted from 1"
      return "the backward of `\(rule)` produced \(made) in the gradient of \(which) from finite values, \(counts); "
        + "\(given); incoming gradient: \(incoming?.description ?? "none")"
    }
  }
}
