/// Operands whose shapes do not fit an operation with several size constraints
/// (a convolution, a warp), with a message that names the shapes.
///
/// The language checks its arguments with the same validation and shows `message`.
/// Rule forwards must throw a `TensorError`; they throw `fallback`, the nearest
/// existing case (`TensorError` has no case for an operation's own geometry).
public struct OperandError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What went wrong, naming the operation and the shapes.
  public let message: String
  /// The `TensorError` thrown where only a `TensorError` can be.
  public let fallback: TensorError

  public init(_ message: String, fallback: TensorError) {
    self.message = message
    self.fallback = fallback
  }

  public var description: String { message }

  /// An operand of the wrong rank: "conv2d needs x of shape (N, C, H, W), got (3, 4)".
  public static func rank(_ operation: String, _ name: String, _ shape: [Int], layout: String) -> OperandError {
    OperandError(
      "\(operation) needs \(name) of shape \(layout), got \(Shape.text(shape))",
      fallback: .rankTooLow(operation: operation, shape: shape, minimum: layout.split(separator: ",").count))
  }
}

extension OperandError {
  /// Runs a validation inside a function that may only throw `TensorError`.
  public static func checking<T>(_ body: () throws(OperandError) -> T) throws(TensorError) -> T {
    do {
      return try body()
    } catch {
      throw error.fallback
    }
  }
}
