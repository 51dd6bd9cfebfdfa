import Foundation

// PyTorch's spatial transformer pair: `affine_grid` maps output pixels to input
// coordinates in [-1, 1] (x, the width, first), and `grid_sample` reads the input
// there by bilinear interpolation with zeros outside. `pixel_gather` and
// `pixel_scatter` read and add at the integer corners below given coordinates:
// the pieces grid_sample's backward is written with.

/// What grid_sample reads for a point outside the image (PyTorch's padding_mode).
public enum GridPadding: String, CaseIterable, Sendable {
  /// Zeros.
  case zeros
  /// The nearest edge pixel.
  case border
  /// The image mirrored across its edges.
  case reflection
}

/// Maps between normalized coordinates in [-1, 1] and pixel coordinates, as PyTorch does.
public enum SamplingCoordinates {
  /// The pixel coordinate of normalized `x` along an axis of `size` pixels.
  ///
  /// `align_corners=false`: -1 and 1 are the outer edges of the edge pixels, `((x + 1)·size - 1) / 2`;
  /// `align_corners=true`: they are the centers of the edge pixels, `(x + 1) / 2 · (size - 1)`.
  @inline(__always)
  public static func pixel(_ x: Double, size: Int, alignCorners: Bool) -> Double {
    alignCorners ? (x + 1) / 2 * Double(size - 1) : ((x + 1) * Double(size) - 1) / 2
  }

  /// d pixel / d x: `size / 2`, or `(size - 1) / 2` with aligned corners.
  public static func scale(size: Int, alignCorners: Bool) -> Double {
    alignCorners ? Double(size - 1) / 2 : Double(size) / 2
  }

  /// The normalized coordinate of the center of pixel `index` (affine_grid's base grid):
  /// evenly spaced in [-1, 1] with aligned corners, shrunk by (size - 1)/size without; 0 for one pixel.
  public static func center(_ index: Int, size: Int, alignCorners: Bool) -> Double {
    guard size > 1 else { return 0 }
    let spread = -1 + 2 * Double(index) / Double(size - 1)
    return alignCorners ? spread : spread * Double(size - 1) / Double(size)
  }

  /// A pixel coordinate held inside `[0, size - 1]`: padding_mode="border", where a point outside
  /// reads the nearest edge pixel (PyTorch clamps the coordinate the same way). NaN stays NaN.
  @inline(__always)
  public static func clamped(_ pixel: Double, size: Int) -> Double {
    pixel < 0 ? 0 : (pixel > Double(size - 1) ? Double(size - 1) : pixel)
  }

  /// The mirrors of padding_mode="reflection": a point outside is reflected back into the image
  /// across its edges (the centers of the edge pixels with aligned corners, their outer edges
  /// without), as often as needed. The interval `[low, low + span]` it folds into.
  public static func mirrors(size: Int, alignCorners: Bool) -> (low: Double, span: Double) {
    alignCorners ? (0, Double(size - 1)) : (-0.5, Double(size))
  }

  /// A pixel coordinate reflected into the image, then clamped to `[0, size - 1]` (PyTorch's
  /// reflect_coordinates and clip_coordinates). NaN stays NaN.
  public static func reflected(_ pixel: Double, size: Int, alignCorners: Bool) -> Double {
    let (low, span) = mirrors(size: size, alignCorners: alignCorners)
    guard span > 0 else { return 0 }
    let distance = Swift.abs(pixel - low)
    let extra = distance.truncatingRemainder(dividingBy: span)
    let flips = (distance / span).rounded(.down)
    let folded = flips.truncatingRemainder(dividingBy: 2) == 0 ? low + extra : low + span - extra
    return clamped(folded, size: size)
  }

  /// The coordinate a padding mode reads at: as is for zeros, clamped for border, reflected for reflection.
  @inline(__always)
  public static func padded(_ pixel: Double, size: Int, alignCorners: Bool, padding: GridPadding) -> Double {
    switch padding {
    case .zeros: pixel
    case .border: clamped(pixel, size: size)
    case .reflection: reflected(pixel, size: size, alignCorners: alignCorners)
    }
  }

  /// The integer below a coordinate, or `nil` when it is not finite or far outside any tensor.
  @inline(__always)
  static func corner(_ value: Double) -> Int? {
    guard value.isFinite, Swift.abs(value) < 1e15 else { return nil }
    return Int(value.rounded(.down))
  }
}

extension Tensor {
  // MARK: - affine_grid

  /// Checks `affine_grid(theta, size)`: theta (N, 2, 3) and size (N, C, H, W); returns the grid's shape (N, H, W, 2).
  public static func affineGridShape(theta: [Int], size: [Int]) throws(OperandError) -> [Int] {
    guard theta.count == 3, theta[1] == 2, theta[2] == 3 else {
      throw OperandError("affine_grid needs theta of shape (N, 2, 3), got \(Shape.text(theta))",
                         fallback: .reshape(from: theta, to: [theta.first ?? 1, 2, 3]))
    }
    guard size.count == 4, size.allSatisfy({ $0 >= 0 }) else {
      throw OperandError("affine_grid needs size (N, C, H, W) for a 2-d warp, got \(Shape.text(size))", fallback: .negativeDimension(size))
    }
    guard size[0] == theta[0] else {
      throw OperandError(
        "affine_grid: theta \(Shape.text(theta)) holds \(theta[0]) transforms but size \(Shape.text(size)) asks for \(size[0])",
        fallback: .broadcast(lhs: theta, rhs: size, axis: -3))
    }
    return [size[0], size[2], size[3], 2]
  }

  /// The base grid of affine_grid: one row (x, y, 1) per output pixel, (H·W, 3), row-major over (H, W).
  public static func affineGridBase(height: Int, width: Int, alignCorners: Bool) throws(TensorError) -> Tensor {
    // Counted before multiplying: height · width of any sizes a tensor can have fits in an Int.
    var rows = [Double](repeating: 1, count: try Shape.elementCount([height, width, 3]))
    for i in 0..<height {
      let y = SamplingCoordinates.center(i, size: height, alignCorners: alignCorners)
      for j in 0..<width {
        rows[(i * width + j) * 3] = SamplingCoordinates.center(j, size: width, alignCorners: alignCorners)
        rows[(i * width + j) * 3 + 1] = y
      }
    }
    return Tensor(uncheckedShape: [height * width, 3], scalars: rows)
  }

  /// `grid[n,i,j,:] = theta[n] @ (x_j, y_i, 1)`: where output pixel (i, j) reads the input, (N, H, W, 2).
  public static func affineGrid(_ theta: Tensor, size: [Int], alignCorners: Bool) throws(TensorError) -> Tensor {
    let shape = try OperandError.checking { () throws(OperandError) in try affineGridShape(theta: theta.shape, size: size) }
    _ = try Shape.elementCount(shape)
    let base = try affineGridBase(height: shape[1], width: shape[2], alignCorners: alignCorners)
    return try matmul(base, theta, transposeRHS: true).reshaped(shape)
  }

  /// The adjoint of `affineGrid`: `dtheta[n] = dgrid[n]ᵀ @ base`, (N, 2, 3) for dgrid (N, H, W, 2).
  public static func affineGridBackward(_ dgrid: Tensor, alignCorners: Bool) throws(TensorError) -> Tensor {
    guard dgrid.rank == 4, dgrid.shape[3] == 2 else {
      throw .reshape(from: dgrid.shape, to: [dgrid.shape.first ?? 1, -1, -1, 2])
    }
    let (batch, height, width) = (dgrid.shape[0], dgrid.shape[1], dgrid.shape[2])
    let base = try affineGridBase(height: height, width: width, alignCorners: alignCorners)
    return try matmul(dgrid.reshaped([batch, height * width, 2]), base, transposeLHS: true)
  }

  // MARK: - grid_sample

  /// Checks `grid_sample(input, grid)`: input (N, C, H, W), grid (N, Ho, Wo, 2); returns (N, C, Ho, Wo).
  public static func gridSampleShape(input: [Int], grid: [Int]) throws(OperandError) -> [Int] {
    guard input.count == 4 else { throw .rank("grid_sample", "input", input, layout: "(N, C, H, W)") }
    guard grid.count == 4, grid[3] == 2 else {
      throw OperandError("grid_sample needs grid of shape (N, Ho, Wo, 2) holding (x, y) pairs, got \(Shape.text(grid))",
                         fallback: .rankTooLow(operation: "grid_sample", shape: grid, minimum: 4))
    }
    guard grid[0] == input[0] else {
      throw OperandError("grid_sample: input \(Shape.text(input)) and grid \(Shape.text(grid)) have different batch sizes",
                         fallback: .broadcast(lhs: input, rhs: grid, axis: -4))
    }
    return [input[0], input[1], grid[1], grid[2]]
  }

  /// Bilinear sampling: output (n, c, i, j) interpolates the four pixels around the point
  /// `grid[n,i,j]` of `input[n, c]`, reading zeros outside the image, or with `.border` the
  /// nearest edge pixel (the point is clamped into the image first), or with `.reflection` the
  /// image mirrored (the point is reflected in first). With `nearest` it reads the one pixel
  /// nearest the point instead (halves to even, as PyTorch's nearbyint).
  public static func gridSample(
    _ input: Tensor, _ grid: Tensor, alignCorners: Bool, padding: GridPadding = .zeros, nearest: Bool = false
  ) throws(TensorError) -> Tensor {
    let shape = try OperandError.checking { () throws(OperandError) in try gridSampleShape(input: input.shape, grid: grid.shape) }
    let (channels, height, width) = (input.shape[1], input.shape[2], input.shape[3])
    let points = shape[2] * shape[3]
    var result = [Double](repeating: 0, count: try Shape.elementCount(shape))
    input.scalars.withUnsafeBufferPointer { x in
      grid.scalars.withUnsafeBufferPointer { g in
        result.withUnsafeMutableBufferPointer { out in
          for n in 0..<shape[0] {
            for point in 0..<points {
              let ix = SamplingCoordinates.padded(
                SamplingCoordinates.pixel(g[(n * points + point) * 2], size: width, alignCorners: alignCorners),
                size: width, alignCorners: alignCorners, padding: padding)
              let iy = SamplingCoordinates.padded(
                SamplingCoordinates.pixel(g[(n * points + point) * 2 + 1], size: height, alignCorners: alignCorners),
                size: height, alignCorners: alignCorners, padding: padding)
              if nearest {
                guard let col = SamplingCoordinates.corner(ix.rounded(.toNearestOrEven)),
                  let row = SamplingCoordinates.corner(iy.rounded(.toNearestOrEven)),
                  col >= 0, col < width, row >= 0, row < height
                else { continue }
                for c in 0..<channels {
                  out[(n * channels + c) * points + point] = x[(n * channels + c) * height * width + row * width + col]
                }
                continue
              }
              guard let x0 = SamplingCoordinates.corner(ix), let y0 = SamplingCoordinates.corner(iy) else { continue }
              let fx = ix - Double(x0), fy = iy - Double(y0)
              for dy in 0...1 where y0 + dy >= 0 && y0 + dy < height {
                for dx in 0...1 where x0 + dx >= 0 && x0 + dx < width {
                  let weight = (dy == 0 ? 1 - fy : fy) * (dx == 0 ? 1 - fx : fx)
                  let pixel = (y0 + dy) * width + x0 + dx
                  for c in 0..<channels {
                    out[(n * channels + c) * points + point] += weight * x[(n * channels + c) * height * width + pixel]
                  }
                }
              }
            }
          }
        }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }

  // MARK: - Reading and adding at integer corners

  /// Checks `pixel_gather(input, rows, cols)`: input (N, C, H, W), rows and cols (N, Ho, Wo); returns (N, C, Ho, Wo).
  public static func pixelGatherShape(input: [Int], rows: [Int], cols: [Int], operation: String = "pixel_gather") throws(OperandError) -> [Int] {
    guard input.count == 4 else { throw .rank(operation, operation == "pixel_gather" ? "input" : "values", input, layout: "(N, C, H, W)") }
    guard rows.count == 3, rows == cols, rows[0] == input[0] else {
      throw OperandError(
        "\(operation) needs rows and cols of one shape (N, Ho, Wo) with N = \(input[0]), got rows \(Shape.text(rows)) and cols \(Shape.text(cols))",
        fallback: .broadcast(lhs: rows, rhs: cols, axis: -1))
    }
    return [input[0], input[1], rows[1], rows[2]]
  }

  /// `y[n,c,i,j] = input[n, c, ⌊rows[n,i,j]⌋, ⌊cols[n,i,j]⌋]`, 0 where that pixel is outside.
  public static func pixelGather(_ input: Tensor, rows: Tensor, cols: Tensor) throws(TensorError) -> Tensor {
    let shape = try OperandError.checking { () throws(OperandError) in
      try pixelGatherShape(input: input.shape, rows: rows.shape, cols: cols.shape)
    }
    var result = [Double](repeating: 0, count: try Shape.elementCount(shape))
    forEachPixel(source: input.shape, rows: rows, cols: cols) { image, pixel, points, point in
      result[image * points + point] = input.scalars[pixel]
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }

  /// The adjoint of `pixelGather`: zeros of (N, C, H, W) with `values` (N, C, Ho, Wo) added at the corners.
  public static func pixelScatter(_ values: Tensor, rows: Tensor, cols: Tensor, size: [Int]) throws(TensorError) -> Tensor {
    guard size.count == 2, size.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(size) }
    guard values.rank == 4 else { throw .rankTooLow(operation: "pixel_scatter", shape: values.shape, minimum: 4) }
    let shape = [values.shape[0], values.shape[1]] + size
    let checked = try OperandError.checking { () throws(OperandError) in
      try pixelGatherShape(input: shape, rows: rows.shape, cols: cols.shape, operation: "pixel_scatter")
    }
    guard checked == values.shape else { throw .broadcast(lhs: values.shape, rhs: checked, axis: -1) }
    var result = [Double](repeating: 0, count: try Shape.elementCount(shape))
    forEachPixel(source: shape, rows: rows, cols: cols) { image, pixel, points, point in
      result[pixel] += values.scalars[image * points + point]
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }

  /// Calls `body(image, pixel, points, point)` for every image (n, c), every point of the
  /// (Ho, Wo) grid whose floored coordinates fall inside `source`, and the pixel's flat offset.
  private static func forEachPixel(source: [Int], rows: Tensor, cols: Tensor, _ body: (Int, Int, Int, Int) -> Void) {
    let (batch, channels, height, width) = (source[0], source[1], source[2], source[3])
    let points = rows.count / Swift.max(batch, 1)
    for n in 0..<batch {
      for point in 0..<points {
        guard let row = SamplingCoordinates.corner(rows.scalars[n * points + point]),
              let col = SamplingCoordinates.corner(cols.scalars[n * points + point]),
              row >= 0, row < height, col >= 0, col < width else { continue }
        for c in 0..<channels {
          body(n * channels + c, ((n * channels + c) * height + row) * width + col, points, point)
        }
      }
    }
  }
}
