/// One lexical unit of Backstep source with the range it was read from.
public struct Token: Equatable, Sendable {
  /// What was read.
  public var kind: Kind
  /// Where it was read.
  public var range: SourceRange

  /// Creates a token.
  public init(_ kind: Kind, range: SourceRange) {
    self.kind = kind
    self.range = range
  }

  /// The kinds of token the lexer produces.
  ///
  /// A kind holds no text: a name's spelling is the source of its range, a string's value is
  /// read from its range when the parser needs it. Tokens are then plain values that copy
  /// without reference counting, which the parser, copying the current token at every step,
  /// notices; and no position either: a token is then four words, which Swift passes and
  /// returns in registers (with a command's two positions it was seven, copied through memory:
  /// 3% of the instructions of `make bench`, case 4).
  public enum Kind: Equatable, Sendable {
    /// A numeric literal such as `2`, `0.5`, `.5`, `1e-3` or `2.`.
    case number(Double)
    /// A string literal; ``Lexer/stringValue(of:in:)`` gives its value, quotes removed and escapes resolved.
    case string
    /// A name such as `x`, `w1` or `sum`, spelled by the token's range.
    case identifier
    /// A reserved word.
    case keyword(Keyword)
    /// An operator or punctuation mark.
    case symbol(Symbol)
    /// A shell command line such as `:backward L -v`, its arguments the raw rest of the line;
    /// ``Lexer/commandParts(of:in:)`` tells where its name and its arguments are.
    case command
    /// A line break that separates statements (line breaks inside `(` or `[` are skipped).
    case newline
    /// The end of the source.
    case endOfInput
  }

  /// Reserved words of the language.
  public enum Keyword: String, CaseIterable, Sendable {
    case `true`, `false`
    case noneLiteral = "None"
    case `for`, `in`, `if`, `else`, def, `return`, and, or, not
  }

  /// Operators and punctuation, spelled as in source.
  public enum Symbol: String, CaseIterable, Sendable {
    case plus = "+"
    case minus = "-"
    case star = "*"
    case slash = "/"
    case percent = "%"
    case doubleSlash = "//"
    case power = "**"
    case at = "@"
    case assign = "="
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case leftParen = "("
    case rightParen = ")"
    case leftBracket = "["
    case rightBracket = "]"
    case leftBrace = "{"
    case rightBrace = "}"
    case comma = ","
    case colon = ":"
    case semicolon = ";"
    case dot = "."
    case halfOpenRange = "..<"
    case closedRange = ".."
    case ellipsis = "..."

    /// The symbol that closes this opening bracket, if it is one.
    public var closing: Symbol? {
      switch self {
      case .leftParen: .rightParen
      case .leftBracket: .rightBracket
      case .leftBrace: .rightBrace
      default: nil
      }
    }

    /// The binary operator this symbol spells, if any.
    public var binaryOperator: BinaryOperator? {
      // A switch, not BinaryOperator(rawValue:): the parser asks this for every token it meets.
      switch self {
      case .plus: .add
      case .minus: .subtract
      case .star: .multiply
      case .slash: .divide
      case .percent: .remainder
      case .doubleSlash: .floorDivide
      case .power: .power
      case .at: .matmul
      case .equal: .equal
      case .notEqual: .notEqual
      case .less: .less
      case .lessEqual: .lessEqual
      case .greater: .greater
      case .greaterEqual: .greaterEqual
      default: nil
      }
    }
  }
}

extension Token.Kind {
  /// Whether this token is the given symbol.
  func `is`(_ symbol: Token.Symbol) -> Bool {
    self == .symbol(symbol)
  }

  /// Whether this token is the given keyword.
  func `is`(_ keyword: Token.Keyword) -> Bool {
    self == .keyword(keyword)
  }

  /// Whether a statement can end right before this token.
  var endsStatement: Bool {
    switch self {
    case .newline, .endOfInput, .symbol(.semicolon), .symbol(.rightBrace): true
    default: false
    }
  }

  /// Whether this token is an operator that needs an operand after it (`+`, `**`, `and`, `not`, …).
  var isOperator: Bool {
    switch self {
    case .symbol(let symbol): symbol.binaryOperator != nil
    case .keyword(.and), .keyword(.or), .keyword(.not): true
    default: false
    }
  }

  /// How the token is named in messages, e.g. "`)`", "number `2`", "end of input".
  func describe(in source: SourceText, range: SourceRange) -> String {
    switch self {
    case .number: "number `\(source[range])`"
    case .string:
      source[range].contains(where: \.isNewline) ? "a string" : "string \(source[range])"
    case .identifier: "name `\(source[range])`"
    case .keyword(let keyword): "`\(keyword.rawValue)`"
    case .symbol(let symbol): "`\(symbol.rawValue)`"
    case .command: "command `:\(source[Lexer.commandParts(of: range, in: source).name])`"
    case .newline: "end of line"
    case .endOfInput: "end of input"
    }
  }
}
