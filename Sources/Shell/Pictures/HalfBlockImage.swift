import Language
import Tensors

/// A grayscale image, two pixels per character cell: `▀` with the top pixel as its colour
/// and the bottom pixel as the background. Without colour, each pixel is two ASCII shades.
///
/// Values in [0, 1] are drawn as they are (0 black, 1 white); other data is stretched
/// from its minimum (black) to its maximum (white), and the picture says so.
enum HalfBlockImage {
  /// The most pixels drawn across and down in colour (80 columns, 40 lines of text).
  static let maxColorPixels = (rows: 80, columns: 80)
  /// The most pixels drawn in ASCII, two characters each (80 columns, 40 lines).
  static let maxASCIIPixels = (rows: 40, columns: 40)

  static func render(_ grid: Grid, shape: [Int], ink: Ink, notes extraNotes: [String] = []) -> Picture {
    let limit = ink.isASCII ? maxASCIIPixels : maxColorPixels
    let (small, block) = grid.downsampled(maxRows: limit.rows, maxColumns: limit.columns)
    let range = grid.finiteRange ?? (0, 1)
    let unit = range.min >= 0 && range.max <= 1
    let (black, white) = unit ? (0.0, 1.0) : (range.min, range.max)
    func level(_ value: Double) -> Double {
      white > black ? Swift.min(Swift.max(unitFraction(value, from: black, to: white), 0), 1) : 0.5
    }

    var lines: [String] = []
    switch ink {
    case .ascii:
      let shades = Heatmap.shades
      let border = "+" + String(repeating: "-", count: 2 * small.columns) + "+"
      lines.append(border)
      for row in 0..<small.rows {
        let cells = (0..<small.columns).map { column -> String in
          let value = small[row, column]
          guard value.isFinite else { return "??" }
          let index = clampedIndex(level(value) * Double(shades.count), 0...(shades.count - 1))
          return String(repeating: shades[index], count: 2)
        }
        lines.append("|" + cells.joined() + "|")
      }
      lines.append(border)
      lines.append("' ' = \(TextBlock.number(black)) … '@' = \(TextBlock.number(white))")
    case .color(let depth):
      func gray(_ value: Double) -> RGB {
        // NaN and infinities show in red: they are not gray levels.
        value.isFinite ? Palette.gray.color(at: level(value)) : RGB(255, 0, 0)
      }
      for top in stride(from: 0, to: small.rows, by: 2) {
        var line = ColoredLine(depth)
        for column in 0..<small.columns {
          let bottom = top + 1 < small.rows ? gray(small[top + 1, column]) : nil
          line.append("▀", foreground: gray(small[top, column]), background: bottom)
        }
        lines.append(line.finished)
      }
      lines.append("black = \(TextBlock.number(black)), white = \(TextBlock.number(white))")
    }

    var notes = extraNotes
    if !unit, grid.finiteRange != nil {
      notes.append("values outside [0, 1]: stretched from the minimum (black) to the maximum (white)")
    }
    if let note = grid.downsamplingNote(to: small, block: block) { notes.append(note) }
    if grid.nonFiniteCount > 0 {
      notes.append("\(grid.nonFiniteCount) pixels are NaN or infinite (drawn \(ink.isASCII ? "as ??" : "in red"))")
    }
    let data: [(String, JSON)] = [
      ("shape", .array(shape.map { .number(Double($0)) })),
      ("pixels", small.json),
      ("black", .number(black)),
      ("white", .number(white)),
      ("block", .array([.number(Double(block.rows)), .number(Double(block.columns))])),
    ]
    return Picture(kind: .image, caption: "\(Shape.text(shape)) image", lines: lines, notes: notes, data: data)
  }
}
