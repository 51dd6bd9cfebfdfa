import Testing
import Autodiff
import Tensors
@testable import Language

@Suite("Built-ins: einsum, dot, outer, trace")
struct ContractionsBuiltinTests {
  /// The learner's question: reduce_sum(x*y, 1) = diag_part(tensordot(x, y, axes=[[1],[1]])) = einsum("bi,bi->b", x, y).
  @Test func batchedInnerProductThreeWays() throws {
    let interpreter = Interpreter()
    run("seed(0); x = randn(32, 3); y = randn(32, 3)", in: interpreter)
    let direct = try tensor("reduce_sum(x * y, 1)", in: interpreter)
    let wasteful = try tensor("diag_part(tensordot(x, y, axes=[[1], [1]]))", in: interpreter)
    let contracted = try tensor("einsum(\"bi,bi->b\", x, y)", in: interpreter)
    expectNearlyEqual(wasteful, direct)
    expectNearlyEqual(contracted, direct)
    // Same gradient too: d/dx of sum(einsum("bi,bi->b", x, y)) is y.
    expectNearlyEqual(try tensor("grad(sum(einsum(\"bi,bi->b\", x, y)), x)", in: interpreter), try tensor("y", in: interpreter))
  }

  /// The first learner's dx = w.T @ dz, as an einsum that names the axes: z and x of w, z and b of dz.
  @Test func backpropagatedInputGradientAsAnEinsum() throws {
    let interpreter = Interpreter()
    run("""
      w = [[1, -1], [0.5, -1], [1, -0.5]]
      dz = [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]
      """, in: interpreter)
    let expected = try Tensor(rows: [[2.5, 5, 7.5, 10, 12.5], [-2.5, -5, -7.5, -10, -12.5]])
    #expect(try tensor("einsum(\"zx,zb->xb\", w, dz)", in: interpreter) == expected)
    #expect(try tensor("w.T @ dz", in: interpreter) == expected)
  }

  @Test func numPyValues() throws {
    // np.dot([1, 2, 3], [4, 5, 6]); np.outer([1, 2], [1, 2, 3]); np.trace(np.arange(9.).reshape(3, 3))
    #expect(try tensor("dot([1, 2, 3], [4, 5, 6])") == Tensor(32))
    #expect(try tensor("outer([1, 2], [1, 2, 3])") == (try Tensor(rows: [[1, 2, 3], [2, 4, 6]])))
    #expect(try tensor("trace(reshape(arange(9), (3, 3)))") == Tensor(12))
    // np.einsum('ii->i', np.arange(9.).reshape(3, 3)); np.einsum('ji', np.arange(6.).reshape(2, 3))
    #expect(try tensor("einsum(\"ii->i\", reshape(arange(9), (3, 3)))") == Tensor([0, 4, 8]))
    #expect(try tensor("einsum(\"ji\", reshape(arange(6), (2, 3)))") == (try Tensor(rows: [[0, 3], [1, 4], [2, 5]])))
    // The subscripts may follow the operands, as :derive prints them.
    #expect(try tensor("einsum([1, 2], [3, 4], \"i,i->\")") == Tensor(11))
  }

  /// :derive prints an einsum's gradient as an einsum, and the printed lines compute grad().
  @Test func derivedGradientsPasteBack() throws {
    let interpreter = Interpreter()
    run("""
      x = [[1, 2, 3], [4, 5, 6]]
      y = [[1, 0, 1], [2, 1, 0]]
      m = [[1, 2], [3, 4]]
      L = sum(einsum("bi,bi->b", x, y) ** 2) + trace(m) * 3
      """, in: interpreter)
    let dx = try deriveAndRun(of: "L", wrt: "x", in: interpreter)
    #expect(dx.lines.last?.contains("\"b,bi->bi\"") == true, "\(dx.lines)")
    expectNearlyEqual(dx.value, dx.expected)
    let dm = try deriveAndRun(of: "L", wrt: "m", in: interpreter)
    expectNearlyEqual(dm.value, try Tensor(rows: [[3, 0], [0, 3]]))
  }

  @Test func badEquationsPointAtTheSubscripts() {
    #expect(renderedError("einsum(\"bi,bi->b\", ones(2, 3), ones(2, 4))") == """
      error: einsum: `i` has size 3 in operand 0 but size 4 in operand 1
       --> line 1:8
      1 | einsum("bi,bi->b", ones(2, 3), ones(2, 4))
        |        ^~~~~~~~~~
      hint: the operands have shapes (2, 3), (2, 4)
      """)
    #expect(renderedError("einsum(ones(2, 3), ones(3, 2))") == """
      error: einsum() needs its subscripts, a string
       --> line 1:1
      1 | einsum(ones(2, 3), ones(3, 2))
        | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
      hint: for example einsum("bi,bi->b", x, y)
      """)
    #expect(renderedError("trace([1, 2])").hasPrefix("error: trace needs at least 2 axes, got shape (2,)"))
  }

  /// diag is TensorFlow's (one diagonal matrix per row); NumPy's diag of a matrix is diag_part,
  /// which a note says; sizes that cannot hold the diagonal are an error at the size.
  @Test func diagOfAMatrixSaysWhatNumPyWouldDo() throws {
    let records = run("diag([[1, 2], [3, 4]])")
    #expect(records.last?.notes.first?.hasSuffix("NumPy's np.diag of a matrix reads its diagonal: that is diag_part(x) here") == true)
    #expect(try tensor("diag([1, 2], rows=3, cols=2)") == Tensor(shape: [3, 2], scalars: [1, 0, 0, 2, 0, 0]))
    #expect(renderedError("diag([1], rows=3, cols=3)").hasPrefix("error: the main diagonal of a 3×3 matrix has 3 entries, and x has 1"))
  }
}
