import Testing
import Tensors
@testable import Autodiff

@Suite("softmax, log_softmax, logsumexp, cross_entropy, mse")
struct SoftmaxFamilyTests {
  let scores = try! Tensor(rows: [[1, 2, 3], [1000, 1000, 1000]])

  @Test func valuesMatchSciPyAndStayFinite() throws {
    // scipy.special.softmax(x, axis=-1) for x = [[1, 2, 3], [1000, 1000, 1000]]: no overflow
    #expect(close(try scores.softmax(axes: [-1]), try Tensor(rows: [
      [0.09003057317038046, 0.24472847105479764, 0.6652409557748218], [1.0 / 3, 1.0 / 3, 1.0 / 3],
    ])))
    // scipy.special.log_softmax(x, axis=-1)
    #expect(close(try scores.logSoftmax(axes: [-1]), try Tensor(rows: [
      [-2.4076059644443806, -1.4076059644443804, -0.4076059644443804],
      [-1.0986122886681098, -1.0986122886681098, -1.0986122886681098],
    ])))
    // scipy.special.logsumexp(x, axis=1), logsumexp([1000., 1000]), logsumexp([-1000., -1000])
    #expect(close(try scores.logSumExp(axes: [1]), Tensor([3.40760596444438, 1001.0986122886682])))
    #expect(close(try Tensor([1000, 1000]).logSumExp(), Tensor(1000.6931471805599)))
    #expect(close(try Tensor([-1000, -1000]).logSumExp(), Tensor(-999.3068528194401)))
    // scipy.special.softmax([[1., 2], [3, 5]], axis=0)
    #expect(close(try Tensor(rows: [[1, 2], [3, 5]]).softmax(axes: [0]), try Tensor(rows: [
      [0.11920292202211755, 0.04742587317756679], [0.8807970779778823, 0.9525741268224334],
    ])))
    #expect(try Tensor(rows: [[1, 2]]).logSumExp(axes: [1], keepDims: true).shape == [1, 1])
  }

  /// The gradient of cross_entropy is (softmax(logits) - one_hot(labels)) / B.
  @Test func crossEntropyValueAndGradient() throws {
    let logits = Variable(try Tensor(rows: [[2, 0, -1], [0, 1, 0]]))
    let labels = Variable.constant(Tensor([0, 1]))
    let loss = try logits.crossEntropy(labels: labels)
    // (logsumexp(z, axis=1) - z[np.arange(2), t]).mean()
    #expect(close(loss.value, Tensor(0.36064536674416836)))
    let expected = try (logits.value.softmax(axes: [1]) - Tensor.oneHot(labels.value, classes: 3)) / Tensor(2)
    let dlogits = try gradient(of: loss, wrt: logits).value
    #expect(close(dlogits, expected, tolerance: 1e-12))
    // (softmax(z, axis=1) - np.eye(3)[t]) / 2
    #expect(close(dlogits, try Tensor(rows: [
      [-0.07810263275933027, 0.057097599692297246, 0.021005033067033024],
      [0.10597077880854272, -0.21194155761708544, 0.10597077880854272],
    ])))
    // A single example (C,) with a 0-d label is a batch of one.
    let single = try Variable.constant(Tensor([2, 0, -1])).crossEntropy(labels: .constant(Tensor(0)))
    #expect(close(single.value, try Tensor([2, 0, -1]).logSumExp() - Tensor(2)))
  }

  @Test func mseIsTheMeanSquaredDifference() throws {
    // np.mean((np.array([1., 2, 3]) - np.array([1., 2, 5])) ** 2)
    #expect(close(try Variable.mse(.constant(Tensor([1, 2, 3])), .constant(Tensor([1, 2, 5]))).value, Tensor(4.0 / 3)))
    // a = [[1, 2], [3, 4]], b = [0, 1]: np.mean((a - b) ** 2), 2 (a - b) / 4 and its negative summed over rows
    let a = Variable(try Tensor(rows: [[1, 2], [3, 4]])), b = Variable(Tensor([0, 1]))
    let loss = try Variable.mse(a, b)
    #expect(loss.value == Tensor(5))
    let grads = try gradients(of: loss, wrt: [a, b])
    #expect(grads[0].value == (try Tensor(rows: [[0.5, 0.5], [1.5, 1.5]])))
    #expect(grads[1].value == Tensor([-2, -2]))
  }

  @Test func softmaxGradientSumsToZeroAlongItsAxis() throws {
    let x = Variable(try ramp([2, 3], scale: 0.3))
    let dx = try gradients(of: x.softmax(), wrt: [x], seed: .constant(try ramp([2, 3], offset: -1)))[0].value
    for total in try dx.reduced(.sum, axes: [1]).scalars { #expect(Swift.abs(total) < 1e-12) }
  }
}
