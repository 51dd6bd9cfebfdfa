import Tensors

// Differentiable warps (spatial transformers): affine_grid turns a 2×3 matrix into
// sampling points, grid_sample reads an image there by bilinear interpolation.
// Gradients reach the image and the points, so a network can learn theta.
// grid_sample's backward is written with pixel_gather/pixel_scatter (reading and
// adding at integer corners) and arithmetic on the bilinear weights: it records
// as a graph, so it can be differentiated again.

extension RuleBook {
  static let warps: [Rule] = [.affineGrid, .affineGridBackward, .gridSample, .pixelGather, .pixelScatter]
}

private let alignCornersNote = """
  With align_corners=false (PyTorch's default) -1 and 1 are the outer edges of the edge pixels, \
  pixel = ((x + 1)·W - 1)/2; with align_corners=true they are the centers of the edge pixels, pixel = (x + 1)/2·(W - 1).
  """

extension Rule {
  /// `affine_grid(theta, size, align_corners=false)`: theta (N, 2, 3), size (N, C, H, W) → grid (N, H, W, 2).
  public static let affineGrid = Rule(
    name: "affine_grid",
    formulas: ["dtheta = affine_grid_backward(dgrid)"],
    explanation: Explanation(
      indexNotation: "grid[n,i,j,a] = Σ_b theta[n,a,b] · base[i,j,b],  base[i,j] = (x_j, y_i, 1)",
      derivation: """
        The base grid holds, for every output pixel (i, j), its own normalized coordinates (x_j, y_i) in [-1, 1] \
        and a 1 for the translation. Each grid point is theta[n] applied to its base point: a matrix product, \
        linear in theta. theta[n,a,b] enters grid[n,i,j,a] with factor base[i,j,b], for every pixel, so \
        dtheta[n,a,b] = Σ_{i,j} dgrid[n,i,j,a] · base[i,j,b] = (dgrid[n]ᵀ @ base)[a,b]: the matmul rule with \
        the pixels as the summed index, affine_grid_backward(dgrid). \(alignCornersNote)
        """,
      shapes: "theta (N, 2, 3) and size (N, C, H, W) → grid (N, H, W, 2), x (the width) first. dtheta (N, 2, 3).",
      pitfall: """
        theta maps output coordinates to input coordinates (where to read), not input to output: to shift the \
        image right, translate by a negative x. The identity theta [[1, 0, 0], [0, 1, 0]] reads every pixel from itself.
        """),
    cost: .perOutputElement(forward: 5, backward: 6),
    samples: [
      Sample(shapes: [[2, 2, 3]], Attributes([("size", .ints([2, 1, 3, 4]))])),
      Sample(shapes: [[1, 2, 3]], Attributes([("size", .ints([1, 3, 2, 2])), ("align_corners", .bool(true))])),
    ],
    notation: .call("affine_grid", positional: ["size"]),
    forward: { x, attributes throws(TensorError) in
      try Tensor.affineGrid(x[0], size: attributes.ints("size") ?? [], alignCorners: attributes.bool("align_corners"))
    },
    backward: { c throws(TensorError) in
      [try Variable.affineGridBackward(c.upstream, alignCorners: c.attributes.bool("align_corners"))]
    })

  /// `affine_grid_backward(dgrid, align_corners=false)`: the theta gradient of affine_grid, (N, H, W, 2) → (N, 2, 3).
  public static let affineGridBackward = Rule(
    name: "affine_grid_backward",
    formulas: ["ddgrid = affine_grid(dtheta, (N, 1, H, W))"],
    explanation: Explanation(
      indexNotation: "dtheta[n,a,b] = Σ_{i,j} dgrid[n,i,j,a] · base[i,j,b],  base[i,j] = (x_j, y_i, 1)",
      derivation: """
        affine_grid's backward: each theta entry collects the grid gradient of every pixel, weighted by that \
        pixel's base coordinate (x_j, y_i or 1). It is linear in dgrid: dgrid[n,i,j,a] meets u[n,a,b] with factor \
        base[i,j,b], so its gradient is Σ_b u[n,a,b] · base[i,j,b] — affine_grid applied to u. The two ops are each \
        other's backward, as indexing and scatter are.
        """,
      shapes: "dgrid (N, H, W, 2) → (N, 2, 3); its gradient has dgrid's shape.",
      pitfall: "This op appears in backward passes: it is how the grid's gradient reaches theta (a sum over all pixels)."),
    cost: .perInputElement(forward: 6, backward: 5),
    samples: [
      Sample(shapes: [[2, 3, 4, 2]]),
      Sample(shapes: [[1, 2, 2, 2]], Attributes([("align_corners", .bool(true))])),
    ],
    notation: .call("affine_grid_backward"),
    forward: { x, attributes throws(TensorError) in
      try Tensor.affineGridBackward(x[0], alignCorners: attributes.bool("align_corners"))
    },
    backward: { c throws(TensorError) in
      let dgrid = c.inputs[0].shape
      return [try Variable.affineGrid(c.upstream, size: [dgrid[0], 1, dgrid[1], dgrid[2]], alignCorners: c.attributes.bool("align_corners"))]
    })

  /// `grid_sample(input, grid, align_corners=false, padding_mode="zeros")`: bilinear, zeros (or the border, or a
  /// reflection) outside;
  /// (N, C, H, W), (N, Ho, Wo, 2) → (N, C, Ho, Wo).
  public static let gridSample = Rule(
    name: "grid_sample",
    formulas: [
      "dinput = Σ over the 4 corners: pixel_scatter(dy * weight, rows, cols, (H, W))",
      "dgrid[..., 0] = Σ_c dy * ((v01 - v00) * wy0 + (v11 - v10) * wy1) * dpixel/dx   (likewise y)",
    ],
    explanation: Explanation(
      indexNotation: """
        y[n,c,i,j] = Σ_{a,b ∈ {0,1}} wy_a · wx_b · input[n, c, y0 + a, x0 + b],  (px, py) = pixel(grid[n,i,j]), \
        x0 = ⌊px⌋, wx1 = px - x0, wx0 = 1 - wx1 (y likewise); pixels outside read 0
        """,
      derivation: """
        For the input: y is linear in it, each output mixing four pixels, so dinput[n,c,y0 + a,x0 + b] += dy[n,c,i,j] · wy_a · wx_b \
        (a scatter-add, pixel_scatter). For the grid: the corners x0, y0 are integers — piecewise constant in \
        the point, so they pass no gradient — but the weights move smoothly with it: ∂wx1/∂px = 1, ∂wx0/∂px = -1, so \
        ∂y/∂px = wy0 · (v01 - v00) + wy1 · (v11 - v10), the difference of neighbouring pixels (v_ab = pixel_gather(input, y0 + a, x0 + b)). \
        Summed over channels and times dpx/dx = W/2 this is dgrid[...,0]; dgrid[...,1] likewise with H/2. \
        Compare rounding the coordinates to integers and indexing (the learner's img[x.astype(int), y.astype(int)]): \
        the output is then a step function of the coordinates, flat between jumps, so the gradient to the \
        coordinates — and to theta — is zero wherever it exists. Interpolation is what lets a warp learn. \(alignCornersNote)
        """,
      shapes: "input (N, C, H, W), grid (N, Ho, Wo, 2) → y (N, C, Ho, Wo). dinput has input's shape, dgrid has grid's.",
      pitfall: """
        grid[..., 0] is x (the width, column) and grid[..., 1] is y (the row): the reverse of array indexing. \
        The gradient to the grid has kinks where a point crosses a pixel (integer coordinates), and is zero \
        for points whose four neighbours are all outside the image. With padding_mode="border" a point outside \
        reads the nearest edge pixel instead of zeros: the output no longer fades to 0 at the edge, but the \
        point is clamped there, so it gets no gradient outside the image either. With padding_mode="reflection" \
        the image is mirrored across its edges: a point outside reads its mirror image, and its gradient to the \
        grid is turned around (moving the point outwards moves the pixel it reads inwards). mode="nearest" reads the one \
        pixel nearest each point: that is the rounded indexing above, and the grid gets zero gradient.
        """),
    cost: .custom { inputs, output, _ in
      let n = Double(Shape.product(output))
      return (8 * n, 30 * n)
    },
    samples: [
      Sample(shapes: [[1, 2, 3, 3], [1, 2, 2, 2]]),
      Sample(shapes: [[2, 1, 3, 4], [2, 2, 1, 2]], Attributes([("align_corners", .bool(true))])),
      Sample(shapes: [[1, 2, 3, 3], [1, 3, 2, 2]], Attributes([("padding_mode", .string("border"))])),
      Sample(shapes: [[1, 2, 3, 4], [1, 3, 2, 2]], Attributes([("padding_mode", .string("reflection"))])),
      Sample(
        shapes: [[2, 1, 4, 3], [2, 2, 3, 2]], Attributes([("padding_mode", .string("reflection")), ("align_corners", .bool(true))])),
      Sample(shapes: [[1, 2, 3, 4], [1, 2, 3, 2]], Attributes([("mode", .string("nearest"))])),
    ],
    notation: .call("grid_sample"),
    forward: { x, attributes throws(TensorError) in
      try Tensor.gridSample(
        x[0], x[1], alignCorners: attributes.bool("align_corners"), padding: gridPadding(attributes),
        nearest: attributes.string("mode") == "nearest")
    },
    backward: { c throws(TensorError) in try gridSampleBackward(c) })

  /// The padding_mode attribute: zeros when absent.
  private static func gridPadding(_ attributes: Attributes) -> GridPadding {
    attributes.string("padding_mode").flatMap(GridPadding.init(rawValue:)) ?? .zeros
  }

  /// The four corners' weights and pixels, written with differentiable ops.
  private static func gridSampleBackward(_ c: BackwardContext) throws(TensorError) -> [Variable?] {
    let (input, grid, dy) = (c.inputs[0], c.inputs[1], c.upstream)
    let (height, width) = (input.shape[2], input.shape[3])
    let align = c.attributes.bool("align_corners"), padding = Self.gridPadding(c.attributes)
    // Pixel coordinates (N, Ho, Wo), differentiable in the grid, and where a padding mode moved
    // the point, d(coordinate)/d(point's coordinate): piecewise constant, it multiplies the grid's
    // gradient. With padding_mode="border" the point is held at the edge: 1 where it was not, 0
    // where it was clamped (no gradient). With "reflection" it is first reflected in, which turns
    // it around at each mirror: ±1, or 0 where it was still clamped.
    func pixel(_ axis: Int, size: Int) throws(TensorError) -> (coordinate: Variable, slope: Variable?) {
      let scaled = try (1 + grid.indexed([.ellipsis, .index(axis)])) * SamplingCoordinates.scale(size: size, alignCorners: align)
      let unpadded = align ? scaled : try scaled - .constant(0.5)
      let folded: (coordinate: Variable, slope: Variable?)
      switch padding {
      case .zeros: return (unpadded, nil)
      case .border: folded = (unpadded, nil)
      case .reflection: folded = try reflected(unpadded, size: size)
      }
      let low = try folded.coordinate < .constant(0), high = try folded.coordinate > .constant(Double(size - 1))
      let clamped = try Variable.select(low, .constant(0), Variable.select(high, .constant(Double(size - 1)), folded.coordinate))
      let inside = try (1 - low) * (1 - high)
      return (clamped, try folded.slope.map { (slope: Variable) throws(TensorError) in try slope * inside } ?? inside)
    }
    /// SamplingCoordinates.reflected before its clamp, in differentiable ops, and its slope ±1.
    func reflected(_ coordinate: Variable, size: Int) throws(TensorError) -> (coordinate: Variable, slope: Variable) {
      let (low, span) = SamplingCoordinates.mirrors(size: size, alignCorners: align)
      // One pixel, its center the only point: every point reads it, and passes no gradient.
      guard span > 0 else { return (try coordinate * 0, try coordinate * 0) }
      let offset = try coordinate - .constant(low)
      let distance = try offset.abs()
      let flips = try (distance / span).floored()
      let extra = try distance - flips * span
      let odd = try flips % .constant(2)
      return (try low + extra + odd * (span - 2 * extra), try offset.sign() * (1 - 2 * odd))
    }
    let (px, slopeOfX) = try pixel(0, size: width), (py, slopeOfY) = try pixel(1, size: height)
    if c.attributes.string("mode") == "nearest" {
      // One pixel per point, at rounded coordinates: a step function of the point, so the grid gets
      // zeros; the input's gradient goes back to the pixel each point read.
      let dinput = c.needsGradient[0]
        ? try Variable.pixelScatter(dy, rows: py.rounded(), cols: px.rounded(), size: [height, width]) : nil
      let dgrid = c.needsGradient[1] ? try grid * 0 : nil  // zeros of the grid's shape, spelled so :derive can write them
      return [dinput, dgrid]
    }
    // The corners: integers, piecewise constant in the point (floor passes a zero gradient).
    let x0 = try px.floored(), y0 = try py.floored()
    let x1 = try 1 + x0, y1 = try 1 + y0
    let wx = [try x1 - px, try px - x0], wy = [try y1 - py, try py - y0]
    let (xs, ys) = ([x0, x1], [y0, y1])
    func perChannel(_ w: Variable) throws(TensorError) -> Variable { try w.expandingDims(at: 1) }

    var dinput: Variable? = nil
    if c.needsGradient[0] {
      for a in 0...1 {
        for b in 0...1 {
          let share = try Variable.pixelScatter(dy * perChannel(wy[a] * wx[b]), rows: ys[a], cols: xs[b], size: [height, width])
          dinput = try dinput.map { (sum: Variable) throws(TensorError) in try sum + share } ?? share
        }
      }
    }
    var dgrid: Variable? = nil
    if c.needsGradient[1] {
      let v = try [0, 1].map { (a: Int) throws(TensorError) in
        try [0, 1].map { (b: Int) throws(TensorError) in try Variable.pixelGather(input, rows: ys[a], cols: xs[b]) }
      }
      let slopeX = try (v[0][1] - v[0][0]) * perChannel(wy[0]) + (v[1][1] - v[1][0]) * perChannel(wy[1])
      let slopeY = try (v[1][0] - v[0][0]) * perChannel(wx[0]) + (v[1][1] - v[0][1]) * perChannel(wx[1])
      var dx = try (dy * slopeX).reduced(.sum, axes: [1]) * SamplingCoordinates.scale(size: width, alignCorners: align)
      var dyCoordinate = try (dy * slopeY).reduced(.sum, axes: [1]) * SamplingCoordinates.scale(size: height, alignCorners: align)
      if let slopeOfX, let slopeOfY {
        dx = try dx * slopeOfX
        dyCoordinate = try dyCoordinate * slopeOfY
      }
      dgrid = try Variable.stack([dx, dyCoordinate], axis: -1)
    }
    return [dinput, dgrid]
  }
}

extension Variable {
  /// PyTorch's `affine_grid`: where each output pixel reads the input, (N, H, W, 2) for theta (N, 2, 3).
  public static func affineGrid(_ theta: Variable, size: [Int], alignCorners: Bool = false) throws(TensorError) -> Variable {
    var entries: [(name: String, value: Attribute)] = [("size", .ints(size))]
    if alignCorners { entries.append(("align_corners", .bool(true))) }
    return try Rule.affineGrid.apply(theta, Attributes(entries))
  }

  /// The theta gradient of `affineGrid` for a grid gradient (N, H, W, 2).
  public static func affineGridBackward(_ dgrid: Variable, alignCorners: Bool = false) throws(TensorError) -> Variable {
    try Rule.affineGridBackward.apply(dgrid, alignCorners ? Attributes([("align_corners", .bool(true))]) : .none)
  }

  /// PyTorch's `grid_sample` (bilinear, or `nearest`; zeros outside, or the nearest edge pixel with `border`).
  public static func gridSample(
    _ input: Variable, _ grid: Variable, alignCorners: Bool = false, padding: GridPadding = .zeros, nearest: Bool = false
  ) throws(TensorError) -> Variable {
    var entries: [(name: String, value: Attribute)] = []
    if alignCorners { entries.append(("align_corners", .bool(true))) }
    if padding != .zeros { entries.append(("padding_mode", .string(padding.rawValue))) }
    if nearest { entries.append(("mode", .string("nearest"))) }
    return try Rule.gridSample.apply(input, grid, Attributes(entries))
  }
}
