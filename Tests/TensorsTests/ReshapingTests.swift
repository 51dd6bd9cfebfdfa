import Testing
@testable import Tensors

@Suite("Reductions, reshaping, indexing and joining")
struct ReshapingTests {
  let m = try! Tensor(rows: [[1, 5, 3], [4, 2, 6]])  // a literal, not user input

  @Test func reductionsOverAxes() throws {
    #expect(try m.reduced(.sum) == Tensor(21))
    #expect(try m.reduced(.sum, axes: [0]) == Tensor([5, 7, 9]))
    #expect(try m.reduced(.sum, axes: [1], keepDims: true) == (try Tensor(rows: [[9], [12]])))
    #expect(try m.reduced(.mean, axes: [-1]) == Tensor([3, 4]))
    #expect(try m.reduced(.max, axes: [1]) == Tensor([5, 6]))
    #expect(try m.reduced(.min) == Tensor(1))
    #expect(throws: TensorError.axisOutOfRange(axis: 2, rank: 2)) { try m.reduced(.sum, axes: [2]) }
    #expect(throws: TensorError.emptyReduction(operation: "max")) { try Tensor.zeros([2, 0]).reduced(.max, axes: [1]) }
    // The whole tensor to one number: as NumPy, an empty sum is 0 and an empty max an error.
    #expect(throws: TensorError.emptyReduction(operation: "min")) { try Tensor.zeros([2, 0]).reduced(.min) }
    #expect(try Tensor.zeros([2, 0]).reduced(.sum) == Tensor(0))
    #expect(try m.reduced(.max, keepDims: true) == (try Tensor(rows: [[6]])))
    #expect(try m.reduced(.mean).shape == [])
  }

  @Test func transposeAndReshape() throws {
    #expect(try m.transposed() == (try Tensor(rows: [[1, 4], [5, 2], [3, 6]])))
    let cube = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Double.init))
    let permuted = try cube.transposed([2, 0, 1])
    #expect(permuted.shape == [4, 2, 3])
    // np.arange(24).reshape(2,3,4).transpose(2,0,1)[1] = [[1, 5, 9], [13, 17, 21]]
    #expect(try permuted.indexed([.index(1)]) == (try Tensor(rows: [[1, 5, 9], [13, 17, 21]])))
    #expect(try m.reshaped([3, -1]).shape == [3, 2])
    #expect(throws: TensorError.reshape(from: [2, 3], to: [4, 2])) { try m.reshaped([4, 2]) }
    #expect(throws: TensorError.invalidPermutation([0, 0], rank: 2)) { try m.transposed([0, 0]) }
  }

  /// Permutations that swap the last two axes are copied in tiles (and in chunks across cores
  /// when large): every element is checked against its definition, across tile edges.
  @Test(arguments: [
    ([37, 70], [1, 0]), ([600, 500], [1, 0]), ([45, 33, 3], [1, 2, 0]), ([2, 33, 65], [0, 2, 1]), ([1, 5], [1, 0]),
  ])
  func transposesMatchTheirDefinition(shape: [Int], permutation: [Int]) throws {
    var random = RandomGenerator(seed: 3)
    let x = try random.normal(shape)
    let y = try x.transposed(permutation)
    #expect(y.shape == permutation.map { shape[$0] })
    let inputStrides = Shape.strides(shape), outputStrides = Shape.strides(y.shape)
    var mismatches = 0
    for flat in 0..<y.scalars.count {
      // The output's multi-index, and the input element it names.
      var offset = 0
      for axis in 0..<y.shape.count {
        offset += (flat / outputStrides[axis] % y.shape[axis]) * inputStrides[permutation[axis]]
      }
      if y.scalars[flat] != x.scalars[offset] { mismatches += 1 }
    }
    #expect(mismatches == 0)
  }

  @Test func slicingFollowsPython() throws {
    let v = Tensor((0..<10).map(Double.init))
    #expect(try v.indexed([.slice(start: 1, stop: 8, step: 3)]) == Tensor([1, 4, 7]))
    #expect(try v.indexed([.slice(start: nil, stop: nil, step: -3)]) == Tensor([9, 6, 3, 0]))
    #expect(try v.indexed([.slice(start: -2, stop: nil, step: nil)]) == Tensor([8, 9]))
    #expect(try v.indexed([.slice(start: 20, stop: 30, step: nil)]).shape == [0])
    #expect(try m.indexed([.index(-1), .slice(start: nil, stop: nil, step: 2)]) == Tensor([4, 6]))
    #expect(try m.indexed([.newAxis, .ellipsis, .index(0)]).shape == [1, 2])
    #expect(throws: TensorError.indexOutOfRange(index: 2, axis: 0, size: 2)) { try m.indexed([.index(2)]) }
    #expect(throws: TensorError.tooManyIndices(given: 3, rank: 2)) { try m.indexed([.index(0), .index(0), .index(0)]) }
    #expect(throws: TensorError.zeroStep) { try v.indexed([.slice(start: nil, stop: nil, step: 0)]) }
  }

  @Test func scatterIsTheInverseOfASelection() throws {
    let picked = try m.indexed([.slice(start: nil, stop: nil, step: nil), .index(1)])
    #expect(try picked.scattered(into: [2, 3], at: [.slice(start: nil, stop: nil, step: nil), .index(1)])
      == (try Tensor(rows: [[0, 5, 0], [0, 2, 0]])))
  }

  @Test func concatAndStack() throws {
    let joined = try Tensor.concatenate([m, Tensor(rows: [[7, 8, 9]])], axis: 0)
    #expect(joined.shape == [3, 3])
    #expect(joined.scalars.suffix(3) == [7, 8, 9])
    let sideBySide = try Tensor.concatenate([m, Tensor(rows: [[0], [0]])], axis: -1)
    #expect(sideBySide == (try Tensor(rows: [[1, 5, 3, 0], [4, 2, 6, 0]])))
    #expect(try Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1) == (try Tensor(rows: [[1, 3], [2, 4]])))
    #expect(throws: TensorError.concatMismatch(axis: 0, shapes: [[2, 3], [1, 2]])) {
      try Tensor.concatenate([m, Tensor(rows: [[1, 2]])], axis: 0)
    }
  }

  @Test func creation() throws {
    #expect(try Tensor.eye(2, 3) == (try Tensor(rows: [[1, 0, 0], [0, 1, 0]])))
    #expect(try Tensor.arange(0, 1, step: 0.25) == Tensor([0, 0.25, 0.5, 0.75]))
    #expect(try Tensor.arange(5, 0) == Tensor([]))
    #expect(try Tensor.linspace(0, 1, count: 5) == Tensor([0, 0.25, 0.5, 0.75, 1]))
  }

  /// The generator is documented as machine-independent: its first outputs are fixed.
  @Test func randomNumbersAreReproducible() throws {
    var a = RandomGenerator(seed: 0), b = RandomGenerator(seed: 0)
    #expect(try a.normal([5]) == b.normal([5]))
    var c = RandomGenerator(seed: 0)
    let u = c.uniform()
    #expect(u >= 0 && u < 1)
  }
}
