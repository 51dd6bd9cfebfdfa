import Autodiff
import Language
import Tensors

extension Commands {
  static let explainTopics: [(name: String, text: String)] = [
    ("broadcasting", """
      Broadcasting lines shapes up from the right; each pair of sizes must be equal or one of them 1,
      and a missing axis counts as 1. The size-1 side is stretched: its values are reused along that axis.

          z      (3, 5)
          b      (3, 1)     axis 1 stretched ×5
          z + b  (3, 5)

      In the backward pass a stretched value was used 5 times, once per column, so the chain rule adds
      up the 5 gradients it received: db = sum(dz, axis=1, keepdims=true), of shape (3, 1) like b.
      Axes stretched in the forward are summed in the backward; a summed axis in the forward is
      broadcast (copied) in the backward. `:explain broadcast_to` and `:explain sum` are the two rules.
      """),
    ("chain-rule", """
      A computation is a chain of small ops: y = f(x), L = g(y). The chain rule says
          dL/dx = dL/dy · dy/dx,
      and reverse mode applies it from the end: start with dL/dL = 1, and at each op turn the gradient
      of its output (dy) into gradients of its inputs (dx) with the op's own rule — a vector-Jacobian
      product, which never builds the Jacobian. Each rule only needs dy and the values the op saw.
      When a value feeds several ops, its gradient is the sum of what each op sends back.
      `:backward L` shows every step of this walk for your own L.
      """),
  ]

  static func explain(_ session: Session, _ arguments: CommandArguments) throws(EvaluationError) -> CommandOutput {
    let name = arguments.text
    if name.isEmpty {
      let rows = RuleBook.all.map { [$0.name, $0.explanation.indexNotation] }
      return CommandOutput(
        text: "The backward rules (`:explain NAME` for one, `:explain broadcasting`, `:explain chain-rule`):\n"
          + table(["rule", "forward"], rows, style: session.options.style),
        data: .array(RuleBook.all.map { .string($0.name) }))
    }
    if let topic = explainTopics.first(where: { $0.name == name }) {
      return CommandOutput(text: topic.text, data: .object([("topic", .string(name))]))
    }
    // An operator is explained by its rule: `:explain //` is floor_divide's page.
    if let rule = RuleBook.rule(named: name == "@" ? "matmul" : name) ?? RuleBook.all.first(where: { $0.notation == .infix(name) }) {
      return CommandOutput(text: page(rule, style: session.options.style), data: ruleJSON(rule))
    }
    if let builtin = Interpreter.builtins[name], !builtin.rules.isEmpty {
      let rules = builtin.rules.compactMap(RuleBook.rule(named:))
      let intro = rules.count == 1 ? "" : "\(name) is built from \(rules.map(\.name).joined(separator: ", ")):\n\n"
      return CommandOutput(
        text: intro + rules.map { page($0, style: session.options.style) }.joined(separator: "\n\n"),
        data: .array(rules.map(ruleJSON)))
    }
    if Interpreter.builtins[name] != nil {
      throw EvaluationError(
        "`\(name)` is a built-in with no backward rule: it makes data (or files, or gradients) rather than an op "
          + "a gradient flows through", at: arguments.range, hint: ":help \(name) says what it does")
    }
    let candidates = RuleBook.all.map(\.name) + Interpreter.builtins.filter { !$0.value.rules.isEmpty }.map(\.key)
      + explainTopics.map(\.name)
    throw EvaluationError(
      "no rule called `\(name)`", at: arguments.range,
      hint: closestName(to: name, in: candidates).map { "did you mean `:explain \($0)`?" } ?? "`:explain` lists the rules")
  }

  /// One rule's page: forward, backward, why, shapes, pitfall, cost, and a worked example.
  static func page(_ rule: Rule, style: Style) -> String {
    let e = rule.explanation
    var lines = [style.heading(rule.name), "forward:   \(e.indexNotation)"]
    if rule.formulas.isEmpty {
      lines.append("backward:  none — no gradient flows through \(rule.name)")
    } else {
      lines.append("backward:  " + rule.formulas.joined(separator: "\n           "))
    }
    lines += labelled("why:", e.derivation)
    lines += labelled("shapes:", e.shapes)
    lines += labelled("pitfall:", e.pitfall)
    lines += labelled("cost:", rule.cost.summary)
    if let example = workedExample(rule) { lines += ["example:"] + example.map { "  " + $0 } }
    return lines.joined(separator: "\n")
  }

  /// Text after a label, wrapped at 76 columns and indented under the label.
  static func labelled(_ label: String, _ text: String) -> [String] {
    var lines: [String] = []
    var current = label.padding(toLength: 11, withPad: " ", startingAt: 0)
    for word in text.split(separator: " ") {
      if current.count + word.count > 76 && !current.trimmingCharacters(in: .whitespaces).isEmpty && current.count > 11 {
        lines.append(current.trimmingCharacters(in: .whitespaces) == label ? current : String(current.dropLast()))
        current = String(repeating: " ", count: 11)
      }
      current += word + " "
    }
    lines.append(String(current.dropLast()))
    return lines
  }

  /// The rule run on its first sample with small numbers: inputs, output, and the gradients for a
  /// dy of 1, 2, 3, … (all ones would hide what softmax's backward does: its gradient of a sum is zero).
  static func workedExample(_ rule: Rule) -> [String]? {
    guard let sample = rule.samples.first else { return nil }
    var generator = RandomGenerator(seed: 1)
    guard let raw = try? sample.makeInputs(using: &generator) else { return nil }
    // One decimal keeps the numbers readable; masks stay 0/1.
    let values = raw.map { $0.map { ($0 * 10).rounded() / 10 } }
    let names = ["a", "b", "c", "d", "e"]
    let inputs = values.indices.map { Variable(values[$0], requiresGradient: sample.isDifferentiable(input: $0)) }
    guard let output = try? rule.apply(inputs, sample.attributes) else { return nil }
    var lines: [String] = []
    for (index, value) in values.enumerated() {
      lines.append("\(names[index % names.count]) = \(compact(value))")
    }
    // Written the way :derive and the language write it: a @ b, x[0, ::2], einsum("ij,jk->ik", a, b).
    let spelled = GraphNotation.spell(
      rule, sample.attributes, inputs: values.indices.map { .name(names[$0 % names.count]) }, shapes: values.map(\.shape))
    lines.append("y = \(spelled.sourceText) = \(compact(output.value))")
    guard let seed = try? Tensor(shape: output.shape, scalars: (0..<output.value.count).map { Double($0 + 1) }),
      rule.isDifferentiable,
      let grads = try? gradients(of: output, wrt: inputs.filter(\.requiresGradient), seed: .constant(seed))
    else { return lines }
    lines.append("with dy = \(compact(seed)):")
    var position = 0
    for (index, input) in inputs.enumerated() where input.requiresGradient {
      lines.append("  d\(names[index % names.count]) = \(compact(grads[position].value))")
      position += 1
    }
    return lines
  }

  /// A small tensor on one line: `[[1., 2.], [3., 4.]]` style via the formatter, line breaks folded.
  static func compact(_ tensor: Tensor) -> String {
    // Rounding noise such as -1.1e-16 would switch the whole example to scientific notation.
    tensor.map { Swift.abs($0) < 1e-12 ? 0 : $0 }.formatted().split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
  }

  static func ruleJSON(_ rule: Rule) -> JSON {
    let e = rule.explanation
    return .object([
      ("rule", .string(rule.name)), ("forward", .string(e.indexNotation)), ("backward", .array(rule.formulas.map(JSON.string))),
      ("derivation", .string(e.derivation)), ("shapes", .string(e.shapes)), ("pitfall", .string(e.pitfall)),
      ("cost", .string(rule.cost.summary)),
    ])
  }
}
