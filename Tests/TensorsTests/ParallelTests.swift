import Testing
@testable import Tensors

/// Element-wise loops over more than two grains of elements run in chunks on several cores:
/// each chunk starts its walk mid-way, so every element is checked against its definition.
@Suite("Large element-wise loops split across cores")
struct ParallelTests {
  /// The value of `tensor` at the multi-index `index` of a broadcast result of rank `index.count`.
  static func element(_ tensor: Tensor, broadcastAt index: [Int]) -> Double {
    let shape = tensor.shape
    let lead = index.count - shape.count
    var offset = 0
    for axis in 0..<shape.count {
      offset = offset * shape[axis] + (shape[axis] == 1 ? 0 : index[lead + axis])
    }
    return tensor.scalars[offset]
  }

  /// Every multi-index of `shape`, in row-major order.
  static func indices(_ shape: [Int]) -> [[Int]] {
    shape.reduce([[]]) { partial, size in partial.flatMap { prefix in (0..<size).map { prefix + [$0] } } }
  }

  @Test(arguments: [
    ([3, 171, 129], [171, 1]),  // 66,177 elements: two chunks that split a (171, 129) plane
    ([70001], []),  // a scalar operand
    ([513, 130], [513, 130]),  // same shapes
    ([2, 1, 40000], [3, 1]),  // both sides stretched
    ([600, 130], [130]),  // a row repeated down the rows (a bias), either side
    ([130], [3, 200, 130]),
    ([4, 4], [4]),  // small: one thread
  ])
  func broadcastArithmeticMatchesTheDefinition(lhsShape: [Int], rhsShape: [Int]) throws {
    #expect(Parallel.grainSize * 2 <= 66_177)
    var random = RandomGenerator(seed: 11)
    let a = try random.normal(lhsShape), b = try random.normal(rhsShape)
    let sum = try a + b
    let shape = try Shape.broadcast(lhsShape, rhsShape)
    #expect(sum.shape == shape)
    var mismatches = 0
    for (flat, index) in Self.indices(shape).enumerated()
    where sum.scalars[flat] != Self.element(a, broadcastAt: index) + Self.element(b, broadcastAt: index) {
      mismatches += 1
    }
    #expect(mismatches == 0)
  }

  @Test func broadcastToCopiesEveryRow() throws {
    let column = Tensor((0..<300).map(Double.init))
    let wide = try column.reshaped([300, 1]).broadcast(to: [300, 257])
    #expect(wide.scalars.enumerated().allSatisfy { flat, value in value == Double(flat / 257) })
  }

  @Test func mapVisitsEveryElementOnce() {
    let x = Tensor((0..<100_003).map(Double.init))
    let doubled = x.map { 2 * $0 }
    #expect(doubled.scalars.enumerated().allSatisfy { flat, value in value == 2 * Double(flat) })
  }
}
