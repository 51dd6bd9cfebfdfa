import Foundation
import Testing
import Tensors
@testable import Autodiff

// Expected values come from PyTorch's LSTM equations written in NumPy (PyTorch is not
// installed here); gate order i, f, g, o and one bias b (PyTorch's b_ih + b_hh):
//
//   sig = lambda z: 1 / (1 + np.exp(-z))
//   def cell(x, h, c, W, U, b):
//       H = h.shape[-1]; z = x @ W.T + h @ U.T + b
//       i, f, g, o = sig(z[:, :H]), sig(z[:, H:2*H]), np.tanh(z[:, 2*H:3*H]), sig(z[:, 3*H:])
//       c = f * c + i * g
//       return o * np.tanh(c), c
//   B, T, F, H = 3, 4, 2, 3
//   W = 0.5 * np.sin(np.arange(4*H*F) * 0.7 + 0.1).reshape(4*H, F)
//   U = 0.4 * np.cos(np.arange(4*H*H) * 1.3).reshape(4*H, H)
//   b = 0.1 * np.arange(4*H) - 0.5
//   x = np.sin(np.arange(B*T*F) * 0.37).reshape(B, T, F)

/// The NumPy script's parameters, rebuilt from the same formulas.
private struct Parameters {
  static let batch = 3, steps = 4, features = 2, hidden = 3
  let x: Tensor, W: Tensor, U: Tensor, b: Tensor

  init() throws {
    let (B, T, F, H) = (Self.batch, Self.steps, Self.features, Self.hidden)
    W = try Tensor.arange(0, Double(4 * H * F)).map { 0.5 * sin($0 * 0.7 + 0.1) }.reshaped([4 * H, F])
    U = try Tensor.arange(0, Double(4 * H * H)).map { 0.4 * cos($0 * 1.3) }.reshaped([4 * H, H])
    b = try Tensor.arange(0, Double(4 * H)).map { 0.1 * $0 - 0.5 }
    x = try Tensor.arange(0, Double(B * T * F)).map { sin($0 * 0.37) }.reshaped([B, T, F])
  }
}

private func expectClose(_ a: Tensor, _ b: [Double], tolerance: Double = 1e-12) {
  #expect(a.count == b.count)
  let worst = zip(a.scalars, b).map { abs($0 - $1) }.max() ?? .infinity
  #expect(worst < tolerance, "\(a.scalars) vs \(b)")
}

/// Checks the gradient of `loss` with respect to every input against central differences.
private func expectGradientsMatchFiniteDifferences(
  at values: [Tensor], tolerance: Double = 1e-7, _ loss: ([Variable]) throws -> Variable
) throws {
  let variables = values.map { Variable($0) }
  let autodiff = try gradients(of: loss(variables), wrt: variables)
  for index in values.indices {
    let numeric = try numericGradient(of: { (t: [Tensor]) throws -> Double in
      try loss(t.map { Variable($0, requiresGradient: false) }).value.scalars[0]
    }, at: values, wrt: index)
    let report = GradientCheckReport(autodiff: autodiff[index].value, numeric: numeric)
    #expect(report.maxRelativeError < tolerance, "input \(index): \(report.maxRelativeError)")
  }
}

@Suite("Recurrent cells")
struct RecurrentTests {
  @Test func lstmCellMatchesPyTorchsEquations() throws {
    let p = try Parameters()
    let x0 = try Variable(p.x.indexed([.slice(start: nil, stop: nil, step: nil), .index(0)]))
    let h = Variable(try Tensor(repeating: 0.2, shape: [3, 3])), c = Variable(try Tensor(repeating: -0.1, shape: [3, 3]))
    let step = try Variable.lstmCell(x: x0, h: h, c: c, W: Variable(p.W), U: Variable(p.U), b: Variable(p.b))
    // cell(x[:, 0], np.zeros((B, H)) + 0.2, np.zeros((B, H)) - 0.1, W, U, b)
    expectClose(step.h.value, [
      0.03772690082525764, -0.05310402013168689, 0.0280839707092845, 0.028123735427306198, 0.005260100520448878,
      0.05485220513832865, -0.01500097105456592, 0.006155235812859198, 0.09276755549974428,
    ])
    expectClose(step.c.value, [
      0.059199446867582176, -0.08433519718729317, 0.04300083323388243, 0.047475949935623804, 0.008747226878117215,
      0.08009768570936776, -0.024943528136813393, 0.01109587879552431, 0.1406085990592431,
    ])
  }

  @Test func rnnCellMatchesItsFormula() throws {
    let p = try Parameters()
    let rows = IndexItem.slice(start: 0, stop: 3, step: nil)
    let h = try Variable.rnnCell(
      x: Variable(p.x.indexed([.slice(start: nil, stop: nil, step: nil), .index(0)])),
      h: Variable(try Tensor(repeating: 0.2, shape: [3, 3])),
      W: Variable(p.W.indexed([rows])), U: Variable(p.U.indexed([rows])), b: Variable(p.b.indexed([rows])))
    // np.tanh(x[:, 0] @ W[:H].T + (np.zeros((B, H)) + 0.2) @ U[:H].T + b[:H])
    expectClose(h.value, [
      -0.325196886021728, -0.1938013376907419, -0.4592742532068539, -0.48179164451993495, -0.31681955970136294,
      -0.33933023026751685, -0.44819561199599667, -0.4752986635265435, -0.4303978895325914,
    ])
  }

  /// With lengths, the state at t = length - 1 is PyTorch's h_n for a packed sequence, and later steps are zeros.
  @Test func lstmWithLengthsKeepsTheLastValidState() throws {
    let p = try Parameters()
    let lengths = [4, 2, 3]
    let hs = try Variable.lstm(
      x: Variable(p.x), W: Variable(p.W), U: Variable(p.U), b: Variable(p.b),
      lengths: .constant(Tensor(lengths.map(Double.init))))
    #expect(hs.shape == [3, 4, 3])
    // for n: run cell over x[n:n+1, :lengths[n]] from zeros; h_n = the last h
    let hn = [
      0.14442946582421118, -0.17139401986027808, -0.12196160608864566, -0.008136494610220266, 0.09712403473403962,
      0.2154944899628791, 0.18951880214793201, -0.22659783624679503, -0.05594471230561227,
    ]
    for (n, length) in lengths.enumerated() {
      expectClose(try hs.value.indexed([.index(n), .index(length - 1)]), Array(hn[(n * 3)..<(n * 3 + 3)]))
      for t in length..<Parameters.steps {
        #expect(try hs.value.indexed([.index(n), .index(t)]).scalars == [0, 0, 0])
      }
    }
    // Without lengths the full-length sequence gives the same states.
    let full = try Variable.lstm(x: Variable(p.x), W: Variable(p.W), U: Variable(p.U), b: Variable(p.b))
    #expect(try full.value.indexed([.index(0)]) == (try hs.value.indexed([.index(0)])))
  }

  @Test func lstmGradientsMatchFiniteDifferences() throws {
    let p = try Parameters()
    var generator = RandomGenerator(seed: 3)
    let weights = try generator.normal([3, 4, 3])
    let lengths = Variable.constant(Tensor([4, 2, 3]))
    try expectGradientsMatchFiniteDifferences(at: [p.x, p.W, p.U, p.b]) { v in
      let hs = try Variable.lstm(x: v[0], W: v[1], U: v[2], b: v[3], lengths: lengths)
      return try (hs * .constant(weights)).reduced(.sum)
    }
  }

  /// From an initial state (h0, c0): the cell run step by step from it, and gradients that reach it.
  @Test func lstmStartsFromTheInitialStateAndPassesItAGradient() throws {
    let p = try Parameters()
    var generator = RandomGenerator(seed: 9)
    let (h0, c0) = (try generator.normal([Parameters.batch, Parameters.hidden]), try generator.normal([Parameters.batch, Parameters.hidden]))
    let hs = try Variable.lstm(x: Variable(p.x), W: Variable(p.W), U: Variable(p.U), b: Variable(p.b), h0: .constant(h0), c0: .constant(c0))
    var (h, c) = (Variable.constant(h0), Variable.constant(c0))
    for t in 0..<Parameters.steps {
      let x = try Variable(p.x).indexed([.slice(start: nil, stop: nil, step: nil), .index(t)])
      (h, c) = try Variable.lstmCell(x: x, h: h, c: c, W: Variable(p.W), U: Variable(p.U), b: Variable(p.b))
      expectClose(try hs.value.indexed([.slice(start: nil, stop: nil, step: nil), .index(t)]), h.value.scalars)
    }
    let weights = try generator.normal([3, 4, 3])
    let lengths = Variable.constant(Tensor([4, 2, 3]))
    try expectGradientsMatchFiniteDifferences(at: [h0, c0, p.W]) { v in
      let hs = try Variable.lstm(
        x: .constant(p.x), W: v[2], U: .constant(p.U), b: .constant(p.b), lengths: lengths, h0: v[0], c0: v[1])
      return try (hs * .constant(weights)).reduced(.sum)
    }
  }

  @Test func cellGradientsMatchFiniteDifferences() throws {
    var generator = RandomGenerator(seed: 4)
    let values = try [[2, 3], [2, 2], [2, 2], [8, 3], [8, 2], [8]].map { (shape: [Int]) throws -> Tensor in
      try generator.normal(shape)
    }
    try expectGradientsMatchFiniteDifferences(at: values) { v in
      let step = try Variable.lstmCell(x: v[0], h: v[1], c: v[2], W: v[3], U: v[4], b: v[5])
      return try (step.h * step.h).reduced(.sum) + (step.c * 0.5).reduced(.sum)
    }
    let firstTwo = IndexItem.slice(start: 0, stop: 2, step: nil)
    let rnn = [values[0], values[1], try values[3].indexed([firstTwo]), try values[4].indexed([firstTwo]), try values[5].indexed([firstTwo])]
    try expectGradientsMatchFiniteDifferences(at: rnn) { v in
      try Variable.rnnCell(x: v[0], h: v[1], W: v[2], U: v[3], b: v[4]).power(3).reduced(.sum)
    }
  }

  /// The graph is backpropagation through time spelled out: one cell's ops per step.
  @Test func theGraphHasOneCellPerStep() throws {
    let p = try Parameters()
    let hs = try Variable.lstm(x: Variable(p.x), W: Variable(p.W), U: Variable(p.U), b: Variable(p.b))
    let sigmoids = topologicalOrder(from: hs).filter { $0.rule?.name == "sigmoid" }
    #expect(sigmoids.count == 3 * Parameters.steps)
  }

  @Test func initialStatesOfTheWrongShapeAreErrors() throws {
    #expect(operandMessage { () throws(OperandError) in
      try RecurrentShapes(lstm: [2, 3, 1], W: [8, 1], U: [8, 2], b: [8], lengths: nil, h0: [3, 2])
    } == "lstm: the initial state h0 must be (B, H) = (2, 2) for x (2, 3, 1) and U (8, 2), got (3, 2)")
    #expect(operandMessage { () throws(OperandError) in
      try RecurrentShapes(lstm: [2, 3, 1], W: [8, 1], U: [8, 2], b: [8], lengths: nil, h0: [2, 2], c0: [2])
    } == "lstm: the initial state c0 must be (B, H) = (2, 2) for x (2, 3, 1) and U (8, 2), got (2,)")
  }

  @Test func mismatchedShapesAreErrorsThatNameThem() throws {
    #expect(operandMessage { () throws(OperandError) in
      try RecurrentShapes(operation: "lstm_cell", gates: 4, x: [2, 3], h: [2, 4], W: [12, 3], U: [16, 4], b: [16])
    } == "lstm_cell: W must be (16, 3) = (4H, F) for x (2, 3) and h (2, 4), got (12, 3)")
    #expect(operandMessage { () throws(OperandError) in
      try RecurrentShapes(lstm: [2, 5, 3], W: [8, 3], U: [8, 2], b: [8], lengths: Tensor([5, 2.5]))
    } == "lstm: lengths[1] = 2.5 is not a number of steps from 0 to 5 (x has 5 steps)")
  }
}
