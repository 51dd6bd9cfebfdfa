import Autodiff
import Tensors

/// A `:command` as written: its name, the raw rest of the line, and where each is.
public struct CommandCall: Sendable {
  public let name: String
  /// The rest of the line, trimmed.
  public let arguments: String
  public let argumentsRange: SourceRange
  /// The whole command, for errors about the command itself.
  public let range: SourceRange
}

extension Interpreter {
  /// Evaluates the expression written at `range` of the source being run (a command's argument),
  /// with errors placed where it stands in that source.
  public func evaluateExpression(at range: SourceRange) throws(EvaluationError) -> (value: Value, expression: Expr) {
    // Blank out everything before the range but keep line breaks, so offsets and lines stay true.
    let prefix = String(decoding: source.utf8[0..<min(range.start, source.utf8.count)].map {
      $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") ? $0 : UInt8(ascii: " ")
    }, as: UTF8.self)
    let text = SourceText(prefix + source[range], firstLine: source.firstLine)
    let expression: Expr
    do {
      expression = try Parser.parseExpression(text)
    } catch {
      let commandHint = "a command takes the rest of its line (`;` included): put the next statement on a line of its own"
      throw EvaluationError(error.message, at: error.range, hint: source[range].contains(";") ? commandHint : error.hint)
    }
    let saved = source
    source = text
    defer { source = saved }
    return (try materialize(evaluate(expression), at: expression.range), expression)
  }
}

/// One operation as the evaluator met it, for `:trace`.
public struct TraceEvent {
  /// The sub-expression as written: `W @ x`.
  public let text: String
  /// The operator or function: `@`, `sum`.
  public let operation: String
  public let inputs: [Variable]
  public let output: Variable
}

extension Interpreter {
  /// Reports an evaluated operation to the tracer, if there is one.
  func trace(
    _ range: SourceRange, operation: @autoclosure () -> String, inputs: @autoclosure () -> [Variable], output: Variable,
    expression: SourceRange? = nil
  ) {
    noteAnomalyLocation(expression ?? range)
    guard let tracer else { return }  // the operation and inputs are only spelled out for a tracer
    tracer(TraceEvent(text: source[expression ?? range], operation: operation(), inputs: inputs(), output: output))
  }
}

/// How far a long loop has come, for the progress bar.
public struct LoopProgress: Sendable {
  public let completed: Int
  public let total: Int
  /// The last scalar the loop body assigned (a loss, usually), with its name.
  public let latest: (name: String, value: Double)?

  public init(completed: Int, total: Int, latest: (name: String, value: Double)? = nil) {
    self.completed = completed
    self.total = total
    self.latest = latest
  }
}

extension Interpreter {
  /// The bytes held by the values of the session's variables.
  public var sessionBytes: Int {
    var seen = Set<ObjectIdentifier>()
    var total = 0
    for value in globals.values {
      guard case .tensor(let v) = value, seen.insert(ObjectIdentifier(v)).inserted else { continue }
      total += v.value.count * MemoryLayout<Double>.size
    }
    return total
  }

  /// Throws when the variables hold more than the session may.
  func checkSessionSize(at range: SourceRange) throws(EvaluationError) {
    // Counting a value held by two names twice gives an upper bound without a set of seen values:
    // enough, after nearly every statement, to tell that the session is within its limit.
    guard globalBytesUpperBound > sessionByteLimit else { return }
    let bytes = sessionBytes
    guard bytes <= sessionByteLimit else {
      throw EvaluationError(
        "the session's variables would hold \(Shape.bytesText(Double(bytes))), over the limit of \(Shape.bytesText(Double(sessionByteLimit)))",
        at: range, hint: ":clear, or assign something small to large variables; `:set max_session_bytes N` changes the limit")
    }
  }

  /// Throws unless file access is allowed.
  public func checkFileAccess(at range: SourceRange) throws(EvaluationError) {
    guard allowsFileAccess else { throw EvaluationError("files cannot be read or written in this session", at: range) }
  }

  /// Throws when the learner pressed Ctrl-C.
  func checkInterruption(at range: SourceRange) throws(EvaluationError) {
    if isInterrupted() { throw EvaluationError.interrupted(at: range) }
    try checkAnomaly()
  }

  /// The last name assigned in `body` that holds a single number now.
  func latestScalar(in body: [Statement]) -> (name: String, value: Double)? {
    for statement in body.reversed() {
      let assigned: String? = switch statement.kind {
      case .assign(let targets, _): targets.last?.text
      case .update(let target, _): target.text
      default: nil
      }
      if let name = assigned, case .tensor(let v)? = lookup(name), let x = v.value.scalar {
        return (name, x)
      }
    }
    return nil
  }
}

extension Interpreter {
  /// Whether a value was computed from a gradient handed out by `grad` (an update such as
  /// `W - lr * dW`). Only the statement's own ops are searched: named values are not entered.
  static func isOptimizerStep(_ value: Variable) -> Bool {
    var stack = [value]
    var visited = 0
    while let node = stack.popLast(), visited < 256 {
      visited += 1
      if node.isGradient { return true }
      if node === value || node.label == nil { stack += node.inputs }
    }
    return false
  }
}
