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
    func name(_ node: Variable, _ text: String) {
      names[ObjectIdentifier(node)] = text
      named[ObjectIdentifier(node)] = node
    }
    var onTheWay: Set<ObjectIdentifier> = []
    for node in walk.order where node === target || node.inputs.contains(where: { onTheWay.contains(ObjectIdentifier($0)) }) {
      onTheWay.insert(ObjectIdentifier(node))
    }
    // Every node of the forward graph, also those off the gradient's paths (an argmax used as indices).
    var forward = Set<ObjectIdentifier>()
    var pending = [walk.output]
    while let node = pending.popLast() {
      if forward.insert(ObjectIdentifier(node)).inserted { pending += node.inputs }
    }
    for node in walk.order {
      let id = ObjectIdentifier(node)
      if onTheWay.contains(id), node.label != nil || node === walk.output,
        let gradient = walk.totals[id], gradient !== walk.seed
      {
        name(gradient, walk.gradientName(of: walk.name(of: node)))
      }
      // Forward values the session does not hold under these names need lines of their own:
      // t1, … for long expressions, y_1, … for the earlier values of a y assigned in a loop.
      if let forwardName = walk.names[id], forwardName != node.label, !node.isLeaf { name(node, forwardName) }
    }
    name(total, walk.gradientName(of: walk.name(of: target)))
    // A gradient used by several others gets a line too: written out at each use, an LSTM's dh,
    // which feeds four gates, would double in length with every step back.
    let shared = Self.sharedNodes(from: total, stoppingAt: named).filter { !forward.contains(ObjectIdentifier($0)) }
    for node in shared { named[ObjectIdentifier(node)] = node }

    // The named values the target needs, found by walking its graph, dependencies first.
    var ordered: [Variable] = []
    var done = Set<ObjectIdentifier>()
    func collect(_ node: Variable) {
      guard done.insert(ObjectIdentifier(node)).inserted else { return }
      for dependency in Self.namedDependencies(of: node, named: named) { collect(dependency) }
      ordered.append(node)
    }
    collect(total)
    // Forward values first, in the order they were computed (they use no gradient), then the gradients.
    let position = Dictionary(walk.order.enumerated().map { (ObjectIdentifier($1), $0) }, uniquingKeysWith: { first, _ in first })
    ordered = ordered.filter { forward.contains(ObjectIdentifier($0)) }.sorted { position[ObjectIdentifier($0)] ?? 0 < position[ObjectIdentifier($1)] ?? 0 }
      + ordered.filter { !forward.contains(ObjectIdentifier($0)) }
    // The shared gradients are g1, g2, … in the order their lines come.
    let isShared = Set(shared.map(ObjectIdentifier.init))
    var taken = walk.takenNames.union(names.values)
    var helpers = 0
    for node in ordered where isShared.contains(ObjectIdentifier(node)) {
      names[ObjectIdentifier(node)] = GraphNotation.unusedName({ "g\($0)" }, counter: &helpers, taken: &taken)
    }
    let notation = GraphNotation(names: names)
    var unreadable = false
    let lines = ordered.map { (node: Variable) -> Line in
      let expression = node === walk.seed ? Expr.number(1) : notation.expression(of: node)
      if expression.sourceText.contains("tensor_of_shape") { unreadable = true }
      return Line(name: names[ObjectIdentifier(node)] ?? "?", expression: expression)
    }
    self.lines = lines
    value = total.value
    unreadableConstants = unreadable
  }

  /// The operations reachable from `root` that would be written out more than once: used by
  /// two or more nodes that are written out (named nodes are written once, on their own line).
  private static func sharedNodes(from root: Variable, stoppingAt named: [ObjectIdentifier: Variable]) -> [Variable] {
    var uses: [ObjectIdentifier: Int] = [:]
    var found: [Variable] = []
    var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
    var stack = [root]
    while let node = stack.popLast() {
      for input in node.inputs where !input.isLeaf {
        let id = ObjectIdentifier(input)
        uses[id, default: 0] += 1
        if uses[id] == 2, named[id] == nil { found.append(input) }
        // A named node's own expression is written on its line: its inputs count from there too.
        if visited.insert(id).inserted { stack.append(input) }
      }
    }
    return found
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
