/// Element-wise kernels over contiguous buffers, vectorised; each agrees with glibc to a few ulp.
///
/// The kernels work on eight lanes at a time (`SIMD8<Double>`, four SSE2 registers) with
/// straight-line code: every lane computes every branch of the algorithm and masks pick the
/// answer (tanh skips its exponential branch when no lane needs it), so an element's result
/// never depends on its neighbours or on its position in the buffer. The tail of a buffer is
/// padded into one more vector and goes through the same code. Nothing needs more than SSE2:
/// rounding to an integer, `2ᵏ` and the sign are bit tricks.
///
/// Measured against `Float80` references, `exp` and `tanh` are within 0.9 ulp of the exact
/// result (glibc's `exp` is within 0.51 ulp; its `tanh` is off by up to 2.2 ulp).
public enum VectorMath {
  /// `y[i] = exp(x[i])`; `x` and `y` have the same count and may be the same memory.
  ///
  /// Overflows to `+inf` above 709.782712893384, underflows through the subnormals to 0
  /// below −745.1332191019411, and `exp(nan) = nan`, `exp(0) = 1` exactly.
  public static func exp(
    _ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>
  ) {
    forEachVector(of: x, into: y) { exp($0) }
  }

  /// `y[i] = tanh(x[i])`; `x` and `y` have the same count and may be the same memory.
  ///
  /// Odd, so `tanh(−0) = −0`; `tanh(±inf) = ±1` and `tanh(nan) = nan`.
  public static func tanh(
    _ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>
  ) {
    forEachVector(of: x, into: y) { tanh($0) }
  }
}

// MARK: - Walking a buffer

extension VectorMath {
  typealias Lanes = SIMD8<Double>
  typealias Bits = SIMD8<UInt64>

  /// Applies `kernel` to whole vectors of `x`, then to the tail padded with zeros.
  ///
  /// Each vector is loaded before its results are stored, so `y` may alias `x` exactly.
  @inline(__always)
  static func forEachVector(
    of x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>,
    _ kernel: (Lanes) -> Lanes
  ) {
    precondition(x.count == y.count, "VectorMath: \(x.count) inputs but \(y.count) outputs")
    guard let source = x.baseAddress, let target = y.baseAddress else { return }
    let width = Lanes.scalarCount
    let whole = x.count - x.count % width
    var i = 0
    while i < whole {
      let lanes = UnsafeRawPointer(source + i).loadUnaligned(as: Lanes.self)
      UnsafeMutableRawPointer(target + i).storeBytes(of: kernel(lanes), as: Lanes.self)
      i += width
    }
    guard whole < x.count else { return }
    var tail = Lanes()
    for j in 0..<(x.count - whole) { tail[j] = source[whole + j] }
    let result = kernel(tail)
    for j in 0..<(x.count - whole) { target[whole + j] = result[j] }
  }

  @inline(__always) static func bits(_ v: Lanes) -> Bits { unsafeBitCast(v, to: Bits.self) }
  @inline(__always) static func lanes(_ b: Bits) -> Lanes { unsafeBitCast(b, to: Lanes.self) }

  /// `1.5 · 2⁵²`: adding it rounds a double with |v| < 2⁵¹ to the nearest integer (ties to
  /// even), and leaves that integer in the low bits of the sum. SSE2 has no `roundpd`, and
  /// Swift's `rounded()` on vectors would call `rint` once per lane.
  static var roundingShift: Double { 0x1.8p52 }

  /// `2ᵏ` for integral `k` in −1022...1023, built from the exponent field.
  @inline(__always)
  static func powerOfTwo(_ k: Lanes) -> Lanes {
    // The low bits of k + 1.5·2⁵² hold k; shifted to the exponent field and biased by 1023
    // (the bit pattern of 1.0) they make the double 2ᵏ.
    lanes((bits(k + roundingShift) &<< 52) &+ bits(Lanes(repeating: 1)))
  }
}

// MARK: - exp

extension VectorMath {
  /// `e^z = 2ᵏ · (1 + m)`, with `m = e^r − 1` for the reduced argument `|r| ≤ ln2/2`.
  ///
  /// The reduction and the polynomial are FreeBSD's `e_exp.c` (fdlibm, Sun Microsystems):
  /// `k = round(z / ln2)` and `r = z − k·ln2` in two parts (Cody–Waite): `ln2Hi` has 32
  /// significant bits, so `k·ln2Hi` and `hi = z − k·ln2Hi` are exact, and `lo = k·ln2Lo`
  /// carries the rest of ln2. On `[−ln2/2, ln2/2]`, `R(r) = r·(eʳ + 1)/(eʳ − 1)` is
  /// approximated by `2 + r²·P(r²)` (a Remez fit, error below 2⁻⁵⁹); with `c = r − r²·P(r²)`,
  /// `eʳ = 1 + r + r·c/(2 − c)`. Keeping `hi` and `lo` apart in the last step keeps the
  /// rounding of `r` out of the leading terms.
  ///
  /// Valid for |z| ≤ 746 (so `k` fits in −1077...1077); NaN propagates into `m`.
  @inline(__always)
  static func expReduced(_ z: Lanes) -> (k: Lanes, m: Lanes) {
    let inverseLn2 = 0x1.71547652b82fep0  // 1/ln2
    let ln2Hi = 0x1.62e42feep-1  // ln2 to 32 bits
    let ln2Lo = 0x1.a39ef35793c76p-33  // ln2 − ln2Hi
    let k = (z * inverseLn2 + roundingShift) - roundingShift
    let hi = z - k * ln2Hi
    let lo = k * ln2Lo
    let r = hi - lo
    let r2 = r * r
    var p = r2 * 0x1.6376972bea4d0p-25 + -0x1.bbd41c5d26bf1p-20
    p = r2 * p + 0x1.1566aaf25de2cp-14
    p = r2 * p + -0x1.6c16c16bebd93p-9
    p = r2 * p + 0x1.555555555553ep-3
    let c = r - r2 * p
    let m = hi - (lo - (r * c) / (2 - c))
    return (k, m)
  }

  /// `eˣ` for each lane.
  ///
  /// Inputs are clamped to [−746, 710], where the result has already underflowed to 0 or
  /// overflowed to infinity, so `k` stays small. `2ᵏ` is applied as two factors `2^⌊k/2⌉`
  /// and `2^(k−⌊k/2⌉)`: each is a normal double for every `k` in range, the first product is
  /// exact, and the second rounds once, correctly into the subnormals or up to infinity.
  @inline(__always)
  static func exp(_ x: Lanes) -> Lanes {
    var z = x.replacing(with: 710, where: x .> 710)
    z = z.replacing(with: -746, where: z .< -746)
    let (k, m) = expReduced(z)
    let half = (k * 0.5 + roundingShift) - roundingShift
    return (1 + m) * powerOfTwo(half) * powerOfTwo(k - half)
  }
}

// MARK: - tanh

extension VectorMath {
  /// Below this |x| tanh uses its rational form; at and above, `1 − 2/(e²ˣ + 1)`.
  ///
  /// Cephes' choice. It lies above ln3/2 ≈ 0.549, where tanh = ½: the exponential form
  /// computes `1 − t` with `t = 2/(e²ˣ + 1) < ½ ≤ tanh x`, so an ulp of `t` is at most half
  /// an ulp of the result, and less as |x| grows.
  static var tanhSwitch: Double { 0.625 }

  /// `tanh x` for each lane.
  ///
  /// tanh is odd: the lanes compute `tanh |x|` and copy the sign of `x` back, which keeps
  /// `tanh(−0) = −0`. When every lane is below `tanhSwitch` the exponential form is skipped;
  /// that changes no lane's result, only the time taken.
  @inline(__always)
  static func tanh(_ x: Lanes) -> Lanes {
    all(magnitude(x) .< tanhSwitch) ? tanhNearZero(x) : tanhAnywhere(x)
  }

  // The two are kept out of line so that LLVM vectorises each on its own: inlined into one
  // loop body, its SLP vectoriser left some lanes of the rational form as scalar code.

  /// `tanh x` for lanes with |x| < 0.625.
  @inline(never)
  static func tanhNearZero(_ x: Lanes) -> Lanes {
    withSign(of: x, tanhOfSmall(magnitude(x)))
  }

  /// `tanh x` for lanes of any value, each taking the form its magnitude calls for.
  @inline(never)
  static func tanhAnywhere(_ x: Lanes) -> Lanes {
    let a = magnitude(x)
    let y = tanhOfLarge(a).replacing(with: tanhOfSmall(a), where: a .< tanhSwitch)
    return withSign(of: x, y)
  }

  /// `tanh a` for 0 ≤ a < 0.625: `a + a³·P(a²)/Q(a²)`.
  ///
  /// The rational function is Cephes' (`tanh.c`, S. L. Moshier, after Cody and Waite),
  /// accurate to about 10⁻¹⁸ on this range. The correction term is at most 13% of the
  /// result, so its rounding errors are scaled down and the sum has no cancellation.
  @inline(__always)
  static func tanhOfSmall(_ a: Lanes) -> Lanes {
    let s = a * a
    var p = s * -9.64399179425052238628E-1 + -9.92877231001918586564E1
    p = s * p + -1.61468768441708447952E3
    var q = s + 1.12811678491632931402E2
    q = s * q + 2.23548839060100448583E3
    q = s * q + 4.84406305325125486048E3
    return a + a * (s * p / q)
  }

  /// `tanh a` for a ≥ 0.625 (and NaN): `1 − t` with `t = 2/(e²ᵃ + 1)`.
  ///
  /// With `e²ᵃ = 2ᵏ(1 + m)` from `expReduced`, the denominator `d = (2ᵏ + 1) + 2ᵏ·m` takes
  /// one rounding, whose error `δ` is recovered exactly (Fast2Sum, as `|2ᵏ + 1| ≥ |2ᵏ·m|`)
  /// and put back as the first-order term `2/(d + δ) ≈ t − t²·δ/2`; the rounding of `1 − t`
  /// is recovered the same way. `a` is clamped to 22, beyond which `t < 2⁻⁶¹` and the result
  /// rounds to 1; so `k ≤ 64` and `2ᵏ` needs no splitting.
  @inline(__always)
  static func tanhOfLarge(_ a: Lanes) -> Lanes {
    let z = a + a
    let (k, m) = expReduced(z.replacing(with: 44, where: z .> 44))
    let scale = powerOfTwo(k)
    let head = scale + 1  // exact while k ≤ 52; beyond, the result is 1 anyway
    let tail = scale * m
    let d = head + tail
    let dError = tail - (d - head)
    let t = 2 / d
    let w = 1 - t
    let wError = (1 - w) - t
    return w + (wError + (t * t * 0.5) * dError)
  }

  /// `|x|`, by clearing the sign bit.
  @inline(__always)
  static func magnitude(_ x: Lanes) -> Lanes {
    lanes(bits(x) & ~signBit)
  }

  /// `y` with the sign bit of `x` (`y` has its sign bit clear).
  @inline(__always)
  static func withSign(of x: Lanes, _ y: Lanes) -> Lanes {
    lanes(bits(y) | (bits(x) & signBit))
  }

  static var signBit: Bits { Bits(repeating: 1 << 63) }
}
