import Autodiff
import Language
import Tensors

extension Commands {
  /// The work of one evaluated expression: every op it ran, with flops and the bytes it allocated.
  struct CostSheet {
    struct Row {
      let text: String
      let op: String
      let shape: [Int]
      let forward: Double
      let backward: Double
      var bytes: Double { Double(Shape.product(shape)) * 8 }
    }

    let rows: [Row]
    var forward: Double { rows.reduce(0) { $0 + $1.forward } }
    var backward: Double { rows.reduce(0) { $0 + $1.backward } }
    var bytes: Double { rows.reduce(0) { $0 + $1.bytes } }

    /// The ops recorded for `output` that the expression created (named values are inputs, not costs).
    init(_ output: Variable) {
      var order: [Variable] = []
      var visited = Set<ObjectIdentifier>()
      var stack: [(Variable, Bool)] = [(output, false)]
      while let (node, expanded) = stack.popLast() {
        guard node.rule != nil else { continue }
        if expanded {
          order.append(node)
          continue
        }
        guard visited.insert(ObjectIdentifier(node)).inserted, node === output || node.label == nil else { continue }
        stack.append((node, true))
        for input in node.inputs.reversed() { stack.append((input, false)) }
      }
      var names = GraphNotation.shortNames(order, outputName: nil)
      names[ObjectIdentifier(output)] = nil
      let notation = GraphNotation(names: names)
      rows = order.compactMap { node in
        guard let rule = node.rule else { return nil }
        let flops = rule.cost.flops(inputs: node.inputs.map(\.shape), output: node.shape, attributes: node.attributes)
        let name = names[ObjectIdentifier(node)].map { "\($0) = " } ?? ""
        return Row(
          text: name + notation.expression(of: node).sourceText, op: rule.name, shape: node.shape,
          forward: flops.forward, backward: node.requiresGradient ? flops.backward : 0)
      }
    }
  }

  static func cost(_ session: Session, _ arguments: CommandArguments) throws(EvaluationError) -> CommandOutput {
    if arguments.text.hasSuffix(" vs") || arguments.text.hasPrefix("vs ") || arguments.text == "vs" {
      throw EvaluationError("`vs` needs an expression on each side", at: arguments.range, hint: ":cost reduce_sum(x * y, 1) vs einsum(\"bi,bi->b\", x, y)")
    }
    let parts = arguments.split(at: "vs").map { [$0.0, $0.1] } ?? [arguments]
    var sheets: [(String, CostSheet)] = []
    var results: [Tensor] = []
    for part in parts {
      let (output, name) = try tensorArgument(session, part, usage: ":cost EXPR [vs EXPR]")
      sheets.append((name, CostSheet(output)))
      results.append(output.value)
    }
    let style = session.options.style
    var lines: [String] = []
    var data: [JSON] = []
    for (name, sheet) in sheets {
      lines.append(style.heading(name))
      if sheet.rows.isEmpty {
        // Ops on data alone are not recorded (nothing to differentiate), so there is nothing to count.
        lines.append(style.note("  no operation recorded: it is computed from data only (numbers, ones(…), randn(…)); "
          + "name the inputs first, e.g. A = ones(4, 4), then :cost A @ A"))
      } else {
        let shown = sheet.rows.suffix(maximumStepsShown)
        if shown.count < sheet.rows.count { lines.append("  (the last \(shown.count) of \(sheet.rows.count) ops)") }
        let rows = shown.map { [$0.op, $0.text, Shape.text($0.shape), count($0.forward), count($0.backward), Shape.bytesText($0.bytes)] }
        lines += table(["op", "expression", "result", "forward flops", "backward flops", "memory"], rows, style: style)
          .split(separator: "\n").map { "  " + $0 }
        lines.append("  total: \(count(sheet.forward)) flops forward, \(count(sheet.backward)) backward, \(Shape.bytesText(sheet.bytes)) of intermediates")
      }
      data.append(.object([
        ("expression", .string(name)), ("forward_flops", .number(sheet.forward)), ("backward_flops", .number(sheet.backward)),
        ("bytes", .number(sheet.bytes)),
        ("ops", .array(sheet.rows.map { .object([("op", .string($0.op)), ("expression", .string($0.text)), ("shape", .array($0.shape.map { .number(Double($0)) })), ("forward_flops", .number($0.forward)), ("backward_flops", .number($0.backward)), ("bytes", .number($0.bytes))]) })),
      ]))
    }
    if sheets.count == 2 {
      let (first, second) = (sheets[0].1, sheets[1].1)
      // 0 against 0 (two values already computed) is the same cost, not an infinite ratio.
      func relative(_ x: Double, to y: Double) -> Double { y > 0 ? x / y : (x > 0 ? .infinity : 1) }
      let flopRatio = relative(second.forward, to: first.forward), byteRatio = relative(second.bytes, to: first.bytes)
      lines.append("")
      lines.append(
        "the second does \(ratio(flopRatio)) the forward flops and allocates \(ratio(byteRatio)) the memory of the first")
      // Two ways to compute the same thing are compared; say whether they do.
      let same = agreement(results[0], results[1])
      lines.append(same.agree ? same.text : style.note("note: " + same.text))
      data.append(.object([("flop_ratio", .number(flopRatio)), ("byte_ratio", .number(byteRatio)), ("same_result", .bool(same.agree))]))
    }
    return CommandOutput(text: lines.joined(separator: "\n"), data: .array(data))
  }

  /// The largest difference between two tensors of one shape, relative to `reference` (and absolute
  /// below 1); the same infinity or NaN in both places counts as no difference.
  static func largestRelativeDifference(_ values: Tensor, _ reference: Tensor) -> Double {
    zip(values.scalars, reference.scalars).map { (value, wanted) in
      value == wanted || (value.isNaN && wanted.isNaN) ? 0 : Swift.abs(value - wanted) / Swift.max(1, Swift.abs(wanted))
    }.max() ?? 0
  }

  /// Whether two results are the same computation's: one shape and values that agree to rounding.
  static func agreement(_ a: Tensor, _ b: Tensor) -> (agree: Bool, text: String) {
    guard a.shape == b.shape else {
      return (false, "the results differ in shape, \(Shape.text(a.shape)) and \(Shape.text(b.shape)): they do not compute the same thing")
    }
    let worst = largestRelativeDifference(b, a)
    return worst <= 1e-9
      ? (true, "both give the same \(Shape.text(a.shape)) result")
      : (false, "the results have the same shape \(Shape.text(a.shape)) but differ (by up to \(String(format: "%.2g", worst))): "
        + "they do not compute the same thing")
  }

  /// Flops as a whole number below ten thousand, else with three significant digits and K, M or G.
  static func count(_ flops: Double) -> String {
    if flops < 1e4 { return String(Int(flops)) }
    let (value, unit) = flops < 1e6 ? (flops / 1e3, "K") : flops < 1e9 ? (flops / 1e6, "M") : (flops / 1e9, "G")
    return value.formatted(significantDigits: 3) + unit
  }

  /// A ratio with two significant digits: 32×, 0.25×, 0.0019×.
  static func ratio(_ x: Double) -> String {
    x.isFinite ? "\(x.formatted(significantDigits: 2))×" : "∞×"
  }
}
