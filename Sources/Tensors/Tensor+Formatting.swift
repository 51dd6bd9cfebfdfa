/// NumPy's printing of float64 arrays: `str(a)` under `np.array2string`'s defaults
/// (NumPy 2.x: `floatmode='maxprec'`, `suppress=False`, `sign='-'`).
///
/// Three steps, as in NumPy's `arrayprint.py`:
/// 1. **Summarize.** Above `threshold` elements, every axis longer than
///    `2 * edgeItems` keeps only its first and last `edgeItems` entries.
/// 2. **One format for all shown elements.** Scientific notation when the nonzero
///    finite magnitudes have `max >= 1e8`, `min < 1e-4` or `max / min > 1e3`,
///    otherwise positional. Each number gets its shortest round-trip digits, cut
///    (and rounded, ties to even) at `precision` digits after the point, trailing
///    zeros dropped; then every element is padded to the widest integer part and
///    the widest fraction, so the points line up: `[ 1.  -2.5]`. In scientific
///    notation every mantissa shows as many digits as the longest one.
/// 3. **Lay out.** Nested brackets, one space of indent per level, `rank - 1 - axis`
///    newlines between sub-blocks, and rows wrapped before `lineWidth`.

/// NumPy's print options that `Tensor.formatted(options:)` honours.
public struct FormatOptions: Sendable, Equatable {
  /// Most digits after the decimal point (of the mantissa, in scientific notation).
  public var precision: Int
  /// Above this many elements the tensor is summarized with `...`.
  public var threshold: Int
  /// Entries kept at each end of a summarized axis (at least 1 is used).
  public var edgeItems: Int
  /// Rows are wrapped so that lines stay within this many characters.
  public var lineWidth: Int

  /// NumPy's defaults: `precision=8, threshold=1000, edgeitems=3, linewidth=75`.
  public init(precision: Int = 8, threshold: Int = 1000, edgeItems: Int = 3, lineWidth: Int = 75) {
    self.precision = precision
    self.threshold = threshold
    self.edgeItems = edgeItems
    self.lineWidth = lineWidth
  }
}

extension Tensor: CustomStringConvertible {
  /// The tensor as NumPy's `str(a)` prints it, with the default options.
  public var description: String { formatted() }
}

extension Tensor {
  /// The tensor as NumPy's `str(a)` prints it: `[[1.  2.5]\n [3.  4. ]]`.
  ///
  /// A 0-d tensor prints as `formatScalar` does (NumPy ignores `precision` there),
  /// a tensor with no elements as `[]`. The shape is not printed.
  public func formatted(options: FormatOptions = .init()) -> String {
    if shape.isEmpty { return Tensor.formatScalar(scalars[0]) }
    if scalars.isEmpty { return "[]" }

    let edgeItems = max(options.edgeItems, 1)
    let summarize = scalars.count > options.threshold
    // Summarize first: a 1000 × 1000 tensor formats 36 numbers, not a million.
    let kept = shape.map { length in
      summarize && length > 2 * edgeItems
        ? Array(0..<edgeItems) + Array(length - edgeItems..<length)
        : Array(0..<length)
    }
    let layout = Layout(
      words: ElementFormat.words(gather(kept), precision: max(options.precision, 0)),
      shape: kept.map(\.count),
      summarized: kept.indices.map { kept[$0].count < shape[$0] },
      edgeItems: edgeItems)
    return layout.block(axis: 0, offset: 0, indent: " ", width: options.lineWidth)
  }

  /// One number as NumPy's `str(np.float64(x))` prints it: `2.0`, `0.1`, `1e-05`,
  /// `1.5e+16`, `nan`, `-inf`.
  ///
  /// Shortest round-trip digits; positional for `1e-4 <= |x| < 1e16` and for zero,
  /// scientific otherwise.
  public static func formatScalar(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    let sign = x.sign == .minus ? "-" : ""
    let digits = DecimalDigits(x.magnitude)
    if x.magnitude < 1e16 && (x.magnitude >= 1e-4 || x == 0) {
      let (whole, fraction) = digits.positionalParts()
      return sign + whole + "." + (fraction.isEmpty ? "0" : fraction)
    }
    let (lead, fraction, exponent) = digits.scientificParts(exponentDigits: 2)
    return sign + lead + (fraction.isEmpty ? "" : "." + fraction) + "e" + exponent
  }

  /// The elements at the cartesian product of `kept` indices, in row-major order.
  private func gather(_ kept: [[Int]]) -> [Double] {
    if kept.indices.allSatisfy({ kept[$0].count == shape[$0] }) { return scalars }
    let strides = self.strides
    var offsets = [0]
    for axis in kept.indices {
      offsets = offsets.flatMap { base in kept[axis].map { base + $0 * strides[axis] } }
    }
    return offsets.map { scalars[$0] }
  }
}

// MARK: - One format for every shown element

/// NumPy's `FloatingFormat` in `maxprec` mode: notation and widths shared by all elements.
enum ElementFormat {
  /// Every value formatted and padded to the common width.
  static func words(_ values: [Double], precision: Int) -> [String] {
    let magnitudes = values.filter { $0.isFinite && $0 != 0 }.map(\.magnitude)
    var scientific = false
    if let largest = magnitudes.max(), let smallest = magnitudes.min() {
      scientific = largest >= 1e8 || smallest < 1e-4 || largest / smallest > 1e3
    }

    // A finite value splits at its point: head (sign, integer part), tail (the rest).
    let split: (Double) -> (head: String, tail: String)
    if scientific {
      // A first pass finds the longest mantissa and exponent; then every mantissa
      // gets that many digits, from the exact value when its shortest form has
      // fewer (NumPy's `min_digits`): 5e-324 next to 1/3 is 4.94065646e-324.
      let alone = values.filter(\.isFinite).map {
        DecimalDigits($0.magnitude, significantDigits: precision + 1).scientificParts(
          exponentDigits: 2)
      }
      let mantissaDigits = alone.map(\.fraction.count).max() ?? 0
      let exponentDigits = alone.map { $0.exponent.count - 1 }.max() ?? 2
      split = { x in
        let digits = DecimalDigits(
          x.magnitude, significantDigits: mantissaDigits + 1, atLeast: mantissaDigits + 1)
        let (lead, fraction, exponent) = digits.scientificParts(exponentDigits: exponentDigits)
        let zeros = String(repeating: "0", count: mantissaDigits - fraction.count)
        return (sign(x) + lead, "." + fraction + zeros + "e" + exponent)
      }
    } else {
      split = { x in
        let (whole, fraction) = DecimalDigits(x.magnitude, fractionDigits: precision)
          .positionalParts()
        return (sign(x) + whole, "." + fraction)
      }
    }

    let parts = values.map { $0.isFinite ? split($0) : nil }
    var padLeft = parts.compactMap { $0?.head.count }.max() ?? 0
    let padRight = (parts.compactMap { $0?.tail.count }.max() ?? 1) - 1  // after the point
    if parts.contains(where: { $0 == nil }) {
      // nan and inf are right-aligned to the full width, widening it if they must.
      let negativeInfinity = values.contains(-.infinity) ? 1 : 0
      padLeft = max(padLeft, 3 + negativeInfinity - (padRight + 1))
    }
    return zip(values, parts).map { x, part in
      guard let (head, tail) = part else {
        let word = x.isNaN ? "nan" : x < 0 ? "-inf" : "inf"
        return spaces(padLeft + padRight + 1 - word.count) + word
      }
      return spaces(padLeft - head.count) + head + tail + spaces(padRight + 1 - tail.count)
    }
  }

  private static func sign(_ x: Double) -> String {
    x.sign == .minus ? "-" : ""
  }

  private static func spaces(_ count: Int) -> String {
    String(repeating: " ", count: max(count, 0))
  }
}

// MARK: - Brackets, indents and line wrapping

/// NumPy's `_formatArray` over already formatted words, stored row-major in `shape`.
private struct Layout {
  let words: [String]
  let shape: [Int]
  /// Axes that lost their middle, and so print `...` after `edgeItems` entries.
  let summarized: [Bool]
  let edgeItems: Int

  /// The block for the sub-tensor starting at `offset`, whose first line is already
  /// indented by `indent` and whose lines must stay within `width`.
  func block(axis: Int, offset: Int, indent: String, width: Int) -> String {
    let stride = shape[(axis + 1)...].reduce(1, *)
    let items = (0..<shape[axis]).map { offset + $0 * stride }
    let gap = summarized[axis] ? edgeItems : nil  // `...` goes before item `gap`
    var text = ""

    if axis == shape.count - 1 {
      // A row: words separated by one space, wrapped one column before `width`
      // to leave room for the closing bracket.
      var line = indent
      func append(_ word: String) {
        if line.utf8.count + word.utf8.count > width - 1 && line.utf8.count > indent.utf8.count {
          while line.last == " " { line.removeLast() }
          text += line + "\n"
          line = indent
        }
        line += word
      }
      for (position, item) in items.enumerated() {
        if position == gap {
          append("...")
          line += " "
        }
        append(words[item])
        if position < items.count - 1 { line += " " }
      }
      text += line
    } else {
      // Blocks of rank r are separated by r - 1 blank lines.
      let separator = String(repeating: "\n", count: shape.count - 1 - axis)
      for (position, item) in items.enumerated() {
        if position == gap { text += indent + "..." + separator }
        text += indent + block(axis: axis + 1, offset: item, indent: indent + " ", width: width - 1)
        if position < items.count - 1 { text += separator }
      }
    }
    return "[" + text.dropFirst(indent.count) + "]"
  }
}

// MARK: - Decimal digits

/// A finite magnitude rounded to decimal digits: `d₀.d₁d₂… × 10^exponent`, with no
/// leading or trailing zeros; zero has no digits.
struct DecimalDigits: Equatable {
  var digits: [UInt8]
  var exponent: Int

  /// The shortest digits that identify `magnitude` among doubles (Python's `repr`).
  init(_ magnitude: Double) {
    self.init(magnitude, cutoff: nil)
  }

  /// The shortest digits, but at most `fractionDigits` after the decimal point
  /// (then correctly rounded from the exact value).
  init(_ magnitude: Double, fractionDigits: Int) {
    self.init(magnitude, cutoff: .fraction, maximum: fractionDigits)
  }

  /// The shortest digits, but at most `significantDigits` and at least `atLeast`
  /// (the extra ones from the exact value).
  init(_ magnitude: Double, significantDigits: Int, atLeast: Int? = nil) {
    self.init(magnitude, cutoff: .total, maximum: significantDigits, minimum: atLeast)
  }

  private init(_ magnitude: Double, cutoff: Dragon4.Cutoff?, maximum: Int = 0, minimum: Int? = nil)
  {
    (digits, exponent) =
      magnitude == 0
      ? ([], 0) : Dragon4.digits(magnitude, cutoff: cutoff, maximum: maximum, minimum: minimum)
    while digits.last == 0 { digits.removeLast() }
    while digits.first == 0 {
      digits.removeFirst()
      exponent -= 1
    }
    if digits.isEmpty { exponent = 0 }
  }

  /// `("12", "5")` for 12.5, `("0", "005")` for 0.005, `("0", "")` for zero.
  func positionalParts() -> (whole: String, fraction: String) {
    let text = String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    if digits.isEmpty { return ("0", "") }
    if exponent < 0 {
      return ("0", String(repeating: "0", count: -exponent - 1) + text)
    }
    let wholeCount = exponent + 1
    let zeros = String(repeating: "0", count: max(wholeCount - text.count, 0))
    return (String(text.prefix(wholeCount)) + zeros, String(text.dropFirst(wholeCount)))
  }

  /// `("1", "25", "-05")` for 1.25e-05; the exponent has at least `exponentDigits` digits.
  func scientificParts(exponentDigits: Int) -> (lead: String, fraction: String, exponent: String) {
    let text = String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    let power = String(exponent.magnitude)
    let padded = String(repeating: "0", count: max(exponentDigits - power.count, 0)) + power
    return (
      digits.isEmpty ? "0" : String(text.prefix(1)), String(text.dropFirst()),
      (exponent < 0 ? "-" : "+") + padded
    )
  }
}
