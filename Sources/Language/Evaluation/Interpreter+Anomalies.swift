import Autodiff
import Tensors

/// What anomaly mode keeps while a statement runs: the detector the ops report to,
/// and where in the statement the first anomaly surfaced.
final class AnomalyWatch {
  let detector = AnomalyDetector()
  /// The innermost expression of the statement that had finished when the anomaly was found.
  var location: SourceRange?

  func reset() {
    detector.reset()
    location = nil
  }

  static let prefix = "anomaly: "

  /// Whether `error` is this anomaly's error, perhaps with the loop iteration added.
  func isReported(by error: EvaluationError) -> Bool {
    detector.report != nil && error.message.hasPrefix(Self.prefix)
  }

  /// The anomaly as an error on the statement, if one was found.
  func error(fallback: SourceRange) -> EvaluationError? {
    guard let report = detector.report else { return nil }
    return EvaluationError(
      Self.prefix + report.description, at: location ?? fallback,
      hint: "anomaly mode stops at the first op that turns finite numbers into NaN or infinity; "
        + "`:set anomaly off` lets them through")
  }
}

extension Interpreter {
  /// Anomaly mode: a statement in which an op's forward or backward first turns finite
  /// numbers into NaN or infinity fails there, with the op's rule and its inputs' ranges,
  /// and leaves the variables as they were. Off by default.
  public var detectsAnomalies: Bool {
    get { anomalyWatch != nil }
    set {
      if newValue != detectsAnomalies { anomalyWatch = newValue ? AnomalyWatch() : nil }
    }
  }

  /// Runs a top-level statement under the anomaly detector when anomaly mode is on.
  func detectingAnomalies<T>(
    in statement: Statement, _ body: (Statement) throws(EvaluationError) -> T
  ) throws(EvaluationError) -> T {
    guard let watch = anomalyWatch else { return try body(statement) }
    watch.reset()
    defer { watch.reset() }
    do throws(EvaluationError) {
      let result = try watch.detector.watch { () throws(EvaluationError) in try body(statement) }
      if let anomaly = watch.error(fallback: statement.range) { throw anomaly }
      return result
    } catch where !error.isInterruption && !watch.isReported(by: error) {
      // The anomaly came first: a later failure of the same statement is its consequence.
      throw watch.error(fallback: statement.range) ?? error
    }
  }

  /// Marks where an anomaly surfaced: the first expression of the statement's own text
  /// to finish after it (inside a function, the call of that function).
  func noteAnomalyLocation(_ range: SourceRange) {
    guard let watch = anomalyWatch, watch.location == nil, frames.isEmpty, watch.detector.report != nil else { return }
    watch.location = range
  }

  /// Stops the statement at the first check after an anomaly was found and placed.
  func checkAnomaly() throws(EvaluationError) {
    guard let watch = anomalyWatch, let location = watch.location, let error = watch.error(fallback: location) else { return }
    throw error
  }
}
