import Autodiff
import Tensors

/// A statement that could not be evaluated: the message, where, and a hint.
public struct EvaluationError: Error, Sendable, Equatable {
  public var message: String
  public var range: SourceRange
  public var hint: String?
  /// Ctrl-C stopped the evaluation (not a mistake in the statement).
  public var isInterruption = false
  /// The error happened inside a user function and was moved to the call (`in f(): …`).
  var isLocatedAtCall = false

  public init(_ message: String, at range: SourceRange, hint: String? = nil) {
    self.message = message
    self.range = range
    self.hint = hint
  }

  /// The evaluation was stopped by Ctrl-C.
  public static func interrupted(at range: SourceRange) -> EvaluationError {
    var error = EvaluationError("interrupted", at: range)
    error.isInterruption = true
    return error
  }

  /// The error as a diagnostic, rendered like syntax errors.
  public var diagnostic: Diagnostic { Diagnostic(message: message, range: range, hint: hint) }

  init(_ error: TensorError, at range: SourceRange, hint: String? = nil) {
    self.init(error.description, at: range, hint: hint ?? Self.hint(for: error))
  }

  init(_ error: AutodiffError, at range: SourceRange) {
    switch error {
    case .nonScalarOutput:
      self.init(error.description, at: range, hint: "reduce it first (sum(y) or mean(y)), or give a seed: vjp(y, x, seed)")
    default:
      self.init(error.description, at: range)
    }
  }

  /// General advice for a tensor error, where one helps.
  static func hint(for error: TensorError) -> String? {
    switch error {
    case .tooLarge:
      "the limit guards the machine's memory; `:set max_tensor_bytes N` changes it"
    case .graphTooLarge:
      "a graph keeps every value its result was computed from: a loop such as `x = x * 2` chains all its "
        + "iterations into one; keep only the data with x = detach(x). `:set max_graph_bytes N` changes the limit"
    case .axisOutOfRange(_, let rank):
      rank == 0 ? "a number has no axes"
        : rank == 1 ? "its only axis is 0 (or -1)"
        : "axes run from 0 to \(rank - 1), or from -\(rank) to -1 counting from the end"
    case .reshape:
      "the number of elements must stay the same; one dimension may be -1 to infer it"
    default:
      nil
    }
  }
}
