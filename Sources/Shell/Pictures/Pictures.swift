import Language
import Tensors

/// Why a tensor cannot be drawn, and what to draw instead.
struct PictureError: Error, Equatable {
  let message: String
  let hint: String?

  init(_ message: String, hint: String? = nil) {
    self.message = message
    self.hint = hint
  }
}

/// The picture a tensor gets, chosen from its shape (and values), for `:show` and `:plot`.
///
/// ```
/// (n,)                        bars (n ≤ 40) or a line
/// (H, W)                      an image when every value is in [0, 1] and H, W ≥ 8, else a heatmap
/// (1, H, W), (1, 1, H, W)     an image
/// (N, 1, H, W)                the first image, saying so
/// ```
enum Pictures {
  /// A drawing forced by `--image` or `--heatmap`.
  enum Form: String, Sendable {
    case image, heatmap
  }

  /// The smallest side of a matrix drawn as an image without being asked.
  static let minimumImageSide = 8

  /// The picture of `tensor`, which was written as `name`.
  static func picture(of tensor: Tensor, named name: String, form: Form? = nil, ink: Ink) throws(PictureError) -> Picture {
    let shape = tensor.shape
    guard tensor.rank > 0 else {
      throw PictureError(
        "`\(name)` is a single number (\(Tensor.formatScalar(tensor.scalars.first ?? 0))): there is nothing to draw",
        hint: ":show draws vectors, matrices and images; type `\(name)` to see the number")
    }
    guard tensor.count > 0 else {
      throw PictureError(
        "`\(name)` has no elements (shape \(Shape.text(shape))): there is nothing to draw",
        hint: "a list recorded in a loop starts empty: losses = []; then losses = append(losses, L) in the loop")
    }
    switch shape.count {
    case 1:
      if form == .image {
        throw PictureError(
          "`\(name)` is a vector of shape \(Shape.text(shape)); an image needs two axes (H, W)",
          hint: "reshape it first, e.g. :show reshape(\(name), (H, W)) --image")
      }
      if form == .heatmap {
        return Heatmap.render(Grid(rows: 1, columns: shape[0], values: tensor.scalars), shape: shape, ink: ink)
      }
      return vector(tensor.scalars, shape: shape, ink: ink)
    case 2:
      let grid = Grid(rows: shape[0], columns: shape[1], values: tensor.scalars)
      let asImage = form.map { $0 == .image } ?? looksLikeImage(grid)
      return asImage
        ? HalfBlockImage.render(grid, shape: shape, ink: ink)
        : Heatmap.render(grid, shape: shape, ink: ink)
    case 3 where shape[0] == 1, 4 where shape[1] == 1:
      let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
      let grid = Grid(rows: height, columns: width, values: Array(tensor.scalars.prefix(height * width)))
      var notes: [String] = []
      if shape.count == 4 && shape[0] > 1 {
        notes.append("the first of \(shape[0]) images: \(name)[0, 0]")
      }
      if form == .heatmap {
        let picture = Heatmap.render(grid, shape: shape, ink: ink)
        return Picture(kind: .heatmap, caption: picture.caption, lines: picture.lines, notes: notes + picture.notes, data: picture.data)
      }
      return HalfBlockImage.render(grid, shape: shape, ink: ink, notes: notes)
    case 3, 4:
      let index = shape.count == 3 ? "\(name)[0]" : "\(name)[0, 0]"
      throw PictureError(
        "`\(name)` has shape \(Shape.text(shape)): \(shape.count == 3 ? shape[0] : shape[1]) channels; :show draws one grayscale image",
        hint: "show one channel: :show \(index)")
    default:
      throw PictureError(
        "`\(name)` has \(shape.count) axes (shape \(Shape.text(shape))); :show draws 1 to 4",
        hint: "pick a matrix out of it first, e.g. :show \(name)[0, 0, 0]")
    }
  }

  /// Bars for a short vector, a line for a long one.
  static func vector(_ values: [Double], shape: [Int], ink: Ink) -> Picture {
    guard values.count > BarChart.maxCount else { return BarChart.render(values, shape: shape, ink: ink) }
    return LinePlot.render(
      x: values.indices.map(Double.init), y: values, caption: "\(Shape.text(shape)) line", kind: .line, ink: ink)
  }

  /// Whether a matrix reads as a grayscale image: every value in [0, 1], both sides at least 8.
  static func looksLikeImage(_ grid: Grid) -> Bool {
    grid.rows >= minimumImageSide && grid.columns >= minimumImageSide
      && grid.values.allSatisfy { $0 >= 0 && $0 <= 1 }
  }

  // MARK: - Plots

  /// The values of a series for `:plot`: a vector, or a tensor with one axis longer than 1.
  static func series(_ tensor: Tensor, named name: String) throws(PictureError) -> [Double] {
    guard tensor.rank > 0 else {
      throw PictureError(
        "`\(name)` is a single number: a plot needs a series of numbers",
        hint: "record one value per step in a loop: losses = append(losses, L)")
    }
    guard tensor.count > 0 else {
      throw PictureError(
        "`\(name)` is empty (shape \(Shape.text(tensor.shape))): there is nothing to plot",
        hint: Lexer.isName(name)
          ? "append to it in a loop: \(name) = append(\(name), L)" : "record values in a loop: losses = append(losses, L)")
    }
    guard tensor.shape.filter({ $0 > 1 }).count <= 1 else {
      throw PictureError(
        "`\(name)` has shape \(Shape.text(tensor.shape)); :plot draws a series (one axis)",
        hint: ":show \(name) draws a matrix as a heatmap; or plot one row: :plot \(name)[0]")
    }
    return tensor.scalars
  }

  /// `:plot y` (x = 0, 1, …) or `:plot x, y`.
  static func plot(x: (values: Tensor, name: String)?, y: (values: Tensor, name: String), ink: Ink) throws(PictureError) -> Picture {
    let ys = try series(y.values, named: y.name)
    var xs = ys.indices.map(Double.init)
    if let x {
      xs = try series(x.values, named: x.name)
      guard xs.count == ys.count else {
        throw PictureError(
          "`\(x.name)` has \(xs.count) values and `\(y.name)` has \(ys.count): x and y must have the same length",
          hint: "plot against the step number instead: :plot \(y.name)")
      }
    }
    guard zip(xs, ys).contains(where: { $0.isFinite && $1.isFinite }) else {
      throw PictureError(
        "`\(y.name)` has no finite values to plot (all NaN or infinite)",
        hint: "a loss that turned NaN often means the learning rate is too large")
    }
    return LinePlot.render(x: xs, y: ys, caption: "line plot", kind: .line, ink: ink)
  }
}
