import Testing
@testable import Tensors

@Suite("Broadcasting and element-wise arithmetic")
struct BroadcastingTests {
  @Test func shapesFollowNumPy() throws {
    #expect(try Shape.broadcast([3, 1], [1, 5]) == [3, 5])
    #expect(try Shape.broadcast([2, 1, 3], [4, 1]) == [2, 4, 3])
    #expect(try Shape.broadcast([], [2, 2]) == [2, 2])
    #expect(try Shape.broadcast([0, 3], [1, 3]) == [0, 3])
  }

  @Test func mismatchNamesBothShapesAndTheAxis() {
    #expect(throws: TensorError.broadcast(lhs: [2, 3], rhs: [3, 5], axis: -1)) { try Shape.broadcast([2, 3], [3, 5]) }
    #expect(
      TensorError.broadcast(lhs: [2, 3], rhs: [3, 5], axis: -1).description
        == "shapes (2, 3) and (3, 5) do not broadcast (axis -1: 3 vs 5)")
    #expect(
      TensorError.broadcast(lhs: [4, 3], rhs: [5, 1, 3], axis: -2).description
        == "shapes (4, 3) and (5, 1, 3) do not broadcast (axis -2: 4 vs 1)")
  }

  @Test func remainderTakesTheDivisorsSignAsNumPyDoes() throws {
    // np.mod([-1., 5.5, -7.25, 3.], [3., -2., 2., 0.]) is [2., -0.5, 0.75, nan].
    let r = try Tensor([-1, 5.5, -7.25, 3]) % Tensor([3, -2, 2, 0])
    #expect(Array(r.scalars.prefix(3)) == [2, -0.5, 0.75])
    #expect(r.scalars[3].isNaN)
    // Broadcast: np.mod(np.arange(-3., 3.).reshape(2, 3), [2., -2., 2.5]).
    let m = try Tensor.arange(-3, 3).reshaped([2, 3]) % Tensor([2, -2, 2.5])
    #expect(m.scalars == [1, 0, 1.5, 0, -1, 2])
  }

  @Test func biasAddsAlongTheBatch() throws {
    let z = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
    let b = try Tensor(rows: [[10], [20]])
    #expect(try z + b == (try Tensor(rows: [[11, 12, 13], [24, 25, 26]])))
    #expect(try z * Tensor([1, 0, -1]) == (try Tensor(rows: [[1, 0, -3], [4, 0, -6]])))
    #expect(try Tensor(2) - z == (try Tensor(rows: [[1, 0, -1], [-2, -3, -4]])))
  }

  /// The general strided loop against NumPy: a = arange(6).reshape(2, 1, 3), b = arange(4).reshape(4, 1) * 10;
  /// (a + b).ravel() = [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32, 3, 4, 5, 13, 14, 15, 23, 24, 25, 33, 34, 35].
  /// Empty operands broadcast to empty results, whichever loop would run them (NumPy:
  /// np.zeros((3, 0)) + np.zeros(0) is (3, 0); np.zeros((2, 0)) - np.ones((2, 1)) is (2, 0)).
  @Test(arguments: [
    ([3, 0], [0], [3, 0]), ([0], [3, 0], [3, 0]), ([0], [], [0]), ([], [0], [0]), ([0, 3], [3], [0, 3]),
    ([2, 0], [2, 1], [2, 0]), ([0], [0], [0]),
  ])
  func emptyOperandsGiveEmptyResults(lhs: [Int], rhs: [Int], result: [Int]) throws {
    let sum = try Tensor.zeros(lhs) + Tensor.ones(like: Tensor.zeros(rhs))
    #expect(sum.shape == result && sum.scalars.isEmpty)
  }

  @Test func threeDimensionalBroadcastMatchesNumPy() throws {
    let a = try Tensor(shape: [2, 1, 3], scalars: [0, 1, 2, 3, 4, 5])
    let b = try Tensor(shape: [4, 1], scalars: [0, 10, 20, 30])
    let sum = try a + b
    #expect(sum.shape == [2, 4, 3])
    #expect(sum.scalars == [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32, 3, 4, 5, 13, 14, 15, 23, 24, 25, 33, 34, 35])
  }

  @Test func whereSelectsWithBroadcasting() throws {
    let condition = try Tensor(rows: [[1], [0]])
    let result = try Tensor.select(condition, Tensor([1, 2, 3]), Tensor(-1))
    #expect(result == (try Tensor(rows: [[1, 2, 3], [-1, -1, -1]])))
  }

  @Test func oversizedTensorsAreRefusedBeforeAllocating() {
    #expect(throws: TensorError.self) { try Tensor.zeros([100_000_000, 100_000_000]) }
    #expect(throws: TensorError.negativeDimension([2, -1])) { try Tensor.zeros([2, -1]) }
  }
}

@Suite("Result buffers")
struct ResultBufferTests {
  /// Small results are written on the stack and copied, large ones in place: both hold what was written.
  @Test(arguments: [0, 1, 63, 64, 65, 1000])
  func writtenArraysHoldEveryElement(count: Int) {
    let array = [Double].written(count: count) { buffer in
      for i in 0..<count { buffer[i] = Double(i) * 0.5 }
    }
    #expect(array == (0..<count).map { Double($0) * 0.5 })
  }
}
