import Autodiff
import Language
import Tensors

extension Commands {
  static func trace(_ session: Session, _ raw: CommandArguments) throws(EvaluationError) -> CommandOutput {
    var arguments = raw
    try arguments.takeFlags(["-v"])
    guard !arguments.text.isEmpty else {
      throw EvaluationError("`:trace` needs an expression", at: arguments.range, hint: ":trace W @ x + b")
    }
    var events: [TraceEvent] = []
    let interpreter = session.interpreter
    let previous = interpreter.tracer
    interpreter.tracer = { events.append($0) }
    defer { interpreter.tracer = previous }
    _ = try interpreter.evaluateExpression(at: arguments.range)
    guard !events.isEmpty else {
      return CommandOutput(
        text: "`\(arguments.text)` runs no operation: a name or a number is a value already computed; "
          + ":trace an expression to see its operations, e.g. :trace W @ x + b", data: .array([]))
    }
    return traceOutput(events, verbose: arguments.flags["-v"] != nil, style: session.options.style)
  }

  /// Every operation in evaluation order with its shapes; broadcasting drawn with the shapes right-aligned.
  static func traceOutput(_ events: [TraceEvent], verbose: Bool, style: Style) -> CommandOutput {
    let width = min(32, events.map(\.text.count).max() ?? 0)
    let operationWidth = max(4, events.map(\.operation.count).max() ?? 0)
    var lines: [String] = []
    var data: [JSON] = []
    for (number, event) in events.enumerated() {
      let inputs = event.inputs.map { Shape.text($0.shape) }
      let shapes = (event.operation.count <= 2 && inputs.count == 2
        ? "\(inputs[0]) \(event.operation) \(inputs[1])" : inputs.joined(separator: ", "))
        + " -> " + Shape.text(event.output.shape)
      let text = event.text.count > width ? String(event.text.prefix(width - 1)) + "…" : event.text.padding(toLength: width, withPad: " ", startingAt: 0)
      let operation = event.operation.padding(toLength: operationWidth, withPad: " ", startingAt: 0)
      lines.append("\(String(number + 1).leftPadded(to: 3))  \(text)  \(style.heading(operation)) \(style.shape(shapes))")
      let broadcast = broadcastPicture(event)
      lines += broadcast.map { "     " + $0 }
      if verbose { lines += indented(event.output.value.formatted(), by: 5) }
      data.append(.object([
        ("text", .string(event.text)), ("op", .string(event.operation)),
        ("inputs", .array(event.inputs.map { .array($0.shape.map { .number(Double($0)) }) })),
        ("output", .array(event.output.shape.map { .number(Double($0)) })),
        ("broadcast", .array(broadcast.map(JSON.string))),
      ]))
    }
    return CommandOutput(text: lines.joined(separator: "\n"), data: .array(data))
  }

  /// For an element-wise op whose operands differ in shape: the shapes right-aligned, stretched axes named.
  static func broadcastPicture(_ event: TraceEvent) -> [String] {
    let elementwise: Set<String> = ["+", "-", "*", "/", "**", "<", "<=", ">", ">=", "==", "!=", "where"]
    guard elementwise.contains(event.operation), event.inputs.count >= 2,
      Set(event.inputs.map(\.shape)).count > 1 else { return [] }
    let result = event.output.shape
    let rank = result.count
    let operandNames = operandTexts(event)
    let nameWidth = max(6, operandNames.map(\.count).max() ?? 0)
    let cell = max(3, result.map { String($0).count + 1 }.max() ?? 3)
    func row(_ name: String, _ shape: [Int]) -> String {
      let padded = Array(repeating: "", count: rank - shape.count) + shape.map(String.init)
      return name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + " " + padded.map { $0.leftPadded(to: cell) }.joined()
    }
    var lines: [String] = []
    for (input, name) in zip(event.inputs, operandNames) {
      let stretched = Shape.stretchedAxes(from: input.shape, to: result).filter { result[$0] != 1 }
      let note = stretched.isEmpty ? "" : "   " + stretched.map { axis in
        axis < rank - input.shape.count ? "axis \(axis) added ×\(result[axis])" : "axis \(axis) stretched ×\(result[axis])"
      }.joined(separator: ", ")
      lines.append(row(name, input.shape) + note)
    }
    lines.append(row("result", result))
    return lines
  }

  /// The operands' own text when the expression is a binary operation, else a, b, c.
  static func operandTexts(_ event: TraceEvent) -> [String] {
    if event.inputs.count == 2, let parts = binaryOperands(event.text, operation: event.operation) { return parts }
    return event.inputs.indices.map { ["a", "b", "c", "d"][$0 % 4] }
  }

  static func binaryOperands(_ text: String, operation: String) -> [String]? {
    guard let expression = try? Parser.parseExpression(text), case .binary(_, let lhs, let rhs, _) = expression.kind else { return nil }
    return [lhs.sourceText, rhs.sourceText]
  }
}

extension String {
  func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
