import Testing
import Tensors
@testable import Autodiff

/// `arange(count).reshape(shape) * scale + offset`, as the NumPy lines in the comments build it.
func ramp(_ shape: [Int], scale: Double = 1, offset: Double = 0) throws -> Tensor {
  let count = shape.reduce(1, *)
  return try Tensor(shape: shape, scalars: (0..<count).map { Double($0) * scale + offset })
}

/// Element-wise closeness (and equal shapes).
func close(_ a: Tensor, _ b: Tensor, tolerance: Double = 1e-9) -> Bool {
  a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

@Suite("einsum, dot, outer, trace")
struct ContractionsTests {
  @Test func einsumMatchesNumPy() throws {
    let a = try ramp([2, 3]), b = try ramp([3, 4])
    // np.einsum('ij,jk->ik', np.arange(6.).reshape(2,3), np.arange(12.).reshape(3,4))
    #expect(try Tensor.einsum("ij,jk->ik", [a, b]) == Tensor(rows: [[20, 23, 26, 29], [56, 68, 80, 92]]))
    // np.einsum('bi,bi->b', np.arange(6.).reshape(2,3) - 2, np.arange(6.).reshape(2,3) * 0.5)
    #expect(try Tensor.einsum("bi,bi->b", [ramp([2, 3], offset: -2), ramp([2, 3], scale: 0.5)]) == Tensor([-0.5, 13]))
    let m = try ramp([3, 3])
    // np.einsum('ii->i', m), np.einsum('ii', m) for m = np.arange(9.).reshape(3,3)
    #expect(try Tensor.einsum("ii->i", [m]) == Tensor([0, 4, 8]))
    #expect(try Tensor.einsum("ii", [m]) == Tensor(12))
    // np.einsum('ijk->kj', np.arange(24.).reshape(2,3,4))
    #expect(try Tensor.einsum("ijk->kj", [ramp([2, 3, 4])])
      == Tensor(rows: [[12, 20, 28], [14, 22, 30], [16, 24, 32], [18, 26, 34]]))
    // np.einsum('ba', np.arange(6.).reshape(2,3)): implicit output in alphabetical order, a transpose
    #expect(try Tensor.einsum("ba", [a]) == Tensor(rows: [[0, 3], [1, 4], [2, 5]]))
    // np.einsum('...ij,...jk->...ik', np.arange(12.).reshape(2,2,3), np.arange(12.).reshape(3,4)[:, :2])
    #expect(try Tensor.einsum("...ij,...jk->...ik", [ramp([2, 2, 3]), b.indexed([.ellipsis, .slice(start: nil, stop: 2, step: nil)])])
      == Tensor(shape: [2, 2, 2], scalars: [20, 23, 56, 68, 92, 113, 128, 158]))
    // np.einsum('i,j', [1., 2], [3., 4, 5])
    #expect(try Tensor.einsum("i,j", [Tensor([1, 2]), Tensor([3, 4, 5])]) == Tensor(rows: [[3, 4, 5], [6, 8, 10]]))
    // np.einsum('ij,jk,kl->il', a, b[:, :2] * 0.1, np.arange(4.).reshape(2,2))
    let scaled = try b.indexed([.ellipsis, .slice(start: nil, stop: 2, step: nil)]) * Tensor(0.1)
    #expect(close(try Tensor.einsum("ij,jk,kl->il", [a, scaled, ramp([2, 2])]), try Tensor(rows: [[4.6, 8.9], [13.6, 26]])))
    // np.einsum('iij->j', np.arange(12.).reshape(2,2,3))
    #expect(try Tensor.einsum("iij->j", [ramp([2, 2, 3])]) == Tensor([9, 11, 13]))
    // np.einsum('ij,ij->ij', a, [[1., 2, 3]]): size-1 axes broadcast
    #expect(try Tensor.einsum("ij,ij->ij", [a, Tensor(rows: [[1, 2, 3]])]) == Tensor(rows: [[0, 2, 6], [3, 8, 15]]))
  }

  @Test func dotOuterTraceFollowNumPy() throws {
    // np.dot(np.arange(12.).reshape(2,2,3), np.arange(12.).reshape(2,3,2)).ravel()
    let dot = try Variable.dot(.constant(ramp([2, 2, 3])), .constant(ramp([2, 3, 2])))
    #expect(dot.value == (try Tensor(
      shape: [2, 2, 2, 2], scalars: [10, 13, 28, 31, 28, 40, 100, 112, 46, 67, 172, 193, 64, 94, 244, 274])))
    #expect(try Variable.dot(.constant(Tensor([1, 2, 3])), .constant(Tensor([4, 5, 6]))).value == Tensor(32))
    #expect(try Variable.dot(.constant(Tensor(2)), .constant(Tensor([4, 5]))).value == Tensor([8, 10]))
    // np.outer([[1., 2], [3, 4]], [1., -1])
    #expect(try Variable.outer(.constant(Tensor(rows: [[1, 2], [3, 4]])), .constant(Tensor([1, -1]))).value
      == Tensor(rows: [[1, -1], [2, -2], [3, -3], [4, -4]]))
    // np.trace(np.arange(24.).reshape(2,3,4)), np.trace(np.arange(6.).reshape(2,3))
    #expect(try Variable.constant(ramp([2, 3, 4])).trace().value == Tensor([16, 18, 20, 22]))
    #expect(try Variable.constant(ramp([2, 3])).trace().value == Tensor(4))
  }

  /// The learner's batched inner product: three spellings, one value, and the gradient of the einsum.
  @Test func batchedInnerProductThreeWays() throws {
    var generator = RandomGenerator(seed: 5)
    let x = Variable(try generator.normal([32, 3])), y = Variable(try generator.normal([32, 3]))
    let direct = try (x * y).reduced(.sum, axes: [1])
    let wasteful = try Variable.matmul(x, y, transposeRHS: true).diagonalPart()
    let contracted = try Variable.einsum("bi,bi->b", [x, y])
    #expect(close(direct.value, wasteful.value, tolerance: 1e-12))
    #expect(close(direct.value, contracted.value, tolerance: 1e-12))
    let gradient = try gradients(of: contracted.reduced(.sum), wrt: [x, y])
    #expect(close(gradient[0].value, y.value) && close(gradient[1].value, x.value))
  }

  /// The backward of an einsum is an einsum, readable as code: dx = einsum(dy, y, "b,bi->bi").
  @Test func backwardIsAnEinsum() throws {
    let x = Variable(try ramp([2, 3])), y = Variable(try ramp([2, 3], scale: -1))
    let out = try Variable.einsum("bi,bi->b", [x, y])
    let dx = try gradients(of: out, wrt: [x], seed: .constant(Tensor([1, 2])), createGraph: true)[0].variable
    let node = try #require(dx.rule)
    #expect(node.name == "einsum")
    #expect(dx.attributes["subscripts"] == .string("b,bi->bi"))
    // dx[b, i] = dy[b] · y[b, i]
    #expect(dx.value == (try Tensor(rows: [[0, -1, -2], [-6, -8, -10]])))
  }

  /// Flops count a multiply per term and operand pair, and an add per term where letters are summed
  /// away: "bi,bi->b" costs what sum(x * y, axis=1) costs, forward and backward (whose einsums
  /// "b,bi->bi" sum nothing), and "ij,jk->ik" what the matrix product costs.
  @Test func costCountsTheWorkOfEachContraction() {
    func flops(_ subscripts: String, _ inputs: [[Int]], _ output: [Int]) -> (forward: Double, backward: Double) {
      Rule.einsum.cost.flops(inputs: inputs, output: output, attributes: Attributes([("subscripts", .string(subscripts))]))
    }
    let inner = flops("bi,bi->b", [[32, 3], [32, 3]], [32])
    let elementwise = Rule.multiply.cost.flops(inputs: [[32, 3], [32, 3]], output: [32, 3])
    let summed = Rule.sum.cost.flops(inputs: [[32, 3]], output: [32])
    #expect(inner.forward == elementwise.forward + summed.forward && inner.backward == elementwise.backward + summed.backward)
    let product = flops("ij,jk->ik", [[4, 5], [5, 6]], [4, 6])
    let matrix = Rule.matmul.cost.flops(inputs: [[4, 5], [5, 6]], output: [4, 6])
    #expect(product.forward == matrix.forward && product.backward == matrix.backward)
    #expect(flops("ii->", [[3, 3]], []) == (3, 0))  // the trace: 3 adds; its gradient places ones
  }

  /// A repeated letter ("ii") comes back through an identity mask; a summed-only letter through ones.
  @Test func diagonalAndSummedLettersGetTheirGradients() throws {
    let m = Variable(try ramp([3, 3]))
    let diagonal = try gradients(of: Variable.einsum("ii->i", [m]), wrt: [m], seed: .constant(Tensor([1, 2, 3])))[0]
    #expect(diagonal.value == (try Tensor(rows: [[1, 0, 0], [0, 2, 0], [0, 0, 3]])))
    let total = try gradients(of: Variable.einsum("ij->i", [m]), wrt: [m], seed: .constant(Tensor([1, 2, 3])))[0]
    #expect(total.value == (try Tensor(rows: [[1, 1, 1], [2, 2, 2], [3, 3, 3]])))
    let trace = try gradient(of: m.trace(), wrt: m)
    #expect(trace.value == (try Tensor.eye(3)))
  }

  @Test func badEquationsAreErrorsThatSayWhy() throws {
    func message(_ subscripts: String, _ shapes: [[Int]]) -> String {
      do {
        _ = try EinsumEquation(subscripts, shapes: shapes)
        return ""
      } catch {
        return error.description
      }
    }
    #expect(message("bi,bi->b", [[2, 3]]) == "einsum: \"bi,bi->b\" names 2 operands but 1 was given")
    #expect(message("bij,bi->b", [[2, 3], [2, 3]]) == "einsum: operand 0 has 2 axes (shape (2, 3)) but its subscripts \"bij\" name 3")
    #expect(message("bi,bi->b", [[2, 3], [2, 4]]) == "einsum: `i` has size 3 in operand 0 but size 4 in operand 1")
    #expect(message("i->ii", [[3]]) == "einsum: the output names `i` twice")
    #expect(message("i->j", [[3]]) == "einsum: the output's `j` appears in no operand")
    #expect(message("i1->i", [[3, 3]]) == "einsum: `1` in \"i1->i\" is not a subscript; use the letters a-z and A-Z")
    #expect(message("ii->i", [[2, 3]]) == "einsum: `i` repeats in operand 0 with sizes 2 and 3: a diagonal needs equal sizes")
    #expect(message("...i->i", [[2, 3]]) == "einsum: the operands have axes under `...`; the output must say where they go (write `...` after `->`)")
  }
}
