import Testing
import Autodiff
import Tensors
@testable import Language

@Suite("Built-ins: recurrent cells")
struct RecurrentBuiltinTests {
  @Test func lstmCellReturnsAPairThatUnpacks() throws {
    let interpreter = Interpreter()
    run("""
      seed(6); x = randn(2, 3); h = zeros(2, 4); c = zeros(2, 4)
      W = randn(16, 3); U = randn(16, 4); b = zeros(16)
      h, c = lstm_cell(x, h, c, W, U, b)
      """, in: interpreter)
    #expect(try tensor("h", in: interpreter).shape == [2, 4])
    #expect(try tensor("c", in: interpreter).shape == [2, 4])
    // h = o * tanh(c) with o = sigmoid of the output gate's pre-activation.
    let expected = try tensor("sigmoid((x @ W.T)[:, 12:16]) * tanh(c)", in: interpreter)
    expectNearlyEqual(try tensor("h", in: interpreter), expected)
  }

  /// The learner's question: the output at the last valid step of each padded sequence.
  @Test func lstmWithLengthsGivesTheLastValidStep() throws {
    let interpreter = Interpreter()
    run("""
      seed(7); x = randn(3, 5, 2); W = randn(8, 2); U = randn(8, 2); b = randn(8)
      hs = lstm(x, W, U, b, lengths=[5, 2, 4])
      """, in: interpreter)
    // Each sequence alone, without padding, ends in the same state.
    for (n, length) in [(0, 5), (1, 2), (2, 4)] {
      let alone = try tensor("lstm(x[\(n):\(n + 1), 0:\(length)], W, U, b)[0, -1]", in: interpreter)
      expectNearlyEqual(try tensor("hs[\(n), \(length - 1)]", in: interpreter), alone)
    }
    #expect(try tensor("sum(abs(hs[1, 2:]))", in: interpreter) == Tensor(0))
    // Padding does not leak into the gradient: x beyond a sequence's length gets none.
    run("L = sum(hs[:, -1] + hs[1, 1])", in: interpreter)
    #expect(try tensor("sum(abs(grad(L, x)[1, 2:]))", in: interpreter) == Tensor(0))
  }

  @Test func rnnCellIsTanhOfTheAffineMaps() throws {
    let interpreter = Interpreter()
    run("seed(8); x = randn(2, 3); h = randn(2, 4); W = randn(4, 3); U = randn(4, 4); b = randn(4)", in: interpreter)
    expectNearlyEqual(try tensor("rnn_cell(x, h, W, U, b)", in: interpreter),
                      try tensor("tanh(x @ W.T + h @ U.T + b)", in: interpreter))
  }

  @Test func shapeErrorsNameTheShapes() {
    #expect(renderedError("lstm_cell(ones(2, 3), zeros(2, 4), zeros(2, 4), ones(12, 3), ones(16, 4), zeros(16))")
      .hasPrefix("error: lstm_cell: W must be (16, 3) = (4H, F) for x (2, 3) and h (2, 4), got (12, 3)\n --> line 1:1"))
    // lstm names the shapes it was given, not the step it would have made of them.
    #expect(renderedError("lstm(ones(3, 5, 2), ones(8, 2), ones(8, 3), zeros(8))")
      .hasPrefix("error: lstm: W must be (12, 2) = (4H, F) for x (3, 5, 2) (F = 2 features) and U (8, 3) (H = 3 hidden units), got (8, 2)"))
    #expect(renderedError("lstm(ones(2, 3, 1), ones(8, 1), ones(8, 2), zeros(8), lengths=[3, 1.5])")
      .hasPrefix("error: lstm: lengths[1] = 1.5 is not a number of steps from 0 to 3 (x has 3 steps)"))
    #expect(renderedError("rnn_cell(ones(2, 3), zeros(3, 4), ones(4, 3), ones(4, 4), zeros(4))")
      .hasPrefix("error: rnn_cell needs x (B, F) and h (B, H) with the same batch B"))
  }
}
