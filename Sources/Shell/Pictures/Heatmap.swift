import Language
import Tensors

/// A matrix as coloured cells, two columns wide so that cells look square.
///
/// Signed data (any value below zero) uses a diverging palette centred on zero, so that exact
/// zeros (a masked gradient's) show as the neutral middle; other data a sequential palette
/// from its minimum to its maximum. Without colour, cells are ASCII shades.
enum Heatmap {
  /// The most cells drawn across and down (80 columns of text, 40 lines); larger matrices are averaged.
  static let maxRows = 40
  static let maxColumns = 40
  /// Unsigned shades, lowest first: `' '` is the minimum, `'@'` the maximum.
  static let shades: [Character] = Array(" .:-=+*#%@")
  /// Signed magnitudes, smallest first, after a `-` or `+`; an exact zero is blank.
  static let signedShades: [Character] = Array(".:*#@")
  /// Cells in the colour scale (odd, so that its middle is exactly the neutral colour).
  static let scaleCells = 17

  static func render(_ grid: Grid, shape: [Int], ink: Ink) -> Picture {
    let (small, block) = grid.downsampled(maxRows: maxRows, maxColumns: maxColumns)
    let full = grid.finiteRange
    let shown = small.finiteRange ?? (0, 0)
    let signed = (full?.min ?? 0) < 0
    let scale = Scale(signed: signed, low: shown.min, high: shown.max)

    var lines: [String] = []
    switch ink {
    case .ascii:
      let border = "+" + String(repeating: "-", count: 2 * small.columns) + "+"
      lines.append(border)
      for row in 0..<small.rows {
        lines.append("|" + (0..<small.columns).map { scale.asciiCell(small[row, $0]) }.joined() + "|")
      }
      lines.append(border)
      lines.append(scale.asciiLegend)
    case .color(let depth):
      for row in 0..<small.rows {
        var line = ColoredLine(depth)
        for column in 0..<small.columns {
          let value = small[row, column]
          if value.isFinite {
            line.append("██", foreground: scale.color(of: value))
          } else {
            line.appendPlain("??")
          }
        }
        lines.append(line.finished)
      }
      lines.append(scale.colorLegend(depth))
    }
    let range = full.map { "min \(TextBlock.number($0.min))  max \(TextBlock.number($0.max))" } ?? "no finite values"
    lines.append(range + (signed ? (ink.isASCII ? "  (blank = exactly 0)" : "  (gray = 0)") : ""))

    var notes: [String] = []
    if let note = grid.downsamplingNote(to: small, block: block) { notes.append(note) }
    if grid.nonFiniteCount > 0 { notes.append("\(grid.nonFiniteCount) values are NaN or infinite (drawn as ??)") }
    let data: [(String, JSON)] = [
      ("shape", .array(shape.map { .number(Double($0)) })),
      ("values", small.json),
      ("min", full.map { .number($0.min) } ?? .null),
      ("max", full.map { .number($0.max) } ?? .null),
      ("signed", .bool(signed)),
      ("block", .array([.number(Double(block.rows)), .number(Double(block.columns))])),
      ("scale", .array([.number(scale.lowEnd), .number(scale.highEnd)])),
    ]
    return Picture(kind: .heatmap, caption: "\(Shape.text(shape)) heatmap", lines: lines, notes: notes, data: data)
  }

  /// Where a value falls on the colour scale: -1…1 around zero (signed), or 0…1 from low to high.
  struct Scale {
    let signed: Bool
    let low: Double
    let high: Double

    /// The values at the ends of the scale: ±the largest magnitude when signed.
    var lowEnd: Double { signed ? -magnitude : low }
    var highEnd: Double { signed ? magnitude : high }
    private var magnitude: Double { Swift.max(Swift.abs(low), Swift.abs(high)) }

    /// The position of `value` on the scale, 0…1 (0.5 is zero when signed).
    func position(_ value: Double) -> Double {
      if signed {
        return magnitude > 0 ? (value / magnitude + 1) / 2 : 0.5
      }
      guard high > low else { return high > 0 ? 1 : 0 }
      return (value - low) / (high - low)
    }

    /// The colour of `value`. When signed, only an exact zero is the neutral middle: any other
    /// value starts one palette stop away from it, so that a zero never hides among tiny values.
    ///
    /// ```
    /// signed:   0 → 0.5,   v → 0.5 ± (1/6 + |v|/magnitude · 1/3)
    /// ```
    func color(of value: Double) -> RGB {
      guard signed else { return Palette.sequential.color(at: position(value)) }
      guard value != 0, magnitude > 0 else { return Palette.diverging.color(at: 0.5) }
      let offset = 1.0 / 6 + Swift.min(Swift.abs(value) / magnitude, 1) / 3
      return Palette.diverging.color(at: value < 0 ? 0.5 - offset : 0.5 + offset)
    }

    /// Two characters for a cell: a shade twice, or a sign and a magnitude (blank for exactly 0).
    func asciiCell(_ value: Double) -> String {
      guard value.isFinite else { return "??" }
      if signed {
        guard value != 0, magnitude > 0 else { return "  " }
        let level = clampedIndex(Swift.abs(value) / magnitude * Double(signedShades.count), 0...(signedShades.count - 1))
        return (value < 0 ? "-" : "+") + String(signedShades[level])
      }
      let level = clampedIndex(position(value) * Double(shades.count), 0...(shades.count - 1))
      return String(repeating: shades[level], count: 2)
    }

    /// `-0.8 [-@-#-*-:-.  +.+:+*+#+@] 0.8`, or `0 [ .:-=+*#%@] 1`.
    var asciiLegend: String {
      let ramp: String
      if signed {
        let negative = signedShades.reversed().map { "-" + String($0) }.joined()
        let positive = signedShades.map { "+" + String($0) }.joined()
        ramp = negative + "  " + positive
      } else {
        ramp = String(shades)
      }
      return "\(TextBlock.number(lowEnd)) [\(ramp)] \(TextBlock.number(highEnd))"
    }

    /// `-0.8 ▕█████████████████▏ 0.8` in the palette's colours.
    func colorLegend(_ depth: ColorDepth) -> String {
      var line = ColoredLine(depth)
      line.appendPlain("\(TextBlock.number(lowEnd)) ")
      for cell in 0..<scaleCells {
        let value = lowEnd + Double(cell) / Double(scaleCells - 1) * (highEnd - lowEnd)
        line.append("█", foreground: color(of: cell == scaleCells / 2 && signed ? 0 : value))
      }
      line.appendPlain(" \(TextBlock.number(highEnd))")
      return line.finished
    }
  }
}
