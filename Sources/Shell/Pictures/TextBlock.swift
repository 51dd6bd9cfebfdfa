import Foundation

/// Lines of text laid out on a terminal: widths that ignore colour escapes, and pictures side by side.
enum TextBlock {
  /// The columns `line` takes on screen: escape sequences (`ESC [ … m`) take none; every other
  /// character is taken as one column (true of the block, braille and box-drawing characters used here).
  static func displayWidth(_ line: String) -> Int {
    var width = 0
    var inEscape = false
    var afterEscape = false
    for scalar in line.unicodeScalars {
      if afterEscape {
        afterEscape = false
        inEscape = scalar == "["
        continue
      }
      if inEscape {
        // A control sequence ends with a byte in 0x40–0x7E (`m` for colours).
        if (0x40...0x7E).contains(scalar.value) { inEscape = false }
        continue
      }
      if scalar == "\u{1B}" {
        afterEscape = true
        continue
      }
      // Combining marks and zero-width joiners share the column before them.
      if scalar.properties.generalCategory == .nonspacingMark || scalar == "\u{200D}" { continue }
      width += 1
    }
    return width
  }

  /// `line` with spaces after it up to `width` display columns.
  static func padded(_ line: String, to width: Int) -> String {
    let missing = width - displayWidth(line)
    return missing > 0 ? line + String(repeating: " ", count: missing) : line
  }

  /// Blocks of lines next to each other, each padded to its own width, `gap` spaces apart;
  /// shorter blocks are filled with blank lines. The last block is not padded on the right.
  static func sideBySide(_ blocks: [[String]], gap: Int = 3) -> [String] {
    let height = blocks.map(\.count).max() ?? 0
    let widths = blocks.map { $0.map(displayWidth).max() ?? 0 }
    let spacer = String(repeating: " ", count: gap)
    return (0..<height).map { row in
      var line = ""
      for (index, block) in blocks.enumerated() {
        let cell = row < block.count ? block[row] : ""
        if index > 0 { line += spacer }
        line += index == blocks.count - 1 ? cell : padded(cell, to: widths[index])
      }
      return trimmingTrailingSpaces(line)
    }
  }

  /// The line without trailing spaces that carry nothing (after the last escape code).
  static func trimmingTrailingSpaces(_ line: String) -> String {
    var result = Substring(line)
    while result.last == " " { result = result.dropLast() }
    return String(result)
  }

  /// A number short enough for an axis or a scale: integers as integers, others with 3 significant digits.
  static func number(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == 0 { return "0" }
    if x == x.rounded(), Swift.abs(x) < 1e6 { return String(Int(x)) }
    return String(format: "%.3g", x)
  }
}
