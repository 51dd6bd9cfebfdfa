import Testing
import Autodiff
import Tensors
@testable import Language

@Suite("Built-ins: correlation and convolution")
struct ConvolutionBuiltinTests {
  /// The learner's question: N signals against M filters, compared with a loop written in the language.
  @Test func xcorrOfSignalsWithFiltersMatchesALoop() throws {
    let interpreter = Interpreter()
    run("""
      seed(1); X = randn(3, 6); Y = randn(2, 4)
      P = xcorr(X, Y)
      Q = zeros(3, 2, 3)
      for k in 0..<3 { Q = Q + reshape(X[:, k:k+4] @ Y.T, (3, 2, 1)) * reshape([0, 1, 2] == k, (1, 1, 3)) }
      """, in: interpreter)
    expectNearlyEqual(try tensor("P", in: interpreter), try tensor("Q", in: interpreter))
    #expect(try tensor("P.shape[2] + 0", in: interpreter) == Tensor(3))
  }

  /// One filter per row: the diagonal of xcorr, without computing the rest.
  @Test func batchXcorrIsOneFilterPerRow() throws {
    let interpreter = Interpreter()
    run("seed(2); X = randn(4, 5); Y = randn(4, 2)", in: interpreter)
    expectNearlyEqual(try tensor("batch_xcorr(X, Y)", in: interpreter),
                try tensor("transpose(diag_part(transpose(xcorr(X, Y), (2, 0, 1))))", in: interpreter))
    #expect(renderedError("batch_xcorr(ones(3, 5), ones(2, 2))") == """
      error: batch_xcorr pairs row n of X with row n of Y, so they need the same number of rows: got X (3, 5) and Y (2, 2)
       --> line 1:1
      1 | batch_xcorr(ones(3, 5), ones(2, 2))
        | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
      """)
  }

  @Test func conv2dGradientsAndTheirDerivationRunAsCode() throws {
    let interpreter = Interpreter()
    run("""
      seed(3); x = randn(1, 2, 5, 4); w = randn(3, 2, 3, 2)
      L = sum(conv2d(x, w, stride=2, padding=(1, 0)) ** 2)
      """, in: interpreter)
    for target in ["x", "w"] {
      let derived = try deriveAndRun(of: "L", wrt: target, in: interpreter)
      expectNearlyEqual(derived.value, derived.expected, tolerance: 1e-12, "\(derived.lines)")
      #expect(derived.lines.joined().contains(target == "x" ? "conv_transpose2d(" : "conv2d_weight("))
      #expect(derived.lines.joined().contains("stride=2"))
    }
  }

  @Test func secondDerivativesThroughConvolutionInTheLanguage() throws {
    let interpreter = Interpreter()
    run("seed(4); x = randn(1, 1, 4); w = randn(2, 1, 2)", in: interpreter)
    run("g = grad(sum(conv1d(x, w, padding=\"same\") ** 2), x, create_graph=true)", in: interpreter)
    let mixed = try tensor("grad(sum(g), w)", in: interpreter)
    #expect(mixed.shape == [2, 1, 2])
    #expect(mixed.scalars.contains { abs($0) > 1e-6 })
  }

  @Test func argumentErrorsNameTheShapes() {
    #expect(renderedError("conv2d(ones(1, 3, 5, 5), ones(4, 2, 3, 3))") == """
      error: conv2d: x has 3 channels (shape (1, 3, 5, 5)) but w expects 2 (shape (4, 2, 3, 3)): w is (out_channels, in_channels, kh, kw)
       --> line 1:1
      1 | conv2d(ones(1, 3, 5, 5), ones(4, 2, 3, 3))
        | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
      """)
    #expect(renderedError("conv1d(ones(1, 1, 5), ones(1, 1, 3), padding=\"sane\")").contains("hint: did you mean \"same\"?"))
    #expect(renderedError("conv2d(ones(1, 1, 5, 5), ones(1, 1, 3, 3), stride=2, padding=\"same\")")
      .hasPrefix("error: conv2d: padding=\"same\" needs stride 1 (as in PyTorch), got stride (2, 2)"))
    #expect(renderedError("xcorr(ones(2, 3), ones(2, 4))")
      .hasPrefix("error: xcorr slides each filter along the signal, so it needs 1 ≤ D2 ≤ D1: got X (2, 3) and Y (2, 4)"))
    #expect(renderedError("conv_transpose1d(ones(1, 2, 3), ones(2, 1, 3), stride=2, output_padding=2)")
      .hasPrefix("error: conv_transpose1d: output_padding (2,) must be at least 0 and smaller than the stride (2,)"))
  }
}
