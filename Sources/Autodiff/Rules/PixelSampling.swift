import Tensors

// Reading and adding at integer pixel positions: the pieces grid_sample's
// backward is written with. Each is the other's backward (both are linear in
// their values and only move them). The positions are floored, so they are
// piecewise constant: no gradient flows to them.

extension Rule {
  /// `pixel_gather(input, rows, cols)`: input (N, C, H, W), rows and cols (N, Ho, Wo) → (N, C, Ho, Wo).
  public static let pixelGather = Rule(
    name: "pixel_gather",
    formulas: ["dinput = pixel_scatter(dy, rows, cols, input.shape[2:])", "drows = dcols = 0"],
    explanation: Explanation(
      indexNotation: "y[n,c,i,j] = input[n, c, ⌊rows[n,i,j]⌋, ⌊cols[n,i,j]⌋]   (0 where that pixel is outside)",
      derivation: """
        Each output element is a copy of one input pixel (or a constant 0), so the pixel receives dy there, \
        added up when several points read the same pixel: a scatter-add into zeros, pixel_scatter. \
        The positions are floored: moving them a little changes nothing until they cross an integer, \
        so their derivative is 0 wherever it exists and no gradient flows to rows or cols.
        """,
      shapes: "dinput has input's shape; rows and cols get no gradient.",
      pitfall: """
        A gather's backward adds: a pixel read by many points collects all their gradients. Reading at rounded \
        coordinates is why a warp with integer indexing cannot learn where to look — see grid_sample.
        """),
    cost: .free,
    samples: [
      Sample([.init([1, 2, 2, 3]), .init([1, 2, 2], .mask), .init([1, 2, 2], .mask)]),
      Sample([.init([2, 1, 2, 2]), .init([2, 3, 1], .mask), .init([2, 3, 1], .mask)]),
    ],
    notation: .call("pixel_gather"),
    forward: { x, _ throws(TensorError) in try Tensor.pixelGather(x[0], rows: x[1], cols: x[2]) },
    backward: { c throws(TensorError) in
      let (input, rows, cols) = (c.inputs[0], c.inputs[1], c.inputs[2])
      return [try Variable.pixelScatter(c.upstream, rows: rows, cols: cols, size: Array(input.shape.dropFirst(2))), nil, nil]
    })

  /// `pixel_scatter(values, rows, cols, size)`: values (N, C, Ho, Wo) added into zeros of (N, C, *size).
  public static let pixelScatter = Rule(
    name: "pixel_scatter",
    formulas: ["dvalues = pixel_gather(dy, rows, cols)", "drows = dcols = 0"],
    explanation: Explanation(
      indexNotation: "y = zeros(N, C, H, W);  y[n, c, ⌊rows[n,i,j]⌋, ⌊cols[n,i,j]⌋] += values[n,c,i,j]   (dropped outside)",
      derivation: """
        Each value is added to one pixel of a zero image (or dropped), so its gradient is dy read back at that \
        pixel: pixel_gather. Values that land on the same pixel each read the same dy. The floored positions \
        are piecewise constant and get no gradient.
        """,
      shapes: "values (N, C, Ho, Wo), rows and cols (N, Ho, Wo), size (H, W) → (N, C, H, W). dvalues has values' shape.",
      pitfall: "This op appears in backward passes: it is how grid_sample's gradient reaches the input image."),
    cost: .perInputElement(forward: 1, backward: 0),
    samples: [
      Sample([.init([1, 2, 2, 2]), .init([1, 2, 2], .mask), .init([1, 2, 2], .mask)], Attributes([("size", .ints([2, 3]))])),
      Sample([.init([2, 1, 3, 1]), .init([2, 3, 1], .mask), .init([2, 3, 1], .mask)], Attributes([("size", .ints([2, 2]))])),
    ],
    notation: .call("pixel_scatter", positional: ["size"]),
    forward: { x, attributes throws(TensorError) in
      try Tensor.pixelScatter(x[0], rows: x[1], cols: x[2], size: attributes.ints("size") ?? [])
    },
    backward: { c throws(TensorError) in
      [try Variable.pixelGather(c.upstream, rows: c.inputs[1], cols: c.inputs[2]), nil, nil]
    })
}

extension Variable {
  /// `input[n, c, ⌊rows⌋, ⌊cols⌋]` for every point, 0 outside the image.
  public static func pixelGather(_ input: Variable, rows: Variable, cols: Variable) throws(TensorError) -> Variable {
    try Rule.pixelGather.apply([input, rows, cols])
  }

  /// `values` added into zeros of (N, C, *size) at `⌊rows⌋, ⌊cols⌋`, dropping points outside.
  public static func pixelScatter(_ values: Variable, rows: Variable, cols: Variable, size: [Int]) throws(TensorError) -> Variable {
    try Rule.pixelScatter.apply([values, rows, cols], Attributes([("size", .ints(size))]))
  }
}
