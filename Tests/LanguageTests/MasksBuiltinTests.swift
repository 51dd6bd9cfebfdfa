import Testing
import Autodiff
import Tensors
@testable import Language

@Suite("Built-ins: gathers, masks, sparse values, rounding")
struct MasksBuiltinTests {
  /// The learner's block-diagonal connection: a masked weight learns only on the mask, whether the
  /// mask multiplies the weight or `where` picks it.
  @Test func maskedWeightGradientsAreZeroOffTheMask() throws {
    let interpreter = Interpreter()
    run("""
      seed(1); W = randn(4, 4); x = randn(4, 3)
      mask = blockdiag(ones(2, 2), ones(2, 2))
      L1 = sum(tanh((W * mask) @ x))
      L2 = sum(tanh(where(mask, W, 0) @ x))
      """, in: interpreter)
    let mask = try tensor("mask", in: interpreter)
    for loss in ["L1", "L2"] {
      let g = try tensor("grad(\(loss), W)", in: interpreter)
      for (m, value) in zip(mask.scalars, g.scalars) {
        if m == 0 { #expect(value == 0, "\(loss)") } else { #expect(value != 0, "\(loss)") }
      }
    }
    // The two spellings compute the same loss and the same gradient.
    expectNearlyEqual(try tensor("grad(L1, W)", in: interpreter), try tensor("grad(L2, W)", in: interpreter))
  }

  /// The trainable sparse connection TensorFlow's SparseTensor did not give: the values learn.
  @Test func sparseValuesTrain() throws {
    let interpreter = Interpreter()
    run("""
      v = [0.1, 0.2, 0.1]
      idx = [[0, 0], [0, 1], [1, 1]]
      a1 = [[1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]]
      theta = sparse(idx, v, (3, 2))
      L = sum(a1 @ theta)
      """, in: interpreter)
    // np.zeros((3, 2)) with theta[0, 0] = 0.1, theta[0, 1] = 0.2, theta[1, 1] = 0.1
    #expect(try tensor("theta", in: interpreter) == (try Tensor(rows: [[0.1, 0.2], [0, 0.1], [0, 0]])))
    // dL/dtheta = a1.T @ ones((4, 2)) = [[4, 4], [2, 2], [2, 2]], read at the coordinates
    #expect(try tensor("grad(L, v)", in: interpreter) == Tensor([4, 4, 2]))
    // sparse_matmul computes theta @ b without the matrix, and the same gradient:
    // dL/dtheta = ones((3, 2)) @ b.T = [[3, 7], [3, 7], [3, 7]], read at the coordinates.
    run("b = [[1, 2], [3, 4]]", in: interpreter)
    #expect(try tensor("sparse_matmul(idx, v, (3, 2), b)", in: interpreter) == (try tensor("theta @ b", in: interpreter)))
    #expect(try tensor("grad(sum(sparse_matmul(idx, v, (3, 2), b)), v)", in: interpreter) == Tensor([3, 7, 7]))
  }

  /// The last real step of each padded sequence: h[b, length - 1], and only those rows get gradient.
  @Test func lastStepOfPaddedSequences() throws {
    let interpreter = Interpreter()
    run("h = reshape(arange(30), (5, 3, 2)); lengths = [3, 2, 2, 1, 3]; last = last_step(h, lengths)", in: interpreter)
    // np.arange(30.).reshape(5, 3, 2)[np.arange(5), np.array([3, 2, 2, 1, 3]) - 1]
    #expect(try tensor("last", in: interpreter) == (try Tensor(rows: [[4, 5], [8, 9], [14, 15], [18, 19], [28, 29]])))
    let g = try tensor("grad(sum(last), h)", in: interpreter)
    #expect(try tensor("sum(grad(sum(last), h), (0, 2))", in: interpreter) == Tensor([2, 4, 4]))
    #expect(g.scalars.reduce(0, +) == 10)
    // A sequence mask blocks the gradient of the padded steps.
    let masked = try tensor("grad(sum(h * expand_dims(sequence_mask(lengths, 3), 2)), h)", in: interpreter)
    #expect(masked.scalars.reduce(0, +) == 22)
  }

  @Test func numPyAndTensorFlowValues() throws {
    // np.take_along_axis([[10, 20, 30], [40, 50, 60]], [[2], [0]], axis=1)
    #expect(try tensor("take_along_axis([[10, 20, 30], [40, 50, 60]], [[2], [0]], axis=1)") == (try Tensor(rows: [[30], [40]])))
    // np.take([[1, 2], [3, 4], [5, 6]], [2, 0, 2], axis=0)
    #expect(try tensor("gather([[1, 2], [3, 4], [5, 6]], [2, 0, 2])") == (try Tensor(rows: [[5, 6], [1, 2], [5, 6]])))
    #expect(try tensor("gather_nd([[1, 2], [3, 4]], [[0, 1], [1, 0]])") == Tensor([2, 3]))
    #expect(try tensor("one_hot([0, 2, 1], 3)") == (try Tensor(rows: [[1, 0, 0], [0, 0, 1], [0, 1, 0]])))
    // tf.sequence_mask([3, 1, 2]): maxlen defaults to the longest
    #expect(try tensor("sequence_mask([3, 1, 2])") == (try Tensor(rows: [[1, 1, 1], [1, 0, 0], [1, 1, 0]])))
    // np.round([-1.5, -0.5, 0.5, 1.5, 2.5]): halves to the even neighbour
    #expect(try tensor("round([-1.5, -0.5, 0.5, 1.5, 2.5])") == Tensor([-2, 0, 0, 2, 2]))
    let interpreter = Interpreter()
    run("x = [0.3, 1.7]", in: interpreter)
    #expect(try tensor("grad(sum(floor(x) + ceil(x) + round(x)), x)", in: interpreter) == Tensor([0, 0]))
    // np.triu(np.ones((3, 3)), 1)
    #expect(try tensor("triu(ones(3, 3), 1)") == (try Tensor(rows: [[0, 1, 1], [0, 0, 1], [0, 0, 0]])))
    // The scatter-adds, pasted as :derive prints them.
    #expect(try tensor("scatter_add([[1], [1]], [[2], [0]], axis=1, shape=(2, 3))") == (try Tensor(rows: [[0, 0, 1], [1, 0, 0]])))
    #expect(try tensor("index_add(ones(3, 2), [2, 0, 2], axis=0, shape=(3, 2))") == (try Tensor(rows: [[1, 1], [0, 0], [2, 2]])))
  }

  /// :derive writes a gather's gradient as a scatter-add, and the lines compute grad().
  @Test func derivedGradientsPasteBack() throws {
    let interpreter = Interpreter()
    run("""
      W = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
      idx = [[0], [2], [1]]
      v = [0.5, -1]
      h = reshape(arange(12), (2, 3, 2))
      L = (sum(take_along_axis(W, idx, axis=1) ** 2) + sum(gather(W, [2, 0, 2]) ** 2)
        + sum(sparse([[0, 0], [1, 1]], v, (2, 2)) ** 2) + sum(last_step(h, [3, 1]) ** 2))
      """, in: interpreter)
    for target in ["W", "v", "h"] {
      let derived = try deriveAndRun(of: "L", wrt: target, in: interpreter)
      expectNearlyEqual(derived.value, derived.expected, "\(target): \(derived.lines)")
    }
    #expect(try deriveAndRun(of: "L", wrt: "W", in: interpreter).lines.last?.contains("scatter_add(") == true)
  }

  /// A bad entry is named by its position and value, and the error points at the argument.
  @Test func badIndicesNameTheEntry() {
    #expect(renderedError("gather([1, 2, 3], [0, 1.5])") == """
      error: gather(): indices[1] = 1.5 is not an integer
       --> line 1:19
      1 | gather([1, 2, 3], [0, 1.5])
        |                   ^~~~~~~~
      hint: indices are whole numbers; round(), floor() or ceil() make them (and pass no gradient)
      """)
    #expect(renderedError("take_along_axis(ones(2, 3), [[0], [3]], axis=1)") == """
      error: take_along_axis(): indices[1, 0] = 3 is out of range for axis 1 of size 3
       --> line 1:29
      1 | take_along_axis(ones(2, 3), [[0], [3]], axis=1)
        |                             ^~~~~~~~~~
      hint: valid indices run from 0 to 2, or from -3 to -1 counting from the end
      """)
    #expect(renderedError("one_hot([0, 3], 3)") == """
      error: one_hot(): labels[1] = 3 is out of range for n = 3 classes
       --> line 1:9
      1 | one_hot([0, 3], 3)
        |         ^~~~~~
      hint: labels run from 0 to 2
      """)
    #expect(renderedError("last_step(reshape(arange(12), (2, 3, 2)), [3, 0])") == """
      error: last_step(): lengths[1] = 0 is out of range for sequences of 3 steps
       --> line 1:43
      1 | last_step(reshape(arange(12), (2, 3, 2)), [3, 0])
        |                                           ^~~~~~
      hint: a length runs from 1 to 3; last_step reads step length - 1
      """)
    #expect(renderedError("sparse([[0, 0], [1, 4]], [1, 2], (3, 4))") == """
      error: sparse(): indices[1, 1] = 4 is out of range for axis 1 of size 4
       --> line 1:8
      1 | sparse([[0, 0], [1, 4]], [1, 2], (3, 4))
        |        ^~~~~~~~~~~~~~~~
      hint: column 1 indexes axis 1: from 0 to 3
      """)
    #expect(renderedError("sequence_mask([2, -1])") == """
      error: sequence_mask(): lengths[1] = -1 is negative
       --> line 1:15
      1 | sequence_mask([2, -1])
        |               ^~~~~~~
      hint: a length is at least 0
      """)
    #expect(renderedError("take_along_axis(ones(2, 3), [0, 1], axis=1)") == """
      error: take_along_axis(): `indices` needs as many axes as x: x has shape (2, 3), indices (2,)
       --> line 1:29
      1 | take_along_axis(ones(2, 3), [0, 1], axis=1)
        |                             ^~~~~~
      hint: to pick one entry per row: take_along_axis(x, reshape(i, (-1, 1)), axis=1)
      """)
  }
}
