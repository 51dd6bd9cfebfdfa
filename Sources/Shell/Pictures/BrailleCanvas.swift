/// A grid of braille characters used as a bitmap: each character cell holds 2×4 dots.
///
/// The dots of a cell and their bits in the character `U+2800 + bits` (Unicode's order):
/// ```
/// (0,0) 0x01   (1,0) 0x08
/// (0,1) 0x02   (1,1) 0x10
/// (0,2) 0x04   (1,2) 0x20
/// (0,3) 0x40   (1,3) 0x80
/// ```
struct BrailleCanvas: Equatable {
  /// Character cells across and down.
  let columns: Int
  let rows: Int
  /// The dot bits of each cell, row-major.
  private(set) var cells: [UInt8]

  init(columns: Int, rows: Int) {
    self.columns = Swift.max(columns, 0)
    self.rows = Swift.max(rows, 0)
    cells = Array(repeating: 0, count: self.columns * self.rows)
  }

  /// Dots across (two per cell) and down (four per cell).
  var dotColumns: Int { 2 * columns }
  var dotRows: Int { 4 * rows }

  /// The bit of dot (`dx`, `dy`) inside a cell, `dx` in 0...1 and `dy` in 0...3.
  static func bit(dx: Int, dy: Int) -> UInt8 {
    let left: [UInt8] = [0x01, 0x02, 0x04, 0x40]
    let right: [UInt8] = [0x08, 0x10, 0x20, 0x80]
    guard (0...1).contains(dx), (0...3).contains(dy) else { return 0 }
    return dx == 0 ? left[dy] : right[dy]
  }

  /// The braille character with these dots.
  static func character(_ bits: UInt8) -> Character {
    Character(Unicode.Scalar(0x2800 + UInt32(bits)) ?? " ")
  }

  /// Sets the dot at (`x`, `y`), counted from the top left; dots off the canvas are ignored.
  mutating func set(x: Int, y: Int) {
    guard x >= 0, y >= 0, x < dotColumns, y < dotRows else { return }
    cells[(y / 4) * columns + x / 2] |= Self.bit(dx: x % 2, dy: y % 4)
  }

  /// Whether the dot at (`x`, `y`) is set.
  func isSet(x: Int, y: Int) -> Bool {
    guard x >= 0, y >= 0, x < dotColumns, y < dotRows else { return false }
    return cells[(y / 4) * columns + x / 2] & Self.bit(dx: x % 2, dy: y % 4) != 0
  }

  /// Sets the dots of a straight line between two dots (Bresenham's, both ends included).
  mutating func drawLine(from start: (x: Int, y: Int), to end: (x: Int, y: Int)) {
    var (x, y) = start
    let (dx, dy) = (Swift.abs(end.x - x), -Swift.abs(end.y - y))
    let (stepX, stepY) = (x < end.x ? 1 : -1, y < end.y ? 1 : -1)
    var error = dx + dy
    while true {
      set(x: x, y: y)
      if x == end.x && y == end.y { return }
      let doubled = 2 * error
      if doubled >= dy {
        error += dy
        x += stepX
      }
      if doubled <= dx {
        error += dx
        y += stepY
      }
    }
  }

  /// One row of characters; cells without dots are spaces.
  func line(_ row: Int) -> String {
    guard row >= 0, row < rows else { return "" }
    return String((0..<columns).map { column in
      let bits = cells[row * columns + column]
      return bits == 0 ? " " : Self.character(bits)
    })
  }
}
