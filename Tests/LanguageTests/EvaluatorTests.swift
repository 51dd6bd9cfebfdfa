import Foundation
import Testing
import Autodiff
import Tensors
@testable import Language

/// Runs source in a fresh interpreter (or the given one) and returns its records.
@discardableResult
func run(_ source: String, in interpreter: Interpreter = Interpreter()) -> [Record] {
  interpreter.run(SourceText(source))
}

/// The tensor a single expression evaluates to.
func tensor(_ source: String, in interpreter: Interpreter = Interpreter()) throws -> Tensor {
  let records = run(source, in: interpreter)
  guard case .value(_, .tensor(let v))? = records.last?.outcome else {
    Issue.record("`\(source)` gave \(String(describing: records.last?.outcome))")
    return Tensor(.nan)
  }
  return v.value
}

/// The rendered error of the last statement, or "" when it did not fail.
func renderedError(_ source: String, in interpreter: Interpreter = Interpreter()) -> String {
  guard case .failure(let diagnostic)? = run(source, in: interpreter).last?.outcome else { return "" }
  return render(diagnostic, in: SourceText(source))
}

@Suite("Evaluating statements")
struct EvaluatorTests {
  @Test func floorDivisionAndRemainderAreNumPys() throws {
    // np.array([7., -7., 7.5]) // [2., 2., -2.] is [3., -4., -4.]; % gives [1., 1., -0.5].
    #expect(try tensor("[7.0, -7.0, 7.5] // [2.0, 2.0, -2.0]") == Tensor([3, -4, -4]))
    #expect(try tensor("[7.0, -7.0, 7.5] % [2.0, 2.0, -2.0]") == Tensor([1, 1, -0.5]))
    // a == (a // b) * b + a % b, and // passes no gradient (it is floor(a / b)).
    #expect(try tensor("a = [7.0, -7.0, 7.5]; b = [2.0, 2.0, -2.0]; (a // b) * b + a % b - a") == Tensor([0, 0, 0]))
    #expect(try tensor("x = [1.5]; grad(sum(x // 1 + x), x)") == Tensor([1]))
    // 1 // 0.1 is 9 in Python and NumPy (0.1 is a little above a tenth), not floor(1 / 0.1) = 10; with
    // the infinities, np.floor_divide([inf, -inf, 5, 0, -5, 7, -7], [2, 2, 0, 0, 0, inf, inf]) is
    // [nan, nan, inf, nan, -inf, 0, -1], and np.remainder([3, -3], [-3, 3]) is [-0., 0.].
    #expect(try tensor("1 // 0.1") == Tensor(9))
    #expect(try tensor("a = [1, 7.5, -3]; b = [0.1, -0.7, 0.3]; (a // b) * b + a % b - a") == Tensor([0, 0, 0]))
    let divided = try tensor("[inf, -inf, 5, 0, -5, 7, -7] // [2, 2, 0, 0, 0, inf, inf]")
    #expect(divided.scalars.map { $0.isNaN ? "nan" : "\($0)" } == ["nan", "nan", "inf", "nan", "-inf", "0.0", "-1.0"])
    #expect(try tensor("[3, -3] % [-3, 3]").scalars.map(\.sign) == [.minus, .plus])
    #expect(try tensor("sign([nan, -2, 0, 3])").scalars[0].isNaN)
  }

  @Test func augmentedAssignmentsUpdateAndTrainLikeTheirLongForm() throws {
    let interpreter = Interpreter()
    run("x = [1.0, 2.0]; x += 1; x *= [2.0, 3.0]; x **= 2", in: interpreter)
    #expect(try tensor("x", in: interpreter) == Tensor([16, 81]))
    // `W -= lr * dW` is an optimizer step, stored as data like `W = W - lr * dW`.
    run("W = [1.0, -2.0]; for i in 0..<50 { L = sum(W * W); W -= 0.1 * grad(L, W) }", in: interpreter)
    guard case .tensor(let w)? = interpreter.lookup("W") else {
      Issue.record("W is not a tensor")
      return
    }
    #expect(w.isLeaf)
    #expect(abs(w.value.scalars[0] - (0..<50).reduce(1.0) { p, _ in p * 0.8 }) < 1e-12)

    // An update keeps the shape, as NumPy's in-place operators do: a bias (512,) plus a column
    // (512, 1) would become (512, 512). The failed update changes nothing; a number may grow.
    let records = run("b = zeros(4); b += ones(4, 1)", in: interpreter)
    guard case .failure(let diagnostic) = records.last?.outcome else {
      Issue.record("b += ones(4, 1) succeeded: \(records)")
      return
    }
    #expect(diagnostic.message == "`b += ones(4, 1)` would turn b (4,) into (4, 4): an update keeps the shape")
    #expect(diagnostic.hint == "as NumPy's and PyTorch's in-place operators do; if a new tensor is meant, write b = b + …")
    #expect(try tensor("b", in: interpreter) == Tensor([0, 0, 0, 0]))
    #expect(try tensor("s = 0; for i in 0..<3 { s += [1, 2] }; s", in: interpreter) == Tensor([3, 6]))
    // A tuple is no tensor to update; several names update one by one.
    #expect(renderedError("t = (ones(2), ones(2)); t += 1").hasPrefix("error: `t` is a tuple of 2: an update (`t += 1`) changes a tensor"))
    #expect(renderedError("a, b += 1").hasSuffix("hint: update each on its own: a += …; b += …"))
  }

  /// A recursion within the call limit whose body nests deeply can still run out of stack: that
  /// is an error, not a crash, on whatever thread and stack the interpreter runs.
  @Test func recursionThatOutgrowsTheStackIsAnError() throws {
    let body = (0..<30).reduce("g(n - 1)") { inner, _ in "abs(\(inner))" }
    // On a thread with a small stack, where 200 calls × 30 brackets cannot fit.
    let finished = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var (deep, shallow) = ("", "")
    let thread = Thread {
      let interpreter = Interpreter()
      run("def g(n) { if n <= 0 { return 0 }; return \(body) }", in: interpreter)
      deep = renderedError("g(199)", in: interpreter)
      shallow = (try? tensor("g(2)", in: interpreter))?.description ?? "failed"
      finished.signal()
    }
    thread.stackSize = 1 << 20
    thread.start()
    finished.wait()
    #expect(deep.hasPrefix("error: in g(): the computation nests too deeply for the stack"), "\(deep)")
    #expect(shallow == Tensor(0).description)
  }

  /// Suggestions: a near miss of about the same length; none for a very long name (comparing two
  /// 20,000-character names took seconds and gigabytes).
  @Test func suggestionsAreNearMissesOfShortNames() {
    #expect(closestName(to: "wieghts", in: ["weights", "w", "bias"]) == "weights")
    #expect(closestName(to: "wx", in: ["weights"]) == nil)
    let long = String(repeating: "a", count: 20_000)
    #expect(closestName(to: long + "b", in: [long]) == nil)
  }

  /// The notes of grad() and save() say what happened, and only that.
  @Test func gradientAndSaveNotesAreAccurate() {
    let second = run("x = [1.0, 2.0]; grad(sum(grad(sum(x * x * x), x)), x)").last?.notes ?? []
    #expect(second.first?.hasSuffix("for a second derivative, take the first one with create_graph=true: grad(L, x, create_graph=true)") == true)
    #expect(run("grad(sum(ones(2)), 3)").last?.notes == ["`sum(ones(2))` does not depend on `3`, so the gradient is zeros."])
    // A save that fails does not say where it saved.
    let failed = run("save(ones(2), \"/nonexistent/a\")").last
    #expect(failed?.notes == [])
    if case .failure(let diagnostic)? = failed?.outcome {
      #expect(diagnostic.message.hasPrefix("cannot write `/nonexistent/a.npy`"))
    } else {
      Issue.record("save to a missing folder succeeded")
    }
  }

  /// Assigning into a tensor is not possible (tensors are values); the hint writes the new tensor
  /// with the learner's own subscript, and that statement works.
  @Test func assigningIntoATensorSaysHowToWriteTheNewOne() throws {
    // The learner's own right side, so the hint pastes as it is; put writes exactly (v + (7 - v[0])
    // would lose the 7 next to 1e20, and give nan next to inf).
    #expect(renderedError("W = ones(2, 2); W[0, 1] = 0").hasSuffix(
      "hint: tensors are not changed in place here (as in JAX): write the new one, W = put(W, \"0, 1\", 0)"))
    #expect(renderedError("W = ones(2, 2); W[0] += 1").hasSuffix("W = put(W, \"0\", W[0] + 1)"))
    #expect(renderedError("W = ones(2, 2); W[0] -= [1, 2] * 3").hasSuffix("W = put(W, \"0\", W[0] - ([1, 2] * 3))"))
    #expect(try tensor("W = ones(2, 2); W = put(W, \"0\", W[0] - ([1, 2] * 3)); W") == Tensor(shape: [2, 2], scalars: [-2, -5, 1, 1]))
    #expect(try tensor("v = [1e20, 0.5, inf]; v = put(v, \"0\", 7); put(v, \"2\", 8)") == Tensor([7, 0.5, 8]))
    // NumPy: a = np.zeros((2, 3)); a[0, 1:] = [1, 2]; a[:, 0] = 5 gives [[5, 1, 2], [5, 0, 0]].
    #expect(try tensor("put(put(zeros(2, 3), \"0, 1:\", [1, 2]), \":, 0\", 5)") == Tensor(shape: [2, 3], scalars: [5, 1, 2, 5, 0, 0]))
    // A right side that does not parse: a placeholder that is no one's variable.
    #expect(renderedError("v = ones(2); v[0] = (1").contains("v = put(v, \"0\", value)"))
    // A mask: where; a subscript of a subscript: no statement that would fail the same way.
    #expect(renderedError("x = [1, -2]; x[x > 0] = 0").hasSuffix("hint: tensors are not changed in place here (as in JAX): x = where(x > 0, 0, x) puts 0 where the condition holds"))
    #expect(!renderedError("W = ones(2, 2); W[0][1] = 0").contains("W[0] = "))
    // A list of indices: one put for each, which runs as written.
    let listHint = "W = put(W, \"0\", 5); W = put(W, \"-1\", 5)"
    #expect(renderedError("W = zeros(3, 2); W[[0, -1]] = 5").hasSuffix(
      "hint: tensors are not changed in place here (as in JAX), and put writes at one subscript: " + listHint))
    #expect(try tensor("W = zeros(3, 2); " + listHint + "; W") == Tensor(shape: [3, 2], scalars: [5, 5, 0, 0, 5, 5]))
    #expect(renderedError("W = zeros(3, 2); W[[0, 2]] += 1").hasSuffix("W = put(W, \"0\", W[0] + 1); W = put(W, \"2\", W[2] + 1)"))
    // A name may hold an index or a mask: both rewrites, each of which runs for its kind.
    let maskHint = "W = put(W, \"m\", 1), or if m is a 0/1 mask, W = where(m, 1, W)"
    #expect(renderedError("W = zeros(2, 2); m = W == 0; W[m] = 1").hasSuffix(maskHint))
    #expect(try tensor("W = [[1, -1], [2, 0]]; m = W > 0; W = where(m, 1, W); W") == Tensor(shape: [2, 2], scalars: [1, -1, 1, 0]))
    #expect(try tensor("W = zeros(2, 2); m = 1; W = put(W, \"m\", 1); W") == Tensor(shape: [2, 2], scalars: [0, 0, 1, 1]))
    #expect(renderedError("W = zeros(2, 2); m = W == 0; W[m] *= 3").hasSuffix("or if m is a 0/1 mask, W = where(m, W * 3, W)"))
  }

  /// Python and PyTorch habits that would silently do nothing, or fail without a pointer, get one.
  @Test func pythonHabitsGetAPointer() {
    #expect(renderedError("q = []; q.append(1)").hasSuffix("hint: write q = append(q, 1)"))
    #expect(renderedError("x = ones(2, 3); x.sum(dim=1)").hasSuffix("hint: PyTorch's dim is NumPy's axis here: axis=…"))
    #expect(renderedError("exit").hasSuffix("hint: :quit or Ctrl-D leaves Backstep"))
    #expect(renderedError("np.random.randn(3, 2)").hasSuffix("hint: the random functions are built in: randn(3, 2), rand(3, 2), seed(0)"))
    #expect(renderedError("[i * 2 for i in range(3)]").contains("hint: comprehensions are not supported"))
  }

  @Test func indexErrorsSayWhatNumPyWouldDo() {
    #expect(renderedError("x = ones(3, 4); x[true]").contains("error: a boolean is not an index"))
    #expect(renderedError("x = ones(3); x[[true, false, true]]").contains("error: a list of booleans is not an index"))
    #expect(renderedError("diag([1, 2, 3], -1)").hasPrefix("error: diag's rows must be at least 0, got -1"))
    #expect(renderedError("reshape(ones(24), (4, 6), shape=(4, 6))").hasPrefix("error: reshape() got `shape` twice"))
    #expect(renderedError("x = ones(3, 4); x[..., 1, ...]").contains("error: an index can have only one `...`\n --> line 1:27"))
    #expect(renderedError("x = ones(3, 4); x[1e300]").contains("error: an index is too large: 1e+300"))
    #expect(renderedError("zeros(1e20)").hasPrefix("error: the shape of zeros() is too large"))
    #expect(renderedError("x = ones(3, 4); x[[0, 1], 2]").contains("gather_nd(x, stack([rows, cols], axis=-1))"))
    #expect(renderedError("sequence_mask([1e15])").hasPrefix("error: sequence_mask(): lengths[0] = 1000000000000000.0 is too large"))
    #expect(renderedError("arange(nan)").hasPrefix("error: arange's stop must be a finite number, got nan"))
    #expect(renderedError("arange(0, 10, 0)").hasPrefix("error: arange's step cannot be 0"))
    #expect(!renderedError("append([], \"x\")").contains("hint:"))
    #expect(renderedError("append([], [1, 2])").contains("hint: to join two vectors, use concat([[], [1, 2]])"))
  }

  @Test func builtInsAreMethodsOfTheirFirstArgumentAsInNumPy() throws {
    let interpreter = Interpreter()
    run("x = [[1.0, 2.0], [3.0, 4.0]]", in: interpreter)
    #expect(try tensor("x.sum(axis=1)", in: interpreter) == Tensor([3, 7]))
    #expect(try tensor("x.T.mean(0)", in: interpreter) == Tensor([1.5, 3.5]))
    #expect(try tensor("x.reshape(4, 1)", in: interpreter).shape == [4, 1])
    #expect(try tensor("x.max()", in: interpreter) == Tensor(4))
    // Axes and shapes as separate numbers or one tuple, positional or by keyword, as NumPy takes them.
    run("z = zeros(2, 3, 4)", in: interpreter)
    for call in ["z.transpose(0, 2, 1)", "z.transpose((0, 2, 1))", "transpose(z, axes=(0, 2, 1))"] {
      #expect(try tensor(call, in: interpreter).shape == [2, 4, 3], "\(call)")
    }
    #expect(try tensor("z.transpose()", in: interpreter).shape == [4, 3, 2])
    #expect(try tensor("reshape(z, shape=(4, 6))", in: interpreter).shape == [4, 6])
    // The same graph as the function call: gradients flow through methods.
    #expect(try tensor("grad(x.exp().sum(), x)", in: interpreter) == (try tensor("exp(x)", in: interpreter)))
    // Errors point at the receiver when it is the bad argument.
    #expect(renderedError("y = [1.0, 2.0]; y.sum(axis=3)").contains("axis 3 is out of range"))
    #expect(renderedError("x = [1.0]; x.sum").hasPrefix("error: `.sum` is a method: call it"))
  }

  @Test(arguments: [
    ("x = np.array([1, 2])", "error: `np.array`: Backstep has no modules; its functions are built in",
     "hint: write the values as a list: [[1, 2], [3, 4]]"),
    ("y = torch.tanh([1.0])", "error: `torch.tanh`: Backstep has no modules; its functions are built in",
     "hint: write `tanh(…)`: tanh(x)"),
    ("import numpy as np", "error: Backstep has no `import`: its functions are built in", "hint: write sum(x)"),
    ("len([1])", "error: unknown function `len`", "hint: x.shape[0] is the length of the first axis"),
    ("x = range(3)", "error: unknown function `range`", "hint: arange(n) gives the values 0, 1, …, n-1"),
    ("x = [1.0]; x.grad", "error: a tensor has no attribute `.grad`", "hint: gradients are values here: dx = grad(L, x)"),
    ("L = sum([1.0]); L.backward()", "error: a tensor has no attribute `.backward`", "hint: grad(L, x) computes the gradient"),
    ("x = [1.0, 2.0]; x.view(2, 1)", "error: a tensor has no attribute `.view`", "hint: PyTorch's view is reshape here"),
    ("x = [1.0, 2.0]; x.size()", "error: `x.size` is a number, not a function", "hint: `.size` is an attribute"),
  ])
  func numPyAndPyTorchHabitsGetAHint(source: String, message: String, hint: String) {
    let rendered = renderedError(source)
    #expect(rendered.hasPrefix(message), "\(rendered)")
    #expect(rendered.contains("\n" + hint), "\(rendered)")
  }

  @Test func detachKeepsTheValuesAndStopsTheGradient() throws {
    let interpreter = Interpreter()
    // y = c * x with c = detach(3x): the gradient is c alone (3x), not 6x as through both factors.
    run("x = [1.0, 2.0]; c = detach(x * 3); y = sum(c * x)", in: interpreter)
    #expect(try tensor("c", in: interpreter) == Tensor([3, 6]))
    #expect(try tensor("grad(y, x)", in: interpreter) == Tensor([3, 6]))
    #expect(try tensor("grad(sum(detach(x) * x), x)", in: interpreter) == Tensor([1, 2]))
    // Detached data is cut from its graph: nothing reaches x from it.
    let records = run("g = grad(sum(detach(x * x)), x)", in: interpreter)
    #expect(records.last?.notes.first?.hasPrefix("`sum(detach(x * x))` does not depend on `x`") == true, "\(records)")
  }

  @Test func precedenceFollowsPython() throws {
    #expect(try tensor("-2**2") == Tensor(-4))
    #expect(try tensor("2**3**2") == Tensor(512))
    #expect(try tensor("2**-1") == Tensor(0.5))
    #expect(try tensor("1 + 2 * 3 - 4 / 2") == Tensor(5))
    #expect(try tensor("[[1, 2], [3, 4]] @ [1, 1] * 2") == Tensor([6, 14]))
    #expect(try tensor("1 + 1 > 1") == Tensor(1))
  }

  @Test func literalsAndAttributes() throws {
    #expect(try tensor("[[1, 2], [3, 4]]") == (try Tensor(rows: [[1, 2], [3, 4]])))
    #expect(try tensor("[1e-3, -0.5, 2]") == Tensor([0.001, -0.5, 2]))
    #expect(try tensor("[[1, 2, 3]].T").shape == [3, 1])
    guard case .value(_, .tuple(let shape))? = run("zeros(2, 5).shape").last?.outcome else {
      Issue.record("shape is not a tuple")
      return
    }
    #expect(shape.map(\.literalText) == ["2", "5"])
    #expect(try tensor("true + 1") == Tensor(2))
  }

  @Test func indexingAndSlicing() throws {
    let interpreter = Interpreter()
    run("x = reshape(arange(24), (2, 3, 4))", in: interpreter)
    #expect(try tensor("x[0, 1:3, ::2]", in: interpreter) == (try Tensor(rows: [[4, 6], [8, 10]])))
    #expect(try tensor("x[-1, -1, -1]", in: interpreter) == Tensor(23))
    #expect(try tensor("x[..., 0]", in: interpreter).shape == [2, 3])
    #expect(try tensor("x[None, 1].shape[0] + 0", in: interpreter) == Tensor(1))
    #expect(renderedError("x = zeros(2, 3)\nx[2]") == """
      error: index 2 is out of range for axis 0 with size 2
       --> line 2:1
      2 | x[2]
        | ^~~~
      """)
  }

  @Test func starBetweenMatricesSuggestsMatmul() {
    let interpreter = Interpreter()
    run("w = zeros(3, 2); dz = ones(3, 5)", in: interpreter)
    #expect(renderedError("w.T * dz", in: interpreter) == """
      error: `*` multiplies element-wise; shapes (2, 3) and (3, 5) do not broadcast (axis -1: 3 vs 5)
       --> line 1:5
      1 | w.T * dz
        |     ^
      hint: for the matrix product (2, 3) @ (3, 5) -> (2, 5), write w.T @ dz
      """)
  }

  @Test func matmulMismatchSuggestsTheTranspose() {
    let interpreter = Interpreter()
    run("W = zeros(3, 2); x = ones(5, 2)", in: interpreter)
    #expect(renderedError("W @ x", in: interpreter) == """
      error: matrix product of (3, 2) and (5, 2): inner dimensions 2 and 5 differ
       --> line 1:3
      1 | W @ x
        |   ^
      hint: (3, 2) @ (2, 5) fits: W @ x.T gives (3, 5); or (5, 2) @ (2, 3) fits: x @ W.T gives (5, 3)
      """)
    // The row-major dense layer's mistakes: the order swapped fits, and x.T transposed is x.
    run("x = ones(4, 3); dz = ones(4, 2); W = ones(3, 2)", in: interpreter)
    #expect(renderedError("dz @ x.T", in: interpreter).hasSuffix("hint: (3, 4) @ (4, 2) fits: x.T @ dz gives (3, 2); or (2, 4) @ (4, 3) fits: dz.T @ x gives (2, 3)"))
    #expect(renderedError("W.T @ dz", in: interpreter).hasSuffix("hint: (4, 2) @ (2, 3) fits: dz @ W.T gives (4, 3); or (3, 2) @ (2, 4) fits: W @ dz.T gives (3, 4)"))
    #expect(renderedError("(x + 1) @ W.T", in: interpreter).contains("(x + 1) @ W gives (4, 2)"))
    #expect(renderedError("ones(2, 5) @ ones(3, 7)").hasSuffix("hint: the columns of the left must equal the rows of the right"))
    // Batch axes that do not pair up are named as such, with their sizes.
    #expect(renderedError("ones(8, 3, 2) @ ones(7, 2, 5)").hasPrefix(
      "error: `@` of (8, 3, 2) and (7, 2, 5): their batch axes (8,) and (7,) do not broadcast (8 vs 7)"))
    #expect(renderedError("ones(8, 3, 2) @ ones(7, 2, 5)").hasSuffix(
      "hint: the last two axes multiply as matrices; the axes before them pair up one batch entry with another, so their sizes must be equal or 1"))
  }

  @Test func aFailedStatementChangesNothing() throws {
    let interpreter = Interpreter()
    run("a = 1; seed(3)", in: interpreter)
    let before = try tensor("randn(2)", in: Interpreter())  // any value; what matters is the state below
    _ = before
    run("seed(3)", in: interpreter)
    let records = run("a = randn(2) @ zeros(3)", in: interpreter)
    #expect(records[0].outcome.isFailure)
    #expect(try tensor("a", in: interpreter) == Tensor(1))
    // The failed statement's random draws were undone: the next draw is the first after seed(3).
    let afterFailure = try tensor("randn(2)", in: interpreter)
    run("seed(3)", in: interpreter)
    #expect(try tensor("randn(2)", in: interpreter) == afterFailure)
  }

  @Test func aLoopThatFailsPartWayTakesBackEveryAssignment() throws {
    let interpreter = Interpreter()
    run("a = 1", in: interpreter)
    // `a` changes twice and `c` is created before the third iteration fails.
    let records = run("for k in 0..<3 { a = a + 1\n c = k\n if k == 2 { d = missing } }", in: interpreter)
    #expect(records.count == 1 && records[0].outcome.isFailure)
    #expect(try tensor("a", in: interpreter) == Tensor(1))
    #expect(interpreter.lookup("c") == nil)
    #expect(interpreter.lookup("d") == nil)
    #expect(interpreter.lookup("k") == nil)
    // The next statement starts from that state, and its own changes stay.
    run("a = a + 10", in: interpreter)
    #expect(try tensor("a", in: interpreter) == Tensor(11))
  }

  @Test func randomNumbersAreReproducible() throws {
    let a = try tensor("seed(0); randn(3)")
    let b = try tensor("seed(0); randn(3)")
    #expect(a == b)
    #expect(a != (try tensor("seed(1); randn(3)")))
  }

  @Test func denseLayerGradients() throws {
    let interpreter = Interpreter()
    run("""
      x = [[1, 2, 3, 4, 5], [0.5, -1, 0, 1, 2]]
      W = [[1, -1], [0.5, -1], [1, -0.5]]
      b = [[0.1], [0.2], [0.3]]
      z = W @ x + b
      L = sum(z * [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]])
      """, in: interpreter)
    #expect(try tensor("grad(L, x)", in: interpreter) == (try Tensor(rows: [[2.5, 5, 7.5, 10, 12.5], [-2.5, -5, -7.5, -10, -12.5]])))
    #expect(try tensor("grad(L, W)", in: interpreter) == (try Tensor(rows: [[55, 12.5], [55, 12.5], [55, 12.5]])))
    #expect(try tensor("grad(L, b)", in: interpreter) == (try Tensor(rows: [[15], [15], [15]])))
  }

  @Test func gradientOfAnUnrelatedVariableIsZerosWithANote() throws {
    let interpreter = Interpreter()
    run("x = [1, 2]; L = sum(x * x); x = [5, 5]", in: interpreter)
    let records = run("grad(L, x)", in: interpreter)
    guard case .value(_, .tensor(let g))? = records.first?.outcome else {
      Issue.record("no gradient")
      return
    }
    #expect(g.value == Tensor([0, 0]))
    #expect(records[0].notes == [
      "`L` does not depend on `x`, so the gradient is zeros. (If `x` was reassigned after `L` was computed, `L` still uses the old value.)",
    ])
  }

  @Test func gradOfANonScalarNeedsASeed() throws {
    let interpreter = Interpreter()
    run("x = [1, 2, 3]; y = x * x", in: interpreter)
    #expect(renderedError("grad(y, x)", in: interpreter) == """
      error: grad needs a scalar L; `y` has shape (3,)
       --> line 1:6
      1 | grad(y, x)
        |      ^
      hint: reduce it first (sum(...) or mean(...)), or take a vector-Jacobian product: vjp(y, x, seed)
      """)
    #expect(try tensor("vjp(y, x, [1, 1, 1])", in: interpreter) == Tensor([2, 4, 6]))
  }

  @Test func secondDerivativeThroughTheLanguage() throws {
    let interpreter = Interpreter()
    run("x = [1, -2, 0.5]; g = grad(sum(x ** 3), x, create_graph=true)", in: interpreter)
    #expect(try tensor("grad(sum(g), x)", in: interpreter) == Tensor([6, -12, 3]))
  }

  /// The learner's batched inner product, three ways, all equal.
  @Test func batchedInnerProductThreeWays() throws {
    let interpreter = Interpreter()
    run("seed(0); x = randn(32, 3); y = randn(32, 3)", in: interpreter)
    let direct = try tensor("reduce_sum(x * y, 1)", in: interpreter)
    let wasteful = try tensor("diag_part(tensordot(x, y, axes=[[1], [1]]))", in: interpreter)
    #expect(direct.shape == [32])
    for (a, b) in zip(direct.scalars, wasteful.scalars) { #expect(abs(a - b) < 1e-12) }
    #expect(try tensor("tensordot(x, y, axes=[[1], [1]])", in: interpreter).shape == [32, 32])
  }

  @Test func tensordotMatchesNumPy() throws {
    // np.tensordot(np.arange(6.).reshape(2, 3), np.arange(12.).reshape(3, 4), axes=1)
    #expect(try tensor("tensordot(reshape(arange(6), (2, 3)), reshape(arange(12), (3, 4)), axes=1)")
      == (try Tensor(rows: [[20, 23, 26, 29], [56, 68, 80, 92]])))
    // np.tensordot(a, a, axes=2) for a = arange(6).reshape(2, 3) is 55
    #expect(try tensor("a = reshape(arange(6), (2, 3)); tensordot(a, a)") == Tensor(55))
  }

  @Test func argumentErrorsPointAtTheArgument() {
    #expect(renderedError("sum([1, 2], axes=0)") == """
      error: sum() has no parameter `axes`
       --> line 1:18
      1 | sum([1, 2], axes=0)
        |                  ^
      hint: did you mean `axis`? The signature is sum(x, axis=None, keepdims=false)
      """)
    #expect(renderedError("zeros(2.5)") == """
      error: the shape of zeros() must be an integer, got 2.5
       --> line 1:7
      1 | zeros(2.5)
        |       ^~~
      """)
    #expect(renderedError("sum()").hasPrefix("error: sum() is missing its argument `x`"))
    #expect(renderedError("xx = 1\nxy + 1").contains("hint: did you mean `xx`?"))
    #expect(renderedError("exp(1, 2)").hasPrefix("error: exp() takes 1 argument, got more\n --> line 1:8"))
    #expect(renderedError("sum([1, 2], 0, x=[1])").hasPrefix("error: sum() got `x` twice\n --> line 1:18"))
    #expect(renderedError("sum(axis=0)").hasPrefix("error: sum() is missing its argument `x`"))
  }

  @Test func argumentsBindByPositionThenKeywordAndVariadicShapesCollectTheRest() throws {
    #expect(try tensor("sum([[1, 2], [3, 4]], 1, keepdims=true)") == (try Tensor(rows: [[3], [7]])))
    #expect(try tensor("sum(keepdims=true, x=[[1, 2], [3, 4]], axis=0)") == (try Tensor(rows: [[4, 6]])))
    #expect(try tensor("zeros(2, 3)").shape == [2, 3])
    #expect(try tensor("zeros((2, 3))").shape == [2, 3])
    #expect(try tensor("zeros()").shape == [])
  }

  @Test func raggedListsAreAnError() {
    #expect(renderedError("[[1, 2], [3]]").hasPrefix("error: ragged nested list"))
  }

  @Test func tuplesUnpackAndFunctionsDefine() throws {
    let interpreter = Interpreter()
    run("def f(a, b) = a * b + 1\ndef g(x) {\n  y = f(x, x)\n  return y * 2\n}", in: interpreter)
    #expect(try tensor("g(3)", in: interpreter) == Tensor(20))
    run("p, q = (1, [2, 3])", in: interpreter)
    #expect(try tensor("q", in: interpreter) == Tensor([2, 3]))
    #expect(renderedError("def r(n) = r(n)\nr(1)", in: interpreter).contains("calls nested deeper than 200 levels"))
  }

  @Test func loopsAndConditionals() throws {
    let interpreter = Interpreter()
    run("total = 0\nfor i in 0..<4 { total = total + i }\nfor i in 1..3 { if i == 2 { total = total + 100 } else { total = total + 0 } }", in: interpreter)
    #expect(try tensor("total", in: interpreter) == Tensor(106))
    let error = renderedError("for i in 0..<3 { y = zeros(2) @ zeros(i + 2) }")
    #expect(error.hasPrefix("error: matrix product of (2,) and (3,): inner dimensions 2 and 3 differ (in iteration i = 1)"))
  }

  /// Every built-in's documented example runs.
  @Test(arguments: BuiltinCatalog.all.map(\.name))
  func exampleRuns(_ name: String) throws {
    let builtin = try #require(Interpreter.builtins[name])
    let interpreter = Interpreter()
    run("x = ones(2, 3)", in: interpreter)
    let records = run(builtin.example, in: interpreter)
    for record in records {
      #expect(!record.outcome.isFailure, "\(builtin.example): \(record.outcome)")
    }
  }
}

@Suite("Training loops")
struct TrainingLoopTests {
  /// W = W - lr * grad(L, W) stores data, so 10,000 iterations leave no graph behind (memory stays flat).
  @Test func memoryStaysFlatOverALongLoop() throws {
    let interpreter = Interpreter()
    let records = run("""
      seed(0); x = randn(2, 8); t = [[3, -2]] @ x; w = zeros(1, 2)
      for i in 0..<10000 {
        L = mean((w @ x - t) ** 2)
        w = w - 0.1 * grad(L, w)
      }
      """, in: interpreter)
    #expect(!records.contains { $0.outcome.isFailure })
    // Every variable's graph is the size of one iteration's, not ten thousand.
    for (name, value) in interpreter.globals {
      guard case .tensor(let v) = value else { continue }
      #expect(topologicalOrder(from: v).count < 20, "\(name) holds \(topologicalOrder(from: v).count) nodes")
    }
    #expect(try tensor("w", in: interpreter).scalars.map { ($0 * 1e6).rounded() / 1e6 } == [3, -2])
  }

  /// The same with the gradient named first (dw = grad(L, w); w = w - lr * dw), and for several at once.
  @Test func namedGradientsMakeOptimizerStepsToo() throws {
    let interpreter = Interpreter()
    run("""
      seed(0); x = randn(2, 8); t = [[3, -2]] @ x + 1; w = zeros(1, 2); b = 0
      for i in 0..<2000 {
        L = mean((w @ x + b - t) ** 2)
        dw, db = grad(L, [w, b])
        w = w - 0.1 * dw
        b = b - 0.1 * db
      }
      """, in: interpreter)
    for name in ["w", "b"] {
      guard case .tensor(let v)? = interpreter.lookup(name) else { Issue.record("no \(name)"); continue }
      #expect(v.isLeaf, "\(name) still carries a graph")
    }
    #expect(try tensor("b", in: interpreter).scalars.map { ($0 * 1e6).rounded() / 1e6 } == [1])
  }

  /// `W - lr * G` runs in one pass, and gives exactly the two operators' values: checked against
  /// the step written through a named product (which is not an optimizer step, so it is not fused).
  /// Other operands fall back to the operators as written, with their errors and their traces.
  @Test func anOptimizerStepInOnePassGivesTheOperatorsValues() throws {
    let interpreter = Interpreter()
    run("""
      seed(3); x = randn(5, 4); W = randn(3, 5); b = randn(3, 1); lr = 0.37
      L = sum(tanh(W @ x + b) ** 2)
      dW, db = grad(L, [W, b])
      S = lr * dW; expected = W - S; expectedSwapped = W - dW * 0.1; expectedBias = b - 0.05 * db
      W1 = W - lr * dW; W2 = W - dW * 0.1; b1 = b; b1 -= 0.05 * db
      """, in: interpreter)
    #expect(try tensor("W1", in: interpreter) == tensor("expected", in: interpreter))
    #expect(try tensor("W2", in: interpreter) == tensor("expectedSwapped", in: interpreter))
    #expect(try tensor("b1", in: interpreter) == tensor("expectedBias", in: interpreter))
    for name in ["W1", "W2", "b1"] {
      guard case .tensor(let v)? = interpreter.lookup(name) else { Issue.record("no \(name)"); continue }
      #expect(v.isLeaf && v.requiresGradient, "\(name) is not a new leaf")
    }
    // A rate of one value per row broadcasts as written; the step is data all the same.
    run("rates = [[0.1], [0.2], [0.3]]; W3 = W - rates * dW", in: interpreter)
    #expect(try tensor("W3", in: interpreter) == tensor("W - [[0.1], [0.2], [0.3]] * dW", in: interpreter))
    guard case .tensor(let w3)? = interpreter.lookup("W3") else { Issue.record("no W3"); return }
    #expect(w3.isLeaf)
    // A product that is not a gradient's is an ordinary expression, recorded.
    run("V = W - lr * S", in: interpreter)
    guard case .tensor(let v)? = interpreter.lookup("V") else { Issue.record("no V"); return }
    #expect(v.rule?.name == "subtract")
    // A trace shows the two operators, as written.
    var operations: [String] = []
    interpreter.tracer = { operations.append($0.operation) }
    run("W5 = W - lr * dW", in: interpreter)
    interpreter.tracer = nil
    #expect(operations == ["*", "-"])
    #expect(try tensor("W5", in: interpreter) == tensor("expected", in: interpreter))
    // A gradient that broadcasts is combined as written; errors come from the operator that fails.
    run("T = lr * db; expectedBroadcast = W - T; W4 = W - lr * db", in: interpreter)
    #expect(try tensor("W4", in: interpreter) == tensor("expectedBroadcast", in: interpreter))
    #expect(renderedError("W = W - lr * [1, 2]", in: interpreter).hasPrefix(
      "error: `-` shapes (3, 5) and (2,) do not broadcast (axis -1: 5 vs 2)\n --> line 1:7"))
    #expect(renderedError("W = W - lr * dX", in: interpreter).hasPrefix("error: unknown name `dX`\n --> line 1:14"))
  }

  /// A recurrence that is not an update keeps its graph (backpropagation through time).
  @Test func aRecurrenceKeepsItsGraph() throws {
    let interpreter = Interpreter()
    run("h0 = ones(2); h = h0\nfor i in 0..<3 { h = tanh(h * 0.5) }\nL = sum(h)", in: interpreter)
    #expect(try tensor("grad(L, h0)", in: interpreter).scalars.allSatisfy { $0 > 0 })
  }

  /// A script building a 1,000,000-op chain works (no recursion anywhere: walk, release, naming).
  @Test func aLongChainBuildsAndDifferentiates() throws {
    let interpreter = Interpreter()
    run("x = [1.0, 2.0]; y = x\nfor i in 0..<200000 { y = y * 1.0 }\nL = sum(y)", in: interpreter)
    #expect(try tensor("grad(L, x)", in: interpreter) == Tensor([1, 1]))
  }
}

@Suite("Limits")
struct LimitTests {
  @Test func theSessionLimitUndoesTheStatementThatCrossesIt() throws {
    let interpreter = Interpreter()
    interpreter.sessionByteLimit = 1000
    run("a = zeros(10, 10)", in: interpreter)
    #expect(renderedError("b = zeros(10, 10)", in: interpreter).hasPrefix(
      "error: the session's variables would hold 1.56 KiB, over the limit of 1000 B"))
    #expect(interpreter.lookup("b") == nil)
    #expect(interpreter.sessionBytes == 800)
  }

  @Test func theSessionsSizeFollowsAssignmentsUndoAndReplacement() throws {
    let interpreter = Interpreter()
    interpreter.sessionByteLimit = 1000
    // Overwriting a name frees its old value's share: 800 + 800 bytes over time, never together.
    run("a = zeros(10, 10)\na = ones(10, 10)\na = 1", in: interpreter)
    #expect(interpreter.globalBytesUpperBound == 8)
    run("b = zeros(10, 10)", in: interpreter)
    // A failed statement is undone, and so is what it did to the count.
    #expect(renderedError("for i in 0..<1 { c = zeros(2, 2); e = undefined }", in: interpreter).contains("unknown name"))
    #expect(interpreter.lookup("c") == nil)
    #expect(interpreter.globalBytesUpperBound == 808)
    #expect(renderedError("c = zeros(5, 5)", in: interpreter).hasPrefix("error: the session's variables would hold"))
    interpreter.clear()
    #expect(interpreter.globalBytesUpperBound == 0)
    run("c = zeros(5, 5)", in: interpreter)
    #expect(interpreter.sessionBytes == 200)
  }
}
