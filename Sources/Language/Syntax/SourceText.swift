/// A half-open span of UTF-8 offsets into a ``SourceText``: `start` inclusive, `end` exclusive.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
  /// Offset of the first byte in the range.
  public var start: Int
  /// Offset one past the last byte in the range.
  public var end: Int

  /// Creates a range; an `end` before `start` is raised to `start`.
  public init(start: Int, end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  /// The empty range at offset 0, used by nodes built in code rather than parsed.
  public static let empty = SourceRange(start: 0, end: 0)

  /// The number of bytes covered.
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

/// The text of a program as UTF-8 bytes, with the offsets where its lines start.
///
/// Ranges count bytes, so that reading source is fast; what a learner is shown
/// (columns, carets) counts characters, worked out from the bytes when needed.
/// A line ends at `\n`, `\r\n` or `\r`.
///
/// Immutable, and shared by reference: the lexer, the parser, the interpreter and each record
/// hold the same text, and a copy of a struct of its four arrays and strings was four retains
/// and four releases (`make bench`, case 4).
public final class SourceText: Sendable {
  /// The original text.
  public let text: String
  /// The text's UTF-8 encoding; every ``SourceRange`` indexes this array.
  public let utf8: [UInt8]
  /// Offsets where each line starts; the first is always 0.
  private let lineStarts: [Int]
  /// The number of the text's first line: a chunk of a script keeps the script's numbering.
  public let firstLine: Int
  /// The file the text came from, when it is not what the learner typed (a script run by `:load`).
  public let fileName: String?

  /// Reads `text` and where its lines start; its first line is numbered `firstLine`.
  public init(_ text: String, firstLine: Int = 1, fileName: String? = nil) {
    self.text = text
    self.firstLine = firstLine
    self.fileName = fileName
    let utf8 = Array(text.utf8)
    var starts = [0]
    for offset in utf8.indices where SourceText.endsLine(utf8, at: offset) { starts.append(offset + 1) }
    self.utf8 = utf8
    self.lineStarts = starts
  }

  /// Whether the byte at `offset` is the last of a line break (`\n`, or `\r` not followed by `\n`).
  static func endsLine(_ utf8: [UInt8], at offset: Int) -> Bool {
    switch utf8[offset] {
    case UInt8(ascii: "\n"): return true
    case UInt8(ascii: "\r"): return offset + 1 == utf8.count || utf8[offset + 1] != UInt8(ascii: "\n")
    default: return false
    }
  }

  /// Whether the byte at `offset` belongs to a line break.
  func isLineBreak(at offset: Int) -> Bool {
    offset < utf8.count && (utf8[offset] == UInt8(ascii: "\n") || utf8[offset] == UInt8(ascii: "\r"))
  }

  /// The number of lines; a trailing newline starts one more (empty) line.
  public var lineCount: Int { lineStarts.count }

  /// The line (counted from ``firstLine``) and 1-based column, in characters, of `offset`, clamped to the text.
  public func location(of offset: Int) -> SourceLocation {
    let offset = min(max(offset, 0), utf8.count)
    let index = lineIndex(of: offset)
    let column = self[SourceRange(start: lineStarts[index], end: offset)].count + 1
    return SourceLocation(line: index + firstLine, column: column)
  }

  /// The line (counted from ``firstLine``) of `offset`, without counting its column.
  public func line(of offset: Int) -> Int {
    lineIndex(of: min(max(offset, 0), utf8.count)) + firstLine
  }

  /// The line of `offset`, searched forward from `earlierLine`: statements are run in order, and
  /// each is nearly always on the line of the last one or the next. Any line gives the right
  /// answer; one after `offset`'s, or outside the text, a binary search over all lines.
  public func line(of offset: Int, from earlierLine: Int) -> Int {
    let offset = min(max(offset, 0), utf8.count)
    var index = min(max(earlierLine - firstLine, 0), lineStarts.count - 1)
    guard lineStarts[index] <= offset else { return lineIndex(of: offset) + firstLine }
    for _ in 0..<8 {
      guard index + 1 < lineStarts.count, lineStarts[index + 1] <= offset else { return index + firstLine }
      index += 1
    }
    return lineIndex(of: offset, from: index) + firstLine
  }

  /// The index in `lineStarts` of the last line starting at or before `offset`, at `from` or after it.
  private func lineIndex(of offset: Int, from start: Int = 0) -> Int {
    var low = start
    var high = lineStarts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    return low
  }

  /// The offsets of a line (numbered from ``firstLine``), without its line break.
  public func lineRange(_ line: Int) -> SourceRange {
    let index = min(max(line - firstLine + 1, 1), lineStarts.count) - 1
    let start = lineStarts[index]
    var end = start
    while end < utf8.count, !isLineBreak(at: end) { end += 1 }
    return SourceRange(start: start, end: end)
  }

  /// The text of a line (numbered from ``firstLine``), without its line break.
  public func line(_ line: Int) -> String {
    self[lineRange(line)]
  }

  /// The text covered by `range`, clamped to the source.
  public subscript(range: SourceRange) -> String {
    let start = min(max(range.start, 0), utf8.count)
    let end = min(max(range.end, start), utf8.count)
    // Most names a learner types are one letter (x, w, b, L): taken from a table, not decoded.
    if end == start + 1, utf8[start] < 0x80 { return Self.asciiCharacters[Int(utf8[start])] }
    return String(decoding: utf8[start..<end], as: UTF8.self)
  }

  /// The 128 ASCII characters as strings, made once. Making a one-letter string from its byte
  /// validated it as UTF-8, about 100 instructions a name; the table is never freed, so reading
  /// it retains nothing (an array would be retained around each read).
  private nonisolated(unsafe) static let asciiCharacters: UnsafeBufferPointer<String> = {
    let table = UnsafeMutableBufferPointer<String>.allocate(capacity: 128)
    for byte in 0..<128 { table.initializeElement(at: byte, to: String(Unicode.Scalar(UInt8(byte)))) }
    return UnsafeBufferPointer(table)
  }()
}
