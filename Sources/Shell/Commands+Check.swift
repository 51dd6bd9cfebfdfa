import Foundation
import Autodiff
import Language
import Tensors

extension Commands {
  /// At most this many elements of each leaf are perturbed; larger leaves are sampled.
  static let checkedElementsPerLeaf = 200

  static func check(_ session: Session, _ raw: CommandArguments) throws(EvaluationError) -> CommandOutput {
    var arguments = raw
    try arguments.takeFlags([])
    let walk = try Commands.walk(session, arguments, usage: ":check L")
    let output = walk.output
    guard output.value.scalars.allSatisfy(\.isFinite) else {
      throw EvaluationError(
        "`\(walk.name(of: output))` is \(Tensor.formatScalar(output.value.scalars.first ?? .nan)): finite differences of it compare nothing",
        at: arguments.range, hint: ":set anomaly on, then compute it again: the op that made the first NaN or infinity is named")
    }
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
    var roundingExplained = false, someTakeNoGradient = false, someAtKinks = false, someJump = false
    var differing: [String] = [], differingShape: [Int] = []
    // A large model takes seconds: the loops' progress bar shows how far the positions have come.
    let totalPositions = zip(leaves, autodiff).reduce(0) { total, pair in
      total + (pair.1.isReached ? Swift.min(pair.0.value.count, checkedElementsPerLeaf) : 0)
    }
    var positionsDone = 0
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
      var worstAbsolute = 0.0, worstRelative = 0.0, worstBeyondRounding = 0.0, worstAwayFromKinks = 0.0, jumps = false
      let finite = gradient.value.scalars.allSatisfy(\.isFinite)
      let base = output.value.scalars.first ?? .nan
      for position in positions {
        // Each position replays the graph twice, which for a large model adds up: Ctrl-C stops it.
        if session.interpreter.isInterrupted() { throw EvaluationError.interrupted(at: arguments.range) }
        positionsDone += 1
        session.interpreter.loopProgress?(LoopProgress(completed: positionsDone, total: totalPositions))
        let x = leaf.value[flat: position]
        var shifted = leaf.value
        let step = 1e-6 * Swift.max(1, Swift.abs(x))
        func loss(at value: Double) -> Double {
          shifted[flat: position] = value
          return (try? replay(output, replacing: [ObjectIdentifier(leaf): shifted]))?.scalars.first ?? .nan
        }
        let (above, below) = (loss(at: x + step), loss(at: x - step))
        let numeric = (above - below) / (2 * step)
        let autodiff = gradient.value[flat: position]
        let difference = Swift.abs(numeric - autodiff)
        let rounding = 4 * Double.ulpOfOne * lossMagnitude / step
        let scale = Swift.max(1, Swift.abs(numeric))
        let beyondRounding = difference.isNaN ? .infinity : Swift.max(0, difference - rounding) / scale
        worstAbsolute = Swift.max(worstAbsolute, difference.isNaN ? .infinity : difference)
        worstRelative = Swift.max(worstRelative, difference.isNaN ? .infinity : difference / scale)
        worstBeyondRounding = Swift.max(worstBeyondRounding, beyondRounding)
        // At a kink (relu at 0, a sample exactly on a pixel) the central difference averages the
        // two one-sided slopes, and autodiff takes one of them: that is agreement too.
        // A jump (floor, //, %) shows as a one-sided slope of the jump's size over the small step.
        let slopes = [(above - base) / step, (base - below) / step]
        let oneSided = slopes.map { Swift.abs($0 - autodiff) / Swift.max(1, Swift.abs($0)) }
        let atKink = beyondRounding >= 1e-5 && oneSided.contains { $0 < 1e-4 }
        if atKink, slopes.contains(where: { Swift.abs($0) > 1e4 * Swift.max(1, Swift.abs(autodiff)) }) { jumps = true }
        worstAwayFromKinks = Swift.max(worstAwayFromKinks, beyondRounding < 1e-5 || atKink ? 0 : beyondRounding)
      }
      let verdict = !finite ? "✗ not finite"
        : worstBeyondRounding < 1e-5 ? "✓ agrees"
        : worstAwayFromKinks == 0 ? (jumps ? "~ at a jump" : "~ at a kink")
        : worstAwayFromKinks < 1e-2 ? "~ near a kink?" : "✗ differs"
      if worstRelative >= 1e-5 && verdict.hasPrefix("✓") { roundingExplained = true }
      if verdict == "~ at a jump" { someJump = true }
      if verdict == "~ at a kink" || verdict == "~ at a jump" {
        someAtKinks = true
      } else if !verdict.hasPrefix("✓") {
        allGood = false
        if differing.isEmpty { differingShape = leaf.shape }
        differing.append(name)
      }
      let checked = positions.count == leaf.value.count ? "all \(positions.count)" : "\(positions.count) of \(leaf.value.count)"
      rows.append([name, Shape.text(leaf.shape), checked, format(worstAbsolute), format(worstRelative), verdict])
      records.append(.object([
        ("leaf", .string(name)), ("shape", .array(leaf.shape.map { .number(Double($0)) })),
        ("checked", .number(Double(positions.count))), ("max_abs_error", .number(worstAbsolute)),
        ("max_rel_error", .number(worstRelative)), ("finite", .bool(finite)), ("verdict", .string(verdict)),
      ]))
    }
    let kinked = Set(walk.order.compactMap { $0.rule?.name }).intersection(kinkedOps).sorted()
    let kinks = kinked.isEmpty ? "" : " (\(kinked.joined(separator: ", ")))"
    let summary = allGood
      ? "autodiff agrees with central differences for every leaf of \(walk.name(of: output))"
        + (someTakeNoGradient ? " that takes a gradient" : "")
        + (someAtKinks
          ? "; where marked ~ some points sit exactly on a \(someJump ? "kink or a jump" : "kink") of an op\(kinks): there the two "
            + "one-sided slopes differ, a central difference averages them, and autodiff's value is one of them, as it should be"
            + (someJump ? " (at a jump the other is the jump divided by the small step)" : "")
          : "")
        + (roundingExplained
          ? " (the larger errors are the differences' own rounding: \(walk.name(of: output)) is \(format(lossMagnitude)), "
            + "and a difference divides its rounding by the small step; a smaller loss, a mean instead of a sum, shows it)"
          : "")
      : kinked.isEmpty
        ? "some gradients disagree with central differences"
        : "some gradients disagree with central differences; this graph has ops with kinks or steps\(kinks): "
          + "exactly at one the two one-sided slopes differ and a central difference averages them, so there it is expected; "
          + "to tell, check at a point off the kinks, e.g. \(differing.first ?? "x") = \(differing.first ?? "x") + 0.001 * randn\(Shape.text(differingShape))"
          + (kinked.contains("grid_sample") ? " (grid_sample at the identity warp reads every pixel exactly at its center, on a kink)" : "")

    let reassigned = reassignedLeavesNote(walk, session).map { "\n" + session.options.style.note($0) } ?? ""
    return CommandOutput(
      text: table(["leaf", "shape", "checked", "max abs err", "max rel err", "verdict"], rows, style: session.options.style)
        + "\n" + summary + reassigned,
      data: .object([("leaves", .array(records)), ("agrees", .bool(allGood))]))
  }

  /// Ops with kinks or steps at some inputs: relu at 0, max at ties, bilinear sampling at
  /// whole pixel coordinates, rounding and floored pixel positions at their steps.
  static let kinkedOps: Set<String> = [
    "relu", "abs", "max", "min", "maximum", "minimum", "clip", "sign", "round", "floor", "ceil", "remainder", "floor_divide",
    "grid_sample", "pixel_gather",
  ]

  static func format(_ x: Double) -> String {
    x == 0 ? "0" : String(format: "%.1e", x)
  }
}
