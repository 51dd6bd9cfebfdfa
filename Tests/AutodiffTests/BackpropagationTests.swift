import Testing
import Tensors
@testable import Autodiff

@Suite("The backward walk")
struct BackpropagationTests {
  /// The learner's dense layer: z = W @ x + b with x (2, 5), W (3, 2), b (3, 1).
  @Test func denseLayerGradientShapesAndValues() throws {
    let x = Variable(try Tensor(rows: [[1, 2, 3, 4, 5], [0.5, -1, 0, 1, 2]]))
    let W = Variable(try Tensor(rows: [[1, -1], [0.5, -1], [1, -0.5]]))
    let b = Variable(try Tensor(rows: [[0.1], [0.2], [0.3]]))
    let z = try Variable.matmul(W, x) + b
    let dz = try Tensor(rows: [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]])
    let grads = try gradients(of: z, wrt: [x, W, b], seed: .constant(dz))
    // dx = W.T @ dz keeps the batch axis; the worked example of the learner's question.
    #expect(grads[0].value == (try Tensor(rows: [[2.5, 5, 7.5, 10, 12.5], [-2.5, -5, -7.5, -10, -12.5]])))
    // dW = dz @ x.T sums over the batch: row i is Σ_n dz[i,n] x[:,n] = [1+4+9+16+25, 0.5-2+0+4+10].
    #expect(grads[1].value == (try Tensor(rows: [[55, 12.5], [55, 12.5], [55, 12.5]])))
    // db sums dz over axis 1.
    #expect(grads[2].value == (try Tensor(rows: [[15], [15], [15]])))
  }

  @Test func fanOutAccumulates() throws {
    let x = Variable(Tensor(3))
    let y = try x * x + x  // dy/dx = 2x + 1 = 7
    #expect(try gradient(of: y, wrt: x).value == Tensor(7))
  }

  @Test func unreachedTargetIsZerosAndSaysSo() throws {
    let x = Variable(Tensor([1, 2]))
    let unrelated = Variable(try Tensor(rows: [[1, 2], [3, 4]]))
    let L = try x.reduced(.sum)
    let g = try gradient(of: L, wrt: unrelated)
    #expect(!g.isReached)
    #expect(g.value == (try Tensor.zeros([2, 2])))
    #expect(try gradient(of: L, wrt: x).isReached)
  }

  @Test func nonScalarOutputNeedsASeed() throws {
    let x = Variable(Tensor([1, 2]))
    let y = try x * x
    #expect(throws: AutodiffError.nonScalarOutput(shape: [2])) { try gradient(of: y, wrt: x) }
    #expect(throws: AutodiffError.seedShape(seed: [3], output: [2])) {
      try gradients(of: y, wrt: [x], seed: .constant(Tensor([1, 1, 1])))
    }
    #expect(
      AutodiffError.nonScalarOutput(shape: [2]).description
        == "the output has shape (2,), not a single number: a gradient needs a scalar output, or a seed (a vector-Jacobian product)")
  }

  /// 100,000 ops in a chain: the walk and the release of the graph must not recurse.
  @Test func longChainNeitherOverflowsNorLeaks() throws {
    let x = Variable(Tensor(1))
    weak var weakHead: Variable?
    do {
      var y = x
      for _ in 0..<100_000 { y = try y * 1.0 }
      weakHead = y
      #expect(try gradient(of: y, wrt: x).value == Tensor(1))
    }
    #expect(weakHead == nil)
  }

  /// A node holds its first two inputs in place and the rest in an array: long chains through
  /// each position (one input, the second of two, the third of `where`) keep their inputs in
  /// order, and free themselves without recursion when dropped.
  @Test func chainsThroughEveryInputPositionKeepTheirInputsAndAreFreed() throws {
    let x = Variable(Tensor([1, -2]))
    let condition = Variable.constant(Tensor([1, 0]))
    weak var weakA: Variable?
    weak var weakB: Variable?
    weak var weakC: Variable?
    do {
      var (a, b, c) = (x, x, x)
      for _ in 0..<50_000 {
        a = try a.tanh()
        b = try x + b
        c = try Variable.select(condition, x, c)
      }
      #expect(a.inputs.count == 1 && b.inputs.map { $0 === x } == [true, false])
      #expect(c.inputs.count == 3 && c.inputs[0] === condition && c.inputs[1] === x)
      #expect(try gradient(of: c.reduced(.sum), wrt: x).value == Tensor([1, 1]))
      (weakA, weakB, weakC) = (a, b, c)
    }
    #expect(weakA == nil && weakB == nil && weakC == nil)
  }

  @Test func graphIsFreedWhenTheOutputIsDropped() throws {
    weak var weakIntermediate: Variable?
    do {
      let x = Variable(Tensor([1, 2, 3]))
      let h = try x.tanh()
      weakIntermediate = h
      let L = try (h * h).reduced(.sum)
      _ = try gradient(of: L, wrt: x)
    }
    #expect(weakIntermediate == nil)
  }

  /// A Hessian-vector product on f(x) = Σ x³: H = diag(6x), so Hv = 6 x v.
  @Test func hessianVectorProduct() throws {
    let x = Variable(Tensor([1, -2, 0.5]))
    let v = Tensor([1, 2, 3])
    let f = try x.power(3).reduced(.sum)
    let g = try gradient(of: f, wrt: x, createGraph: true)
    let hv = try gradient(of: (g.variable * .constant(v)).reduced(.sum), wrt: x)
    #expect(hv.value == Tensor([6, -24, 9]))
  }

  /// Without createGraph, the gradients carry no graph.
  @Test func plainBackwardRecordsNothing() throws {
    let x = Variable(Tensor([1, 2]))
    let g = try gradient(of: try (x * x).reduced(.sum), wrt: x)
    #expect(g.variable.isLeaf)
    #expect(g.value == Tensor([2, 4]))
  }

  @Test func observerSeesEveryStepInReverseOrder() throws {
    let x = Variable(Tensor([1, 2]))
    let y = try x.tanh()
    let L = try y.reduced(.sum)
    var names: [String] = []
    _ = try gradients(of: L, wrt: [x]) { step in names.append(step.node.rule?.name ?? "leaf") }
    #expect(names == ["sum", "tanh"])
  }

  /// Only paths that lead to a target run: grad(L, A) of L = sum(A @ B) does not compute dB.
  @Test func onlyPathsToTheTargetsRun() throws {
    let a = Variable(try Tensor(rows: [[1, 2], [3, 4]])), b = Variable(try Tensor(rows: [[1, 0], [0, 1]]))
    let unrelated = Variable(Tensor([5]))
    let L = try (Variable.matmul(a, b).reduced(.sum) + unrelated.reduced(.sum))
    var sent: [String: [Bool]] = [:]
    let g = try gradients(of: L, wrt: [a]) { step in sent[step.node.rule?.name ?? ""] = step.inputGradients.map { $0 != nil } }
    #expect(g[0].value == (try Tensor(rows: [[1, 1], [1, 1]])))
    #expect(sent["matmul"] == [true, false])
    #expect(sent["add"] == [true, false])
  }
}
