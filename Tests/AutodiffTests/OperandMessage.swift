import Tensors

/// The message of the shape check `body`, or "" when it passes.
func operandMessage<T>(_ body: () throws(OperandError) -> T) -> String {
  do {
    _ = try body()
    return ""
  } catch {
    return error.message
  }
}
