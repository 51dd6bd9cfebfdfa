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
