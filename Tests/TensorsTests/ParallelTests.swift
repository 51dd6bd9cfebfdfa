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
    ([3, 683, 129], [683, 1]),  // 264,327 elements: two chunks that split a (683, 129) plane
    ([270001], []),  // a scalar operand
    ([2049, 130], [2049, 130]),  // same shapes
    ([2, 1, 50000], [3, 1]),  // both sides stretched
    ([2100, 130], [130]),  // a row repeated down the rows (a bias), either side
    ([130], [3, 700, 130]),
    ([4, 4], [4]),  // small: one thread
  ])
  func broadcastArithmeticMatchesTheDefinition(lhsShape: [Int], rhsShape: [Int]) throws {
    #expect(Parallel.grainSize * 2 <= 264_327)
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

  /// An element that costs four arithmetic elements' work splits a loop four times shorter.
  @Test func mapVisitsEveryElementOnce() {
    #expect(Parallel.grainSize * 2 <= 100_003 * 4)
    let x = Tensor((0..<100_003).map(Double.init))
    let doubled = x.map(cost: 4) { 2 * $0 }
    #expect(doubled.scalars.enumerated().allSatisfy { flat, value in value == 2 * Double(flat) })
  }
}
