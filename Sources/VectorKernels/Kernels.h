// The kernels' code, included by VectorKernels.c once per instruction set: NAME(f) gives
// each build's functions names of their own, and the file's pragma compiles them for it.

#define KERNEL static inline __attribute__((always_inline))

KERNEL Bits NAME(bits)(Lanes v) { return (Bits)v; }
KERNEL Lanes NAME(lanes)(Bits b) { return (Lanes)b; }
KERNEL Lanes NAME(splat)(double v) { return (Lanes)(v); }

/// `a` where `mask` holds, `b` elsewhere.
KERNEL Lanes NAME(choose)(Mask mask, Lanes a, Lanes b) {
  return NAME(lanes)((NAME(bits)(a) & (Bits)mask) | (NAME(bits)(b) & ~(Bits)mask));
}

/// 2^k for integral k in −1022...1023, built from the exponent field: the low bits of
/// k + 1.5·2^52 hold k; shifted to the exponent field and biased by 1023 (the bit pattern of
/// 1.0) they make the double 2^k.
KERNEL Lanes NAME(powerOfTwo)(Lanes k) {
  return NAME(lanes)((NAME(bits)(k + roundingShift) << 52) + NAME(bits)(NAME(splat)(1.0)));
}

// MARK: - exp

/// e^z = 2^k · (1 + m), with m = e^r − 1 for the reduced argument |r| ≤ ln2/2.
///
/// The reduction and the polynomial are FreeBSD's e_exp.c (fdlibm, Sun Microsystems):
/// k = round(z / ln2) and r = z − k·ln2 in two parts (Cody–Waite): ln2Hi has 32 significant
/// bits, so k·ln2Hi and hi = z − k·ln2Hi are exact, and lo = k·ln2Lo carries the rest of ln2.
/// On [−ln2/2, ln2/2], R(r) = r·(e^r + 1)/(e^r − 1) is approximated by 2 + r²·P(r²) (a Remez
/// fit, error below 2^−59); with c = r − r²·P(r²), e^r = 1 + r + r·c/(2 − c). Keeping hi and lo
/// apart in the last step keeps the rounding of r out of the leading terms.
///
/// Valid for |z| ≤ 746 (so k fits in −1077...1077); NaN propagates into m.
KERNEL void NAME(expReduced)(Lanes z, Lanes *k, Lanes *m) {
  const double inverseLn2 = 0x1.71547652b82fep0;  // 1/ln2
  const double ln2Hi = 0x1.62e42feep-1;  // ln2 to 32 bits
  const double ln2Lo = 0x1.a39ef35793c76p-33;  // ln2 − ln2Hi
  *k = (z * inverseLn2 + roundingShift) - roundingShift;
  Lanes hi = z - *k * ln2Hi;
  Lanes lo = *k * ln2Lo;
  Lanes r = hi - lo;
  Lanes r2 = r * r;
  Lanes p = r2 * 0x1.6376972bea4d0p-25 + -0x1.bbd41c5d26bf1p-20;
  p = r2 * p + 0x1.1566aaf25de2cp-14;
  p = r2 * p + -0x1.6c16c16bebd93p-9;
  p = r2 * p + 0x1.555555555553ep-3;
  Lanes c = r - r2 * p;
  *m = hi - (lo - (r * c) / (2 - c));
}

/// e^x for each lane.
///
/// Inputs are clamped to [−746, 710], where the result has already underflowed to 0 or
/// overflowed to infinity, so k stays small. 2^k is applied as two factors 2^⌊k/2⌉ and
/// 2^(k−⌊k/2⌉): each is a normal double for every k in range, the first product is exact, and
/// the second rounds once, correctly into the subnormals or up to infinity. exp(nan) = nan,
/// exp(0) = 1 exactly.
KERNEL Lanes NAME(expLanes)(Lanes x) {
  Lanes z = NAME(choose)(x > 710, NAME(splat)(710), x);
  z = NAME(choose)(z < -746, NAME(splat)(-746), z);
  Lanes k, m;
  NAME(expReduced)(z, &k, &m);
  Lanes half = (k * 0.5 + roundingShift) - roundingShift;
  return (1 + m) * NAME(powerOfTwo)(half) * NAME(powerOfTwo)(k - half);
}

// MARK: - tanh

/// |x|, by clearing the sign bit.
KERNEL Lanes NAME(magnitude)(Lanes x) { return NAME(lanes)(NAME(bits)(x) & ~signBit); }

/// y with the sign bit of x (y has its sign bit clear).
KERNEL Lanes NAME(withSign)(Lanes x, Lanes y) { return NAME(lanes)(NAME(bits)(y) | (NAME(bits)(x) & signBit)); }

/// tanh a for 0 ≤ a < 0.625: a + a³·P(a²)/Q(a²).
///
/// The rational function is Cephes' (tanh.c, S. L. Moshier, after Cody and Waite), accurate
/// to about 10^−18 on this range. The correction term is at most 13% of the result, so its
/// rounding errors are scaled down and the sum has no cancellation.
KERNEL Lanes NAME(tanhOfSmall)(Lanes a) {
  Lanes s = a * a;
  Lanes p = s * -9.64399179425052238628E-1 + -9.92877231001918586564E1;
  p = s * p + -1.61468768441708447952E3;
  Lanes q = s + 1.12811678491632931402E2;
  q = s * q + 2.23548839060100448583E3;
  q = s * q + 4.84406305325125486048E3;
  return a + a * (s * p / q);
}

/// tanh a for a ≥ 0.625 (and NaN): 1 − t with t = 2/(e^2a + 1).
///
/// With e^2a = 2^k(1 + m) from expReduced, the denominator d = (2^k + 1) + 2^k·m takes one
/// rounding, whose error δ is recovered exactly (Fast2Sum, as |2^k + 1| ≥ |2^k·m|) and put back
/// as the first-order term 2/(d + δ) ≈ t − t²·δ/2; the rounding of 1 − t is recovered the same
/// way. a is clamped to 22, beyond which t < 2^−61 and the result rounds to 1; so k ≤ 64 and
/// 2^k needs no splitting.
KERNEL Lanes NAME(tanhOfLarge)(Lanes a) {
  Lanes z = a + a;
  Lanes k, m;
  NAME(expReduced)(NAME(choose)(z > 44, NAME(splat)(44), z), &k, &m);
  Lanes scale = NAME(powerOfTwo)(k);
  Lanes head = scale + 1;  // exact while k ≤ 52; beyond, the result is 1 anyway
  Lanes tail = scale * m;
  Lanes d = head + tail;
  Lanes dError = tail - (d - head);
  Lanes t = 2 / d;
  Lanes w = 1 - t;
  Lanes wError = (1 - w) - t;
  return w + (wError + (t * t * 0.5) * dError);
}

/// tanh x for each lane. tanh is odd: the lanes compute tanh |x| and copy the sign of x back,
/// which keeps tanh(−0) = −0; tanh(±inf) = ±1, tanh(nan) = nan. When every lane is below
/// tanhSwitch the exponential form is skipped; that changes no lane's result, only the time.
KERNEL Lanes NAME(tanhLanes)(Lanes x) {
  Lanes a = NAME(magnitude)(x);
  Mask small = a < tanhSwitch;
  if (__builtin_reduce_and(small) != 0) return NAME(withSign)(x, NAME(tanhOfSmall)(a));
  return NAME(withSign)(x, NAME(choose)(small, NAME(tanhOfSmall)(a), NAME(tanhOfLarge)(a)));
}

// MARK: - Walking a buffer

/// Applies `kernel` to whole vectors of x, then to the tail padded with zeros. Each vector is
/// loaded before its results are stored, so y may alias x exactly.
#define FOR_EACH_VECTOR(kernel)                                            \
  ptrdiff_t whole = count - count % 8;                                     \
  for (ptrdiff_t i = 0; i < whole; i += 8) {                               \
    Lanes v;                                                               \
    __builtin_memcpy(&v, x + i, sizeof v);                                 \
    v = kernel(v);                                                         \
    __builtin_memcpy(y + i, &v, sizeof v);                                 \
  }                                                                        \
  if (whole < count) {                                                     \
    Lanes tail = (Lanes)(0.0);                                             \
    for (ptrdiff_t j = 0; j < count - whole; j++) tail[j] = x[whole + j];  \
    tail = kernel(tail);                                                   \
    for (ptrdiff_t j = 0; j < count - whole; j++) y[whole + j] = tail[j];  \
  }

void NAME(backstep_exp)(const double *x, double *y, ptrdiff_t count) { FOR_EACH_VECTOR(NAME(expLanes)) }
void NAME(backstep_tanh)(const double *x, double *y, ptrdiff_t count) { FOR_EACH_VECTOR(NAME(tanhLanes)) }

#undef FOR_EACH_VECTOR
#undef KERNEL
