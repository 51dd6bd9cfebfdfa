import Foundation

// MARK: - Element-wise loops over contiguous buffers

extension Tensor {
  /// Applies `transform` to every element; it must be a pure function (large tensors are split
  /// across cores, sooner the more an element `cost`s: see ``mapRuns(cost:_:)``).
  @inline(__always)
  public func map(cost: Int = 1, _ transform: (Double) -> Double) -> Tensor {
    mapRuns(cost: cost) { x, out in
      for i in 0..<x.count { out[i] = transform(x[i]) }
    }
  }

  /// Applies `kernel` to runs of elements: it reads a run of this tensor's elements and writes
  /// the same run of the result (a vectorised kernel such as ``VectorMath/tanh(_:into:)``).
  /// Large tensors are split into runs handled on several cores; `cost` is an element's work
  /// relative to an arithmetic loop's (1 for `max(x, 0)`, more for an exponential).
  @inline(__always)
  public func mapRuns(
    cost: Int = 1, _ kernel: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
  ) -> Tensor {
    let count = scalars.count
    let result = [Double].written(count: count) { out in
      scalars.withUnsafeBufferPointer { x in
        Parallel.forEachChunk(of: count, cost: cost) { run in
          kernel(UnsafeBufferPointer(rebasing: x[run]), UnsafeMutableBufferPointer(rebasing: out[run]))
        }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }

  /// Combines two tensors element by element after broadcasting them (NumPy's rules).
  /// `combine` must be a pure function: large results are split across cores.
  public static func zip(
    _ lhs: Tensor, _ rhs: Tensor, _ combine: (Double, Double) -> Double
  ) throws(TensorError) -> Tensor {
    try withoutActuallyEscaping(combine) { (combine) throws(TensorError) in
      try zip(lhs, rhs, ElementClosure(body: combine))
    }
  }

  /// `zip` compiled for one element function: the operators' loops call it directly
  /// (and vectorise) even in the chunks that run on other cores.
  static func zip<Combine: ElementFunction>(
    _ lhs: Tensor, _ rhs: Tensor, _ combine: Combine
  ) throws(TensorError) -> Tensor {
    let shape = try Shape.broadcast(lhs.shape, rhs.shape)
    let count = try Shape.elementCount(shape)
    let result = [Double].written(count: count) { out in
      lhs.scalars.withUnsafeBufferPointer { a in
        rhs.scalars.withUnsafeBufferPointer { b in
          // An empty operand's buffer may have no address; the result is then empty too.
          guard let o = out.baseAddress, let x = a.baseAddress, let y = b.baseAddress else { return }
          if lhs.shape == rhs.shape {
            Parallel.forEachChunk(of: count) { run in
              let first = run.lowerBound
              combineRun(o + first, x + first, 1, y + first, 1, count: run.count, combine)
            }
          } else if b.count == 1 {
            Parallel.forEachChunk(of: count) { run in
              let first = run.lowerBound
              combineRun(o + first, x + first, 1, y, 0, count: run.count, combine)
            }
          } else if a.count == 1 {
            Parallel.forEachChunk(of: count) { run in
              let first = run.lowerBound
              combineRun(o + first, x, 0, y + first, 1, count: run.count, combine)
            }
          } else if b.count > 0, shape == lhs.shape, lhs.shape.suffix(rhs.shape.count).elementsEqual(rhs.shape) {
            // rhs repeats along lhs's leading axes (a bias row added to a batch): block by block.
            let block = b.count
            Parallel.forEachChunk(of: count / block, itemSize: block) { blocks in
              for start in blocks { combineRun(o + start * block, x + start * block, 1, y, 1, count: block, combine) }
            }
          } else if a.count > 0, shape == rhs.shape, rhs.shape.suffix(lhs.shape.count).elementsEqual(lhs.shape) {
            let block = a.count
            Parallel.forEachChunk(of: count / block, itemSize: block) { blocks in
              for start in blocks { combineRun(o + start * block, x, 1, y + start * block, 1, count: block, combine) }
            }
          } else {
            let loop = StridedLoop(shape: shape, operands: [lhs.shape, rhs.shape])
            // Each chunk walks its own rows of the output.
            Parallel.forEachChunk(of: loop.rowCount, itemSize: loop.rowLength) { rows in
              loop.forEachRow(in: rows) { output, bases, length, steps in
                combineRun(o + output, x + bases[0], steps[0], y + bases[1], steps[1], count: length, combine)
              }
            }
          }
        }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }

  /// One run of `zip`'s output: `out[k] = combine(x[k · xStep], y[k · yStep])` for k in
  /// 0..<count, as a loop the compiler can vectorise for each row shape broadcasting gives
  /// (a step of 0 repeats an operand's element). Through pointers: with buffer indices such
  /// as `out[start + k]`, each element's index was checked for overflow, and a bias row added
  /// to a batch took twice the time of a tensor times a number.
  @inline(__always)
  private static func combineRun<Combine: ElementFunction>(
    _ out: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, _ xStep: Int, _ y: UnsafePointer<Double>,
    _ yStep: Int, count: Int, _ combine: Combine
  ) {
    switch (xStep, yStep) {
    case (1, 1):
      for k in 0..<count { out[k] = combine(x[k], y[k]) }
    case (1, 0):
      let v = y.pointee
      for k in 0..<count { out[k] = combine(x[k], v) }
    case (0, 1):
      let u = x.pointee
      for k in 0..<count { out[k] = combine(u, y[k]) }
    default:
      for k in 0..<count { out[k] = combine(x[k * xStep], y[k * yStep]) }
    }
  }

  /// Selects from `lhs` where `condition` is nonzero and from `rhs` elsewhere, broadcasting all three.
  public static func select(
    _ condition: Tensor, _ lhs: Tensor, _ rhs: Tensor
  ) throws(TensorError) -> Tensor {
    let shape = try Shape.broadcast(Shape.broadcast(condition.shape, lhs.shape), rhs.shape)
    let count = try Shape.elementCount(shape)
    let loop = StridedLoop(shape: shape, operands: [condition.shape, lhs.shape, rhs.shape])
    let result = [Double].written(count: count) { out in
      condition.scalars.withUnsafeBufferPointer { c in
        lhs.scalars.withUnsafeBufferPointer { a in
          rhs.scalars.withUnsafeBufferPointer { b in
            loop.forEachRow { output, bases, length, steps in
              var ic = bases[0], ia = bases[1], ib = bases[2]
              for k in 0..<length {
                out[output + k] = c[ic] != 0 ? a[ia] : b[ib]
                ic += steps[0]
                ia += steps[1]
                ib += steps[2]
              }
            }
          }
        }
      }
    }
    return Tensor(uncheckedShape: shape, scalars: result)
  }
}

// MARK: - Operators

extension Tensor {
  public static func + (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor { try zip(lhs, rhs, ElementSum()) }
  public static func - (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor { try zip(lhs, rhs, ElementDifference()) }
  public static func * (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor { try zip(lhs, rhs, ElementProduct()) }
  public static func / (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor { try zip(lhs, rhs, ElementQuotient()) }
  /// `lhs % rhs` as Python and NumPy take it: the remainder has the divisor's sign (NaN for a zero divisor).
  public static func % (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor { try zip(lhs, rhs, ElementRemainder()) }
  /// `lhs // rhs` as Python and NumPy take it: the quotient that goes with `%`, so that
  /// `a == (a // b) * b + a % b` (1 // 0.1 is 9, not floor(1 / 0.1) = 10).
  public static func floorDivide(_ lhs: Tensor, _ rhs: Tensor) throws(TensorError) -> Tensor {
    try zip(lhs, rhs, ElementFloorQuotient())
  }
  public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

  /// NumPy's `maximum`: the larger of each pair, broadcasting; NaN where either is NaN.
  public static func maximum(_ lhs: Tensor, _ rhs: Tensor) throws(TensorError) -> Tensor { try zip(lhs, rhs, ElementMaximum()) }
  /// NumPy's `minimum`: the smaller of each pair, broadcasting; NaN where either is NaN.
  public static func minimum(_ lhs: Tensor, _ rhs: Tensor) throws(TensorError) -> Tensor { try zip(lhs, rhs, ElementMinimum()) }

  /// `lhs ** rhs`, element-wise with broadcasting.
  public static func power(_ lhs: Tensor, _ rhs: Tensor) throws(TensorError) -> Tensor {
    try zip(lhs, rhs) { x, y in
      y == 2 ? x * x : (y == 1 ? x : Foundation.pow(x, y))
    }
  }

  /// A comparison with a 0/1 result, element-wise with broadcasting.
  public static func compare(
    _ lhs: Tensor, _ rhs: Tensor, _ comparison: ElementComparison
  ) throws(TensorError) -> Tensor {
    // One specialised loop per comparison (a mask such as relu's `x > 0` is made every step).
    switch comparison {
    case .greater: try zip(lhs, rhs, ElementGreater())
    case .greaterEqual: try zip(lhs, rhs, ElementGreaterEqual())
    case .less: try zip(lhs, rhs, ElementLess())
    case .lessEqual: try zip(lhs, rhs, ElementLessEqual())
    case .equal: try zip(lhs, rhs, ElementEqual())
    case .notEqual: try zip(lhs, rhs, ElementNotEqual())
    }
  }
}

extension Tensor {
  /// `g * (1 - y * y)` in one pass: tanh's backward, from its output y.
  public static func tanhBackward(_ g: Tensor, _ y: Tensor) throws(TensorError) -> Tensor {
    try zip(g, y, TanhBackward())
  }

  /// `g * y * (1 - y)` in one pass: sigmoid's backward, from its output y.
  public static func sigmoidBackward(_ g: Tensor, _ y: Tensor) throws(TensorError) -> Tensor {
    try zip(g, y, SigmoidBackward())
  }

  /// `self - scale * other` in one pass (an optimizer step, as PyTorch's `add_(other, alpha=-scale)`),
  /// each element rounded as the product and the difference written out would round it.
  public func subtracting(_ other: Tensor, scaledBy scale: Double) throws(TensorError) -> Tensor {
    try Tensor.zip(self, other, ScaledDifference(scale: scale))
  }

  /// `g * (x > 0)` in one pass: relu's backward, from its input x.
  public static func reluBackward(_ g: Tensor, _ x: Tensor) throws(TensorError) -> Tensor {
    try zip(g, x, ReluBackward())
  }
}

/// The element-wise comparisons, each giving 1 where it holds and 0 elsewhere.
public enum ElementComparison: Sendable {
  case greater, greaterEqual, less, lessEqual, equal, notEqual
}

// MARK: - Element functions

/// A function of two elements, as a type: `zip` is compiled for each one, so that
/// its loops call the function directly, also inside chunks run on other cores.
protocol ElementFunction {
  func callAsFunction(_ x: Double, _ y: Double) -> Double
}

struct ElementSum: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x + y }
}

struct ElementDifference: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x - y }
}

struct ElementProduct: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x * y }
}

struct ElementRemainder: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double {
    // fmod is exact; moved into the divisor's sign, as Python's % and np.mod do (a zero too).
    let r = fmod(x, y)
    return r == 0 ? Foundation.copysign(0, y) : ((r < 0) != (y < 0) ? r + y : r)
  }
}

/// NumPy's floor_divide (npy_divmod): the quotient is computed from the exact remainder, then
/// rounded, so that it agrees with `%` where floor(x / y) would round x / y first.
struct ElementFloorQuotient: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double {
    guard y != 0 else { return x / y }
    var remainder = fmod(x, y)
    var quotient = (x - remainder) / y
    if remainder != 0, (y < 0) != (remainder < 0) {
      remainder += y
      quotient -= 1
    }
    guard quotient != 0 else { return Foundation.copysign(0, x / y) }
    var floored = quotient.rounded(.down)
    if quotient - floored > 0.5 { floored += 1 }
    return floored
  }
}

struct ElementMaximum: ElementFunction {
  // x when it is NaN; y when y is NaN (x > NaN is false).
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x > y || x.isNaN ? x : y }
}

struct ElementMinimum: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x < y || x.isNaN ? x : y }
}

struct ElementQuotient: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x / y }
}

struct ElementGreater: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x > y ? 1 : 0 }
}

struct ElementGreaterEqual: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x >= y ? 1 : 0 }
}

struct ElementLess: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x < y ? 1 : 0 }
}

struct ElementLessEqual: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x <= y ? 1 : 0 }
}

struct ElementEqual: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x == y ? 1 : 0 }
}

struct ElementNotEqual: ElementFunction {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x != y ? 1 : 0 }
}

struct TanhBackward: ElementFunction {
  @inline(__always) func callAsFunction(_ g: Double, _ y: Double) -> Double { g * (1 - y * y) }
}

struct SigmoidBackward: ElementFunction {
  @inline(__always) func callAsFunction(_ g: Double, _ y: Double) -> Double { g * y * (1 - y) }
}

struct ScaledDifference: ElementFunction {
  let scale: Double
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x - scale * y }
}

/// A product with the mask, not a choice of g or 0: `g * (x > 0)` keeps NaN·0 = NaN as written.
struct ReluBackward: ElementFunction {
  @inline(__always) func callAsFunction(_ g: Double, _ x: Double) -> Double { g * (x > 0 ? 1 : 0) }
}

/// Any other function of two elements, called through its closure.
struct ElementClosure: ElementFunction {
  let body: (Double, Double) -> Double
  func callAsFunction(_ x: Double, _ y: Double) -> Double { body(x, y) }
}

// MARK: - Broadcast iteration

/// Walks an output shape row by row (the last axis is the row), giving each
/// operand's starting offset and its step along the row.
///
/// Operands are given by their own shapes; they are broadcast against `shape`,
/// so a stretched axis has stride 0. Rows, not elements, cost a closure call.
struct StridedLoop {
  let shape: [Int]
  /// Per operand, the stride of each output axis in that operand's buffer (0 where broadcast).
  let strides: [[Int]]

  /// A loop over `shape` reading each operand through explicit per-axis strides.
  init(shape: [Int], strides: [[Int]]) {
    self.shape = shape
    self.strides = strides
  }

  /// A loop over `shape` reading operands of the given shapes, broadcast against it.
  init(shape: [Int], operands: [[Int]]) {
    self.shape = shape
    self.strides = operands.map { operand in
      let own = Shape.strides(operand)
      let lead = shape.count - operand.count
      return (0..<shape.count).map { axis in
        axis < lead || operand[axis - lead] == 1 ? 0 : own[axis - lead]
      }
    }
  }

  /// The length of a row: the last axis (1 for a 0-d shape).
  var rowLength: Int { shape.last ?? 1 }

  /// The number of rows: the product of the outer axes.
  var rowCount: Int { rowLength == 0 ? 0 : Shape.product(shape) / rowLength }

  /// Calls `body(outputOffset, operandOffsets, rowLength, operandSteps)` once per row.
  ///
  /// Inlined, so that the row loop of each caller is compiled with its element
  /// operation in place rather than called through a closure per element.
  @inline(__always)
  func forEachRow(_ body: (Int, [Int], Int, [Int]) -> Void) {
    forEachRow(in: 0..<rowCount, body)
  }

  /// Calls `body` for the rows `rows` only, in order (a chunk of a loop split across cores).
  @inline(__always)
  func forEachRow(in rows: Range<Int>, _ body: (Int, [Int], Int, [Int]) -> Void) {
    guard !rows.isEmpty else { return }
    let rank = shape.count
    let operands = strides.count
    guard rank > 0 else {
      body(0, [Int](repeating: 0, count: operands), 1, [Int](repeating: 0, count: operands))
      return
    }
    let length = shape[rank - 1]
    let steps = strides.map { $0[rank - 1] }
    // The odometer over the outer axes, and each operand's offset, at the first row.
    var index = [Int](repeating: 0, count: rank - 1)
    var bases = [Int](repeating: 0, count: operands)
    var remainder = rows.lowerBound
    for axis in stride(from: rank - 2, through: 0, by: -1) {
      index[axis] = remainder % shape[axis]
      remainder /= shape[axis]
      for o in 0..<operands { bases[o] += index[axis] * strides[o][axis] }
    }
    var output = rows.lowerBound * length
    for _ in rows {
      body(output, bases, length, steps)
      output += length
      // Advance the odometer over the outer axes, updating each operand's base.
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        for o in 0..<operands { bases[o] += strides[o][axis] }
        if index[axis] < shape[axis] { break }
        for o in 0..<operands { bases[o] -= strides[o][axis] * shape[axis] }
        index[axis] = 0
        axis -= 1
      }
    }
  }
}
