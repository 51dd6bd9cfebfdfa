import Autodiff
import Language
import Tensors

extension Commands {
  /// The largest graph that :backward, :derive and :check walk through step by step.
  static let maximumStepsShown = 2000
  /// The longest gradient expression `:backward` writes on its line (the JSON record has it whole).
  static let maximumFormulaShown = 240

  /// Evaluates a command's expression argument as a tensor; the name to show it by is the text itself.
  static func tensorArgument(
    _ session: Session, _ arguments: CommandArguments, usage: String
  ) throws(EvaluationError) -> (variable: Variable, name: String) {
    guard !arguments.text.isEmpty else {
      throw EvaluationError("this command needs an expression", at: arguments.range, hint: usage)
    }
    let (value, _) = try session.interpreter.evaluateExpression(at: arguments.range)
    guard case .tensor(let variable) = value else {
      throw EvaluationError("`\(arguments.text)` is \(value.kindDescription), not a tensor", at: arguments.range, hint: usage)
    }
    return (variable, arguments.text)
  }

  /// A scalar with a graph behind it, for `:backward`, `:derive` and `:check`; `rest` is what
  /// follows it in the command (` wrt W`), to write the hint for a tensor that is not a scalar.
  static func walk(_ session: Session, _ arguments: CommandArguments, usage: String, rest: String = "") throws(EvaluationError) -> BackwardWalk {
    let (output, text) = try tensorArgument(session, arguments, usage: usage)
    // An expression typed in place of a name is called L, so that its gradient is dL (or by
    // another letter when the session has an L of its own).
    let isName = Lexer.isName(text)
    let name = isName ? text : ["L", "J", "loss", "objective"].first { session.interpreter.lookup($0) == nil } ?? "L"
    guard output.value.count == 1 else {
      throw EvaluationError(
        "`\(text)` has shape \(Shape.text(output.shape)); the backward pass starts from a single number", at: arguments.range,
        hint: "reduce it first: \(usage.split(separator: " ").first ?? ":backward") sum(\(text))\(rest)")
    }
    guard !output.isLeaf else {
      throw EvaluationError(
        "`\(text)` has no graph to walk back through: it was typed in, or computed only from data that takes no gradient "
          + "(numbers, randn(…), detach(…))", at: arguments.range,
        hint: isName ? "compute something from it first, e.g. L = sum(\(text) * \(text))"
          : "compute it from a named variable, e.g. x = randn(3) and then L = sum(x * x)")
    }
    let size = topologicalOrder(from: output).count
    guard size <= maximumStepsShown else {
      throw EvaluationError(
        "`\(name)` was computed by \(size) ops: too many to show one by one (at most \(maximumStepsShown))", at: arguments.range,
        hint: "try it on a smaller example; grad(\(name), x) still computes the gradient")
    }
    do {
      // A gradient must not be named like one of the session's variables (pasting would overwrite it).
      let graphNames = Set(topologicalOrder(from: output).compactMap(\.label))
      let sessionNames = Set(session.interpreter.globals.keys).subtracting(graphNames)
      return try BackwardWalk(from: output, named: name, avoiding: sessionNames)
    } catch {
      throw EvaluationError(error.description, at: arguments.range)
    }
  }

  /// A note naming the leaves of the walk whose names now hold other values (`w -= lr * dw` after L
  /// was computed): the commands show the values L was computed from, which grad(L, w) no longer uses.
  static func reassignedLeavesNote(_ walk: BackwardWalk, _ session: Session) -> String? {
    let nodes = Set(walk.order.map(ObjectIdentifier.init))
    let reassigned = walk.order.compactMap { (leaf: Variable) -> String? in
      guard leaf.isLeaf, let label = leaf.label, case .tensor(let current) = session.interpreter.lookup(label),
        !nodes.contains(ObjectIdentifier(current))
      else { return nil }
      return label
    }
    guard let first = reassigned.first else { return nil }
    let names = reassigned.map { "`\($0)`" }.joined(separator: ", ")
    let outputName = walk.name(of: walk.output)
    return "note: \(names) \(reassigned.count == 1 ? "was" : "were") assigned again after \(outputName) was computed: "
      + "this is \(outputName)'s graph, with the old value\(reassigned.count == 1 ? "" : "s"); grad(\(outputName), \(first)) "
      + "takes the new \(first), which \(outputName) does not depend on (compute \(outputName) again to use it)"
  }

  static func backward(_ session: Session, _ raw: CommandArguments) throws(EvaluationError) -> CommandOutput {
    var arguments = raw
    try arguments.takeFlags(["-v"])
    let verbose = arguments.flags["-v"] != nil
    let walk = try walk(session, arguments, usage: ":backward L [-v]")
    let explanation = BackwardExplanation(walk)
    let style = session.options.style
    let seedName = walk.seed.label ?? "dL"
    var lines = ["backward pass of \(explanation.outputName), from the output back to the leaves; \(seedName) = 1 to start"]
    var steps: [JSON] = []
    for step in explanation.steps {
      lines.append("")
      lines.append(style.heading("step \(step.number)") + "  \(step.equation)")
      // The rule in its own names, with the op they stand for, so that its x and dy are not read as the learner's.
      let signature = step.ruleSignature.map { " (for \($0))" } ?? ""
      lines.append("        rule \(step.rule.name)\(signature): " + step.rule.formulas.joined(separator: ", "))
      if let accumulation = step.accumulation {
        lines += accumulation.split(separator: "\n").map { "        " + style.note(String($0)) }
      }
      for line in step.lines {
        // A backward written with many ops (grid_sample's) reads better as :derive's lines than as one expression.
        let formula = line.formula.count <= maximumFormulaShown ? line.formula
          : style.note("(\(line.formula.count) characters long: :derive \(explanation.outputName) wrt <variable> writes it as short lines)")
        // A gradient the input receives from several places adds up, as micrograd's `grad +=` does.
        lines.append("        \(style.name(line.name)) \(line.isPart ? "+=" : "=") \(formula)   " + style.shape(Shape.text(line.shape)))
        lines += line.remarks.map { "          " + style.hint($0) }
        if verbose { lines += indented(line.value.formatted(), by: 10) }
      }
      steps.append(.object([
        ("step", .number(Double(step.number))), ("equation", .string(step.equation)), ("rule", .string(step.rule.name)),
        ("formulas", .array(step.rule.formulas.map(JSON.string))),
        ("accumulation", step.accumulation.map(JSON.string) ?? .null),
        ("gradients", .array(step.lines.map(lineJSON))),
      ]))
    }
    if !explanation.leafAccumulations.isEmpty {
      lines.append("")
      lines += explanation.leafAccumulations.flatMap { $0.split(separator: "\n").map { style.note(String($0)) } }
    }
    lines.append("")
    lines.append("gradients of the leaves (what grad() returns):")
    for leaf in explanation.leafGradients {
      lines.append("  \(style.name(leaf.name)) " + style.shape(Shape.text(leaf.shape)))
      if verbose { lines += indented(leaf.value.formatted(), by: 4) }
    }
    if let note = reassignedLeavesNote(walk, session) { lines.append(style.note(note)) }
    return CommandOutput(
      text: lines.joined(separator: "\n"),
      data: .object([("output", .string(explanation.outputName)), ("steps", .array(steps)), ("leaves", .array(explanation.leafGradients.map(lineJSON)))]))
  }

  static func lineJSON(_ line: BackwardExplanation.Line) -> JSON {
    .object([
      ("name", .string(line.name)), ("formula", .string(line.formula)), ("adds", .bool(line.isPart)),
      ("shape", .array(line.shape.map { .number(Double($0)) })), ("value", RecordRendering.json(line.value)),
      ("remarks", .array(line.remarks.map(JSON.string))),
    ])
  }

  static func indented(_ text: String, by count: Int) -> [String] {
    let pad = String(repeating: " ", count: count)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }
  }
}
