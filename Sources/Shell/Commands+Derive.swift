import Autodiff
import Language
import Tensors

extension Commands {
  static func derive(_ session: Session, _ raw: CommandArguments) throws(EvaluationError) -> CommandOutput {
    let usage = ":derive L wrt x"
    guard let (outputPart, targetPart) = raw.split(at: "wrt") else {
      throw EvaluationError("`:derive` needs `wrt` and the variable", at: raw.range, hint: usage)
    }
    guard Lexer.isName(targetPart.text) else {
      // An expression after wrt is a new value, which L cannot depend on.
      throw EvaluationError(
        "`:derive` takes the name of a variable after `wrt`", at: targetPart.range,
        hint: "name the value first: z = \(targetPart.text), then compute L from z and :derive L wrt z")
    }
    let walk = try Commands.walk(session, outputPart, usage: usage, rest: " wrt \(targetPart.text)")
    let (target, targetName) = try tensorArgument(session, targetPart, usage: usage)
    let outputName = walk.name(of: walk.output)
    let style = session.options.style
    let reassigned = reassignedLeavesNote(walk, session).map { "\n" + style.note($0) } ?? ""
    guard let derivation = Derivation(walk, wrt: target) else {
      // The graph may still reach the target through ops that pass no gradient (labels, indices).
      let reached = topologicalOrder(from: walk.output).contains { $0 === target }
      let how = reached
        ? "\(outputName) depends on \(targetName) only through operations that pass no gradient (indices, labels, comparisons, rounding)"
        : "\(outputName) does not depend on \(targetName)"
      return CommandOutput(
        text: "\(how): d\(outputName)/d\(targetName) is zeros of shape \(Shape.text(target.shape))." + reassigned,
        data: .object([("depends", .bool(reached)), ("gradient", .bool(false))]))
    }
    let check = verify(derivation, in: session.interpreter, against: derivation.value, call: "grad(\(outputPart.text), \(targetName))")
    var lines = ["d\(outputName)/d\(targetName), from the backward graph:"]
    lines += derivation.lines.map { "  \(style.name($0.name)) = \($0.expression.sourceText)" }
    lines.append(style.note(check.message))
    if !reassigned.isEmpty { lines.append(String(reassigned.dropFirst())) }
    return CommandOutput(
      text: lines.joined(separator: "\n"),
      data: .object([
        ("lines", .array(derivation.lines.map { .string($0.text) })),
        ("shape", .array(derivation.value.shape.map { .number(Double($0)) })),
        ("verified", .bool(check.verified)),
      ]))
  }

  /// Runs the derived lines in a copy of the session and compares the result with the gradient.
  static func verify(
    _ derivation: Derivation, in interpreter: Interpreter, against expected: Tensor, call: String
  ) -> (verified: Bool, message: String) {
    let scratch = Interpreter()
    scratch.adopt(from: interpreter)
    let text = derivation.lines.map(\.text).joined(separator: "\n")
    let records = scratch.run(SourceText(text))
    if let failed = records.first(where: \.outcome.isFailure), case .failure(let diagnostic) = failed.outcome {
      return (false, "these lines do not evaluate here: line \(failed.line), \(diagnostic.message)")
    }
    guard let last = derivation.lines.last, case .tensor(let result)? = scratch.lookup(last.name), result.shape == expected.shape else {
      return (false, "these lines do not give a tensor of the gradient's shape \(Shape.text(expected.shape))")
    }
    // The same infinity or NaN in both places is agreement (a gradient that overflowed overflows the same way).
    let worst = largestRelativeDifference(result.value, expected)
    return worst <= 1e-12
      ? (true, "evaluated here, these lines give exactly \(call), \(Shape.text(expected.shape))")
      : (false, "evaluated here, these lines differ from \(call) by \(worst)")
  }
}
