import Language

/// The text after a `:command`, with its flags taken off and its position kept,
/// so that an expression argument reports errors where it was written.
struct CommandArguments {
  /// The text without the flags, trimmed.
  private(set) var text: String
  /// Where `text` stands in the source (the whole command when `text` is empty).
  private(set) var range: SourceRange
  /// Flags found (`-v`), with the value that followed those that take one (`--dot FILE`).
  private(set) var flags: [String: String] = [:]

  init(_ call: CommandCall) {
    let raw = call.arguments
    let leading = raw.prefix { $0 == " " || $0 == "\t" }.count
    let body = raw.dropFirst(leading).reversed().drop { $0 == " " || $0 == "\t" }.reversed()
    text = String(body)
    range = text.isEmpty ? call.range : SourceRange(start: call.argumentsRange.start + leading, end: call.argumentsRange.start + leading + text.utf8.count)
  }

  /// Takes the flags `names` (each with a value when listed in `valued`) off the start and end of
  /// the text. A word left at either end that reads as an option is an error: an unknown option, or
  /// one without its value (`--dot` with no file), would otherwise be read as arithmetic.
  mutating func takeFlags(_ names: Set<String>, valued: Set<String> = []) throws(EvaluationError) {
    try takeKnownFlags(names, valued: valued)
    let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    // `--name` never starts a word of an expression (a double minus is written `- -x`).
    for word in words where word.hasPrefix("--") && word.dropFirst(2).first?.isLetter == true {
      let known = (names.union(valued)).sorted()
      throw EvaluationError(
        valued.contains(word) ? "`\(word)` needs a file name after it" : "unknown option `\(word)`", at: range,
        hint: known.isEmpty ? "this command takes no options" : "the options here: " + known.joined(separator: ", "))
    }
  }

  /// Takes the known flags off; one with a value given twice is an error (only one value would count).
  private mutating func takeKnownFlags(_ names: Set<String>, valued: Set<String>) throws(EvaluationError) {
    func take(_ flag: String, _ value: String) throws(EvaluationError) {
      if valued.contains(flag), flags[flag] != nil {
        throw EvaluationError("`\(flag)` is given twice", at: range, hint: "one \(flag) FILE per command")
      }
      flags[flag] = value
    }
    while true {
      let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      if let first = words.first, names.contains(first) || valued.contains(first) {
        let count = valued.contains(first) && words.count > 1 ? 2 : 1
        try take(first, count == 2 ? words[1] : "")
        drop(prefixWords: count)
      } else if words.count >= 2, valued.contains(words[words.count - 2]) {
        try take(words[words.count - 2], words[words.count - 1])
        drop(suffixWords: 2)
      } else if let last = words.last, names.contains(last) {
        try take(last, "")
        drop(suffixWords: 1)
      } else {
        return
      }
    }
  }

  /// Splits the text at the first standalone `word` (`wrt`, `vs`): the parts before and after, with their ranges.
  func split(at word: String) -> (CommandArguments, CommandArguments)? {
    guard let found = text.range(of: " \(word) ") else { return nil }
    // Ranges count UTF-8 bytes (SourceRange).
    let before = text.utf8.distance(from: text.startIndex, to: found.lowerBound)
    let after = text.utf8.distance(from: text.startIndex, to: found.upperBound)
    var left = self, right = self
    left.text = String(text[..<found.lowerBound]).trimmingCharacters(in: .whitespaces)
    left.range = SourceRange(start: range.start, end: range.start + before)
    right.text = String(text[found.upperBound...]).trimmingCharacters(in: .whitespaces)
    right.range = SourceRange(start: range.start + after, end: range.end)
    return (left, right)
  }

  private mutating func drop(prefixWords count: Int) {
    var rest = Substring(text)
    for _ in 0..<count {
      rest = rest.drop { $0 == " " }
      rest = rest.drop { $0 != " " }
    }
    let trimmed = rest.drop { $0 == " " }
    range = SourceRange(start: range.start + text.utf8.count - trimmed.utf8.count, end: range.end)
    text = String(trimmed)
  }

  private mutating func drop(suffixWords count: Int) {
    var rest = Substring(text)
    for _ in 0..<count {
      while rest.last == " " { rest = rest.dropLast() }
      while let last = rest.last, last != " " { rest = rest.dropLast() }
    }
    while rest.last == " " { rest = rest.dropLast() }
    range = SourceRange(start: range.start, end: range.start + rest.utf8.count)
    text = String(rest)
  }
}
