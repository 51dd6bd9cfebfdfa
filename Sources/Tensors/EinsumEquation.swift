/// A malformed einsum equation, or one that does not fit its operands.
public struct EinsumError: Error, Equatable, Sendable, CustomStringConvertible {
  public let description: String
  /// The nearest `TensorError`, for callers below the language (`TensorError` has no case for
  /// equations; the language reports `description` itself before the op runs).
  public let tensorError: TensorError

  public init(_ description: String, nearest: TensorError = .emptyList(operation: "einsum")) {
    self.description = description
    self.tensorError = nearest
  }
}

/// An einsum equation (`"bi,bi->b"`) resolved against the operands' shapes, NumPy's way:
/// `...` expanded into letters of its own, the output made explicit, the size of every letter known.
public struct EinsumEquation: Sendable, Equatable {
  /// The letters of each operand, one per axis (a letter may repeat: a diagonal).
  public let inputs: [[Character]]
  /// The letters of the result, one per axis, each once.
  public let output: [Character]
  /// The size of each letter (size-1 axes broadcast against it).
  public let sizes: [Character: Int]

  /// The letters an equation may use, in the order fresh ones are taken.
  public static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

  public init(inputs: [[Character]], output: [Character], sizes: [Character: Int]) {
    self.inputs = inputs
    self.output = output
    self.sizes = sizes
  }

  /// Parses `subscripts` for operands of the given shapes.
  ///
  /// Without `->` the output is NumPy's implicit one: the axes of `...`, then the letters
  /// that appear exactly once, in alphabetical order (capitals first).
  public init(_ subscripts: String, shapes: [[Int]]) throws(EinsumError) {
    let text = Array(subscripts.filter { !$0.isWhitespace })
    var arrow: Int? = nil
    for i in 0..<Swift.max(0, text.count - 1) where text[i] == "-" && text[i + 1] == ">" {
      guard arrow == nil else { throw EinsumError("einsum: `->` appears twice in \"\(subscripts)\"") }
      arrow = i
    }
    let left = arrow.map { Array(text[..<$0]) } ?? text
    let terms = try left.split(separator: ",", omittingEmptySubsequences: false).map { (term: ArraySlice<Character>) throws(EinsumError) in
      try Self.tokens(Array(term), in: subscripts)
    }
    guard terms.count == shapes.count else {
      throw EinsumError("einsum: \"\(subscripts)\" names \(terms.count) operand\(terms.count == 1 ? "" : "s") but \(shapes.count) \(shapes.count == 1 ? "was" : "were") given")
    }
    let used = Set(terms.joined().compactMap(\.letter))
    var fresh = Self.alphabet.filter { !used.contains($0) }
    var ellipsisCounts: [Int] = []
    for (k, (term, shape)) in zip(terms, shapes).enumerated() {
      let named = term.filter { $0.letter != nil }.count
      let hasEllipsis = term.contains(.ellipsis)
      guard hasEllipsis ? named <= shape.count : named == shape.count else {
        throw EinsumError(
          "einsum: operand \(k) has \(shape.count) ax\(shape.count == 1 ? "is" : "es") (shape \(Shape.text(shape))) "
            + "but its subscripts \"\(String(term.map(\.text).joined()))\" name \(named)",
          nearest: named > shape.count
            ? .tooManyIndices(given: named, rank: shape.count)
            : .rankTooLow(operation: "einsum \"\(subscripts)\"", shape: shape, minimum: named))
      }
      ellipsisCounts.append(hasEllipsis ? shape.count - named : 0)
    }
    let broadcastCount = ellipsisCounts.max() ?? 0
    guard broadcastCount <= fresh.count else { throw EinsumError("einsum: too many axes under `...`: not enough letters left") }
    let ellipsisLetters = Array(fresh.prefix(broadcastCount))
    fresh.removeFirst(broadcastCount)
    let inputs = zip(terms, ellipsisCounts).map { term, count in
      term.flatMap { $0.letter.map { [$0] } ?? Array(ellipsisLetters.suffix(count)) }
    }

    var output: [Character]
    if let arrow {
      let outputTokens = try Self.tokens(Array(text[(arrow + 2)...]), in: subscripts)
      output = outputTokens.flatMap { $0.letter.map { [$0] } ?? ellipsisLetters }
      if !outputTokens.contains(.ellipsis) && broadcastCount > 0 {
        throw EinsumError("einsum: the operands have axes under `...`; the output must say where they go (write `...` after `->`)")
      }
      var seen = Set<Character>()
      for letter in output {
        guard seen.insert(letter).inserted else { throw EinsumError("einsum: the output names `\(letter)` twice") }
        guard inputs.contains(where: { $0.contains(letter) }) else {
          throw EinsumError("einsum: the output's `\(letter)` appears in no operand")
        }
      }
    } else {
      let all = inputs.joined()
      let once = Set(all).filter { letter in !ellipsisLetters.contains(letter) && all.filter { $0 == letter }.count == 1 }
      output = ellipsisLetters + once.sorted()
    }

    var sizes: [Character: Int] = [:]
    var owners: [Character: Int] = [:]
    for (k, (letters, shape)) in zip(inputs, shapes).enumerated() {
      var own: [Character: Int] = [:]
      for (letter, size) in zip(letters, shape) {
        let name = ellipsisLetters.contains(letter) ? "an axis under `...`" : "`\(letter)`"
        if let earlier = own[letter], earlier != size {
          throw EinsumError("einsum: \(name) repeats in operand \(k) with sizes \(earlier) and \(size): a diagonal needs equal sizes")
        }
        own[letter] = size
        guard let known = sizes[letter], known != size else {
          if sizes[letter] == nil { owners[letter] = k }
          sizes[letter] = sizes[letter] ?? size
          continue
        }
        guard known == 1 || size == 1 else {
          throw EinsumError(
            "einsum: \(name) has size \(known) in operand \(owners[letter] ?? 0) but size \(size) in operand \(k)",
            nearest: .broadcast(lhs: [known], rhs: [size], axis: -1))
        }
        if known == 1 {
          sizes[letter] = size
          owners[letter] = k
        }
      }
    }
    self.init(inputs: inputs, output: output, sizes: sizes)
  }

  /// The equation with explicit letters only: `"bi,bi->b"`.
  public var text: String {
    inputs.map { String($0) }.joined(separator: ",") + "->" + String(output)
  }

  /// Letters not used by this equation, for new axes.
  public var unusedLetters: [Character] {
    let used = Set(inputs.joined()).union(output)
    return Self.alphabet.filter { !used.contains($0) }
  }

  private enum Token: Equatable {
    case letter(Character)
    case ellipsis

    var letter: Character? {
      if case .letter(let c) = self { c } else { nil }
    }

    var text: String {
      switch self {
      case .letter(let c): String(c)
      case .ellipsis: "..."
      }
    }
  }

  private static func tokens(_ term: [Character], in subscripts: String) throws(EinsumError) -> [Token] {
    var tokens: [Token] = []
    var i = 0
    while i < term.count {
      if term[i] == "." {
        guard i + 2 < term.count, term[i + 1] == ".", term[i + 2] == "." else {
          throw EinsumError("einsum: a `.` in \"\(subscripts)\" that is not part of `...`")
        }
        guard !tokens.contains(.ellipsis) else { throw EinsumError("einsum: `...` appears twice in one term of \"\(subscripts)\"") }
        tokens.append(.ellipsis)
        i += 3
      } else {
        guard alphabet.contains(term[i]) else {
          throw EinsumError("einsum: `\(term[i])` in \"\(subscripts)\" is not a subscript; use the letters a-z and A-Z")
        }
        tokens.append(.letter(term[i]))
        i += 1
      }
    }
    return tokens
  }
}
