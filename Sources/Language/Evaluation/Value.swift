import Autodiff
import Tensors

/// A value of the language: a tensor (numbers are 0-d tensors), a list not yet
/// made into a tensor, a string, a boolean, a tuple (shapes, axes, pairs of
/// results), `None` or a function.
public enum Value {
  case tensor(Variable)
  /// A list literal with non-literal elements (`[a, b]`): a tensor (stacked) where
  /// a tensor is needed, a list of tensors for `concat` and `stack`.
  case list([Value])
  case string(String)
  case bool(Bool)
  case tuple([Value])
  case none
  case function(Function)

  /// New data (a literal, `zeros(…)`, `randn(…)`): a constant until a name is bound
  /// to it, which makes it a leaf that gradients can be taken with respect to.
  static func leaf(_ tensor: Tensor) -> Value { .tensor(.constant(tensor)) }

  /// A number as a 0-d constant.
  static func number(_ x: Double) -> Value { .leaf(Tensor(x)) }

  /// What kind of value this is, for error messages: "a tensor of shape (2, 3)", "a string".
  public var kindDescription: String {
    switch self {
    case .tensor(let v): v.value.rank == 0 ? "a number" : "a tensor of shape \(Shape.text(v.shape))"
    case .list(let items): "a list of \(items.count)"
    case .string: "a string"
    case .bool: "a boolean"
    case .tuple(let items): "a tuple of \(items.count)"
    case .none: "None"
    case .function(let f): "the function \(f.name)"
    }
  }

  /// The source-like spelling of a value that is not a tensor: `(2, 5)`, `"bi->b"`, `true`.
  public var literalText: String {
    switch self {
    case .tensor(let v):
      if let x = v.value.scalar, v.value.rank == 0 {
        // Sizes and axes in tuples read as integers: (2, 5), not (2.0, 5.0).
        x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int(x)) : Tensor.formatScalar(x)
      } else {
        v.value.formatted()
      }
    case .list(let items): "[" + items.map(\.literalText).joined(separator: ", ") + "]"
    case .string(let s): "\"\(s)\""
    case .bool(let b): b ? "true" : "false"
    case .tuple(let items):
      items.count == 1 ? "(\(items[0].literalText),)" : "(" + items.map(\.literalText).joined(separator: ", ") + ")"
    case .none: "None"
    case .function(let f): "<function \(f.name)>"
    }
  }
}

/// A callable value: a built-in or a function defined in the session.
public final class Function {
  // A class: a call copies the function out of its value, and a reference is one retain
  // where the fields were two.
  /// The name it was defined or declared under.
  public let name: String
  /// The parameter names, for messages and `:help`.
  public let parameterNames: [String]
  let call: (inout CallArguments) throws(EvaluationError) -> Value

  init(name: String, parameterNames: [String], call: @escaping (inout CallArguments) throws(EvaluationError) -> Value) {
    self.name = name
    self.parameterNames = parameterNames
    self.call = call
  }
}
