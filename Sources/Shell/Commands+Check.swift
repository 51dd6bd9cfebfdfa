import Foundation
import Autodiff
import Language
import Tensors

extension Commands {
  /// At most this many elements of each leaf are perturbed; larger leaves are sampled.
  static let checkedElementsPerLeaf = 200

  static func check(_ session: Session, _ arguments: CommandArguments) throws(EvaluationError) -> CommandOutput {
    let walk = try Commands.walk(session, arguments, usage: ":check L")
    let output = walk.output
    let leaves = walk.order.filter { $0.isLeaf && $0.requiresGradient && $0 !== walk.seed }
    let autodiff: [Gradient]
    do {
      autodiff = try gradients(of: output, wrt: leaves)
    } catch {
      throw EvaluationError(error.description, at: arguments.range)
    }
    var rows: [[String]] = []
    var records: [JSON] = []
    var allGood = true
    var generator = RandomGenerator(seed: 0)
    // A central difference (L(x+h) - L(x-h)) / 2h carries the rounding of L itself, about
    // ε·|L|/h: a sum over a large tensor makes that visible, and it is no disagreement.
    let lossMagnitude = Swift.abs(output.value.scalars.first ?? 0)
    var roundingExplained = false, someTakeNoGradient = false
    for (leaf, gradient) in zip(leaves, autodiff) {
      let name = walk.name(of: leaf)
      guard gradient.isReached else {
        // L reaches it only as labels, indices, lengths or a mask's sizes, which take no gradient
        // (and which a small step would turn into non-integers): nothing to compare.
        rows.append([name, Shape.text(leaf.shape), "none", "—", "—", "— takes no gradient (labels, indices)"])
        records.append(.object([
          ("leaf", .string(name)), ("shape", .array(leaf.shape.map { .number(Double($0)) })),
          ("checked", .number(0)), ("verdict", .string("no gradient")),
        ]))
        someTakeNoGradient = true
        continue
      }
      let positions = leaf.value.count <= checkedElementsPerLeaf
        ? Array(0..<leaf.value.count)
        : Array((0..<leaf.value.count).shuffled(using: &generator).prefix(checkedElementsPerLeaf)).sorted()
      var worstAbsolute = 0.0, worstRelative = 0.0, worstBeyondRounding = 0.0
      let finite = gradient.value.scalars.allSatisfy(\.isFinite)
      for position in positions {
        let x = leaf.value[flat: position]
        var shifted = leaf.value
        let step = 1e-6 * Swift.max(1, Swift.abs(x))
        let numeric = centralDifference(at: x, step: step) { value in
          shifted[flat: position] = value
          return (try? replay(output, replacing: [ObjectIdentifier(leaf): shifted]))?.scalars.first ?? .nan
        }
        let difference = Swift.abs(numeric - gradient.value[flat: position])
        let rounding = 4 * Double.ulpOfOne * lossMagnitude / step
        let scale = Swift.max(1, Swift.abs(numeric))
        worstAbsolute = Swift.max(worstAbsolute, difference.isNaN ? .infinity : difference)
        worstRelative = Swift.max(worstRelative, difference.isNaN ? .infinity : difference / scale)
        worstBeyondRounding = Swift.max(worstBeyondRounding, difference.isNaN ? .infinity : Swift.max(0, difference - rounding) / scale)
      }
      let verdict = !finite ? "✗ not finite"
        : worstBeyondRounding < 1e-5 ? "✓ agrees" : worstBeyondRounding < 1e-2 ? "~ near a kink?" : "✗ differs"
      if worstRelative >= 1e-5 && verdict.hasPrefix("✓") { roundingExplained = true }
      if !verdict.hasPrefix("✓") { allGood = false }
      let checked = positions.count == leaf.value.count ? "all \(positions.count)" : "\(positions.count) of \(leaf.value.count)"
      rows.append([name, Shape.text(leaf.shape), checked, format(worstAbsolute), format(worstRelative), verdict])
      records.append(.object([
        ("leaf", .string(name)), ("shape", .array(leaf.shape.map { .number(Double($0)) })),
        ("checked", .number(Double(positions.count))), ("max_abs_error", .number(worstAbsolute)),
        ("max_rel_error", .number(worstRelative)), ("finite", .bool(finite)), ("verdict", .string(verdict)),
      ]))
    }
    let kinked = Set(walk.order.compactMap { $0.rule?.name }).intersection(kinkedOps).sorted()
    let summary = allGood
      ? "autodiff agrees with central differences for every leaf of \(walk.name(of: output))"
        + (someTakeNoGradient ? " that takes a gradient" : "")
        + (roundingExplained
          ? " (the larger errors are the differences' own rounding: \(walk.name(of: output)) is \(format(lossMagnitude)), "
            + "and a difference divides its rounding by the small step; a smaller loss, a mean instead of a sum, shows it)"
          : "")
      : kinked.isEmpty
        ? "some gradients disagree with central differences"
        : "some gradients disagree with central differences; this graph has ops with kinks or steps (\(kinked.joined(separator: ", "))): "
          + "exactly at one the two one-sided slopes differ and a central difference averages them, so there it is expected"

    let reassigned = reassignedLeavesNote(walk, session).map { "\n" + session.options.style.note($0) } ?? ""
    return CommandOutput(
      text: table(["leaf", "shape", "checked", "max abs err", "max rel err", "verdict"], rows, style: session.options.style)
        + "\n" + summary + reassigned,
      data: .object([("leaves", .array(records)), ("agrees", .bool(allGood))]))
  }

  /// Ops with kinks or steps at some inputs: relu at 0, max at ties, bilinear sampling at
  /// whole pixel coordinates, rounding and floored pixel positions at their steps.
  static let kinkedOps: Set<String> = [
    "relu", "abs", "max", "min", "sign", "round", "floor", "ceil", "remainder", "grid_sample", "pixel_gather",
  ]

  static func format(_ x: Double) -> String {
    x == 0 ? "0" : String(format: "%.1e", x)
  }
}
