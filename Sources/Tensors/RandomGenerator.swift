import Foundation

/// A seeded pseudo-random generator that gives the same numbers on every machine.
///
/// xoshiro256** (Blackman and Vigna), its state filled from the seed by
/// SplitMix64. Uniform doubles take the top 53 bits; normal samples use the
/// Box–Muller transform (both values of each pair are used).
public struct RandomGenerator: RandomNumberGenerator, Sendable {
  private var state: (UInt64, UInt64, UInt64, UInt64)
  private var spareNormal: Double?

  public init(seed: UInt64) {
    var mix = seed
    func splitMix() -> UInt64 {
      mix &+= 0x9E37_79B9_7F4A_7C15
      var z = mix
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  public mutating func next() -> UInt64 {
    let result = rotate(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotate(state.3, 45)
    return result
  }

  private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// Uniform in [0, 1).
  public mutating func uniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// Standard normal.
  public mutating func normal() -> Double {
    if let spare = spareNormal {
      spareNormal = nil
      return spare
    }
    var u = uniform()
    while u == 0 { u = uniform() }
    let v = uniform()
    let radius = (-2 * Foundation.log(u)).squareRoot()
    spareNormal = radius * Foundation.sin(2 * .pi * v)
    return radius * Foundation.cos(2 * .pi * v)
  }

  /// A tensor of uniform [0, 1) samples.
  public mutating func uniform(_ shape: [Int]) throws(TensorError) -> Tensor {
    var tensor = try Tensor.zeros(shape)
    for i in tensor.scalars.indices { tensor.scalars[i] = uniform() }
    return tensor
  }

  /// A tensor of standard normal samples.
  public mutating func normal(_ shape: [Int]) throws(TensorError) -> Tensor {
    var tensor = try Tensor.zeros(shape)
    for i in tensor.scalars.indices { tensor.scalars[i] = normal() }
    return tensor
  }
}
