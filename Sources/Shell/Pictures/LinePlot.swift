import Foundation
import Language

/// A line plot with axes: braille dots (2×4 per character) joined by lines in colour,
/// `*` points with `|` and `-` axes in ASCII.
///
/// Ticks sit at round numbers (steps of 1, 2 or 5 times a power of ten), about five
/// on each axis, as plotting libraries place them.
enum LinePlot {
  /// Plot area in character cells.
  static let width = 60
  static let height = 15
  static let curveColor = RGB(86, 180, 233)

  static func render(
    x: [Double], y: [Double], caption: String, kind: Picture.Kind = .line, ink: Ink,
    width: Int = LinePlot.width, height: Int = LinePlot.height
  ) -> Picture {
    let width = Swift.max(width, 8), height = Swift.max(height, 2)
    let count = Swift.min(x.count, y.count)
    let finite = (0..<count).filter { x[$0].isFinite && y[$0].isFinite }
    let (x0, x1) = axisRange(finite.map { x[$0] })
    let (y0, y1) = axisRange(finite.map { y[$0] })
    let frame = Frame(x0: x0, x1: x1, y0: y0, y1: y1, width: width, height: height, ink: ink)

    let canvasRows = frame.plotRows(x: x, y: y, count: count)
    var yTicks: [Int: Double] = [:]
    for value in niceTicks(from: y0, to: y1) where yTicks[frame.row(of: value)] == nil { yTicks[frame.row(of: value)] = value }
    let tickRows = Set(yTicks.keys)
    let yLabels = (0..<height).map { yTicks[$0].map(TextBlock.number) ?? "" }
    let labelWidth = yLabels.map(\.count).max() ?? 0
    let ascii = ink.isASCII
    var lines: [String] = []
    for row in 0..<height {
      let label = String(repeating: " ", count: labelWidth - yLabels[row].count) + yLabels[row]
      let axis = tickRows.contains(row) ? (ascii ? "+" : "┤") : (ascii ? "|" : "│")
      var line = label + " " + axis
      switch ink {
      case .ascii:
        line += canvasRows[row]
      case .color(let depth):
        let dots = TextBlock.trimmingTrailingSpaces(canvasRows[row])
        var colored = ColoredLine(depth)
        colored.append(dots, foreground: curveColor)
        line += dots.isEmpty ? "" : colored.finished
      }
      lines.append(TextBlock.trimmingTrailingSpaces(line))
    }

    let ticks = niceTicks(from: x0, to: x1).map { (column: frame.column(of: $0), value: $0) }
    var axisLine = Array(repeating: Character(ascii ? "-" : "─"), count: width)
    for (column, _) in ticks { axisLine[column] = ascii ? "+" : "┬" }
    lines.append(String(repeating: " ", count: labelWidth + 1) + (ascii ? "+" : "└") + String(axisLine))
    lines.append(labelLine(ticks, offset: labelWidth + 2))

    var summary = "\(finite.count) point\(finite.count == 1 ? "" : "s")"
    if let last = finite.last { summary += ", last y = \(TextBlock.number(y[last]))" }
    lines.append(summary)
    let notes = finite.count < count ? ["\(count - finite.count) points are NaN or infinite and are left out"] : []
    let data: [(String, JSON)] = [
      ("x", .array(x.prefix(count).map(JSON.number))), ("y", .array(y.prefix(count).map(JSON.number))),
      ("x_range", .array([.number(x0), .number(x1)])), ("y_range", .array([.number(y0), .number(y1)])),
    ]
    return Picture(kind: kind, caption: caption, lines: lines, notes: notes, data: data)
  }

  /// The smallest and largest value, widened around a single value so that the axis has a length.
  static func axisRange(_ values: [Double]) -> (Double, Double) {
    guard let low = values.min(), let high = values.max() else { return (0, 1) }
    guard high > low else {
      let pad = low == 0 ? 1 : Swift.abs(low) * 0.1
      return (Swift.max(low - pad, -Double.greatestFiniteMagnitude), Swift.min(high + pad, Double.greatestFiniteMagnitude))
    }
    return (low, high)
  }

  /// Four to about ten round values inside [low, high]: the widest step of 1, 2 or 5 times
  /// a power of ten that still gives four ticks.
  static func niceTicks(from low: Double, to high: Double) -> [Double] {
    let span = high - low
    guard span > 0, span.isFinite else { return [low] }
    let magnitude = Foundation.pow(10, Foundation.log10(span / 4).rounded(.down))
    let steps = [0.1, 0.2, 0.5, 1, 2, 5, 10].map { $0 * magnitude }
    func ticks(_ step: Double) -> [Double] {
      var values: [Double] = []
      var k = (low / step).rounded(.up)
      while k * step <= high + step * 1e-9 && values.count < 40 {
        // k · step, not a running sum, and rounded to the step's digits: no 0.30000000000000004.
        let value = (k * step / (magnitude / 10)).rounded() * (magnitude / 10)
        values.append(value == 0 ? 0 : value)
        k += 1
      }
      return values
    }
    return steps.reversed().lazy.map(ticks).first { $0.count >= 4 } ?? ticks(steps[0])
  }

  /// The tick labels, each centred under its column, skipped where it would touch the one before.
  static func labelLine(_ ticks: [(column: Int, value: Double)], offset: Int) -> String {
    var line: [Character] = []
    for (column, value) in ticks {
      let text = Array(TextBlock.number(value))
      let start = Swift.max(offset + column - text.count / 2, 0)
      guard line.isEmpty || start > line.count else { continue }
      line += Array(repeating: " ", count: start - line.count) + text
    }
    return String(line)
  }

  /// Where values land: the plot's ranges and size, in cells (ASCII) or dots (braille).
  struct Frame {
    let x0: Double, x1: Double, y0: Double, y1: Double
    let width: Int, height: Int
    let ink: Ink

    /// The y a row's tick stands for: exactly y1 at the top and y0 at the bottom.
    func value(atRow row: Int) -> Double {
      interpolate(from: y1, to: y0, by: Double(row) / Double(height - 1))
    }

    /// The character column of `value` on the x axis.
    func column(of value: Double) -> Int {
      let fraction = unitFraction(value, from: x0, to: x1)
      guard ink.isASCII else { return clampedIndex((fraction * Double(2 * width - 1)).rounded(), 0...(2 * width - 1)) / 2 }
      return clampedIndex((fraction * Double(width - 1)).rounded(), 0...(width - 1))
    }

    /// The character row of `value` on the y axis (row 0 at the top).
    func row(of value: Double) -> Int {
      clampedIndex((unitFraction(value, from: y1, to: y0) * Double(height - 1)).rounded(), 0...(height - 1))
    }

    /// The plot area's rows: braille dots joined by lines, or `*` at each point.
    func plotRows(x: [Double], y: [Double], count: Int) -> [String] {
      switch ink {
      case .ascii:
        var grid = Array(repeating: Array(repeating: Character(" "), count: width), count: height)
        for i in 0..<count where x[i].isFinite && y[i].isFinite {
          let row = clampedIndex((unitFraction(y[i], from: y1, to: y0) * Double(height - 1)).rounded(), 0...(height - 1))
          grid[row][column(of: x[i])] = "*"
        }
        return grid.map { String($0) }
      case .color:
        var canvas = BrailleCanvas(columns: width, rows: height)
        func dot(_ i: Int) -> (x: Int, y: Int) {
          let dx = (unitFraction(x[i], from: x0, to: x1) * Double(canvas.dotColumns - 1)).rounded()
          let dy = (unitFraction(y[i], from: y1, to: y0) * Double(canvas.dotRows - 1)).rounded()
          return (clampedIndex(dx, 0...(canvas.dotColumns - 1)), clampedIndex(dy, 0...(canvas.dotRows - 1)))
        }
        var previous: (x: Int, y: Int)?
        for i in 0..<count {
          guard x[i].isFinite && y[i].isFinite else {
            previous = nil
            continue
          }
          let point = dot(i)
          if let previous { canvas.drawLine(from: previous, to: point) } else { canvas.set(x: point.x, y: point.y) }
          previous = point
        }
        return (0..<height).map(canvas.line)
      }
    }
  }
}
