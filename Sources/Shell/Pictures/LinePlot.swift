import Language

/// A line plot with axes: braille dots (2×4 per character) joined by lines in colour,
/// `*` points with `|` and `-` axes in ASCII.
///
/// The top and bottom tick labels are the largest and smallest y; the first and last
/// x labels the smallest and largest x.
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
    let tickRows = Set((0...4).map { Int((Double($0 * (height - 1)) / 4).rounded()) })
    let yLabels = (0..<height).map { tickRows.contains($0) ? TextBlock.number(frame.value(atRow: $0)) : "" }
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

    let ticks = frame.xTicks(integral: finite.allSatisfy { x[$0] == x[$0].rounded() })
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

    /// Five ticks from x0 to x1 (whole numbers when the x values are), with their columns.
    func xTicks(integral: Bool) -> [(column: Int, value: Double)] {
      var ticks: [(column: Int, value: Double)] = []
      for k in 0...4 {
        var value = interpolate(from: x0, to: x1, by: Double(k) / 4)
        if integral { value = value.rounded() }
        guard value >= x0 - 1e-9 * Swift.abs(x0), value <= x1 + 1e-9 * Swift.abs(x1) else { continue }
        guard ticks.last.map({ $0.value != value }) ?? true else { continue }
        ticks.append((column(of: value), value))
      }
      return ticks
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
