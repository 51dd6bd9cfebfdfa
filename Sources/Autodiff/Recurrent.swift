import Tensors

// Recurrent cells as compositions of the differentiable ops (matmul with a
// transpose flag, slicing, sigmoid, tanh, where, stack), not as rules of their
// own: the recorded graph then shows backpropagation through time one step and
// one gate at a time, and every gradient comes from rules already checked.

/// The sizes of a recurrent layer, checked against each other with messages that name the shapes.
public struct RecurrentShapes: Sendable, Equatable {
  /// Features per step (F), hidden units (H), gates (1 for an RNN, 4 for an LSTM).
  public let features: Int, hidden: Int, gates: Int

  /// Checks `cell(x, h, W, U, b)`: x (B, F), h (B, H), W (gates·H, F), U (gates·H, H), b (gates·H);
  /// x and h may also be single vectors (F) and (H). An LSTM's cell state `c` has h's shape.
  /// `sizes` says where F and H came from in messages (default: "for x … and h …").
  public init(
    operation: String, gates: Int, x: [Int], h: [Int], c: [Int]? = nil, W: [Int], U: [Int], b: [Int], sizes: String? = nil
  ) throws(OperandError) {
    guard let hidden = h.last, let features = x.last, x.count <= 2, h.count == x.count, x.count < 2 || x[0] == h[0] else {
      throw OperandError(
        "\(operation) needs x (B, F) and h (B, H) with the same batch B (or single vectors (F) and (H)), "
          + "got x \(Shape.text(x)) and h \(Shape.text(h))",
        fallback: .broadcast(lhs: x, rhs: h, axis: -2))
    }
    if let c, c != h {
      throw OperandError(
        "\(operation): the cell state c must have h's shape \(Shape.text(h)), got \(Shape.text(c))",
        fallback: .broadcast(lhs: h, rhs: c, axis: -1))
    }
    let rows = gates * hidden
    let gateText = gates == 1 ? "H" : "\(gates)H"
    for (name, shape, expected) in [("W", W, [rows, features]), ("U", U, [rows, hidden]), ("b", b, [rows])] where shape != expected {
      throw OperandError(
        "\(operation): \(name) must be \(Shape.text(expected)) = (\(gateText)\(name == "b" ? "" : name == "W" ? ", F" : ", H")) "
          + "\(sizes ?? "for x \(Shape.text(x)) and h \(Shape.text(h))"), got \(Shape.text(shape))",
        fallback: .matmulMismatch(lhs: expected, rhs: shape))
    }
    self.features = features
    self.hidden = hidden
    self.gates = gates
  }
}

extension RecurrentShapes {
  /// Checks `lstm(x, W, U, b, lengths, h0, c0)`: x (B, T, F), W (4H, F), U (4H, H), b (4H), lengths (B)
  /// holding whole numbers of steps from 0 to T, and initial states h0 and c0 (B, H).
  public init(lstm x: [Int], W: [Int], U: [Int], b: [Int], lengths: Tensor?, h0: [Int]? = nil, c0: [Int]? = nil) throws(OperandError) {
    guard x.count == 3 else { throw .rank("lstm", "x", x, layout: "(B, T, F)") }
    let hidden = U.last ?? 0
    try self.init(
      operation: "lstm", gates: 4, x: [x[0], x[2]], h: [x[0], hidden], W: W, U: U, b: b,
      sizes: "for x \(Shape.text(x)) (F = \(x[2]) features) and U \(Shape.text(U)) (H = \(hidden) hidden units)")
    for (name, shape) in [("h0", h0), ("c0", c0)] {
      guard let shape, shape != [x[0], hidden] else { continue }
      throw OperandError(
        "lstm: the initial state \(name) must be (B, H) = \(Shape.text([x[0], hidden])) for x \(Shape.text(x)) and U \(Shape.text(U)), "
          + "got \(Shape.text(shape))",
        fallback: .broadcast(lhs: shape, rhs: [x[0], hidden], axis: -1))
    }
    guard let lengths else { return }
    guard lengths.shape == [x[0]] else {
      throw OperandError(
        "lstm needs one length per sequence, lengths of shape \(Shape.text([x[0]])) for x \(Shape.text(x)), got \(Shape.text(lengths.shape))",
        fallback: .broadcast(lhs: lengths.shape, rhs: [x[0]], axis: -1))
    }
    for (n, length) in lengths.scalars.enumerated() where !(length == length.rounded() && length >= 0 && length <= Double(x[1])) {
      throw OperandError(
        "lstm: lengths[\(n)] = \(length == length.rounded() && Swift.abs(length) < 1e15 ? String(Int(length)) : Tensor.formatScalar(length)) is not a number of steps from 0 to \(x[1]) (x has \(x[1]) steps)",
        fallback: .indexOutOfRange(index: n, axis: 0, size: x[0]))
    }
  }
}

extension Variable {
  /// `tanh(x @ W.T + h @ U.T + b)`: x (B, F), h (B, H), W (H, F), U (H, H), b (H) → (B, H).
  public static func rnnCell(x: Variable, h: Variable, W: Variable, U: Variable, b: Variable) throws(TensorError) -> Variable {
    try (matmul(x, W, transposeRHS: true) + matmul(h, U, transposeRHS: true) + b).tanh()
  }

  /// One LSTM step with PyTorch's gate order (input, forget, cell, output) and one bias b (4H):
  ///
  /// ```
  /// i, f, g, o = split(x @ W.T + h @ U.T + b, 4)
  /// c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
  /// h' = sigmoid(o) * tanh(c')
  /// ```
  public static func lstmCell(
    x: Variable, h: Variable, c: Variable, W: Variable, U: Variable, b: Variable
  ) throws(TensorError) -> (h: Variable, c: Variable) {
    let hidden = h.shape.last ?? 0
    let gates = try matmul(x, W, transposeRHS: true) + matmul(h, U, transposeRHS: true) + b
    func gate(_ k: Int) throws(TensorError) -> Variable {
      try gates.indexed([.ellipsis, .slice(start: k * hidden, stop: (k + 1) * hidden, step: nil)])
    }
    let (i, f, g, o) = (try gate(0).sigmoid(), try gate(1).sigmoid(), try gate(2).tanh(), try gate(3).sigmoid())
    let cNew = try f * c + i * g
    return (try o * cNew.tanh(), cNew)
  }

  /// An LSTM over x (B, T, F) from the state (h0, c0), zeros when not given: every step's
  /// hidden state, (B, T, H).
  ///
  /// With `lengths` (B), a sequence's steps at and after its length output zeros and keep its
  /// state, so the output at t = length - 1 is PyTorch's `h_n[-1]` for a packed sequence.
  public static func lstm(
    x: Variable, W: Variable, U: Variable, b: Variable, lengths: Variable? = nil, h0: Variable? = nil, c0: Variable? = nil
  ) throws(TensorError) -> Variable {
    guard x.value.rank == 3 else { throw .rankTooLow(operation: "lstm", shape: x.shape, minimum: 3) }
    let (batch, steps) = (x.shape[0], x.shape[1])
    let hidden = U.shape.last ?? 0
    let zeros = Variable.constant(try Tensor.zeros([batch, hidden]))
    var h = h0 ?? zeros
    var c = c0 ?? zeros
    var outputs: [Variable] = []
    // A (B, 1) column of lengths, compared with each step: 1 while the sequence runs, then 0.
    let column = try lengths.map { (l: Variable) throws(TensorError) in try l.reshaped([batch, 1]) }
    for t in 0..<steps {
      let step = try lstmCell(x: x.indexed([.slice(start: nil, stop: nil, step: nil), .index(t)]), h: h, c: c, W: W, U: U, b: b)
      if let column {
        let running = try column > .constant(Double(t))
        h = try select(running, step.h, h)
        c = try select(running, step.c, c)
        outputs.append(try select(running, step.h, .constant(0)))
      } else {
        (h, c) = step
        outputs.append(h)
      }
    }
    guard !outputs.isEmpty else { return .constant(try Tensor.zeros([batch, 0, hidden])) }
    return try stack(outputs, axis: 1)
  }
}
