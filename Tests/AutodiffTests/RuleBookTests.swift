import Testing
import Tensors
@testable import Autodiff

/// Every rule in the book, checked against central finite differences at every
/// sample it declares (broadcasting, size-1 axes, 0-d tensors, transposes).
@Suite("Every rule in the book")
struct RuleBookTests {
  static let differentiable = RuleBook.all.filter(\.isDifferentiable)

  @Test(arguments: differentiable.map(\.name))
  func vjpMatchesFiniteDifferences(_ name: String) throws {
    let rule = try #require(RuleBook.rule(named: name))
    #expect(!rule.samples.isEmpty, "\(name) declares no samples to check")
    var generator = RandomGenerator(seed: 7)
    for sample in rule.samples {
      let report = try rule.check(at: sample, using: &generator)
      #expect(report.allFinite, "\(name) at \(sample.inputs.map(\.shape))")
      #expect(report.maxRelativeError < 1e-6, "\(name) at \(sample.inputs.map(\.shape)): \(report.maxRelativeError)")
    }
  }

  /// The backward, recorded as a graph, differentiated again: the gradient of
  /// ⟨dL/dx, w⟩ against finite differences of dL/dx.
  @Test(arguments: differentiable.map(\.name))
  func secondDerivativesMatchFiniteDifferences(_ name: String) throws {
    let rule = try #require(RuleBook.rule(named: name))
    var generator = RandomGenerator(seed: 11)
    for sample in rule.samples {
      let values = try sample.makeInputs(using: &generator)
      let differentiable = values.indices.filter { sample.isDifferentiable(input: $0) }
      let direction = try generator.normal(try rule.evaluate(values, sample.attributes).shape)
      let weights = try differentiable.map { (i: Int) throws -> Tensor in try generator.normal(values[i].shape) }

      // f(x) = Σ_i ⟨∂⟨y, v⟩/∂x_i, w_i⟩, a scalar whose gradient needs second derivatives.
      func firstOrderProjection(_ x: [Variable]) throws -> Variable {
        let y = try rule.apply(x, sample.attributes)
        let first = try gradients(of: y, wrt: differentiable.map { x[$0] }, seed: .constant(direction), createGraph: true)
        var total = Variable.constant(0)
        for (gradient, weight) in zip(first, weights) {
          total = try total + (gradient.variable * .constant(weight)).reduced(.sum)
        }
        return total
      }
      let variables = values.indices.map { Variable(values[$0], requiresGradient: sample.isDifferentiable(input: $0)) }
      let f = try firstOrderProjection(variables)
      guard f.requiresGradient else { continue }  // a rule whose gradient does not depend on its inputs (add)
      let second = try gradients(of: f, wrt: differentiable.map { variables[$0] })
      for (position, index) in differentiable.enumerated() {
        let numeric = try numericGradient(
          of: { (x: [Tensor]) throws -> Double in
            let leaves = x.indices.map { Variable(x[$0], requiresGradient: sample.isDifferentiable(input: $0)) }
            return try firstOrderProjection(leaves).value.scalars[0]
          }, at: values, wrt: index)
        let report = GradientCheckReport(autodiff: second[position].value, numeric: numeric)
        #expect(report.maxRelativeError < 1e-5, "\(name) at \(sample.inputs.map(\.shape)): \(report.maxRelativeError)")
      }
    }
  }

  @Test func everyRuleExplainsItselfAndHasAUniqueName() {
    #expect(Set(RuleBook.all.map(\.name)).count == RuleBook.all.count)
    for rule in RuleBook.all {
      #expect(!rule.explanation.indexNotation.isEmpty, "\(rule.name)")
      #expect(!rule.explanation.derivation.isEmpty, "\(rule.name)")
      #expect(!rule.explanation.shapes.isEmpty, "\(rule.name)")
      #expect(!rule.explanation.pitfall.isEmpty, "\(rule.name)")
      #expect(rule.isDifferentiable == !rule.formulas.isEmpty, "\(rule.name)")
    }
  }

  @Test func comparisonsPassNoGradient() throws {
    let x = Variable(Tensor([1, -2, 3]))
    let mask = try x > 0
    #expect(mask.value.scalars == [1, 0, 1])
    #expect(!mask.requiresGradient)
  }
}
