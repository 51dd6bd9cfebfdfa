extension Tensor {
  /// Ones with the shape of `other`.
  public static func ones(like other: Tensor) -> Tensor {
    Tensor(uncheckedShape: other.shape, scalars: Array(repeating: 1, count: other.count))
  }

  /// Zeros with the shape of `other`.
  public static func zeros(like other: Tensor) -> Tensor {
    Tensor(uncheckedShape: other.shape, scalars: Array(repeating: 0, count: other.count))
  }

  /// The `n`×`m` identity-like matrix (ones on the diagonal shifted by `k`), as NumPy's `eye`.
  public static func eye(_ n: Int, _ m: Int? = nil, k: Int = 0) throws(TensorError) -> Tensor {
    let cols = m ?? n
    var result = try Tensor.zeros([n, cols])
    for row in 0..<n where row + k >= 0 && row + k < cols {
      result.scalars[row * cols + row + k] = 1
    }
    return result
  }

  /// `start, start+step, …` up to but excluding `stop`, as NumPy's `arange`.
  public static func arange(_ start: Double, _ stop: Double, step: Double = 1) throws(TensorError) -> Tensor {
    guard step != 0 else { throw .zeroStep }
    let length = ((stop - start) / step).rounded(.up)
    guard length.isFinite else { throw .negativeDimension([]) }
    let count = Swift.max(0, Int(Swift.min(length, 1e15)))
    _ = try Shape.elementCount([count])
    return Tensor((0..<count).map { start + Double($0) * step })
  }

  /// `count` evenly spaced numbers from `start` to `stop` inclusive, as NumPy's `linspace`.
  public static func linspace(_ start: Double, _ stop: Double, count: Int) throws(TensorError) -> Tensor {
    guard count >= 0 else { throw .negativeDimension([count]) }
    _ = try Shape.elementCount([count])
    if count == 1 { return Tensor([start]) }
    let step = (stop - start) / Double(count - 1)
    return Tensor((0..<count).map { $0 == count - 1 ? stop : start + Double($0) * step })
  }
}
