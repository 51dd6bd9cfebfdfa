import Foundation
import Testing
@testable import Autodiff
@testable import Tensors

/// The element-wise rules that compute through the vectorised kernels give glibc's values
/// to a few units in the last place, over the whole range and at the special values.
@Suite("Element-wise values")
struct ElementwiseValueTests {
  static let inputs: [Double] =
    stride(from: -40.0, through: 40.0, by: 0.0371).map { $0 } + [0, -0.0, 1e-300, -1e-12, 700, -745, .infinity, -.infinity]

  /// The distance in units in the last place between two doubles of the same sign.
  static func ulps(_ a: Double, _ b: Double) -> UInt64 {
    if a == b { return 0 }
    let (x, y) = (a.bitPattern, b.bitPattern)
    return x > y ? x - y : y - x
  }

  /// glibc's value of the rule called `name` at `x`.
  static func reference(_ name: String, _ x: Double) -> Double {
    switch name {
    case "exp": Foundation.exp(x)
    case "tanh": Foundation.tanh(x)
    default: 1 / (1 + Foundation.exp(-x))  // sigmoid
    }
  }

  @Test(arguments: ["exp", "tanh", "sigmoid"])
  func agreeWithGlibc(_ name: String) throws {
    let rule = try #require(RuleBook.rule(named: name))
    let values = try rule.evaluate([Tensor(Self.inputs)]).scalars
    var worst: UInt64 = 0
    for (x, y) in zip(Self.inputs, values) {
      let expected = Self.reference(name, x)
      #expect(y.sign == expected.sign || y == 0, "\(name)(\(x)) = \(y), expected \(expected)")
      worst = max(worst, Self.ulps(y, expected))
    }
    #expect(worst <= 4, "\(name): \(worst) ulp at worst")
  }
}

/// relu's fused backward gives what `g * (x > 0)` gives, value for value.
@Suite("relu's backward")
struct ReluBackwardValueTests {
  /// A product with the mask: NaN and infinite gradients stay NaN where the mask is 0, and the
  /// sign of a zero is the product's (-2 · 0 = -0), as the two ops written out give.
  @Test func isTheProductWithTheMask() throws {
    let g = Tensor([1.5, -2, .nan, .infinity, 3, 4, 5])
    let x = Tensor([2, -1, -3, 0, -0.0, .nan, .infinity])
    let t = try Rule.reluBackward.evaluate([g, x]).scalars
    let expected: [Double] = [1.5, -0.0, .nan, .nan, 0, 0, 5]
    #expect(t.count == expected.count)
    for (value, wanted) in zip(t, expected) {
      #expect(value.bitPattern == wanted.bitPattern || (value.isNaN && wanted.isNaN), "\(value) for \(wanted)")
    }
  }

  /// g and x broadcast as in arithmetic: a column of gradients against a row of inputs.
  @Test func broadcastsAsArithmetic() throws {
    let g = try Tensor(shape: [2, 1], scalars: [1, 10])
    let x = Tensor([-1, 0.5, 2])
    let t = try Rule.reluBackward.evaluate([g, x])
    #expect(t.shape == [2, 3])
    #expect(t.scalars == [0, 1, 1, 0, 10, 10])
  }
}
