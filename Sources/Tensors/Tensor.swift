/// An n-dimensional array of `Double`, stored row-major and contiguous.
///
/// `Tensor` is a value type: copies share storage until one of them is
/// written to (the copy-on-write of Swift's `Array`). A 0-d tensor (a scalar)
/// has `shape == []` and one element.
public struct Tensor: Sendable, Equatable {
  /// The length of each axis, outermost first.
  public let shape: [Int]
  /// The elements in row-major order; `scalars.count == shape.product`.
  public internal(set) var scalars: [Double]

  /// A tensor of `shape` holding `scalars` in row-major order.
  public init(shape: [Int], scalars: [Double]) throws(TensorError) {
    guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(shape) }
    let count = try Shape.elementCount(shape)
    guard count == scalars.count else {
      throw .elementCountMismatch(shape: shape, count: scalars.count)
    }
    self.shape = shape
    self.scalars = scalars
  }

  /// Builds a tensor whose element count is known to match `shape`.
  ///
  /// For code in this module that computed `scalars` from `shape` itself.
  init(uncheckedShape shape: [Int], scalars: [Double]) {
    self.shape = shape
    self.scalars = scalars
  }

  /// A 0-d tensor.
  public init(_ value: Double) {
    self.init(uncheckedShape: [], scalars: [value])
  }

  /// A 1-d tensor.
  public init(_ values: [Double]) {
    self.init(uncheckedShape: [values.count], scalars: values)
  }

  /// A 2-d tensor from its rows; throws when the rows differ in length.
  public init(rows: [[Double]]) throws(TensorError) {
    let width = rows.first?.count ?? 0
    guard rows.allSatisfy({ $0.count == width }) else {
      throw .ragged(depth: 1)
    }
    self.init(uncheckedShape: [rows.count, width], scalars: rows.flatMap { $0 })
  }

  /// A tensor of `shape` with every element equal to `value`.
  public init(repeating value: Double, shape: [Int]) throws(TensorError) {
    guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(shape) }
    let count = try Shape.elementCount(shape)
    self.init(uncheckedShape: shape, scalars: Array(repeating: value, count: count))
  }

  /// Zeros of `shape`.
  public static func zeros(_ shape: [Int]) throws(TensorError) -> Tensor {
    try Tensor(repeating: 0, shape: shape)
  }

  /// Number of axes.
  public var rank: Int { shape.count }
  /// Number of elements.
  public var count: Int { scalars.count }
  /// True for a tensor with one element, of any shape.
  public var isScalarLike: Bool { scalars.count == 1 }

  /// The single element of a tensor with one element, else `nil`.
  public var scalar: Double? { scalars.count == 1 ? scalars[0] : nil }

  /// The element at a row-major position (`0..<count`).
  public subscript(flat index: Int) -> Double {
    get { scalars[index] }
    set { scalars[index] = newValue }
  }

  /// Row-major strides, in elements.
  public var strides: [Int] { Shape.strides(shape) }
}

extension [Double] {
  /// `count` elements, every one written by `write` before the array is returned.
  ///
  /// `init(unsafeUninitializedCapacity:)` allocates through a generic function of the standard
  /// library that looks the buffer's type up at run time: some 300 instructions, more than a
  /// small tensor's arithmetic. A small array is instead written on the stack and copied into
  /// an array made from that buffer, which Swift compiles for `Double` (`make bench`, case 4;
  /// 16 elements: 52 ns the generic way, 41 appended to a reserved array, 32 this way).
  @inline(__always)
  static func written(count: Int, by write: (UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
    guard count <= 64 else {
      return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        write(buffer)
        initialized = count
      }
    }
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { buffer in
      write(buffer)
      return [Double](UnsafeBufferPointer(buffer))
    }
  }
}
