/// A half-open span of character offsets into a ``SourceText``: `start` inclusive, `end` exclusive.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
  /// Offset of the first character in the range.
  public var start: Int
  /// Offset one past the last character in the range.
  public var end: Int

  /// Creates a range; an `end` before `start` is raised to `start`.
  public init(start: Int, end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  /// The empty range at offset 0, used by nodes built in code rather than parsed.
  public static let empty = SourceRange(start: 0, end: 0)

  /// The number of characters covered.
  public var count: Int { end - start }

  /// The smallest range covering both `self` and `other`.
  public func to(_ other: SourceRange) -> SourceRange {
    SourceRange(start: min(start, other.start), end: max(end, other.end))
  }

  public var description: String { "\(start)..<\(end)" }
}

/// A 1-based line and column, as shown to the learner.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  /// The line number, starting at 1.
  public var line: Int
  /// The column number in characters, starting at 1.
  public var column: Int

  /// Creates a location from a 1-based line and column.
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public var description: String { "\(line):\(column)" }
}

/// The text of a program, split into characters and lines so offsets map to lines and columns.
public struct SourceText: Sendable {
  /// The original text.
  public let text: String
  /// The text as characters; every ``SourceRange`` indexes this array.
  public let characters: [Character]
  /// Offsets where each line starts; the first is always 0.
  private let lineStarts: [Int]
  /// The number of the text's first line: a chunk of a script keeps the script's numbering.
  public let firstLine: Int

  /// Splits `text` into characters and lines; its first line is numbered `firstLine`.
  public init(_ text: String, firstLine: Int = 1) {
    self.text = text
    self.firstLine = firstLine
    let characters = Array(text)
    var starts = [0]
    for (offset, character) in characters.enumerated() where character.isNewline {
      starts.append(offset + 1)
    }
    self.characters = characters
    self.lineStarts = starts
  }

  /// The number of lines; a trailing newline starts one more (empty) line.
  public var lineCount: Int { lineStarts.count }

  /// The line (counted from ``firstLine``) and 1-based column of `offset`, clamped to the text.
  public func location(of offset: Int) -> SourceLocation {
    let offset = min(max(offset, 0), characters.count)
    // The last line whose start is at or before `offset`.
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    return SourceLocation(line: low + firstLine, column: offset - lineStarts[low] + 1)
  }

  /// The offsets of a line's characters (numbered from ``firstLine``), without its line break.
  public func lineRange(_ line: Int) -> SourceRange {
    let index = min(max(line - firstLine + 1, 1), lineStarts.count) - 1
    let start = lineStarts[index]
    var end = start
    while end < characters.count, !characters[end].isNewline { end += 1 }
    return SourceRange(start: start, end: end)
  }

  /// The text of a line (numbered from ``firstLine``), without its line break.
  public func line(_ line: Int) -> String {
    self[lineRange(line)]
  }

  /// The text covered by `range`, clamped to the source.
  public subscript(range: SourceRange) -> String {
    let start = min(max(range.start, 0), characters.count)
    let end = min(max(range.end, start), characters.count)
    return String(characters[start..<end])
  }
}
