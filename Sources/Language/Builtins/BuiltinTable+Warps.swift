import Autodiff
import Tensors

// Differentiable warps (PyTorch's spatial transformer functions) and the
// integer-corner reads and writes their backward is written with.

extension BuiltinTable {
  static let warps: [Builtin] = [
    Builtin("affine_grid", [P("theta", .tensor), P("size", .shape), P("align_corners", .bool, default: "false")], .layers,
            rules: ["affine_grid"],
            summary: "Where each output pixel reads the input: theta (N, 2, 3) applied to every pixel's (x, y, 1); size (N, C, H, W) → (N, H, W, 2).",
            example: "affine_grid([[[1, 0, 0], [0, 1, 0]]], (1, 1, 2, 3))") { a throws(EvaluationError) in
      let theta = try a.tensor("theta"), size = try a.shape("size"), align = try a.bool("align_corners")
      _ = try a.checkOperands { () throws(OperandError) in try Tensor.affineGridShape(theta: theta.shape, size: size) }
      return .tensor(try a.check { () throws(TensorError) in try Variable.affineGrid(theta, size: size, alignCorners: align) })
    },
    Builtin("affine_grid_backward", [P("dgrid", .tensor), P("align_corners", .bool, default: "false")], .layers,
            rules: ["affine_grid_backward"],
            summary: "affine_grid's backward: the theta gradient (N, 2, 3) for a grid gradient dgrid (N, H, W, 2), "
              + "each pixel's gradient times its (x, y, 1) summed.",
            example: "affine_grid_backward(ones(1, 2, 3, 2))") { a throws(EvaluationError) in
      let dgrid = try a.tensor("dgrid"), align = try a.bool("align_corners")
      guard dgrid.value.rank == 4, dgrid.shape[3] == 2 else {
        throw EvaluationError("affine_grid_backward needs dgrid of shape (N, H, W, 2), got \(Shape.text(dgrid.shape))", at: a.range(of: "dgrid"))
      }
      return .tensor(try a.check { () throws(TensorError) in try Variable.affineGridBackward(dgrid, alignCorners: align) })
    },
    Builtin("grid_sample",
            [P("input", .tensor), P("grid", .tensor), P("align_corners", .bool, default: "false"),
             P("padding_mode", .string, default: "\"zeros\""), P("mode", .string, default: "\"bilinear\"")], .layers,
            rules: ["grid_sample"],
            summary: "Reads input (N, C, H, W) at the points grid (N, Ho, Wo, 2), (x, y) in [-1, 1], by bilinear interpolation; "
              + "outside the image it reads zeros, or with padding_mode=\"border\" the nearest edge pixel, or with \"reflection\" "
              + "the image mirrored across its edges. Gradients reach both; "
              + "mode=\"nearest\" reads the nearest pixel, and passes the grid no gradient.",
            example: "grid_sample(reshape(arange(4), (1, 1, 2, 2)), [[[[0, 0], [0.5, -0.5]]]])") { a throws(EvaluationError) in
      let input = try a.tensor("input"), grid = try a.tensor("grid"), align = try a.bool("align_corners")
      let mode = a.has("padding_mode") ? try a.string("padding_mode") : "zeros"
      guard let padding = GridPadding(rawValue: mode) else {
        throw EvaluationError(
          "padding_mode is \"zeros\", \"border\" or \"reflection\", not \"\(mode)\"", at: a.range(of: "padding_mode"))
      }
      let sampling = a.has("mode") ? try a.string("mode") : "bilinear"
      guard sampling == "bilinear" || sampling == "nearest" else {
        throw EvaluationError("mode is \"bilinear\" or \"nearest\", not \"\(sampling)\"", at: a.range(of: "mode"))
      }
      _ = try a.checkOperands { () throws(OperandError) in try Tensor.gridSampleShape(input: input.shape, grid: grid.shape) }
      return .tensor(try a.check { () throws(TensorError) in
        try Variable.gridSample(input, grid, alignCorners: align, padding: padding, nearest: sampling == "nearest")
      })
    },
    Builtin("pixel_gather", [P("input", .tensor), P("rows", .tensor), P("cols", .tensor)], .selection, rules: ["pixel_gather"],
            summary: "input (N, C, H, W) read at the pixels (floor(rows), floor(cols)), rows and cols (N, Ho, Wo); 0 outside. "
              + "grid_sample's backward reads its corners with it.",
            example: "pixel_gather(reshape(arange(4), (1, 1, 2, 2)), [[[0, 1]]], [[[1, 1.5]]])") { a throws(EvaluationError) in
      let input = try a.tensor("input"), rows = try a.tensor("rows"), cols = try a.tensor("cols")
      _ = try a.checkOperands { () throws(OperandError) in
        try Tensor.pixelGatherShape(input: input.shape, rows: rows.shape, cols: cols.shape)
      }
      return .tensor(try a.check { () throws(TensorError) in try Variable.pixelGather(input, rows: rows, cols: cols) })
    },
    Builtin("pixel_scatter", [P("values", .tensor), P("rows", .tensor), P("cols", .tensor), P("size", .shape)], .selection,
            rules: ["pixel_scatter"],
            summary: "Zeros of (N, C, *size) with values (N, C, Ho, Wo) added at (floor(rows), floor(cols)): pixel_gather's backward.",
            example: "pixel_scatter([[[[1, 2]]]], [[[0, 1]]], [[[1, 1]]], (2, 2))") { a throws(EvaluationError) in
      let values = try a.tensor("values"), rows = try a.tensor("rows"), cols = try a.tensor("cols"), size = try a.shape("size")
      guard values.value.rank == 4, size.count == 2 else {
        throw EvaluationError(
          "pixel_scatter needs values (N, C, Ho, Wo) and size (H, W), got values \(Shape.text(values.shape)) and size \(Shape.text(size))",
          at: a.callRange)
      }
      let expected = try a.checkOperands { () throws(OperandError) in
        try Tensor.pixelGatherShape(input: Array(values.shape.prefix(2)) + size, rows: rows.shape, cols: cols.shape, operation: "pixel_scatter")
      }
      guard expected == values.shape else {
        throw EvaluationError(
          "pixel_scatter needs values of shape \(Shape.text(expected)) (N, C, Ho, Wo) for rows \(Shape.text(rows.shape)), "
            + "got \(Shape.text(values.shape))", at: a.range(of: "values"))
      }
      return .tensor(try a.check { () throws(TensorError) in try Variable.pixelScatter(values, rows: rows, cols: cols, size: size) })
    },
  ]
}

private typealias P = Builtin.Parameter
