import Testing
import Tensors
@testable import Autodiff

@Suite("Anomaly mode: the first op that makes NaN or infinity")
struct AnomalyDetectorTests {
  @Test func aForwardThatMakesInfinityFromFiniteInputsIsReported() throws {
    let detector = AnomalyDetector()
    try detector.watch { () throws(TensorError) in
      let zero = Variable(Tensor([0, 1]))
      _ = try zero.log() - zero.log()
    }
    let report = try #require(detector.report)
    // log(0) comes first: the subtraction only carries its -inf along (to NaN).
    #expect(report.rule == "log" && report.pass == .forward)
    #expect(report.produced == ["-inf"] && report.fromFiniteValues)
    #expect(report.affected == 1 && report.total == 2)
    #expect(report.description == "`log` produced -inf from finite inputs, at 1 of 2 elements; input: (2,) in [0.0, 1.0]")
  }

  @Test func nanFromInfinitiesIsReportedByTheOpThatMadeIt() throws {
    let infinite = Variable(Tensor(-.infinity))
    let detector = AnomalyDetector()
    try detector.watch { () throws(TensorError) in _ = try infinite - infinite }
    let report = try #require(detector.report)
    #expect(report.rule == "subtract" && !report.fromFiniteValues && report.produced == ["NaN"])
    #expect(report.description == "`subtract` produced NaN from inputs without NaN, at 1 of 1 element; inputs: () in [-inf, -inf], () in [-inf, -inf]")
  }

  @Test func opsThatOnlyCarryNaNAlongAreNotReported() throws {
    let detector = AnomalyDetector()
    try detector.watch { () throws(TensorError) in
      let nan = Variable(Tensor([.nan, 1]))
      _ = try (nan + nan).exp() * nan
      _ = try Variable(Tensor(.infinity)).exp()
    }
    #expect(detector.report == nil)
  }

  @Test func onlyTheFirstAnomalyIsKept() throws {
    let detector = AnomalyDetector()
    try detector.watch { () throws(TensorError) in
      _ = try Variable(Tensor(1000)).exp()
      _ = try Variable(Tensor(0)).log()
    }
    #expect(detector.report?.rule == "exp")
    detector.reset()
    #expect(detector.report == nil)
  }

  @Test func withoutADetectorNothingIsWatched() throws {
    let y = try Variable(Tensor(0)).log()
    #expect(y.value.scalars == [-.infinity])
    #expect(AnomalyDetector.current == nil)
  }

  @Test(arguments: [false, true])
  func aBackwardRuleThatMakesInfinityIsReportedByItsRule(createGraph: Bool) throws {
    let x = Variable(Tensor([0, 4]))
    let y = try x.sqrt().reduced(.sum)
    let detector = AnomalyDetector()
    let gradient = try detector.watch { () throws(AutodiffError) in try gradients(of: y, wrt: [x], createGraph: createGraph)[0] }
    #expect(gradient.value.scalars == [.infinity, 0.25])
    let report = try #require(detector.report)
    // dx = dy / (2 sqrt(x)) divides by zero inside sqrt's backward: that is sqrt's anomaly, not divide's.
    #expect(report.rule == "sqrt" && report.pass == .backward && report.gradientOfInput == 0)
    #expect(report.description
      == "the backward of `sqrt` produced inf in the gradient of its input from finite values, at 1 of 2 elements; "
      + "input: (2,) in [0.0, 4.0]; incoming gradient: (2,) in [1.0, 1.0]")
  }

  @Test func aBackwardFromNonFiniteValuesIsNotReported() throws {
    let x = Variable(Tensor(0))
    let y = try x.log()  // -inf: the forward's anomaly, outside the watch
    let detector = AnomalyDetector()
    _ = try detector.watch { () throws(AutodiffError) in try gradients(of: y, wrt: [x]) }
    #expect(detector.report == nil)
  }

  @Test func theInputWhoseGradientWentWrongIsNamed() throws {
    let c = Variable(Tensor(2)), d = Variable(Tensor(1e-200))
    let z = try c / d  // 2e200: finite; dz/dd = -c / d² overflows
    let detector = AnomalyDetector()
    _ = try detector.watch { () throws(AutodiffError) in try gradients(of: z, wrt: [c, d]) }
    let report = try #require(detector.report)
    #expect(report.rule == "divide" && report.gradientOfInput == 1 && report.produced == ["-inf"])
    #expect(report.description.hasPrefix("the backward of `divide` produced -inf in the gradient of its second input from finite values"))
  }
}
