import Autodiff
import Tensors

/// dL/dx as statements of the language: the gradients of the named values on the
/// way from L to x, each as an expression in the session's names, ending with
/// the one asked for. Pasted into the session, they compute what `grad(L, x)` returns.
public struct Derivation {
  /// One statement: `dz = da * a * (1 - a)`.
  public struct Line: Equatable {
    public let name: String
    public let expression: Expr
    public var text: String { "\(name) = \(expression.sourceText)" }
  }

  /// From the seed to the target, each line using only earlier ones and session variables.
  public let lines: [Line]
  /// The gradient's value (what grad() returns).
  public let value: Tensor
  /// Unnamed constants that appear in the lines and are written as placeholders (not evaluable).
  public let unreadableConstants: Bool

  /// Derives dL/d(target) from a walk that started at L. `nil` when L does not depend on the target.
  public init?(_ walk: BackwardWalk, wrt target: Variable) {
    guard let total = walk.totals[ObjectIdentifier(target)] else { return nil }
    // Gradients of the named values on the way from L to the target get names; everything else
    // is written out where it is used. A value off that way is not named even when it shares the
    // gradient (`x % y` passes its gradient to x unchanged: dL/dy must not read as if it used dx).
    var names: [ObjectIdentifier: String] = [ObjectIdentifier(walk.seed): walk.seed.label ?? "dL"]
    var named: [ObjectIdentifier: Variable] = [ObjectIdentifier(walk.seed): walk.seed]
    var onTheWay: Set<ObjectIdentifier> = []
    for node in walk.order where node === target || node.inputs.contains(where: { onTheWay.contains(ObjectIdentifier($0)) }) {
      onTheWay.insert(ObjectIdentifier(node))
    }
    for node in walk.order where onTheWay.contains(ObjectIdentifier(node)) {
      guard let label = node.label ?? (node === walk.output ? walk.name(of: node) : nil),
        let gradient = walk.totals[ObjectIdentifier(node)], gradient !== walk.seed
      else { continue }
      names[ObjectIdentifier(gradient)] = walk.gradientName(of: label)
      named[ObjectIdentifier(gradient)] = gradient
    }
    let targetName = walk.gradientName(of: walk.name(of: target))
    names[ObjectIdentifier(total)] = targetName
    named[ObjectIdentifier(total)] = total
    let notation = GraphNotation(names: names)

    // The named gradients the target needs, found by walking its graph, dependencies first.
    var lines: [Line] = []
    var done = Set<ObjectIdentifier>()
    var unreadable = false
    func define(_ gradient: Variable) {
      let id = ObjectIdentifier(gradient)
      guard done.insert(id).inserted else { return }
      for dependency in Self.namedDependencies(of: gradient, named: named) { define(dependency) }
      let expression = gradient === walk.seed ? Expr.number(1) : notation.expression(of: gradient)
      if expression.sourceText.contains("tensor_of_shape") { unreadable = true }
      lines.append(Line(name: names[id] ?? "?", expression: expression))
    }
    define(total)
    self.lines = lines
    value = total.value
    unreadableConstants = unreadable
  }

  /// The named gradients that `gradient`'s expression refers to directly.
  private static func namedDependencies(of gradient: Variable, named: [ObjectIdentifier: Variable]) -> [Variable] {
    var found: [Variable] = []
    var seen = Set<ObjectIdentifier>()
    var stack = gradient.inputs
    while let next = stack.popLast() {
      guard seen.insert(ObjectIdentifier(next)).inserted else { continue }
      if let dependency = named[ObjectIdentifier(next)] {
        found.append(dependency)
      } else {
        stack += next.inputs
      }
    }
    return found.reversed()
  }
}
