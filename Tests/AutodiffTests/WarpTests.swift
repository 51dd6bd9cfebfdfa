import Foundation
import Testing
import Tensors
@testable import Autodiff

// Expected values come from a NumPy reimplementation of PyTorch's documented formulas
// (PyTorch is not installed here):
//
//   def unnormalize(c, size, align):
//       return (c + 1) / 2 * (size - 1) if align else ((c + 1) * size - 1) / 2
//   def grid_sample(inp, grid, align=False):          # bilinear, padding_mode="zeros"
//       N, C, H, W = inp.shape; _, Ho, Wo, _ = grid.shape
//       out = np.zeros((N, C, Ho, Wo))
//       for n, i, j in np.ndindex(N, Ho, Wo):
//           x = unnormalize(grid[n, i, j, 0], W, align); y = unnormalize(grid[n, i, j, 1], H, align)
//           x0, y0 = int(np.floor(x)), int(np.floor(y))
//           for yy, wy in ((y0, y0 + 1 - y), (y0 + 1, y - y0)):
//               for xx, wx in ((x0, x0 + 1 - x), (x0 + 1, x - x0)):
//                   if 0 <= yy < H and 0 <= xx < W: out[n, :, i, j] += wy * wx * inp[n, :, yy, xx]
//       return out
//   # padding_mode="border": the same after x = min(max(x, 0), W - 1); y = min(max(y, 0), H - 1)
//   # padding_mode="reflection": x = reflect(x, 0, 2 * (W - 1)) if align else reflect(x, -1, 2 * W - 1),
//   # y likewise, then clamped as for border, with PyTorch's reflect_coordinates:
//   def reflect(x, twice_low, twice_high):
//       if twice_low == twice_high: return 0.0
//       low, span = twice_low / 2, (twice_high - twice_low) / 2
//       x = abs(x - low); extra = math.fmod(x, span); flips = math.floor(x / span)
//       return extra + low if flips % 2 == 0 else span - extra + low
//   def affine_grid(theta, size, align=False):
//       N, C, H, W = size
//       base = lambda s: np.zeros(1) if s <= 1 else (np.linspace(-1, 1, s) * (1 if align else (s - 1) / s))
//       b = np.stack([np.tile(base(W), H), np.repeat(base(H), W), np.ones(H * W)], 1)
//       return (b @ theta.transpose(0, 2, 1)).reshape(N, H, W, 2)

private func expectClose(_ a: Tensor, _ b: [Double], tolerance: Double = 1e-12) {
  #expect(a.count == b.count)
  let worst = zip(a.scalars, b).map { abs($0 - $1) }.max() ?? 0
  #expect(worst < tolerance, "\(a.scalars) vs \(b)")
}

@Suite("Differentiable warps")
struct WarpTests {
  /// np.arange(12.).reshape(1, 1, 3, 4): pixel (r, c) holds 4r + c.
  static func image() throws -> Tensor { try Tensor.arange(0, 12).reshaped([1, 1, 3, 4]) }
  static func points() throws -> Tensor {
    try Tensor(shape: [1, 2, 3, 2], scalars: [0, 0, -1, -1, 0.3, -0.8, 1, 1, -0.9, 0.6, 1.2, 0.1])
  }

  @Test(arguments: [false, true])
  func identityThetaReturnsTheInput(alignCorners: Bool) throws {
    var generator = RandomGenerator(seed: 1)
    let input = try generator.normal([2, 3, 4, 5])
    let identity = try Tensor(shape: [2, 2, 3], scalars: [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0])
    let grid = try Tensor.affineGrid(identity, size: input.shape, alignCorners: alignCorners)
    #expect(grid.shape == [2, 4, 5, 2])
    expectClose(try Tensor.gridSample(input, grid, alignCorners: alignCorners), input.scalars)
  }

  @Test func gridSampleMatchesPyTorchsFormula() throws {
    // grid_sample(np.arange(12.).reshape(1, 1, 3, 4), points): (0, 0) is the middle of the image,
    // between pixels 5 and 6; (-1, -1) is the outer corner, a quarter of pixel 0 (which is 0).
    expectClose(try Tensor.gridSample(Self.image(), Self.points(), alignCorners: false), [5.5, 0, 1.68, 2.75, 5.32, 0.76])
    // With align_corners=True, (-1, -1) and (1, 1) are the centers of the corner pixels 0 and 11.
    expectClose(try Tensor.gridSample(Self.image(), Self.points(), alignCorners: true), [5.5, 0, 2.75, 11, 6.55, 5.18])
  }

  @Test func borderPaddingReadsTheNearestEdgePixel() throws {
    // Points outside read the clamped edge: (1, 1) is pixel 11 itself, (1.2, 0.1) the right edge of row 1.3.
    expectClose(
      try Tensor.gridSample(Self.image(), Self.points(), alignCorners: false, padding: .border), [5.5, 0, 2.1, 11, 7.6, 7.6],
      tolerance: 1e-12)
    expectClose(
      try Tensor.gridSample(Self.image(), Self.points(), alignCorners: true, padding: .border), [5.5, 0, 2.75, 11, 6.55, 7.4],
      tolerance: 1e-12)
    // A clamped coordinate passes the grid no gradient; the one inside does.
    let image = Variable(try Self.image()), grid = Variable(try Tensor(shape: [1, 1, 1, 2], scalars: [1.5, 0.2]))
    let loss = try Variable.gridSample(image, grid, padding: .border).reduced(.sum)
    let dgrid = try gradients(of: loss, wrt: [grid])[0].value
    #expect(dgrid.scalars[0] == 0)
    #expect(abs(dgrid.scalars[1] - 4 * 1.5) < 1e-12)  // down a row adds 4, and dy/dgrid_y = H/2
  }

  @Test func reflectionPaddingReadsTheImageMirroredAcrossItsEdges() throws {
    expectClose(
      try Tensor.gridSample(Self.image(), Self.points(), alignCorners: false, padding: .reflection), [5.5, 0, 2.1, 11, 7.6, 7.6])
    expectClose(
      try Tensor.gridSample(Self.image(), Self.points(), alignCorners: true, padding: .reflection), [5.5, 0, 2.75, 11, 6.55, 7.1])
    // Points more than an image away are reflected back and forth: (2.7, -3.1) and (-1.6, 1.9).
    let far = try Tensor(shape: [1, 1, 2, 2], scalars: [2.7, -3.1, -1.6, 1.9])
    expectClose(try Tensor.gridSample(Self.image(), far, alignCorners: false, padding: .reflection), [8.1, 5.3])
    expectClose(try Tensor.gridSample(Self.image(), far, alignCorners: true, padding: .reflection), [8.05, 5.3])
    // Past the left edge the mirror turns the gradient around: moving the point right moves the
    // pixel read left. Column 0 → 1 adds 1, and dx/dgrid_x = W/2 = 2, so d/dgrid_x = -2.
    let image = Variable(try Self.image()), grid = Variable(try Tensor(shape: [1, 1, 1, 2], scalars: [-1.3, -0.3]))
    let loss = try Variable.gridSample(image, grid, padding: .reflection).reduced(.sum)
    let dgrid = try gradients(of: loss, wrt: [grid])[0].value
    #expect(abs(dgrid.scalars[0] - -2) < 1e-12)
  }

  @Test func nearestModeReadsTheNearestPixelAndPassesTheGridNoGradient() throws {
    // The NumPy reimplementation with xi, yi = rint(x), rint(y) (halves to even, as nearbyint).
    let expected: [(align: Bool, border: Bool, values: [Double])] = [
      (false, false, [6, 0, 2, 0, 8, 0]), (false, true, [6, 0, 2, 11, 8, 7]),
      (true, false, [6, 0, 2, 11, 8, 7]), (true, true, [6, 0, 2, 11, 8, 7]),
    ]
    for (align, border, values) in expected {
      expectClose(try Tensor.gridSample(Self.image(), Self.points(), alignCorners: align, padding: border ? .border : .zeros, nearest: true), values)
    }
    let image = Variable(try Self.image()), grid = Variable(try Tensor(shape: [1, 1, 2, 2], scalars: [0.1, 0.2, 0.12, 0.22]))
    let loss = try Variable.gridSample(image, grid, nearest: true).reduced(.sum)
    let (dimage, dgrid) = try { let g = try gradients(of: loss, wrt: [image, grid]); return (g[0].value, g[1].value) }()
    #expect(dgrid.scalars == [0, 0, 0, 0])
    // Both points read pixel (row 1, column 2): it gets both points' gradients, the others none.
    #expect(dimage.scalars == [0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0])
  }

  @Test func affineGridMatchesPyTorchsFormula() throws {
    let theta = try Tensor(shape: [1, 2, 3], scalars: [0.5, -0.25, 0.1, 0.3, 0.8, -0.2])
    // affine_grid(theta, (1, 1, 2, 3)): pixel centers x ∈ {-2/3, 0, 2/3}, y ∈ {-1/2, 1/2}, then theta.
    expectClose(try Tensor.affineGrid(theta, size: [1, 1, 2, 3], alignCorners: false), [
      -0.10833333333333331, -0.8, 0.225, -0.6, 0.5583333333333333, -0.4,
      -0.3583333333333333, 0, -0.025, 0.2, 0.30833333333333335, 0.4,
    ])
    expectClose(try Tensor.affineGrid(theta, size: [1, 1, 2, 3], alignCorners: true), [
      -0.15, -1.3, 0.35, -1, 0.85, -0.7, -0.65, 0.3, -0.15, 0.6, 0.35, 0.9,
    ])
    let warped = try Tensor.gridSample(Self.image(), Tensor.affineGrid(theta, size: [1, 1, 2, 3], alignCorners: false), alignCorners: false)
    expectClose(warped, [1.0266666666666668, 2.35, 4.216666666666666, 4.783333333333333, 6.65, 8.516666666666666])
  }

  /// The learner's question: a learned transform needs gradients with respect to theta.
  @Test func thetaGetsTheGradientThatFiniteDifferencesGive() throws {
    var generator = RandomGenerator(seed: 2)
    let input = try generator.normal([1, 2, 4, 5])
    let theta = try Tensor(shape: [1, 2, 3], scalars: [0.9, 0.2, 0.13, -0.15, 1.1, -0.07])
    let weights = try generator.normal([1, 2, 3, 4])
    func loss(_ t: [Tensor]) throws -> Double {
      let warped = try Tensor.gridSample(t[0], Tensor.affineGrid(t[1], size: [1, 2, 3, 4], alignCorners: false), alignCorners: false)
      return zip(warped.scalars, weights.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }
    let x = Variable(input), th = Variable(theta)
    let warped = try Variable.gridSample(x, Variable.affineGrid(th, size: [1, 2, 3, 4]))
    let grads = try gradients(of: (warped * .constant(weights)).reduced(.sum), wrt: [x, th])
    #expect(grads[1].value.scalars.contains { abs($0) > 1e-3 })
    for (index, gradient) in grads.enumerated() {
      let numeric = try numericGradient(of: loss, at: [input, theta], wrt: index)
      #expect(GradientCheckReport(autodiff: gradient.value, numeric: numeric).maxRelativeError < 1e-7)
    }
  }

  /// Rounding the coordinates (the learner's `astype(int)`) reads the same pixels, but passes no gradient.
  @Test func roundedCoordinatesPassNoGradient() throws {
    let cols = Variable(try Tensor(shape: [1, 1, 2], scalars: [1.3, 2.6])), rows = Variable(try Tensor(shape: [1, 1, 2], scalars: [0.2, 1.7]))
    let read = try Variable.pixelGather(.constant(Self.image()), rows: rows, cols: cols)
    #expect(read.value.scalars == [1, 6])
    let toCoordinates = try gradients(of: read.reduced(.sum), wrt: [rows, cols])
    #expect(toCoordinates.allSatisfy { !$0.isReached && $0.value.scalars.allSatisfy { $0 == 0 } })
    // Bilinear sampling at the same points: the gradient to the grid is the slope between pixels.
    let grid = Variable(try Tensor(shape: [1, 1, 2, 2], scalars: [-0.1, -0.4666, 0.55, 0.4]))
    let sampled = try Variable.gridSample(.constant(Self.image()), grid)
    let dgrid = try gradients(of: sampled.reduced(.sum), wrt: [grid])[0].value
    // Along x neighbouring pixels differ by 1, along y by 4; dpixel/dx = W/2 = 2, dpixel/dy = H/2 = 1.5.
    expectClose(dgrid, [2, 6, 2, 6], tolerance: 1e-9)
  }

  @Test func shapeErrorsNameTheShapes() throws {
    #expect(operandMessage { () throws(OperandError) in try Tensor.gridSampleShape(input: [1, 1, 3, 4], grid: [1, 2, 3]) }
      == "grid_sample needs grid of shape (N, Ho, Wo, 2) holding (x, y) pairs, got (1, 2, 3)")
    #expect(operandMessage { () throws(OperandError) in try Tensor.affineGridShape(theta: [2, 2, 3], size: [1, 1, 4, 4]) }
      == "affine_grid: theta (2, 2, 3) holds 2 transforms but size (1, 1, 4, 4) asks for 1")
    #expect(throws: TensorError.self) { try Tensor.gridSample(Self.image(), Tensor.zeros([2, 1, 1, 2]), alignCorners: false) }
  }

  /// Non-finite or huge coordinates read zeros instead of trapping in an integer conversion.
  @Test func nonFiniteCoordinatesReadZeros() throws {
    let grid = try Tensor(shape: [1, 1, 3, 2], scalars: [.nan, 0, .infinity, 0, 1e300, -1e300])
    #expect(try Tensor.gridSample(Self.image(), grid, alignCorners: false).scalars == [0, 0, 0])
    let rows = try Tensor(shape: [1, 1, 2], scalars: [.nan, 1e300]), cols = try Tensor(shape: [1, 1, 2], scalars: [0, 0])
    #expect(try Tensor.pixelGather(Self.image(), rows: rows, cols: cols).scalars == [0, 0])
  }
}
