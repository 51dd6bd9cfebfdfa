import Testing
import Autodiff
import Tensors
@testable import Language

@Suite("Built-ins: softmax, log_softmax, logsumexp, cross_entropy, mse")
struct SoftmaxFamilyBuiltinTests {
  /// cross_entropy's gradient is (softmax(logits) - one_hot(labels)) / B.
  @Test func crossEntropyGradientIsSoftmaxMinusOneHotOverB() throws {
    let interpreter = Interpreter()
    run("seed(3); z = randn(4, 5); t = [0, 3, 4, 3]", in: interpreter)
    let autodiff = try tensor("grad(cross_entropy(z, t), z)", in: interpreter)
    let formula = try tensor("(softmax(z) - one_hot(t, 5)) / 4", in: interpreter)
    expectNearlyEqual(autodiff, formula)
    // The same loss written out: mean of logsumexp minus the true class's logit.
    expectNearlyEqual(
      try tensor("cross_entropy(z, t)", in: interpreter),
      try tensor("mean(logsumexp(z, 1) - sum(z * one_hot(t, 5), 1))", in: interpreter))
    // Second derivatives flow: the gradient, recorded, differentiates again.
    run("g = grad(cross_entropy(z, t), z, create_graph=true)", in: interpreter)
    #expect(try tensor("grad(sum(g * g), z)", in: interpreter).shape == [4, 5])
  }

  @Test func scipyValues() throws {
    // scipy.special.logsumexp([1000., 1000]): no overflow
    expectNearlyEqual(try tensor("logsumexp([1000, 1000])"), Tensor(1000.6931471805599))
    // scipy.special.softmax([[1., 2], [3, 5]], axis=0)
    expectNearlyEqual(try tensor("softmax([[1, 2], [3, 5]], axis=0)"), try Tensor(rows: [
      [0.11920292202211755, 0.04742587317756679], [0.8807970779778823, 0.9525741268224334],
    ]))
    // scipy.special.softmax(x, axis=None) sums to one over everything
    expectNearlyEqual(try tensor("sum(softmax([[1, 2], [3, 5]], None))"), Tensor(1))
    // scipy.special.log_softmax([1., 2, 3])
    expectNearlyEqual(try tensor("log_softmax([1, 2, 3])"), Tensor([-2.4076059644443806, -1.4076059644443804, -0.4076059644443804]))
    // np.mean((np.array([1., 2, 3]) - np.array([1., 2, 5])) ** 2)
    expectNearlyEqual(try tensor("mse([1, 2, 3], [1, 2, 5])"), Tensor(4.0 / 3))
    #expect(try tensor("logsumexp(ones(2, 3), 1, keepdims=true)").shape == [2, 1])
  }

  /// A column (n, 1) against a vector (n,) broadcasts to (n, n): the value is computed, as in
  /// PyTorch, with a note where PyTorch warns. A scalar target, or equal shapes, give none.
  @Test func mseSaysWhenBroadcastingComparesEveryPair() {
    let records = run("p = [[1.0], [2]]; t = [1.0, 3]; mse(p, t); mse(p, 2); mse(t, t); for i in 0..<3 { L = mse(p.T, p) }")
    #expect(records[2].notes == [
      "mse compared p (2, 1) with t (2,) by broadcasting them to (2, 2): every pair, not each prediction with its target. "
        + "Give both the same shape (reshape one, or take the column's [:, 0])",
    ])
    #expect(records[3].notes.isEmpty && records[4].notes.isEmpty)
    // Said once for the loop, not once per iteration.
    #expect(records[5].notes == [
      "mse compared p.T (1, 2) with p (2, 1) by broadcasting them to (2, 2): every pair, not each prediction with its target. "
        + "Give both the same shape",
    ])
  }

  @Test func derivedGradientsPasteBack() throws {
    let interpreter = Interpreter()
    run("""
      z = [[2, 0, -1], [0, 1, 0]]
      t = [0, 1]
      y = [[1, 0, 1], [2, 1, 0]]
      L = cross_entropy(z, t) + sum(softmax(z) * y) + sum(logsumexp(z, 1) ** 2) + mse(log_softmax(z, 0), y)
      """, in: interpreter)
    let derived = try deriveAndRun(of: "L", wrt: "z", in: interpreter)
    expectNearlyEqual(derived.value, derived.expected, tolerance: 1e-12, "\(derived.lines)")
  }

  @Test func labelsAreCheckedAndNamed() {
    #expect(renderedError("cross_entropy([[2, 0, -1], [0, 1, 0]], [0, 3])") == """
      error: cross_entropy(): labels[1] = 3 is out of range for 3 classes (logits has shape (2, 3))
       --> line 1:40
      1 | cross_entropy([[2, 0, -1], [0, 1, 0]], [0, 3])
        |                                        ^~~~~~
      hint: labels run from 0 to 2
      """)
    #expect(renderedError("cross_entropy([[2, 0, -1], [0, 1, 0]], [[1, 0, 0], [0, 1, 0]])") == """
      error: cross_entropy(): labels must be one class number per example, shape (2,), got (2, 3)
       --> line 1:40
      1 | cross_entropy([[2, 0, -1], [0, 1, 0]], [[1, 0, 0], [0, 1, 0]])
        |                                        ^~~~~~~~~~~~~~~~~~~~~~
      hint: labels are integers 0…2, not one-hot rows
      """)
  }
}
