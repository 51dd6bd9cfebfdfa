import Autodiff
import Tensors

// Recurrent cells, built from matmul, slicing, sigmoid, tanh, where and stack:
// `:backward` on their result walks back through time one op at a time.

extension BuiltinTable {
  static let recurrent: [Builtin] = [
    Builtin("rnn_cell", [P("x", .tensor), P("h", .tensor), P("W", .tensor), P("U", .tensor), P("b", .tensor)], .layers,
            rules: ["matmul", "add", "tanh"],
            summary: "One step of a simple RNN: tanh(x @ W.T + h @ U.T + b) for x (B, F), h (B, H), W (H, F), U (H, H), b (H).",
            example: "rnn_cell(ones(2, 3), zeros(2, 4), ones(4, 3), eye(4), zeros(4))") { a throws(EvaluationError) in
      let x = try a.tensor("x"), h = try a.tensor("h"), W = try a.tensor("W"), U = try a.tensor("U"), b = try a.tensor("b")
      _ = try a.checkOperands { () throws(OperandError) in
        try RecurrentShapes(operation: "rnn_cell", gates: 1, x: x.shape, h: h.shape, W: W.shape, U: U.shape, b: b.shape)
      }
      return .tensor(try a.check { () throws(TensorError) in try Variable.rnnCell(x: x, h: h, W: W, U: U, b: b) })
    },
    Builtin("lstm_cell", [P("x", .tensor), P("h", .tensor), P("c", .tensor), P("W", .tensor), P("U", .tensor), P("b", .tensor)],
            .layers, rules: ["matmul", "add", "index", "sigmoid", "tanh", "multiply"],
            summary: "One LSTM step, PyTorch's gates i, f, g, o stacked in W (4H, F), U (4H, H) and one bias b (4H); returns the pair (h, c).",
            example: "h, c = lstm_cell(ones(1, 3), zeros(1, 2), zeros(1, 2), ones(8, 3), ones(8, 2), zeros(8))") { a throws(EvaluationError) in
      let x = try a.tensor("x"), h = try a.tensor("h"), c = try a.tensor("c")
      let W = try a.tensor("W"), U = try a.tensor("U"), b = try a.tensor("b")
      _ = try a.checkOperands { () throws(OperandError) in
        try RecurrentShapes(operation: "lstm_cell", gates: 4, x: x.shape, h: h.shape, c: c.shape, W: W.shape, U: U.shape, b: b.shape)
      }
      let step = try a.check { () throws(TensorError) in try Variable.lstmCell(x: x, h: h, c: c, W: W, U: U, b: b) }
      return .tuple([.tensor(step.h), .tensor(step.c)])
    },
    Builtin("lstm",
            [P("x", .tensor), P("W", .tensor), P("U", .tensor), P("b", .tensor), P("lengths", .tensor, default: "None"),
             P("h0", .tensor, default: "None"), P("c0", .tensor, default: "None")],
            .layers, rules: ["matmul", "add", "index", "sigmoid", "tanh", "multiply", "where", "stack"],
            summary: "An LSTM over x (B, T, F) from the state (h0, c0), zeros by default: every hidden state, (B, T, H). With lengths (B), "
              + "steps from a sequence's length on output zeros and keep its state, so hs[b, length-1] is PyTorch's h_n for a packed "
              + "sequence. Stack layers by feeding one lstm's output to the next.",
            example: "lstm(ones(2, 3, 1), ones(8, 1), ones(8, 2), zeros(8), lengths=[3, 1])") { a throws(EvaluationError) in
      let x = try a.tensor("x"), W = try a.tensor("W"), U = try a.tensor("U"), b = try a.tensor("b")
      let lengths = try a.optionalTensor("lengths"), h0 = try a.optionalTensor("h0"), c0 = try a.optionalTensor("c0")
      _ = try a.checkOperands { () throws(OperandError) in
        try RecurrentShapes(lstm: x.shape, W: W.shape, U: U.shape, b: b.shape, lengths: lengths?.value, h0: h0?.shape, c0: c0?.shape)
      }
      return .tensor(try a.check { () throws(TensorError) in
        try Variable.lstm(x: x, W: W, U: U, b: b, lengths: lengths, h0: h0, c0: c0)
      })
    },
  ]
}

private typealias P = Builtin.Parameter
