/// The little of Python's literal syntax that a `.npy` header uses:
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`.
///
/// NumPy reads the header with `ast.literal_eval`; this reads the same strings,
/// integers (with Python 2's `L` suffix), booleans, `None`, tuples, lists and
/// dictionaries with string keys, and rejects anything else with a reason.
indirect enum PythonLiteral: Equatable {
  case string(String)
  case integer(Int)
  case bool(Bool)
  case none
  case tuple([PythonLiteral])
  case list([PythonLiteral])
  case dictionary([Member])

  struct Member: Equatable {
    let key: String
    let value: PythonLiteral
  }

  /// Parses a whole literal; trailing whitespace is allowed (the header's padding).
  static func parse(_ text: String) throws(NumPyFileError) -> PythonLiteral {
    var parser = Parser(characters: Array(text.unicodeScalars))
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    guard parser.position == parser.characters.count else {
      throw parser.error("unexpected text after the dictionary")
    }
    return value
  }

  /// The literal as Python's `repr` writes it, for messages.
  var pythonText: String {
    switch self {
    case .string(let s): "'\(s)'"
    case .integer(let n): String(n)
    case .bool(let b): b ? "True" : "False"
    case .none: "None"
    case .tuple(let items): items.count == 1 ? "(\(items[0].pythonText),)" : "(" + items.map(\.pythonText).joined(separator: ", ") + ")"
    case .list(let items): "[" + items.map(\.pythonText).joined(separator: ", ") + "]"
    case .dictionary(let members): "{" + members.map { "'\($0.key)': \($0.value.pythonText)" }.joined(separator: ", ") + "}"
    }
  }

  private struct Parser {
    let characters: [Unicode.Scalar]
    var position = 0
    /// Deeper nesting than any real header: a crafted file cannot exhaust the stack.
    static let maximumDepth = 16

    func error(_ detail: String) -> NumPyFileError {
      .badHeader("\(detail) (at character \(position + 1))")
    }

    mutating func skipWhitespace() {
      while position < characters.count, [" ", "\t", "\n", "\r"].contains(characters[position]) { position += 1 }
    }

    mutating func value(depth: Int) throws(NumPyFileError) -> PythonLiteral {
      guard depth < Self.maximumDepth else { throw error("nested too deeply") }
      skipWhitespace()
      guard position < characters.count else { throw error("the header ends early") }
      let c = characters[position]
      switch c {
      case "{":
        position += 1
        var members: [Member] = []
        for item in try sequence(closing: "}", depth: depth, parseMember: true).items {
          guard case .dictionary(let pair) = item, let member = pair.first else { continue }
          members.append(member)
        }
        return .dictionary(members)
      case "(":
        position += 1
        let (items, sawComma) = try sequence(closing: ")", depth: depth, parseMember: false)
        // (x) is x in Python; (x,) is a tuple.
        if items.count == 1, !sawComma { return items[0] }
        return .tuple(items)
      case "[":
        position += 1
        return .list(try sequence(closing: "]", depth: depth, parseMember: false).items)
      case "'", "\"":
        return .string(try string())
      default:
        if c == "-" || c == "+" || ("0"..."9").contains(c) { return .integer(try integer()) }
        let word = identifier()
        switch word {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        case "": throw error("unexpected character `\(c)`")
        default: throw error("unexpected name `\(word)`")
        }
      }
    }

    /// Items separated by commas up to `closing`; a trailing comma is allowed.
    /// Dictionary members come back as one-member dictionaries.
    mutating func sequence(
      closing: Unicode.Scalar, depth: Int, parseMember: Bool
    ) throws(NumPyFileError) -> (items: [PythonLiteral], sawComma: Bool) {
      var items: [PythonLiteral] = []
      var sawComma = false
      while true {
        skipWhitespace()
        guard position < characters.count else { throw error("the header ends before `\(closing)`") }
        if characters[position] == closing {
          position += 1
          return (items, sawComma)
        }
        if parseMember {
          guard case .string(let key) = try value(depth: depth + 1) else { throw error("a dictionary key must be a string") }
          skipWhitespace()
          guard position < characters.count, characters[position] == ":" else { throw error("expected `:` after '\(key)'") }
          position += 1
          items.append(.dictionary([Member(key: key, value: try value(depth: depth + 1))]))
        } else {
          items.append(try value(depth: depth + 1))
        }
        skipWhitespace()
        guard position < characters.count else { throw error("the header ends before `\(closing)`") }
        if characters[position] == "," {
          position += 1
          sawComma = true
        } else if characters[position] != closing {
          throw error("expected `,` or `\(closing)`")
        }
      }
    }

    mutating func string() throws(NumPyFileError) -> String {
      let start = position
      let quote = characters[position]
      position += 1
      var text = String.UnicodeScalarView()
      while position < characters.count {
        let c = characters[position]
        position += 1
        if c == quote { return String(text) }
        if c == "\\", position < characters.count {
          let escaped = characters[position]
          position += 1
          switch escaped {
          case "n": text.append("\n")
          case "t": text.append("\t")
          case "\\", "'", "\"": text.append(escaped)
          default:
            text.append("\\")
            text.append(escaped)
          }
        } else {
          text.append(c)
        }
      }
      position = start
      throw error("a string is not closed")
    }

    mutating func integer() throws(NumPyFileError) -> Int {
      let start = position
      if characters[position] == "-" || characters[position] == "+" { position += 1 }
      while position < characters.count, ("0"..."9").contains(characters[position]) { position += 1 }
      let digits = String(String.UnicodeScalarView(characters[start..<position]))
      // Python 2 wrote long integers as 2L; NumPy still reads such headers.
      if position < characters.count, characters[position] == "L" || characters[position] == "l" { position += 1 }
      if position < characters.count, [".", "e", "E", "j", "J"].contains(characters[position]) {
        throw error("expected an integer, got a number with a fraction or exponent")
      }
      guard let value = Int(digits) else {
        position = start
        throw error("`\(digits)` is not an integer that fits in 64 bits")
      }
      return value
    }

    mutating func identifier() -> String {
      let start = position
      while position < characters.count, characters[position].properties.isAlphabetic || characters[position] == "_" {
        position += 1
      }
      return String(String.UnicodeScalarView(characters[start..<position]))
    }
  }
}
