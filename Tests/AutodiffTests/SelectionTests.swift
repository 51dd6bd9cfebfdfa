import Testing
import Tensors
@testable import Autodiff

@Suite("Gathers, scatter-adds, sparse values, masks, rounding")
struct SelectionTests {
  let x = Variable(try! ramp([3, 4]))  // np.arange(12.).reshape(3, 4)

  @Test func takeAlongAxisAndItsScatterAdd() throws {
    let indices = Variable.constant(try Tensor(rows: [[3, 0], [1, 1], [-1, 2]]))
    // np.take_along_axis(x, [[3, 0], [1, 1], [-1, 2]], axis=1)
    let y = try x.takenAlongAxis(indices, axis: 1)
    #expect(y.value == (try Tensor(rows: [[3, 0], [5, 5], [11, 10]])))
    // g = zeros((3, 4)); np.add.at(g, (arange(3)[:, None], i), 1): the entry picked twice gets 2
    // With a seed that is itself a variable, the recorded backward shows its op.
    let seed = Variable(Tensor.ones(like: y.value))
    let dx = try gradients(of: y, wrt: [x], seed: seed, createGraph: true)[0].variable
    #expect(dx.value == (try Tensor(rows: [[1, 0, 0, 1], [0, 2, 0, 0], [0, 0, 1, 1]])))
    #expect(dx.rule?.name == "scatter_add")
  }

  @Test func gatherTakesWholeSlicesAndIndexAddsBack() throws {
    let rows = Variable.constant(Tensor([2, 0, 2]))
    // np.take(x, [2, 0, 2], axis=0)
    let y = try x.gathered(rows, axis: 0)
    #expect(y.value == (try Tensor(rows: [[8, 9, 10, 11], [0, 1, 2, 3], [8, 9, 10, 11]])))
    // np.take(x, [[1], [3]], axis=1).shape == (3, 2, 1)
    #expect(try x.gathered(.constant(Tensor(rows: [[1], [3]])), axis: 1).shape == [3, 2, 1])
    // g = zeros((3, 4)); np.add.at(g, [2, 0, 2], ones((3, 4)))
    let dx = try gradient(of: y.reduced(.sum), wrt: x).value
    #expect(dx == (try Tensor(rows: [[1, 1, 1, 1], [0, 0, 0, 0], [2, 2, 2, 2]])))
  }

  @Test func sparseValuesAreTrainable() throws {
    let indices = Variable.constant(try Tensor(rows: [[0, 1], [2, 3], [2, 3]]))
    let values = Variable(Tensor([1, 2, 3]))
    // d = zeros((3, 4)); np.add.at(d, ([0, 2, 2], [1, 3, 3]), [1., 2, 3])
    let dense = try Variable.sparse(indices, values, shape: [3, 4])
    #expect(dense.value == (try Tensor(rows: [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 5]])))
    // x[[0, 2, 2], [1, 3, 3]]
    #expect(try x.gatheredND(indices).value == Tensor([1, 11, 11]))
    // d/dvalues of sum(dense * x) is x read at the coordinates
    let dvalues = try gradient(of: (dense * x.detached).reduced(.sum), wrt: values).value
    #expect(dvalues == Tensor([1, 11, 11]))
  }

  @Test func sparseMatmulNeverBuildsTheMatrixAndMatchesIt() throws {
    let indices = Variable.constant(try Tensor(rows: [[0, 0], [1, 2], [0, 2]]))
    let values = Variable(Tensor([1, 2, -1]))
    let input = Variable(try ramp([3, 2]))
    // A = zeros((2, 3)); np.add.at(A, (idx[:, 0], idx[:, 1]), v); A @ np.arange(6.).reshape(3, 2)
    let y = try Variable.sparseMatmul(indices, values, input, shape: [2, 3])
    #expect(y.value == (try Tensor(rows: [[-4, -4], [8, 10]])))
    let dense = try Variable.matmul(Variable.sparse(indices, values, shape: [2, 3]), input)
    #expect(dense.value == y.value)
    // dy = [[1, -1], [2, 0.5]]: (dy @ X.T)[idx[:, 0], idx[:, 1]] and A.T @ dy
    let seed = Variable.constant(try Tensor(rows: [[1, -1], [2, 0.5]]))
    let grads = try gradients(of: y, wrt: [values, input], seed: seed)
    #expect(grads[0].value == Tensor([-1, 10.5, -1]))
    #expect(grads[1].value == (try Tensor(rows: [[1, -1], [0, 0], [3, 2]])))
  }

  @Test func masksAndBlocks() throws {
    // np.eye(3)[[0, 2, 1]]
    #expect(try Tensor.oneHot(Tensor([0, 2, 1]), classes: 3) == Tensor(rows: [[1, 0, 0], [0, 0, 1], [0, 1, 0]]))
    // (np.arange(4)[None, :] < [[3], [1], [0]]).astype(float)
    #expect(try Tensor.sequenceMask(Tensor([3, 1, 0]), maxLength: 4) == Tensor(rows: [[1, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]]))
    #expect(try Tensor.sequenceMask(Tensor([5]), maxLength: 2) == Tensor(rows: [[1, 1]]))
    // scipy.linalg.block_diag(np.ones((2, 2)), [[5.]], [1., 2])
    let blocks = try Tensor.blockDiagonal([Tensor(repeating: 1, shape: [2, 2]), Tensor(rows: [[5]]), Tensor([1, 2])])
    #expect(blocks == (try Tensor(rows: [[1, 1, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 5, 0, 0], [0, 0, 0, 1, 2]])))
    // np.tril(np.arange(1., 13).reshape(3, 4), -1), np.triu(…, 1), np.tril([1., 2, 3])
    let m = try ramp([3, 4], offset: 1)
    #expect(try m.triangular(k: -1, lower: true) == Tensor(rows: [[0, 0, 0, 0], [5, 0, 0, 0], [9, 10, 0, 0]]))
    #expect(try m.triangular(k: 1, lower: false) == Tensor(rows: [[0, 2, 3, 4], [0, 0, 7, 8], [0, 0, 0, 12]]))
    #expect(try Tensor([1, 2, 3]).triangular(k: 0, lower: true) == Tensor(rows: [[1, 0, 0], [1, 2, 0], [1, 2, 3]]))
  }

  /// A block-diagonal weight trains its blocks only: the gradient off the blocks never reaches a parameter.
  @Test func blockDiagonalWeightsTrainOnlyTheirBlocks() throws {
    let a = Variable(try ramp([2, 2])), b = Variable(try Tensor(rows: [[5]]))
    let w = try Variable.blockDiagonal([a, b])
    let loss = try Variable.matmul(w, .constant(Tensor(repeating: 1, shape: [3, 2]))).reduced(.sum)
    let grads = try gradients(of: loss, wrt: [a, b])
    #expect(grads[0].value == (try Tensor(repeating: 2, shape: [2, 2])))
    #expect(grads[1].value == (try Tensor(rows: [[2]])))
  }

  @Test func roundingIsNumPysAndPassesNoGradient() throws {
    // np.round([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49]): halves to even
    let v = Variable(Tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49]))
    #expect(try v.rounded().value == Tensor([-2, -2, -0.0, 0, 2, 2, 0]))
    // np.floor([-1.5, 0.5]), np.ceil([-1.5, 0.5])
    #expect(try Variable.constant(Tensor([-1.5, 0.5])).floored().value == Tensor([-2, 0]))
    #expect(try Variable.constant(Tensor([-1.5, 0.5])).ceiled().value == Tensor([-1, 1]))
    for op in [Variable.rounded, Variable.floored, Variable.ceiled] {
      #expect(try gradient(of: op(v)().reduced(.sum), wrt: v).value == Tensor(repeating: 0, shape: [7]))
    }
  }

  @Test func badIndicesThrowBelowTheLanguageToo() throws {
    #expect(throws: TensorError.indexOutOfRange(index: 4, axis: 1, size: 4)) {
      try Tensor.zeros([2, 4]).takingAlongAxis(Tensor(rows: [[0], [4]]), axis: 1)
    }
    let entry = try #require(Tensor(rows: [[0, 1.5]]).axisIndices(size: 3).failure)
    #expect(entry == InvalidIndexEntry(position: [0, 1], value: 1.5, allowed: -3..<3))
    #expect(entry.entry(named: "indices") == "indices[0, 1] = 1.5")
    #expect(!entry.isInteger)
  }
}

extension Result {
  var failure: Failure? {
    if case .failure(let error) = self { error } else { nil }
  }
}
