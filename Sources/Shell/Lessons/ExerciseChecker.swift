import Foundation
import Autodiff
import Language
import Tensors

/// Judges a learner's answer to an exercise by evaluating it, so that any
/// equivalent answer is accepted: `x.T @ dz.T` where `(dz @ x).T` was expected.
enum ExerciseChecker {
  struct Verdict: Equatable {
    let correct: Bool
    /// Why not, when it is wrong: "your answer has shape (3, 5), dW has shape (3, 2)".
    let explanation: String
    /// False when the answer is not of the kind asked for (an expression where a shape is asked):
    /// the learner is told what to write, and no hint is used up.
    var isAttempt = true
  }

  /// Judges an answer to `exercise`: its value, and the function it must be written with, if any.
  static func judge(_ answer: String, for exercise: Lesson.Exercise, in session: Interpreter) -> Verdict {
    // A value asked to be worked out is not named in the feedback (it would give the answer away).
    let verdict = judge(answer, for: exercise.check, in: session, naming: valueToWorkOut(in: exercise) == nil ? nil : "the right answer")
    guard verdict.correct else { return verdict }
    if let required = exercise.requiredCall, !doesTheWork(required, in: answer) {
      return Verdict(
        correct: false,
        explanation: "that is the right value, but the question asks for it written with \(required)(…), "
          + "whose operands are the tensors themselves (no other function inside)",
        isAttempt: false)
    }
    if let shortcut = shortcut(in: answer, for: exercise) {
      return Verdict(correct: false, explanation: shortcut, isAttempt: false)
    }
    return verdict
  }

  /// The functions that compute a gradient for the learner.
  static let gradientFunctions: Set<String> = ["grad", "vjp"]

  /// Why an answer with the right value does not answer: it lets a gradient function do the
  /// derivation (`grad(L, W)` for "write dL/dW"), or it names the very value asked about (`r1[0]`
  /// for "write r1[0] from x[0] and y[0]"). Either is fine where the model answer does the same.
  static func shortcut(in answer: String, for exercise: Lesson.Exercise) -> String? {
    if case .shape = exercise.check { return nil }
    guard let given = singleExpression(answer) else { return nil }
    let model = singleExpression(exercise.answer)
    let called = calledNames(in: given).intersection(gradientFunctions)
    if let function = called.sorted().first, !(model.map(calledNames)?.contains(function) ?? false) {
      return "\(function)(…) works the gradient out for you; the question asks you to derive it: "
        + "write it with the tensors of the computation (:hint helps)"
    }
    if let (asked, target) = valueToWorkOut(in: exercise), given.contains(target) {
      return "your answer reads `\(asked)`, the value the question asks about: work it out from the other quantities"
    }
    return nil
  }

  /// The value an exercise asks to be worked out: its checked expression, as written and parsed, when
  /// the model answer does not contain it (`= value r[0]` answered by `w[0] * x[0]`).
  private static func valueToWorkOut(in exercise: Lesson.Exercise) -> (text: String, expr: Expr)? {
    guard case .value(let asked) = exercise.check, let target = singleExpression(asked),
      !(singleExpression(exercise.answer)?.contains(target) ?? false) else { return nil }
    return (asked, target)
  }

  /// The expression a one-statement source holds (`x = e` holds e), if it parses to one.
  private static func singleExpression(_ source: String) -> Expr? {
    guard let statements = try? Parser.parse(SourceText(source)), statements.count == 1 else { return nil }
    switch statements[0].kind {
    case .expression(let e), .assign(_, let e), .update(_, let e): return e
    default: return nil
    }
  }

  /// The functions an expression calls, by name (`f(…)` and `x.f(…)`).
  private static func calledNames(in expr: Expr) -> Set<String> {
    var names: Set<String> = []
    _ = expr.contains { node in
      if case .call(let callee, _) = node.kind {
        switch callee.kind {
        case .name(let name), .attribute(_, let name, _): names.insert(name)
        default: break
        }
      }
      return false
    }
    return names
  }

  /// Whether the answer is a call to `name` (`name(…)`, or `x.name(…)`), maybe negated, whose
  /// operands call no function: `einsum("ij->i", A)` does the work, `einsum("i->i", sum(A, 1))` does not.
  static func doesTheWork(_ name: String, in source: String) -> Bool {
    guard var expr = singleExpression(source) else { return false }
    while case .unary(_, let operand) = expr.kind { expr = operand }
    guard case let .call(callee, arguments) = expr.kind else { return false }
    var operands = arguments.map(\.value)
    switch callee.kind {
    case .name(name): break
    case .attribute(let receiver, name, _): operands.append(receiver)
    default: return false
    }
    return !operands.contains(where: containsCall)
  }

  /// Whether an expression calls any function.
  private static func containsCall(_ expr: Expr) -> Bool {
    expr.contains { if case .call = $0.kind { true } else { false } }
  }

  /// Evaluates both sides in a copy of the session, so the check changes nothing.
  static func judge(_ answer: String, for check: Lesson.Check, in session: Interpreter, naming: String? = nil) -> Verdict {
    // The lesson's side: what it evaluates, and how a message names it.
    let (source, named): (String, String) = switch check {
    case .shape(let expression): (expression, "`\(expression)`")
    case .value(let expression): (expression, "`\(expression)`")
    case let .gradient(output, variable): ("grad(\(output), \(variable))", "d\(output)/d\(variable)")
    }
    let what = naming ?? named
    let expected: Tensor
    switch evaluate(source, in: session) {
    case .success(let tensor): expected = tensor
    case .failure(let problem):
      let kind = if case .shape = check { "expression " } else { "" }
      return Verdict(correct: false, explanation: "the lesson's \(kind)\(named) does not evaluate: \(problem.message)")
    }
    guard case .shape = check else { return compare(answer: answer, expected: expected, what: what, in: session) }
    guard let given = parseShape(answer) else {
      return Verdict(correct: false, explanation: "write a shape like (2, 5), or () for a single number", isAttempt: false)
    }
    return given == expected.shape
      ? Verdict(correct: true, explanation: "")
      : Verdict(correct: false, explanation: "not \(Shape.text(given))")
  }

  private static func compare(answer: String, expected: Tensor, what: String, in session: Interpreter) -> Verdict {
    // An answer that does not parse (a bracket left open) is a slip of the keyboard, not a wrong try.
    do throws(SyntaxError) {
      _ = try Parser.parse(SourceText(answer))
    } catch {
      return Verdict(correct: false, explanation: "`\(answer)` does not parse: \(error.message)", isAttempt: false)
    }
    let given: Tensor
    switch evaluate(answer, in: session) {
    case .success(let tensor): given = tensor
    case .failure(let problem): return Verdict(correct: false, explanation: "`\(answer)` does not evaluate: \(problem.message)")
    }
    guard given.shape == expected.shape || (given.count == 1 && expected.count == 1) else {
      var explanation = "your answer has shape \(Shape.text(given.shape)), \(what) has shape \(Shape.text(expected.shape))"
      // `1` where ones(4) is meant: right values, but a gradient has its variable's shape.
      if let stretched = try? given.broadcast(to: expected.shape), isClose(stretched, expected) {
        explanation += "; broadcast to that shape its values would be right, but the answer needs the shape itself"
      }
      return Verdict(correct: false, explanation: explanation)
    }
    guard !isClose(given, expected) else { return Verdict(correct: true, explanation: "") }
    return Verdict(
      correct: false,
      explanation: (given.count == 1 ? "not \(given.formatted())" : "the shape is right but the values differ")
        + nearMiss(given, expected))
  }

  /// Whether two tensors of the same size agree element by element, to rounding.
  /// What a wrong answer's values have in common with the right ones: all off by one factor (a
  /// mean's 1/n left out), or all within a hundredth (a decimal typed for a fraction).
  private static func nearMiss(_ given: Tensor, _ expected: Tensor) -> String {
    let pairs = Array(zip(given.scalars, expected.scalars)).filter { $0.1 != 0 }
    guard let first = pairs.first, pairs.count == given.count, given.count == expected.count else { return "" }
    let ratio = first.0 / first.1
    if pairs.allSatisfy({ Swift.abs($0.0 + $0.1) <= 1e-9 * Swift.abs($0.1) }) {
      return ": the sign is off, every value is minus the right one"
    }
    if pairs.count > 1, ratio.isFinite, ratio != 0, Swift.abs(ratio - 1) > 1e-3, pairs.allSatisfy({ Swift.abs($0.0 / $0.1 - ratio) <= 1e-9 * Swift.abs(ratio) }) {
      let factor = Swift.abs(ratio) >= 1 ? ratio.formatted(significantDigits: 4) + "×" : "1/" + (1 / ratio).formatted(significantDigits: 4)
      return ": every value is \(factor) the right one, so a factor is off (a mean's 1/n, a batch size?)"
    }
    if pairs.allSatisfy({ Swift.abs($0.0 - $0.1) <= 1e-2 * Swift.max(1, Swift.abs($0.1)) }) {
      return ": they are within a hundredth, so write them exactly (1/3, not 0.333)"
    }
    return ""
  }

  private static func isClose(_ given: Tensor, _ expected: Tensor) -> Bool {
    zip(given.scalars, expected.scalars).allSatisfy { a, b in
      Swift.abs(a - b) <= 1e-9 + 1e-6 * Swift.abs(b) || (a.isNaN && b.isNaN)
    }
  }

  /// Why an answer could not be evaluated.
  struct Problem: Error {
    let message: String
  }

  /// The tensor the last statement of `text` gives, evaluated in a scratch copy of the session.
  static func evaluate(_ text: String, in session: Interpreter) -> Result<Tensor, Problem> {
    let scratch = Interpreter()
    scratch.adopt(from: session)
    let records = scratch.run(SourceText(text))
    if let failure = records.lazy.compactMap({ if case .failure(let d) = $0.outcome { d } else { nil } }).first {
      return .failure(Problem(message: failure.message))
    }
    guard case .value(_, .tensor(let v))? = records.last?.outcome else {
      return .failure(Problem(message: "it does not give a tensor"))
    }
    return .success(v.value)
  }

  /// `(2, 5)`, `2, 5`, `[2, 5]`, `2x5`, `(5,)`, `()`.
  static func parseShape(_ text: String) -> [Int]? {
    var inner = text.trimmingCharacters(in: .whitespaces)
    // Brackets, if any, are one pair around the whole: `(4, 3` or `(4, 3]` is no shape.
    if let first = inner.first, first == "(" || first == "[" {
      guard inner.last == (first == "(" ? ")" : "]") else { return nil }
      inner = String(inner.dropFirst().dropLast())
    }
    guard !inner.contains(where: { "()[]".contains($0) }) else { return nil }
    let stripped = inner.trimmingCharacters(in: .whitespaces)
    if stripped.isEmpty { return [] }
    let parts = stripped.replacingOccurrences(of: "x", with: ",").replacingOccurrences(of: "×", with: ",")
      .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let sizes = parts.compactMap { Int($0) }
    return sizes.count == parts.count && !sizes.isEmpty ? sizes : nil
  }
}
