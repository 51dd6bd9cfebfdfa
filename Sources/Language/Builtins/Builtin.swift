import Autodiff
import Tensors

/// A function the language provides, declared once: its name, parameters,
/// one-line summary and body. `:help NAME` and docs/language.md are read from
/// this table, so they list exactly what the evaluator accepts.
public struct Builtin: Sendable {
  /// What a parameter accepts.
  public enum Kind: Sendable {
    /// A tensor (numbers, lists and tuples of numbers are converted).
    case tensor
    /// An integer.
    case integer
    /// A number.
    case number
    /// One axis or a tuple/list of axes; `None` for all.
    case axes
    /// A shape: a tuple/list of sizes, or the sizes as separate arguments (variadic).
    case shape
    /// `true` or `false`.
    case bool
    /// A string.
    case string
    /// A list or tuple of tensors.
    case tensors
    /// Anything (checked by the body).
    case any
  }

  /// One parameter: its name, what it accepts, and its default (as source text) if it is optional.
  public struct Parameter: Sendable {
    public let name: String
    public let kind: Kind
    /// The default as it reads in a signature (`None`, `false`, `0`); `nil` for a required parameter.
    public let defaultText: String?
    /// Collects all remaining positional arguments (`zeros(2, 3)`).
    public let isVariadic: Bool

    public init(_ name: String, _ kind: Kind, default defaultText: String? = nil, variadic: Bool = false) {
      self.name = name
      self.kind = kind
      self.defaultText = defaultText
      self.isVariadic = variadic
    }
  }

  /// How `:help` groups the built-ins.
  public enum Category: String, CaseIterable, Sendable {
    case creation = "Creating tensors"
    case arithmetic = "Element-wise functions"
    case reduction = "Reductions"
    case linearAlgebra = "Products and contractions"
    case shape = "Shapes"
    case selection = "Selection and joining"
    case layers = "Network layers"
    case gradient = "Gradients"
    case random = "Random numbers"
    case files = "Files"
    case output = "Showing values"
  }

  public let name: String
  public let parameters: [Parameter]
  public let summary: String
  public let category: Category
  /// A statement that shows the built-in in use, checked by the tests.
  public let example: String
  /// Rules this built-in applies, for `:help` to point at `:explain`.
  public let rules: [String]
  let body: @Sendable (inout CallArguments) throws(EvaluationError) -> Value

  init(
    _ name: String, _ parameters: [Parameter], _ category: Category, rules: [String] = [],
    summary: String, example: String,
    body: @escaping @Sendable (inout CallArguments) throws(EvaluationError) -> Value
  ) {
    self.name = name
    self.parameters = parameters
    self.category = category
    self.rules = rules
    self.summary = summary
    self.example = example
    self.body = body
  }

  /// `sum(x, axis=None, keepdims=false)`.
  public var signature: String {
    let list = parameters.map { p in
      p.isVariadic ? "*\(p.name)" : p.defaultText.map { "\(p.name)=\($0)" } ?? p.name
    }
    return "\(name)(\(list.joined(separator: ", ")))"
  }

  /// The built-in as a callable value.
  var function: Function {
    Function(name: name, parameterNames: parameters.map(\.name)) { (arguments: inout CallArguments) throws(EvaluationError) in
      try arguments.bind(to: self)
      return try body(&arguments)
    }
  }
}
