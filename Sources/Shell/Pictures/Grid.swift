import Language

/// A matrix of numbers to draw, row-major, with the block averaging that makes a large one fit.
struct Grid: Sendable, Equatable {
  let rows: Int
  let columns: Int
  let values: [Double]

  /// A grid of `rows × columns` values; `values.count` must be `rows * columns` (else the grid is empty).
  init(rows: Int, columns: Int, values: [Double]) {
    let fits = rows >= 0 && columns >= 0 && values.count == rows * columns
    self.rows = fits ? rows : 0
    self.columns = fits ? columns : 0
    self.values = fits ? values : []
  }

  subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

  /// The smallest and largest finite values, or `nil` when there are none.
  var finiteRange: (min: Double, max: Double)? {
    let finite = values.filter(\.isFinite)
    guard let low = finite.min(), let high = finite.max() else { return nil }
    return (low, high)
  }

  /// How many values are NaN or infinite.
  var nonFiniteCount: Int { values.count { !$0.isFinite } }

  /// The grid as nested JSON arrays, one per row.
  var json: JSON {
    .array((0..<rows).map { row in .array((0..<columns).map { .number(self[row, $0]) }) })
  }

  /// The grid shrunk to at most `maxRows × maxColumns` by averaging blocks of
  /// `blockRows × blockColumns` values (the last block of a row or column may be smaller),
  /// with the block size; this grid and `(1, 1)` when it already fits.
  ///
  /// ```
  /// blockRows = ceil(rows / maxRows)    out[i, j] = mean of the block at (i·blockRows, j·blockColumns)
  /// ```
  func downsampled(maxRows: Int, maxColumns: Int) -> (grid: Grid, block: (rows: Int, columns: Int)) {
    let blockRows = Swift.max(1, (rows + Swift.max(maxRows, 1) - 1) / Swift.max(maxRows, 1))
    let blockColumns = Swift.max(1, (columns + Swift.max(maxColumns, 1) - 1) / Swift.max(maxColumns, 1))
    guard blockRows > 1 || blockColumns > 1 else { return (self, (1, 1)) }
    let outRows = (rows + blockRows - 1) / blockRows
    let outColumns = (columns + blockColumns - 1) / blockColumns
    var out: [Double] = []
    out.reserveCapacity(outRows * outColumns)
    for i in 0..<outRows {
      for j in 0..<outColumns {
        var sum = 0.0
        var count = 0
        for row in (i * blockRows)..<Swift.min((i + 1) * blockRows, rows) {
          for column in (j * blockColumns)..<Swift.min((j + 1) * blockColumns, columns) {
            sum += self[row, column]
            count += 1
          }
        }
        out.append(count > 0 ? sum / Double(count) : 0)
      }
    }
    return (Grid(rows: outRows, columns: outColumns, values: out), (blockRows, blockColumns))
  }

  /// The sentence that says a picture was shrunk, or `nil` when it was not.
  func downsamplingNote(to small: Grid, block: (rows: Int, columns: Int)) -> String? {
    guard block.rows > 1 || block.columns > 1 else { return nil }
    return "downsampled \(rows)×\(columns) → \(small.rows)×\(small.columns) (mean of \(block.rows)×\(block.columns) blocks)"
  }
}

/// `x` (already rounded or scaled as the caller wants) as an index within `bounds`: truncated,
/// clamped, and the lower bound for NaN, so that no value, however wild, can trap a conversion.
func clampedIndex(_ x: Double, _ bounds: ClosedRange<Int>) -> Int {
  guard !x.isNaN, x > Double(bounds.lowerBound) else { return bounds.lowerBound }
  guard x < Double(bounds.upperBound) else { return bounds.upperBound }
  return Swift.min(Swift.max(Int(x), bounds.lowerBound), bounds.upperBound)
}

/// Where `value` lies between `low` (0) and `high` (1), without overflowing when `high - low`
/// is beyond the largest Double (the range of ±1e308).
///
/// ```
/// (value - low) / (high - low)
/// ```
func unitFraction(_ value: Double, from low: Double, to high: Double) -> Double {
  let span = high - low
  if span.isFinite { return (value - low) / span }
  let scale = Swift.max(Swift.abs(low), Swift.abs(high))
  return (value / scale - low / scale) / (high / scale - low / scale)
}

/// The value a fraction `f` of the way from `low` to `high`, without overflowing.
func interpolate(from low: Double, to high: Double, by f: Double) -> Double {
  low * (1 - f) + high * f
}
