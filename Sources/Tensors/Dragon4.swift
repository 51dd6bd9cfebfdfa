// Exact decimal digits of a double, as NumPy's dragon4.c produces them for printing.

/// Steele & White's digit generation ("Dragon4"), with the cutoffs NumPy gives it.
///
/// The double is held exactly as a ratio of big integers, `value / scale`, with the
/// half-gaps to its neighbours (`marginLow`, `marginHigh`) on the same scale. Each
/// step multiplies by 10 and takes the integer part as the next digit. Generation
/// stops at the `maximum` digit, or earlier once the remainder lies within a margin
/// of a digit boundary (so rounding here still reads back as the same double) and at
/// least `minimum` digits were produced. The last digit is rounded to the side the
/// margins allow, or to nearest (ties to even) when both or neither do.
enum Dragon4 {
  /// What `maximum` and `minimum` count: digits after the point, or all digits.
  enum Cutoff { case fraction, total }

  /// The digits of a positive finite `x` and the exponent of the first one.
  static func digits(_ x: Double, cutoff: Cutoff?, maximum: Int, minimum: Int?) -> ([UInt8], Int) {
    let bits = x.bitPattern
    let biased = Int(bits >> 52 & 0x7FF)
    let fraction = bits & (1 << 52 - 1)
    let significand = biased == 0 ? fraction : fraction | 1 << 52
    let power = biased == 0 ? -1074 : biased - 1075  // x = significand × 2^power
    // At a power of two the gap below is half the gap above.
    let unequalMargins = biased > 1 && fraction == 0
    let isEven = significand & 1 == 0

    // value / scale = x; marginLow / scale = half the gap below x.
    var value = BigUInt(significand)
    var scale = BigUInt(1)
    var marginLow = BigUInt(1)
    let extra = unequalMargins ? 2 : 1
    value.shiftLeft(extra + max(power, 0))
    scale.shiftLeft(extra + max(-power, 0))
    marginLow.shiftLeft(max(power, 0))

    // k with 10^(k-1) <= x < 10^k: estimate from the binary exponent (never too
    // high), scale by 10^k so that value / scale is in [0.1, 1), then correct.
    let topBit = 63 - significand.leadingZeroBitCount + power
    var k = Int((Double(topBit) * 0.30102999566398119521 - 0.69).rounded(.up))
    if k > 0 {
      scale.multiply(byPowerOfTen: k)
    } else {
      value.multiply(byPowerOfTen: -k)
      marginLow.multiply(byPowerOfTen: -k)
    }
    while value >= scale {
      scale.multiply(by: 10)
      k += 1
    }
    // Below the last fraction digit allowed, start there: the digits are zeros
    // until the rounding of that one.
    if cutoff == .fraction && k <= -maximum {
      scale.multiply(byPowerOfTen: -maximum + 1 - k)
      k = -maximum + 1
    }

    var last = Int.min  // exponent of the last digit allowed
    var earliestStop = k  // the stop test counts only from this exponent down
    switch cutoff {
    case .fraction?:
      last = -maximum
      if let minimum { earliestStop = min(k, -minimum) }
    case .total?:
      last = k - maximum
      if let minimum { earliestStop = min(k, k - minimum) }
    case nil:
      break
    }

    var digits: [UInt8] = []
    var exponent = k
    var digit: UInt8 = 0
    var low = false
    var high = false
    while true {
      value.multiply(by: 10)
      marginLow.multiply(by: 10)
      exponent -= 1
      digit = 0
      while value >= scale {
        value.subtract(scale)
        digit += 1
      }
      var marginHigh = marginLow
      if unequalMargins { marginHigh.shiftLeft(1) }
      let upper = value + marginHigh
      low = isEven ? value <= marginLow : value < marginLow
      high = isEven ? upper >= scale : upper > scale
      if ((low || high) && exponent <= earliestStop) || exponent == last { break }
      digits.append(digit)
    }

    var roundDown = low
    if low == high {
      value.shiftLeft(1)
      roundDown = value < scale || (value == scale && digit % 2 == 0)
    }
    var firstExponent = k - 1
    if roundDown || digit < 9 {
      digits.append(roundDown ? digit : digit + 1)
    } else {
      while digits.last == 9 { digits.removeLast() }
      if digits.isEmpty {
        digits = [1]
        firstExponent += 1
      } else {
        digits[digits.count - 1] += 1
      }
    }
    return (digits, firstExponent)
  }
}

/// An unsigned integer of any size in 32-bit limbs, least significant first, without
/// leading zero limbs: the arithmetic Dragon4 needs and no more.
struct BigUInt: Comparable {
  private var limbs: [UInt32]

  init(_ value: UInt64) {
    limbs = [UInt32(truncatingIfNeeded: value), UInt32(value >> 32)]
    trim()
  }

  mutating func multiply(by factor: UInt32) {
    var carry: UInt64 = 0
    for index in limbs.indices {
      let product = UInt64(limbs[index]) * UInt64(factor) + carry
      limbs[index] = UInt32(truncatingIfNeeded: product)
      carry = product >> 32
    }
    if carry > 0 { limbs.append(UInt32(carry)) }
  }

  mutating func multiply(byPowerOfTen count: Int) {
    var remaining = count
    while remaining > 0 {
      let step = min(remaining, 9)
      var factor: UInt32 = 1
      for _ in 0..<step { factor *= 10 }
      multiply(by: factor)
      remaining -= step
    }
  }

  mutating func shiftLeft(_ bitCount: Int) {
    guard !limbs.isEmpty && bitCount > 0 else { return }
    let bits = UInt32(bitCount % 32)
    if bits > 0 {
      var carry: UInt32 = 0
      for index in limbs.indices {
        let limb = limbs[index]
        limbs[index] = limb << bits | carry
        carry = limb >> (32 - bits)
      }
      if carry > 0 { limbs.append(carry) }
    }
    limbs.insert(contentsOf: repeatElement(0, count: bitCount / 32), at: 0)
  }

  /// `self -= other`, for `other <= self`.
  mutating func subtract(_ other: BigUInt) {
    var borrow: UInt32 = 0
    for index in limbs.indices {
      let (partial, overflow1) = limbs[index].subtractingReportingOverflow(
        index < other.limbs.count ? other.limbs[index] : 0)
      let (result, overflow2) = partial.subtractingReportingOverflow(borrow)
      limbs[index] = result
      borrow = overflow1 || overflow2 ? 1 : 0
    }
    trim()
  }

  static func + (lhs: BigUInt, rhs: BigUInt) -> BigUInt {
    var sum = BigUInt(0)
    sum.limbs = []
    var carry: UInt64 = 0
    for index in 0..<max(lhs.limbs.count, rhs.limbs.count) {
      let total =
        UInt64(index < lhs.limbs.count ? lhs.limbs[index] : 0)
        + UInt64(index < rhs.limbs.count ? rhs.limbs[index] : 0) + carry
      sum.limbs.append(UInt32(truncatingIfNeeded: total))
      carry = total >> 32
    }
    if carry > 0 { sum.limbs.append(UInt32(carry)) }
    return sum
  }

  static func < (lhs: BigUInt, rhs: BigUInt) -> Bool {
    if lhs.limbs.count != rhs.limbs.count { return lhs.limbs.count < rhs.limbs.count }
    for index in lhs.limbs.indices.reversed() where lhs.limbs[index] != rhs.limbs[index] {
      return lhs.limbs[index] < rhs.limbs[index]
    }
    return false
  }

  private mutating func trim() {
    while limbs.last == 0 { limbs.removeLast() }
  }
}
