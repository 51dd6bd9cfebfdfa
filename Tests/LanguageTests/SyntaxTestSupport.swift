import Testing

@testable import Language

/// Parses one expression and returns its prefix form, or the error message.
func syntaxTree(_ source: String) -> String {
  do {
    return try Parser.parseExpression(source).sExpression
  } catch {
    return "error: \(error.message)"
  }
}

/// Parses a program and returns the error, or nil when it parses.
func syntaxError(_ source: String) -> SyntaxError? {
  do {
    _ = try Parser.parse(source)
    return nil
  } catch {
    return error
  }
}

/// The error a program produces, rendered as the learner sees it; "no error" when it parses.
func renderedSyntaxError(_ source: String) -> String {
  guard let error = syntaxError(source) else { return "no error" }
  return render(error, in: SourceText(source))
}

/// Parses a program that must be valid.
func parsedStatements(_ source: String) throws -> [Statement] {
  try Parser.parse(source)
}

/// A small deterministic random number generator (SyntaxFuzzGenerator), so fuzz runs repeat exactly.
struct SyntaxFuzzGenerator: RandomNumberGenerator {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
