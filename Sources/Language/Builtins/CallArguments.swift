import Autodiff
import Tensors

/// The arguments of one call, bound to a built-in's parameters, with typed accessors
/// whose errors point at the offending argument.
public struct CallArguments {
  /// One argument as written: its keyword (if any), value and position.
  struct Argument {
    let label: String?
    let value: Value
    let range: SourceRange
  }

  let callee: String
  let callRange: SourceRange
  let given: [Argument]
  /// The interpreter making the call: random numbers, gradient notes, user functions.
  let interpreter: Interpreter
  /// The parameters of the built-in the arguments were bound to.
  private var parameters: [Builtin.Parameter] = []
  /// How many of `given` (all positional, they come first) are bound to `parameters` by position.
  private var positionallyBound = 0
  /// The positional arguments the variadic parameter collected.
  private var variadic: ArraySlice<Argument> = []

  init(callee: String, callRange: SourceRange, given: [Argument], interpreter: Interpreter) {
    self.callee = callee
    self.callRange = callRange
    self.given = given
    self.interpreter = interpreter
  }

  /// Matches positional and keyword arguments to the parameters, Python's way: the i-th
  /// positional argument binds the i-th parameter, up to a variadic one, which takes the rest.
  /// Nothing is copied: an argument is found again from its position or keyword when asked for.
  mutating func bind(to builtin: Builtin) throws(EvaluationError) {
    parameters = builtin.parameters
    let positional = given.prefix { $0.label == nil }.count
    let variadicStart = parameters.firstIndex(where: \.isVariadic)
    guard positional <= parameters.count || variadicStart != nil else {
      throw EvaluationError(
        "\(builtin.name)() takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s"), got more",
        at: given[parameters.count].range, hint: "the signature is \(builtin.signature)")
    }
    positionallyBound = min(positional, variadicStart ?? parameters.count)
    variadic = given[positionallyBound..<positional]
    for argument in given[positional...] {
      guard let label = argument.label else { continue }  // the parser puts positional arguments first
      // A variadic parameter takes a keyword too when no positional argument went to it: reshape(x, shape=(2, 3)).
      if parameters.contains(where: { $0.name == label && $0.isVariadic }), !variadic.isEmpty {
        throw EvaluationError(
          "\(builtin.name)() got `\(label)` twice: as the arguments after the others, and by name", at: argument.range,
          hint: "give it one way: the signature is \(builtin.signature)")
      }
      guard let index = parameters.firstIndex(where: { $0.name == label && (!$0.isVariadic || variadic.isEmpty) }) else {
        let names = parameters.filter { !$0.isVariadic || variadic.isEmpty }.map(\.name)
        // PyTorch's names for NumPy's: dim is axis, keepdim is keepdims.
        let numpyName = ["dim": "axis", "keepdim": "keepdims"][label].flatMap { names.contains($0) ? $0 : nil }
        throw EvaluationError(
          "\(builtin.name)() has no parameter `\(label)`", at: argument.range,
          hint: numpyName.map { "PyTorch's \(label) is NumPy's \($0) here: \($0)=…" }
            ?? closestName(to: label, in: names).map { "did you mean `\($0)`? The signature is \(builtin.signature)" }
            ?? "the signature is \(builtin.signature)")
      }
      guard index >= positionallyBound else {
        throw EvaluationError(
          "\(builtin.name)() got `\(label)` twice", at: argument.range, hint: "the signature is \(builtin.signature)")
      }
    }
    for parameter in parameters where parameter.defaultText == nil && !parameter.isVariadic && argument(parameter.name) == nil {
      throw EvaluationError(
        "\(builtin.name)() is missing its argument `\(parameter.name)`", at: callRange,
        hint: "the signature is \(builtin.signature)")
    }
  }

  // MARK: - Accessors

  /// The argument bound to the parameter `name`, if one was given.
  private func argument(_ name: String) -> Argument? {
    index(of: name).map { given[$0] }
  }

  /// Where in `given` the argument bound to the parameter `name` is, if one was given.
  private func index(of name: String) -> Int? {
    if let index = parameters.firstIndex(where: { $0.name == name }), index < positionallyBound {
      return index
    }
    return given.lastIndex { $0.label == name }
  }

  /// Whether the argument was given (and is not `None`).
  func has(_ name: String) -> Bool {
    guard let index = index(of: name) else { return false }
    if case .none = given[index].value { return false }
    return true
  }

  func range(of name: String) -> SourceRange { index(of: name).map { given[$0].range } ?? callRange }

  func value(_ name: String) -> Value? { argument(name)?.value }

  func tensor(_ name: String) throws(EvaluationError) -> Variable {
    // By index: only the value is copied out, not the whole argument; and the error's wording
    // captures the callee's name alone (capturing `self` copied all the arguments).
    guard let index = index(of: name) else {
      throw EvaluationError("\(callee)() is missing its argument `\(name)`", at: callRange)
    }
    let callee = callee
    return try Conversion.tensor(given[index].value, at: given[index].range, purpose: "`\(name)` of \(callee)()")
  }

  func optionalTensor(_ name: String) throws(EvaluationError) -> Variable? {
    has(name) ? try tensor(name) : nil
  }

  func number(_ name: String, default fallback: Double) throws(EvaluationError) -> Double {
    guard let argument = argument(name), has(name) else { return fallback }
    return try Conversion.number(argument.value, at: argument.range, purpose: "`\(name)` of \(callee)()")
  }

  func integer(_ name: String, default fallback: Int? = nil) throws(EvaluationError) -> Int {
    guard let argument = argument(name), has(name) else {
      guard let fallback else { throw EvaluationError("\(callee)() is missing its argument `\(name)`", at: callRange) }
      return fallback
    }
    return try Conversion.integer(argument.value, at: argument.range, purpose: "`\(name)` of \(callee)()")
  }

  /// Axes: `None` or absent gives `nil` (all axes). A variadic parameter takes them as one tuple
  /// or as separate integers: x.transpose((1, 0)) and x.transpose(1, 0).
  func axes(_ name: String) throws(EvaluationError) -> [Int]? {
    let isVariadic = parameters.first { $0.name == name }?.isVariadic ?? false
    let parts = argument(name).map { [$0] } ?? (isVariadic ? Array(variadic) : [])
    if parts.isEmpty || (parts.count == 1 && !has(name) && variadic.isEmpty) { return nil }
    if parts.count == 1, case .none = parts[0].value { return nil }
    var axes: [Int] = []
    for part in parts {
      axes += try Conversion.integers(part.value, at: part.range, purpose: "`\(name)` of \(callee)()")
    }
    return axes
  }

  func bool(_ name: String, default fallback: Bool = false) throws(EvaluationError) -> Bool {
    guard let argument = argument(name), has(name) else { return fallback }
    return try Conversion.bool(argument.value, at: argument.range, purpose: "`\(name)` of \(callee)()")
  }

  func string(_ name: String) throws(EvaluationError) -> String {
    guard let argument = argument(name) else { throw EvaluationError("\(callee)() is missing its argument `\(name)`", at: callRange) }
    guard case .string(let text) = argument.value else {
      throw EvaluationError("`\(name)` of \(callee)() must be a string, got \(argument.value.kindDescription)", at: argument.range)
    }
    return text
  }

  /// A shape given as one tuple/list or as separate integers (the variadic parameter).
  /// With `allowingInferred`, one size may be -1 (reshape).
  func shape(_ name: String, allowingInferred: Bool = false) throws(EvaluationError) -> [Int] {
    let parts: [Argument]
    if let argument = argument(name) { parts = [argument] } else { parts = Array(variadic) }
    var shape: [Int] = []
    for part in parts {
      let sizes = try Conversion.integers(part.value, at: part.range, purpose: "the shape of \(callee)()")
      for size in sizes where size < 0 && !(allowingInferred && size == -1) {
        throw EvaluationError("negative dimension \(size) in the shape of \(callee)()", at: part.range)
      }
      shape += sizes
    }
    return shape
  }

  /// A list or tuple of tensors (`concat([a, b])`).
  func tensors(_ name: String) throws(EvaluationError) -> [Variable] {
    guard let argument = argument(name) else { throw EvaluationError("\(callee)() is missing its argument `\(name)`", at: callRange) }
    switch argument.value {
    case .list(let items), .tuple(let items):
      return try items.map { (item: Value) throws(EvaluationError) in
        try Conversion.tensor(item, at: argument.range, purpose: "an element of `\(name)`")
      }
    case .tensor(let v) where v.value.rank >= 1:
      // A list literal of numbers arrives as one tensor: its rows are the parts.
      return try (0..<v.shape[0]).map { (i: Int) throws(EvaluationError) in
        try Conversion.check(at: argument.range) { () throws(TensorError) in try v.indexed([.index(i)]) }
      }
    default:
      throw EvaluationError(
        "`\(name)` of \(callee)() must be a list of tensors, got \(argument.value.kindDescription)", at: argument.range,
        hint: "write the tensors in brackets: \(callee)([a, b], ...)")
    }
  }

  /// Runs a tensor operation, turning its error into one at the call.
  func check<T>(_ body: () throws(TensorError) -> T) throws(EvaluationError) -> T {
    try Conversion.check(at: callRange, body)
  }
}

/// The closest candidate by edit distance (a swap of two neighbours counts as one edit),
/// if it is close enough to be a likely typo.
public func closestName(to word: String, in candidates: [String]) -> String? {
  func distance(_ a: [Character], _ b: [Character]) -> Int {
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        table[i][j] = Swift.min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          table[i][j] = Swift.min(table[i][j], table[i - 2][j - 2] + 1)
        }
      }
    }
    return table[a.count][b.count]
  }
  // A suggestion is at most a third of the word away, so only words about as long are compared,
  // and a very long name (a typo in a generated one) gets none: the table grows with both lengths.
  let limit = Swift.max(1, word.count / 3)
  guard word.count <= 64 else { return nil }
  let target = Array(word.lowercased())
  let scored = candidates.filter { Swift.abs($0.count - word.count) <= limit }
    .map { ($0, distance(target, Array($0.lowercased()))) }
  guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return nil }
  return best.1 <= limit ? best.0 : nil
}

extension CallArguments {
  /// The source text of an argument, as written.
  func text(of name: String) -> String {
    interpreter.source[range(of: name)]
  }
}
