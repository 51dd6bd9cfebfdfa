import Testing
import Autodiff
import Tensors
@testable import Language

@Suite("Built-ins: differentiable warps")
struct WarpBuiltinTests {
  /// An identity theta reads every pixel from itself, with either corner convention.
  @Test(arguments: ["false", "true"])
  func identityWarpReturnsTheInput(alignCorners: String) throws {
    let interpreter = Interpreter()
    run("""
      seed(5); img = randn(2, 3, 4, 5)
      theta = [[[1, 0, 0], [0, 1, 0]], [[1, 0, 0], [0, 1, 0]]]
      out = grid_sample(img, affine_grid(theta, img.shape, align_corners=\(alignCorners)), align_corners=\(alignCorners))
      """, in: interpreter)
    expectNearlyEqual(try tensor("out", in: interpreter), try tensor("img", in: interpreter))
  }

  /// The learner's question: a transform learned by gradient descent needs dL/dtheta.
  @Test func thetaReceivesAGradientAndItsDerivationRuns() throws {
    let interpreter = Interpreter()
    run("""
      img = reshape(arange(6), (1, 1, 2, 3)) / 5
      theta = [[[0.9, 0.1, 0.05], [-0.2, 1.1, 0.1]]]
      L = sum(grid_sample(img, affine_grid(theta, (1, 1, 2, 2))) ** 2)
      """, in: interpreter)
    let dtheta = try tensor("grad(L, theta)", in: interpreter)
    #expect(dtheta.shape == [1, 2, 3])
    #expect(dtheta.scalars.contains { abs($0) > 1e-3 })
    let derived = try deriveAndRun(of: "L", wrt: "theta", in: interpreter)
    expectNearlyEqual(derived.value, derived.expected, tolerance: 1e-12, "\(derived.lines)")
    #expect(derived.lines.joined().contains("pixel_gather("))
  }

  @Test func shapeErrorsNameTheShapes() {
    #expect(renderedError("grid_sample(ones(1, 1, 3, 3), ones(2, 2, 2, 2))") == """
      error: grid_sample: input (1, 1, 3, 3) and grid (2, 2, 2, 2) have different batch sizes
       --> line 1:1
      1 | grid_sample(ones(1, 1, 3, 3), ones(2, 2, 2, 2))
        | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
      """)
    #expect(renderedError("affine_grid(ones(1, 3, 3), (1, 1, 2, 2))")
      .hasPrefix("error: affine_grid needs theta of shape (N, 2, 3), got (1, 3, 3)"))
  }
}
