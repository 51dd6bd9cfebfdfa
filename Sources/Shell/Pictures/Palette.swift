/// A colour as red, green and blue, 0–255 each.
struct RGB: Sendable, Equatable {
  var red: Int
  var green: Int
  var blue: Int

  init(_ red: Int, _ green: Int, _ blue: Int) {
    self.red = red
    self.green = green
    self.blue = blue
  }
}

/// A colour scale: colours at evenly spaced stops, blended linearly in between.
///
/// ```
/// color(at: t)  for t in 0...1;  t = 0 is the first stop, t = 1 the last
/// ```
struct Palette: Sendable {
  let stops: [RGB]

  /// Blue for negative, a light neutral gray for zero, red for positive (ColorBrewer's RdBu):
  /// a masked gradient's exact zeros show as the neutral middle.
  static let diverging = Palette(stops: [
    RGB(33, 102, 172), RGB(103, 169, 207), RGB(209, 229, 240), RGB(230, 230, 230),
    RGB(253, 219, 199), RGB(239, 138, 98), RGB(178, 24, 43),
  ])

  /// Dark purple to yellow (viridis), for data that is never negative.
  static let sequential = Palette(stops: [
    RGB(68, 1, 84), RGB(59, 82, 139), RGB(33, 145, 140), RGB(94, 201, 98), RGB(253, 231, 37),
  ])

  /// Black to white, for images.
  static let gray = Palette(stops: [RGB(0, 0, 0), RGB(255, 255, 255)])

  /// The colour at `t` (clamped to 0...1; NaN gives the first stop).
  func color(at t: Double) -> RGB {
    guard stops.count > 1 else { return stops.first ?? RGB(0, 0, 0) }
    let clamped = t.isNaN ? 0 : Swift.min(Swift.max(t, 0), 1)
    let position = clamped * Double(stops.count - 1)
    let index = Swift.min(Int(position), stops.count - 2)
    let fraction = position - Double(index)
    let (a, b) = (stops[index], stops[index + 1])
    func blend(_ x: Int, _ y: Int) -> Int { Int((Double(x) + (Double(y) - Double(x)) * fraction).rounded()) }
    return RGB(blend(a.red, b.red), blend(a.green, b.green), blend(a.blue, b.blue))
  }
}

// MARK: - Escape codes

/// The escape that resets colours (and every other attribute).
let resetCode = "\u{1B}[0m"

extension ColorDepth {
  /// The escape that sets the text colour.
  func foreground(_ color: RGB) -> String { code(38, color) }

  /// The escape that sets the background colour.
  func background(_ color: RGB) -> String { code(48, color) }

  private func code(_ layer: Int, _ color: RGB) -> String {
    switch self {
    case .trueColor: "\u{1B}[\(layer);2;\(color.red);\(color.green);\(color.blue)m"
    case .ansi256: "\u{1B}[\(layer);5;\(Self.ansi256Index(color))m"
    }
  }

  /// The nearest of the xterm colours 16–255: the 6×6×6 cube (`16 + 36r + 6g + b`)
  /// or the 24 grays (`232 + k`, level `8 + 10k`), whichever is closer.
  static func ansi256Index(_ color: RGB) -> Int {
    let levels = [0, 95, 135, 175, 215, 255]
    func nearestLevel(_ x: Int) -> Int {
      levels.indices.min { Swift.abs(levels[$0] - x) < Swift.abs(levels[$1] - x) } ?? 0
    }
    let (r, g, b) = (nearestLevel(color.red), nearestLevel(color.green), nearestLevel(color.blue))
    func distance(_ x: RGB) -> Int {
      let (dr, dg, db) = (x.red - color.red, x.green - color.green, x.blue - color.blue)
      return dr * dr + dg * dg + db * db
    }
    let cube = RGB(levels[r], levels[g], levels[b])
    let average = (color.red + color.green + color.blue) / 3
    let grayStep = Swift.min(Swift.max((average - 8 + 5) / 10, 0), 23)
    let gray = RGB(8 + 10 * grayStep, 8 + 10 * grayStep, 8 + 10 * grayStep)
    return distance(gray) < distance(cube) ? 232 + grayStep : 16 + 36 * r + 6 * g + b
  }
}
