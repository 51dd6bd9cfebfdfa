/// What one statement did, for the shell to print or encode as JSON.
public struct Record {
  /// 1-based line of the statement's start in its script or session.
  public let line: Int
  /// The statement's own text, spelled when it is read (a script's records are often only counted).
  public var source: String { text[range] }
  /// The text the statement was read from, and where in it.
  private let text: SourceText
  private let range: SourceRange
  public let outcome: Outcome
  /// Remarks worth saying alongside the result ("L does not depend on x").
  public let notes: [String]
  /// The statement ended its line with `;`: its value is not shown (as in IPython).
  public let isSilenced: Bool
  /// The lines `print` wrote while the statement ran (each iteration of a loop its own), shown before its result.
  public let printed: [String]

  /// Whether the outcome has nothing to show: a silenced value, a definition or a loop.
  public var showsNothing: Bool {
    switch outcome {
    case .value, .assignment: isSilenced
    case .nothing: true
    case .command, .failure: false
    }
  }

  public init(
    line: Int, source: String, outcome: Outcome, notes: [String], isSilenced: Bool = false, printed: [String] = []
  ) {
    let text = SourceText(source)
    self.init(line: line, text: text, range: SourceRange(start: 0, end: text.utf8.count), outcome: outcome, notes: notes,
              isSilenced: isSilenced, printed: printed)
  }

  /// The record of the statement at `range` of `text`.
  init(
    line: Int, text: SourceText, range: SourceRange, outcome: Outcome, notes: [String], isSilenced: Bool = false,
    printed: [String] = []
  ) {
    self.line = line
    self.text = text
    self.range = range
    self.outcome = outcome
    self.notes = notes
    self.isSilenced = isSilenced
    self.printed = printed
  }
}

/// The result of one statement.
public enum Outcome {
  /// A bare expression's value (`name` is nil) or a single assignment's.
  case value(name: String?, Value)
  /// `h, c = pair`: each name with its value.
  case assignment([(name: String, value: Value)])
  /// What a `:command` printed, with structured data for `--json`.
  case command(CommandOutput)
  /// A definition, or a loop: nothing to show.
  case nothing
  case failure(Diagnostic)

  public var isFailure: Bool {
    if case .failure = self { true } else { false }
  }
}

/// The output of a `:command`: text for the terminal and data for `--json`.
public struct CommandOutput {
  public var text: String
  public var data: JSON

  public init(text: String, data: JSON = .null) {
    self.text = text
    self.data = data
  }
}

/// A JSON value, written so that numbers read back exactly.
public indirect enum JSON: Equatable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  public static func == (lhs: JSON, rhs: JSON) -> Bool {
    lhs.serialized() == rhs.serialized()
  }

  /// Compact JSON text. Integral numbers print without a fraction; others as Swift's
  /// shortest round-trip form; NaN and infinities as the strings "NaN", "Infinity", "-Infinity".
  public func serialized() -> String {
    var out = ""
    write(to: &out)
    return out
  }

  private func write(to out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let x): out += JSON.numberText(x)
    case .string(let s): JSON.writeString(s, to: &out)
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += ", " }
        item.write(to: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      for (i, (key, value)) in members.enumerated() {
        if i > 0 { out += ", " }
        JSON.writeString(key, to: &out)
        out += ": "
        value.write(to: &out)
      }
      out += "}"
    }
  }

  static func numberText(_ x: Double) -> String {
    if x.isNaN { return "\"NaN\"" }
    if x.isInfinite { return x > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
    if x == x.rounded() && Swift.abs(x) < 1e15 { return x == 0 && x.sign == .minus ? "-0.0" : String(Int(x)) }
    return "\(x)"
  }

  private static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
