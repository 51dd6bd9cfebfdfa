import Foundation

// Softmax and its relatives, computed stably: the largest value along the axes
// is subtracted before exponentiating, so exp never overflows.

extension Tensor {
  /// The reduced axes, normalized (all when `nil`).
  func normalizedAxes(_ axes: [Int]?) throws(TensorError) -> [Int] {
    guard let axes else { return Array(0..<rank) }
    return try Shape.normalize(axes: axes, rank: rank)
  }

  /// The shift and the sum of shifted exponentials along `axes`, kept as size-1 axes:
  /// m = max(x) (0 where it is infinite) and s = Σ exp(x - m).
  private func shiftedExponentials(_ axes: [Int]) throws(TensorError) -> (shift: Tensor, exponentials: Tensor, sum: Tensor) {
    let shift = try reduced(.max, axes: axes, keepDims: true).map { $0.isFinite ? $0 : 0 }
    let exponentials = try (self - shift).mapRuns(cost: VectorMath.cost.exp, VectorMath.exp)
    return (shift, exponentials, try exponentials.reduced(.sum, axes: axes, keepDims: true))
  }

  /// `log Σ exp(x)` over `axes` (all when `nil`), computed as m + log Σ exp(x - m).
  public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) throws(TensorError) -> Tensor {
    let reducedAxes = try normalizedAxes(axes)
    guard count > 0 else { return try reduced(.sum, axes: reducedAxes, keepDims: keepDims).map { _ in -.infinity } }
    let (shift, _, sum) = try shiftedExponentials(reducedAxes)
    let kept = try Tensor.zip(sum, shift) { Foundation.log($0) + $1 }
    return keepDims ? kept : try kept.reshaped(reduced(.sum, axes: reducedAxes).shape)
  }

  /// `exp(x) / Σ exp(x)` along `axes`: each slice along them sums to 1.
  public func softmax(axes: [Int]?) throws(TensorError) -> Tensor {
    let reducedAxes = try normalizedAxes(axes)
    guard count > 0 else { return self }
    let (_, exponentials, sum) = try shiftedExponentials(reducedAxes)
    return try exponentials / sum
  }

  /// `x - log Σ exp(x)` along `axes`: the logarithm of the softmax, without computing it.
  public func logSoftmax(axes: [Int]?) throws(TensorError) -> Tensor {
    let reducedAxes = try normalizedAxes(axes)
    guard count > 0 else { return self }
    let (shift, _, sum) = try shiftedExponentials(reducedAxes)
    return try self - Tensor.zip(sum, shift) { Foundation.log($0) + $1 }
  }
}
