import Language
import Tensors

/// A short vector as one horizontal bar per element, with its index and value.
///
/// Bars start at zero: when some values are negative, the zero axis stands in the middle
/// and negative bars grow to its left.
enum BarChart {
  /// The longest vector drawn as bars; longer ones are drawn as a line.
  static let maxCount = 40
  /// Columns for the longest bar (each side of the axis when signed: half as many).
  static let length = 40

  /// Eighths of a cell, for the tip of a bar drawn in colour (`▏` is one eighth).
  static let eighths: [Character] = Array("▏▎▍▌▋▊▉")

  static func render(_ values: [Double], shape: [Int], ink: Ink) -> Picture {
    let finite = values.filter(\.isFinite)
    let magnitude = finite.map(Swift.abs).max() ?? 0
    let signed = finite.contains { $0 < 0 }
    let side = signed ? length / 2 : length
    let labelWidth = String(Swift.max(values.count - 1, 0)).count
    let axis = ink.isASCII ? "|" : "│"

    var lines: [String] = []
    for (index, value) in values.enumerated() {
      let label = String(repeating: " ", count: labelWidth - String(index).count) + String(index)
      let cells = magnitude > 0 && value.isFinite ? Swift.abs(value) / magnitude * Double(side) : 0
      let positive = value > 0 ? bar(cells, ink: ink, leftToRight: true) : ""
      let negative = value < 0 ? bar(cells, ink: ink, leftToRight: false) : ""
      let number = TextBlock.number(value)
      switch ink {
      case .ascii:
        let left = signed ? String(repeating: " ", count: side - negative.count) + negative : ""
        lines.append("\(label) \(left)\(axis)\(TextBlock.padded(positive, to: side)) \(number)")
      case .color(let depth):
        var line = ColoredLine(depth)
        line.appendPlain(label + " ")
        if signed {
          line.appendPlain(String(repeating: " ", count: side - negative.count))
          line.append(negative, foreground: Palette.diverging.color(at: 0))
        }
        line.appendPlain(axis)
        line.append(positive, foreground: signed ? Palette.diverging.color(at: 1) : Palette.sequential.color(at: 0.6))
        line.appendPlain(String(repeating: " ", count: side - positive.count) + " " + number)
        lines.append(line.finished)
      }
    }
    let data: [(String, JSON)] = [
      ("shape", .array(shape.map { .number(Double($0)) })), ("values", .array(values.map(JSON.number))),
    ]
    let nonFinite = values.count - finite.count
    let notes = nonFinite > 0 ? ["\(nonFinite) values are NaN or infinite (no bar)"] : []
    return Picture(kind: .bars, caption: "\(Shape.text(shape)) bars", lines: lines, notes: notes, data: data)
  }

  /// A bar `cells` long: `#`s rounded to whole cells in ASCII; in colour, full blocks and an
  /// eighth-block tip going right, or half blocks going left (`▐` is the right half of a cell).
  static func bar(_ cells: Double, ink: Ink, leftToRight: Bool) -> String {
    switch ink {
    case .ascii:
      return String(repeating: "#", count: clampedIndex(cells.rounded(), 0...length))
    case .color:
      if leftToRight {
        let eighthsLong = clampedIndex((cells * 8).rounded(), 0...(8 * length))
        let tip = eighthsLong % 8
        return String(repeating: "█", count: eighthsLong / 8) + (tip > 0 ? String(eighths[tip - 1]) : "")
      }
      let halves = clampedIndex((cells * 2).rounded(), 0...(2 * length))
      return (halves % 2 == 1 ? "▐" : "") + String(repeating: "█", count: halves / 2)
    }
  }
}
