import Foundation
import Testing

@testable import Tensors

@Suite("Vectorised exp and tanh")
struct VectorMathTests {
  /// A kernel of `VectorMath`, as the tests call it.
  typealias Kernel = (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void

  /// Inputs drawn uniformly from `range`, from a fixed seed.
  struct Sampling: Sendable, CustomTestStringConvertible {
    let name: String
    let range: ClosedRange<Double>

    var testDescription: String { "\(name) \(range)" }

    func inputs(count: Int = 100_000) -> [Double] {
      // A seed of its own for each name, the same on every run.
      var random = RandomGenerator(seed: name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) })
      return (0..<count).map { _ in
        range.lowerBound + (range.upperBound - range.lowerBound) * random.uniform()
      }
    }
  }

  static let expRanges = [
    Sampling(name: "tiny", range: -1e-8...1e-8),
    Sampling(name: "small", range: -1...1),
    Sampling(name: "medium", range: -20...20),
    Sampling(name: "near overflow", range: 700...709.7),
    Sampling(name: "into the subnormals", range: -745...(-708)),
  ]

  static let tanhRanges = [
    Sampling(name: "tiny", range: -1e-8...1e-8),
    Sampling(name: "small", range: -1...1),
    Sampling(name: "medium", range: -20...20),
    Sampling(name: "around the switch", range: 0.6...0.65),
    Sampling(name: "around the negative switch", range: -0.65...(-0.6)),
    Sampling(name: "saturated", range: 18...40),
  ]

  // MARK: - Agreement with glibc

  @Test(arguments: expRanges)
  func expAgreesWithGlibc(_ sampling: Sampling) {
    let worst = Self.worstDistance(VectorMath.exp, Foundation.exp, sampling.inputs())
    #expect(worst.ulps <= 2, "\(worst.ulps) ulp from glibc at x = \(worst.x)")
  }

  @Test(arguments: tanhRanges)
  func tanhAgreesWithGlibc(_ sampling: Sampling) {
    let worst = Self.worstDistance(VectorMath.tanh, Foundation.tanh, sampling.inputs())
    #expect(worst.ulps <= 2, "\(worst.ulps) ulp from glibc at x = \(worst.x)")
  }

  #if arch(x86_64) || arch(i386)
    // Against `Float80` references (11 more bits), both kernels are within one ulp of the
    // exact value. glibc's own tanh is not (it reaches 2.2 ulp below |x| = 1), which is why
    // the comparisons with glibc above allow 2.

    @Test(arguments: expRanges)
    func expIsWithinOneUlpOfExact(_ sampling: Sampling) {
      let worst = Self.worstError(VectorMath.exp, { Foundation.exp($0) }, sampling.inputs())
      #expect(worst.ulps < 1, "\(worst.ulps) ulp from exact at x = \(worst.x)")
    }

    @Test(arguments: tanhRanges)
    func tanhIsWithinOneUlpOfExact(_ sampling: Sampling) {
      let worst = Self.worstError(VectorMath.tanh, { Foundation.tanh($0) }, sampling.inputs())
      #expect(worst.ulps < 1, "\(worst.ulps) ulp from exact at x = \(worst.x)")
    }

    /// The largest error in ulps of the exact value (as `Float80` gives it) over `x`, and where.
    static func worstError(
      _ kernel: Kernel, _ exact: (Float80) -> Float80, _ x: [Double]
    ) -> (ulps: Double, x: Double) {
      var worst = (ulps: 0.0, x: x.first ?? 0)
      for (x, y) in zip(x, apply(kernel, x)) {
        let reference = exact(Float80(x))
        let error = Double(abs(Float80(y) - reference) / Float80(Double(reference).ulp))
        if error > worst.ulps { worst = (error, x) }
      }
      return worst
    }
  #endif

  // MARK: - Buffers: tails, neighbours, aliasing

  /// Every length, whole vectors or not, gives each element glibc's value (within 2 ulp) and
  /// writes nothing past the end of the output.
  @Test(arguments: [0, 1, 3, 7, 8, 9, 1000])
  func everyLengthIsComplete(_ count: Int) {
    let x = Sampling(name: "length \(count)", range: -3...3).inputs(count: count)
    let untouched = 12345.0
    for (name, kernel, reference) in Self.kernels {
      // Room for a whole padded vector (eight lanes) and one more past the end.
      var y = [Double](repeating: untouched, count: count + 9)
      x.withUnsafeBufferPointer { x in
        y.withUnsafeMutableBufferPointer { y in
          kernel(x, UnsafeMutableBufferPointer(rebasing: y[..<count]))
        }
      }
      let worst = zip(x, y).map { Self.ulpDistance($1, reference($0)) }.max() ?? 0
      #expect(worst <= 2, "\(name) of \(count) elements: \(worst) ulp from glibc")
      #expect(y[count...].allSatisfy { $0 == untouched }, "\(name) wrote past \(count) elements")
    }
  }

  /// An element's result is the same alone (in a padded tail) as among any neighbours, at any
  /// offset: the lanes never interact, and tanh's shortcut for all-small vectors changes nothing.
  @Test func resultsDependOnlyOnTheElement() {
    var random = RandomGenerator(seed: 7)
    // Runs of small and large magnitudes, so that some vectors are all small and others mixed.
    let x = (0..<2000).map { i -> Double in
      let scale = (i / 13) % 2 == 0 ? 0.6 : 5
      return scale * (2 * random.uniform() - 1)
    }
    for (name, kernel, _) in Self.kernels {
      let together = Self.apply(kernel, x)
      let alone = x.map { Self.apply(kernel, [$0])[0] }
      let shifted = Array(Self.apply(kernel, [0.1, 3, -0.2] + x).dropFirst(3))
      #expect(together.map(\.bitPattern) == alone.map(\.bitPattern), "\(name) among neighbours")
      #expect(shifted.map(\.bitPattern) == alone.map(\.bitPattern), "\(name) shifted by 3")
    }
  }

  /// Each build this processor runs (baseline, AVX2, AVX-512) gives the same bits for every
  /// element: no multiply-add is fused in one and not in another.
  @Test func everyBuildGivesTheSameBits() {
    var x = Sampling(name: "builds", range: -30...30).inputs(count: 20_003)
    x += [0, -0.0, .infinity, -.infinity, .nan, 709.9, -745.2, 1e-310, 0.625, -0.625, 22, 44]
    for build in VectorMath.runnable {
      for (name, kernel, reference) in [("exp", build.exp, VectorMath.baseline.exp), ("tanh", build.tanh, VectorMath.baseline.tanh)] {
        let y = Self.apply({ x, y in VectorMath.forEachRun(of: x, into: y, kernel) }, x)
        let expected = Self.apply({ x, y in VectorMath.forEachRun(of: x, into: y, reference) }, x)
        #expect(y.map(\.bitPattern) == expected.map(\.bitPattern), "\(name), \(build.name) build")
      }
    }
  }

  @Test func inPlaceMatchesOutOfPlace() {
    let x = Sampling(name: "in place", range: -30...30).inputs(count: 1003)
    for (name, kernel, _) in Self.kernels {
      var y = x
      y.withUnsafeMutableBufferPointer { y in kernel(UnsafeBufferPointer(y), y) }
      #expect(y.map(\.bitPattern) == Self.apply(kernel, x).map(\.bitPattern), "\(name) in place")
      #expect(y != x)
    }
  }

  // MARK: - Special values

  @Test func expSpecialValues() {
    let largestFinite = 709.782712893384  // exp of the next double up overflows
    let smallestPositive = -745.1332191019411  // exp is 2⁻¹⁰⁷⁴; of the next double down, 0
    let x: [Double] = [
      0, -0.0, .infinity, -.infinity, .nan, largestFinite, largestFinite.nextUp,
      smallestPositive, smallestPositive.nextDown, 1000, -1000,
      .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
    ]
    let y = Self.apply(VectorMath.exp, x)
    #expect(y[0] == 1 && y[1] == 1)
    #expect(y[2] == .infinity)
    #expect(y[3] == 0 && y[3].sign == .plus)
    #expect(y[4].isNaN)
    #expect(y[5].isFinite && y[5] > 1.797e308)
    #expect(y[6] == .infinity)
    #expect(y[7] == .leastNonzeroMagnitude)
    #expect(y[8] == 0)
    #expect(y[9] == .infinity && y[10] == 0)
    #expect(y[11] == .infinity && y[12] == 0)
    #expect(y[13] == 1)
    for (x, y) in zip(x, y) where !x.isNaN {
      #expect(y == Foundation.exp(x), "exp(\(x))")
    }
  }

  @Test func tanhSpecialValues() {
    let x: [Double] = [
      0, -0.0, .infinity, -.infinity, .nan, 22, -22, 40, -1e300,
      .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
    ]
    let y = Self.apply(VectorMath.tanh, x)
    #expect(y[0] == 0 && y[0].sign == .plus)
    #expect(y[1] == 0 && y[1].sign == .minus)
    #expect(y[2] == 1 && y[3] == -1)
    #expect(y[4].isNaN)
    #expect(y[5] == 1 && y[6] == -1 && y[7] == 1 && y[8] == -1)
    #expect(y[9] == .leastNonzeroMagnitude && y[10] == -.leastNonzeroMagnitude)
    #expect(y[11] == .leastNormalMagnitude)
    for (x, y) in zip(x, y) where !x.isNaN {
      #expect(y == Foundation.tanh(x), "tanh(\(x))")
    }
    // Above, −0 shares its vector with large values; alone, it takes the all-small shortcut.
    let alone = Self.apply(VectorMath.tanh, [-0.0])[0]
    #expect(alone == 0 && alone.sign == .minus)
  }

  /// tanh is odd, bit for bit.
  @Test func tanhIsOdd() {
    let x = Sampling(name: "odd", range: 0...25).inputs(count: 10_000)
    let positive = Self.apply(VectorMath.tanh, x)
    let negative = Self.apply(VectorMath.tanh, x.map { -$0 })
    #expect(negative.map(\.bitPattern) == positive.map { (-$0).bitPattern })
  }

  // MARK: - Helpers

  /// Each kernel with its name and glibc's scalar function.
  static var kernels: [(name: String, kernel: Kernel, glibc: (Double) -> Double)] {
    [
      ("exp", VectorMath.exp, { Foundation.exp($0) }),
      ("tanh", VectorMath.tanh, { Foundation.tanh($0) }),
    ]
  }

  static func apply(_ kernel: Kernel, _ x: [Double]) -> [Double] {
    var y = [Double](repeating: .nan, count: x.count)
    x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in kernel(x, y) } }
    return y
  }

  /// The largest distance in ulps between the kernel and `reference` over `x`, and where.
  static func worstDistance(
    _ kernel: Kernel, _ reference: (Double) -> Double, _ x: [Double]
  ) -> (ulps: UInt64, x: Double) {
    var worst = (ulps: UInt64(0), x: x.first ?? 0)
    for (x, y) in zip(x, apply(kernel, x)) {
      let distance = ulpDistance(y, reference(x))
      if distance > worst.ulps { worst = (distance, x) }
    }
    return worst
  }

  /// How many doubles apart `a` and `b` are; +0 and −0 count as equal, and two NaNs as 0 apart.
  static func ulpDistance(_ a: Double, _ b: Double) -> UInt64 {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .max }
    // Doubles ordered as integers: negative values count down from 0.
    func rank(_ v: Double) -> Int64 {
      let magnitude = Int64(bitPattern: v.bitPattern & ~(1 << 63))
      return v.sign == .minus ? -magnitude : magnitude
    }
    let (p, q) = (rank(a), rank(b))
    return UInt64(bitPattern: max(p, q) &- min(p, q))
  }
}
