import Foundation

/// One row of the table: a case, both medians, and how it stands against its target.
struct Row {
  let number: String
  let name: String
  let size: String
  /// Backstep's median, already in the row's unit.
  let backstep: Measure
  let numpy: Measure?
  /// Backstep's time over NumPy's, as the median of the repeats' own ratios when both were
  /// timed in turn within each repeat; else the ratio of the two medians.
  var pairedRatio: Double? = nil
  /// The fraction of the machine's measured dgemm rate the case reached (matrix products only).
  var dgemmFraction: Double? = nil
  /// The target in words, and whether it was met (`nil`: no target).
  var target: String = ""
  var met: Bool? = nil

  var ratio: Double? { pairedRatio ?? numpy.map { backstep.value / $0.value } }
}

/// A median with its unit, printed at a readable scale.
struct Measure {
  enum Unit { case seconds, secondsPerStatement }
  let value: Double
  let unit: Unit

  var text: String {
    switch unit {
    case .seconds: Self.duration(value)
    case .secondsPerStatement: Self.duration(value) + "/stmt"
    }
  }

  static func duration(_ seconds: Double) -> String {
    if seconds.isNaN { return "—" }
    if seconds < 1e-3 { return String(format: "%.2f µs", seconds * 1e6) }
    if seconds < 1 { return String(format: "%.1f ms", seconds * 1e3) }
    return String(format: "%.2f s", seconds)
  }
}

/// Renders rows as a Markdown table (readable as plain text too).
func renderTable(_ rows: [Row]) -> String {
  let header = ["#", "case", "size", "Backstep", "NumPy", "ratio", "of dgemm", "target", "met"]
  let cells = rows.map { row in
    [
      row.number, row.name, row.size, row.backstep.text, row.numpy?.text ?? "—",
      row.ratio.map { String(format: "%.2f×", $0) } ?? "—",
      row.dgemmFraction.map { String(format: "%.0f%%", $0 * 100) } ?? "—",
      row.target, row.met.map { $0 ? "yes" : "**no**" } ?? "—",
    ]
  }
  let widths = header.indices.map { column in
    ([header] + cells).map { $0[column].count }.max() ?? 0
  }
  func line(_ values: [String]) -> String {
    "| " + values.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
      .joined(separator: " | ") + " |"
  }
  let rule = "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
  return ([line(header), rule] + cells.map(line)).joined(separator: "\n")
}
