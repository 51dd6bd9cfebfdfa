import Testing
@testable import Tensors

@Suite("Reductions")
struct ReductionTests {
  /// Every run length around the eight lanes and their tail: integers sum exactly.
  @Test(arguments: Array(0...17) + [1000, 1003])
  func aRunSumsToTheExactTotal(length: Int) throws {
    let x = Tensor((0..<length).map(Double.init))
    #expect(try x.reduced(.sum).scalars == [Double(length * (length - 1) / 2)])
  }

  @Test func rowSumsAgreeWithARunningTotal() throws {
    var random = RandomGenerator(seed: 5)
    let x = try random.normal([3, 37])
    let sums = try x.reduced(.sum, axes: [1], keepDims: true)
    #expect(sums.shape == [3, 1])
    for row in 0..<3 {
      let running = x.scalars[row * 37..<(row + 1) * 37].reduce(0, +)
      #expect(abs(sums.scalars[row] - running) < 1e-12)
    }
  }
}
