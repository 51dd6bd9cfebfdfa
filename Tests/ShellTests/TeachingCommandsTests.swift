import Foundation
import Testing
import Autodiff
import Tensors
@testable import Language
@testable import Shell

/// The dense layer of the learners' question: x (2, 5), W (3, 2), b (3, 1), sigmoid, mean squared error.
let denseLayer = """
  x = [[1, 2, 3, 4, 5], [0.5, -1, 0, 1, 2]]
  W = [[1, -1], [0.5, -1], [1, -0.5]]
  b = [[0.1], [0.2], [0.3]]
  y = [[0, 1, 0, 1, 0], [1, 0, 1, 0, 1], [0, 0, 1, 1, 0]]
  z = W @ x + b
  a = sigmoid(z)
  L = mean((a - y) ** 2)
  """

@Suite("Step-by-step commands")
struct TeachingCommandsTests {
  func session(json: Bool = false) -> Transcript {
    let t = Transcript(json: json)
    t.type(denseLayer)
    return t
  }

  @Test func traceGolden() { expectSnapshot(session().type(":trace W @ x + b"), named: "trace-dense") }
  @Test func backwardGolden() { expectSnapshot(session().type(":backward L"), named: "backward-dense") }
  @Test func backwardVerboseGolden() { expectSnapshot(session().type(":backward L -v"), named: "backward-dense-verbose") }
  @Test func deriveGolden() {
    let t = session()
    expectSnapshot(t.type(":derive L wrt W") + t.type(":derive L wrt b") + t.type(":derive L wrt x"), named: "derive-dense")
  }
  @Test func explainGolden() {
    let t = session()
    expectSnapshot(t.type(":explain matmul") + t.type(":explain add") + t.type(":explain"), named: "explain")
  }
  @Test func graphGolden() { expectSnapshot(session().type(":graph L"), named: "graph-dense") }
  @Test func costGolden() {
    let t = Transcript()
    t.type("seed(0); p = randn(32, 3); q = randn(32, 3)")
    expectSnapshot(t.type(":cost reduce_sum(p * q, 1) vs diag_part(tensordot(p, q, axes=[[1], [1]]))"), named: "cost-inner-product")
  }

  /// :cost A vs B compares two ways to compute one thing, and says when they do not.
  @Test func costSaysWhenTheTwoDoNotComputeTheSameThing() {
    let t = Transcript()
    t.type("x = [[1, 2, 3], [4, 5, 6]]; y = [[1, 0, 1], [0, 1, 0]]")
    #expect(t.type(":cost reduce_sum(x * y, 1) vs reduce_sum(x * y, 0)")
      .hasSuffix("note: the results differ in shape, (2,) and (3,): they do not compute the same thing\n"))
    #expect(t.type(":cost x vs y").contains("the second does 1× the forward flops and allocates 1× the memory of the first"))
    #expect(t.type(":trace x").hasPrefix("`x` runs no operation"))
    #expect(t.type(":cost ones(4, 4) @ ones(4, 4)").contains("no operation recorded: it is computed from data only"))
    // A broadcast input's gradient is summed back: c (2, 1) stretched to (2, 3) takes 6 - 2 adds backward.
    #expect(t.type("c = [[1], [2]]; :cost x + c").contains("add  x + c       (2, 3)  6              4"))
    #expect(t.type(":cost reduce_sum(x * y, 1) vs reduce_sum(x * x, 1)")
      .hasSuffix("note: the results have the same shape (2,) but differ (by up to 14): they do not compute the same thing\n"))
  }

  /// grid_sample's backward is written with many ops: :backward points to :derive's lines instead.
  @Test func backwardShortensAVeryLongGradient() {
    let t = Transcript()
    t.type("img = reshape(arange(16.0), (1, 1, 4, 4)); th = [[[1.1, 0.1, 0], [0, 0.9, 0]]]")
    t.type("L = sum(grid_sample(img, affine_grid(th, (1, 1, 4, 4))) ** 2)")
    let output = t.type(":backward L")
    #expect(output.contains(" characters long: :derive L wrt <variable> writes it as short lines)   (1, 1, 4, 4)"))
    #expect(output.split(separator: "\n").allSatisfy { $0.count < 300 })
  }

  @Test func checkAgrees() {
    let output = session().type(":check L")
    #expect(output.hasSuffix("autodiff agrees with central differences for every leaf of L\n"))
    #expect(output.components(separatedBy: "✓ agrees").count == 5)  // W, x, b, y
  }

  /// Labels and indices held in variables are leaves too, but take no gradient: a small step
  /// would make them non-integers. They are listed, not checked, and do not fail the check.
  @Test func checkListsLabelsAndIndicesWithoutCheckingThem() {
    let t = Transcript()
    t.type("z = [[1, 2, 0.5], [0, -1, 2]]; y = [2, 0]; L = cross_entropy(z, y)")
    let output = t.type(":check L")
    #expect(output.contains("y     (2,)    none     —            —            — takes no gradient (labels, indices)"))
    #expect(output.hasSuffix("autodiff agrees with central differences for every leaf of L that takes a gradient\n"))
    t.type("V = [[1, 2], [3, 4], [5, 6]]; ix = [2, 0, 2]; M = sum(gather(V, ix) ** 2)")
    #expect(t.type(":check M").contains("autodiff agrees"))
    // It reports its progress through the loops' progress bar, one step per position perturbed.
    nonisolated(unsafe) var reported: [(Int, Int)] = []
    t.session.interpreter.loopProgress = { reported.append(($0.completed, $0.total)) }
    _ = t.type(":check M")
    #expect(reported.count == 6 && reported.last! == (6, 6), "\(reported)")  // V has 6 elements
    // Ctrl-C stops it between positions (a large model takes seconds).
    t.session.interpreter.isInterrupted = { true }
    #expect(t.type(":check M").hasPrefix("error: interrupted\n"))
    t.session.interpreter.isInterrupted = { false }
    // :derive says the same as grad: L depends on its labels, but no gradient reaches them.
    #expect(t.type(":derive L wrt y")
      == "L depends on y only through operations that pass no gradient (indices, labels, comparisons, rounding): dL/dy is zeros of shape (2,).\n")
  }

  /// At the identity warp every sample falls on a whole pixel, where bilinear sampling has a kink:
  /// :check says which op makes the disagreement expected.
  @Test func checkNamesTheOpsWithKinks() {
    let t = Transcript()
    t.type("img = reshape(arange(16.0), (1, 1, 4, 4)); theta = [[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]")
    t.type("S = sum(grid_sample(img, affine_grid(theta, (1, 1, 4, 4))) ** 2)")
    let output = t.type(":check S")
    #expect(output.contains("✗ differs"))
    #expect(output.contains("this graph has ops with kinks or steps (grid_sample)"))
    #expect(output.contains("check at a point off the kinks, e.g. theta = theta + 0.001 * randn(1, 2, 3)"))
  }

  /// At a single kink autodiff takes one of the two one-sided slopes, which the central
  /// difference averages: relu at exactly 0 is marked, not failed.
  @Test func checkAcceptsAOneSidedSlopeAtAKink() {
    let t = Transcript()
    t.type("x = [-1, 0, 2]; K = sum(relu(x) * [1, 2, 3])")
    let output = t.type(":check K")
    #expect(output.contains("~ at a kink"))
    #expect(output.contains("autodiff agrees with central differences for every leaf of K; where marked ~"))
    // A jump is told apart from a kink; a loss that is NaN has nothing to compare.
    t.type("a = [2.0, 3]; b = [1.0, 1.5]; J = sum(a // b) + sum(a % b)")
    #expect(t.type(":check J").contains("~ at a jump"))
    t.type("N = sum(maximum(a, nan))")
    #expect(t.type(":check N").hasPrefix("error: `N` is nan: finite differences of it compare nothing"))
  }

  /// A large loss (a sum over a big tensor; here a constant makes it large) carries its rounding
  /// into the central difference, divided by the small step: that is not a disagreement.
  @Test func checkAllowsForTheRoundingOfALargeLoss() {
    let t = Transcript()
    t.type("seed(1); x = randn(20, 10); r = relu(x) + sigmoid(x) + abs(x); y = tanh(x) * 2 + 1")
    t.type("L = sum(r * y) + 1e9")
    let output = t.type(":check L")
    #expect(output.contains("✓ agrees"), "\(output)")
    #expect(output.contains("autodiff agrees with central differences for every leaf of L (the larger errors are the differences' own rounding"), "\(output)")
  }

  /// The gradients :backward prints are exactly what grad() returns.
  @Test func backwardValuesAreGradValues() throws {
    let t = session(json: true)
    let record = t.type(":backward L")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
    let data = try #require(object["data"] as? [String: Any])
    let leaves = try #require(data["leaves"] as? [[String: Any]])
    for leaf in leaves {
      let name = try #require(leaf["name"] as? String)
      let variable = String(name.dropFirst())
      guard case .tensor(let g)? = t.session.interpreter.run(SourceText("grad(L, \(variable))")).first.flatMap({
        if case .value(_, let v) = $0.outcome { v } else { nil }
      }) else {
        Issue.record("grad(L, \(variable)) failed")
        continue
      }
      let printed = RecordRendering.json(g.value).serialized()
      let shown = try JSONSerialization.data(withJSONObject: leaf["value"] ?? [])
      #expect(printed.replacingOccurrences(of: " ", with: "") == String(decoding: shown, as: UTF8.self), "\(name)")
    }
  }

  /// The batch remark follows the layout: with examples as rows (`x @ W + c`, c shared by the
  /// rows), dW sums over the rows and dx keeps them; with no bias to tell, both readings are given.
  @Test func theBatchRemarkFollowsTheLayout() {
    let t = Transcript()
    t.type("x = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 1, 0]]; W = [[1, 0], [0, 1], [1, 1]]; c = [0.5, -0.5]")
    t.type("L = sum(sigmoid(x @ W + c))")
    let rowMajor = t.type(":backward L")
    #expect(rowMajor.contains(
      "each entry sums over the 4 rows of d(x @ W + c) and keeps its 2 columns: rows are examples here (c (2,) is added to each of them), so this sums over the batch."))
    #expect(rowMajor.contains(
      "each entry sums over the 2 columns of d(x @ W + c) and keeps its 4 rows: rows are examples here (c (2,) is added to each of them), so each example of x keeps its own gradient: the batch axis is kept."))
    // The bias of a batch in rows: its gradient is a plain sum over the rows.
    #expect(t.type(":derive L wrt c").contains("  dc = sum(broadcast_to(dL, (4, 2)) * sigmoid(x @ W + c) * (1 - sigmoid(x @ W + c)), axis=0)\n"))
    t.type("p = [[1, 2], [3, 4]]; q = [[0, 1], [1, 0]]; P = sum(diag_part(p @ q.T))")
    let noBias = t.type(":backward P")
    #expect(noBias.contains("shapes: d(p @ q.T) (2, 2) @ q (2, 2) -> (2, 2), the shape of p."))
    #expect(noBias.contains("when columns are examples this sums over the batch; when rows are, each example keeps its own gradient."))
    t.type("V = [[1, 2], [3, 4]]; mask = [[1, 0], [1, 1]]; Q = sum(tanh(p @ (V * mask)))")
    #expect(t.type(":backward Q").contains("@ (V * mask).T (2, 2)"))
  }

  /// After `w -= 0.5`, L's graph still holds the old w: the commands show it and say so, since
  /// grad(L, w) now takes the new w.
  @Test func aLeafAssignedAgainIsCalledOut() {
    let t = Transcript()
    t.type("w = 2.0; x = 3.0; L = w * w * x; w -= 0.5")
    let note = "note: `w` was assigned again after L was computed: this is L's graph, with the old value; "
      + "grad(L, w) takes the new w, which L does not depend on (compute L again to use it)\n"
    #expect(t.type(":backward L").hasSuffix(note))
    #expect(t.type(":check L").hasSuffix(note))
    #expect(t.type(":derive L wrt w") == "L does not depend on w: dL/dw is zeros of shape ().\n" + note)
    t.type("L = w * w * x")  // the new w is w - 0.5, computed from the old one: L depends on both
    #expect(!t.type(":backward L").contains("note:"))
    t.type("w = 1.0")
    #expect(t.type(":backward L").hasSuffix(note))
  }

  /// An unnamed expression is called L, or another name when the session has an L; a tensor that
  /// is not a scalar gets a hint that can be typed as it is.
  @Test func unnamedOutputsAndTheirHints() {
    let t = Transcript()
    t.type("x = [1, 2]; z = x * x")
    #expect(t.type(":derive sum(z) wrt x").hasPrefix("dL/dx, from the backward graph:"))
    t.type("L = sum(z)")
    #expect(t.type(":derive sum(z) wrt x").hasPrefix("dJ/dx, from the backward graph:"))
    #expect(t.type(":derive z wrt x").contains("hint: reduce it first: :derive sum(z) wrt x\n"))
    #expect(t.type(":derive L wrt 2 * x").hasPrefix("error: `:derive` takes the name of a variable after `wrt`"))
  }

  /// In a loop one name holds a new value each time: the earlier values are y_1, y_2, … and
  /// :derive gives them lines of their own, so the lines paste back and give grad's value.
  @Test func valuesOfALoopAreNamedApartAndDeriveBackExactly() {
    let t = Transcript()
    t.type("x = [0.5, 0.2]; y = x; for i in range(3) { y = sin(y) + y }; L = sum(y)")
    #expect(t.type(":derive L wrt x") == """
      dL/dx, from the backward graph:
        y_1 = sin(x) + x
        y_2 = sin(y_1) + y_1
        dL = 1
        dy = broadcast_to(dL, (2,))
        dy_2 = dy + dy * cos(y_2)
        dy_1 = dy_2 + dy_2 * cos(y_1)
        dx = dy_1 + dy_1 * cos(x)
      evaluated here, these lines give exactly grad(L, x), (2,)

      """)
    #expect(t.type(":backward L").contains("step 4  y_2 = sin(y_1) + y_1"))
  }

  /// Indices computed in the graph (an argmax) are forward values: written where they are used,
  /// before the gradient lines, so that the lines paste back.
  @Test func deriveWithComputedIndicesPastesBack() {
    let t = Transcript()
    t.type("logits = [[1.0, 2, 0.5], [0.3, -1, 2]]; W = [[1.0, -2, 0.5], [0.3, 2, -1], [1, 1, 1]]")
    t.type("L = sum(gather(W, argmax(logits, axis=1)) ** 2)")
    #expect(t.type(":derive L wrt W").hasSuffix("evaluated here, these lines give exactly grad(L, W), (3, 3)\n"))
  }

  /// An LSTM's gradients share their parts (dh feeds four gates): written out at each use they
  /// would double with every step. Shared parts get lines (g1, g2, …), so the text grows with T.
  @Test func deriveThroughAnLSTMGrowsLinearlyWithItsLength() throws {
    func derivation(steps: Int) throws -> String {
      let t = Transcript()
      t.type("seed(1); xs = randn(1, \(steps), 1); W = randn(4, 1) * 0.1; U = randn(4, 1) * 0.1; K = sum(lstm(xs, W, U, zeros(4)))")
      return t.type(":derive K wrt W")
    }
    let (short, long) = (try derivation(steps: 4), try derivation(steps: 8))
    #expect(short.hasSuffix("evaluated here, these lines give exactly grad(K, W), (4, 1)\n"))
    #expect(long.hasSuffix("evaluated here, these lines give exactly grad(K, W), (4, 1)\n"))
    #expect(long.count < 3 * short.count, "\(short.count) characters for 4 steps, \(long.count) for 8")
  }

  @Test func fanOutIsCalledOut() throws {
    let t = Transcript()
    t.type("u = [1, 2]; M = sum(u * u + u)")
    let output = t.type(":backward M")
    // u * u + u: two ops, three uses, each step's part added to du as it comes (not overwriting it).
    #expect(output.contains("u is used 3 times, so its gradients add up:"))
    #expect(output.components(separatedBy: "        du += ").count == 4, "\(output)")
    #expect(!output.contains("        du = "), "\(output)")
    #expect(output.contains("        d(u * u) = d(u * u + u)"), "\(output)")  // a node used once is assigned

    let j = Transcript(json: true)
    j.type("u = [1, 2]; M = sum(u * u + u)")
    let json = j.type(":backward M")
    #expect(json.contains(#""name": "du", "formula": "d(u * u + u) * u", "adds": true"#), "\(json)")
    #expect(json.contains(#""name": "d(u * u)", "formula": "d(u * u + u)", "adds": false"#), "\(json)")
  }

  /// `x % y` passes its gradient to x unchanged, so dL/dx and dL/d(x % y) are one tensor; the
  /// gradient of y must still be written with d(x % y), as the rule says, not with dx.
  @Test func aGradientPassedOnUnchangedKeepsTheNameOfTheNodeNearestL() {
    let t = Transcript()
    t.type("x = [1.5, -2, 7]; y = [2, 3, 4]; L = sum(x % y)")
    #expect(t.type(":derive L wrt y") == """
      dL/dy, from the backward graph:
        dL = 1
        dy = -(broadcast_to(dL, (3,)) * (x // y))
      evaluated here, these lines give exactly grad(L, y), (3,)

      """)
    let backward = t.type(":backward L")
    #expect(backward.contains("dx = d(x % y)   (3,)"))
    #expect(backward.contains("dy = -(d(x % y) * (x // y))   (3,)"))
    // A named value still names its gradient on the way to what is derived.
    t.type("W = [[1, 2], [3, 4]]; v = [1, -1]; z = W @ v; K = sum(tanh(z + x[:2]))")
    #expect(t.type(":derive K wrt W").contains("  dW = expand_dims(dz, 1) @ reshape(v, (2, 1)).T\n"))
  }

  @Test func errorsPointAtTheArgument() {
    let t = session()
    #expect(t.type(":backward z") == """
      error: `z` has shape (3, 5); the backward pass starts from a single number
       --> line 1:11
      1 | :backward z
        |           ^
      hint: reduce it first: :backward sum(z)

      """)
    #expect(t.type(":derive L W").hasPrefix("error: `:derive` needs `wrt` and the variable"))
    // An option without its value, or one that does not exist, is named (it used to be read as arithmetic).
    #expect(t.type(":graph L --dot").hasPrefix("error: `--dot` needs a file name after it"))
    #expect(t.type(":graph L --dot a.dot --dot b.dot").hasPrefix("error: `--dot` is given twice"))  // only one file would be written
    #expect(t.type(":backward L -v -v").hasPrefix("backward pass of L"))
    #expect(t.type(":backward L --verbose").contains("error: unknown option `--verbose`\n --> line 1:11\n1 | :backward L --verbose\n  |           ^~~~~~~~~~~\nhint: the options here: -v"))
    t.type("s = 2")
    #expect(t.type(":backward s").contains("`s` has no graph to walk back through: it was typed in"))
    t.type("v = [1, 2]")
    #expect(t.type(":backward sum(detach(v))").hasPrefix(
      "error: `sum(detach(v))` has no graph to walk back through: it was typed in, or computed only from data"))
    #expect(t.type(":explain matmull").contains("hint: did you mean `:explain matmul`?"))
    #expect(t.type(":explain //").hasPrefix("floor_divide\n"))
    #expect(t.type(":explain seed").contains("hint: :help seed says what it does"))
    #expect(t.type(":explain @").hasPrefix("matmul\n"))
  }

  @Test func commandsGiveStructuredRecords() throws {
    let t = session(json: true)
    for command in [":trace W @ x + b", ":backward L", ":derive L wrt W", ":explain matmul", ":graph L", ":check L", ":cost W @ x"] {
      let line = t.type(command)
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(command)")
      #expect(object["source"] as? String == command)
      #expect(object["data"] != nil, "\(command) has no data")
    }
  }

  /// For every rule with a backward: :derive's lines, evaluated in the session, give grad's values.
  @Test(arguments: RuleBook.all.filter(\.isDifferentiable).map(\.name))
  func deriveEvaluatesBackToGrad(_ name: String) throws {
    let rule = try #require(RuleBook.rule(named: name))
    var generator = RandomGenerator(seed: 5)
    for sample in rule.samples {
      let interpreter = Interpreter()
      let values = try sample.makeInputs(using: &generator)
      let names = values.indices.map { "in\($0)" }
      var inputs: [Variable] = []
      for (index, value) in values.enumerated() {
        let v = Variable(value, requiresGradient: sample.isDifferentiable(input: index))
        v.label = names[index]
        interpreter.define(names[index], .tensor(v))
        inputs.append(v)
      }
      let y = try rule.apply(inputs, sample.attributes)
      let direction = Variable(try generator.normal(y.shape))
      direction.label = "v"
      interpreter.define("v", .tensor(direction))
      let L = try (y * direction).reduced(.sum)
      L.label = "L"
      let walk = try BackwardWalk(from: L, named: "L")
      for (index, input) in inputs.enumerated() where input.requiresGradient {
        let derivation = try #require(Derivation(walk, wrt: input), "\(name): L does not reach \(names[index])")
        let expected = try gradient(of: L, wrt: input).value
        let check = Commands.verify(derivation, in: interpreter, against: expected, call: "grad(L, x)")
        #expect(check.verified, "\(name) \(sample.inputs.map(\.shape)) d\(names[index]): \(derivation.lines.map(\.text)) — \(check.message)")
      }
    }
  }
}
