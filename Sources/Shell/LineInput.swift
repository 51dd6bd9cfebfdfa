import Foundation

/// Where the session's lines come from: readline on a terminal, plain reads otherwise.
public protocol LineInput: AnyObject {
  /// The next line without its line break; `.end` at end of input (Ctrl-D), `.interrupted` after Ctrl-C.
  func readLine(prompt: String) -> LineEvent
  /// Records a complete statement in the history (a no-op where there is none).
  func remember(_ statement: String)
}

/// What reading a line gave.
public enum LineEvent: Equatable {
  case line(String)
  case interrupted
  case end
}

/// Lines from standard input when it is not a terminal, one at a time, without prompts.
public final class StandardInputLines: LineInput {
  public init() {}

  public func readLine(prompt: String) -> LineEvent {
    guard let line = Swift.readLine(strippingNewline: true) else { return .end }
    return .line(line.hasSuffix("\r") ? String(line.dropLast()) : line)
  }

  public func remember(_ statement: String) {}
}

/// The lines of a text already in memory (a script, `-e`), without prompts.
public final class TextLines: LineInput {
  private var lines: [String]
  private var position = 0

  public init(text: String) {
    // Split the bytes: as Characters, "\r\n" is one character and would not match "\n".
    // An array of them, not the string's UTF-8 view, whose generic split cost more than running a short line.
    let bytes = Array(text.utf8)
    var lines: [String] = []
    var start = 0
    func addLine(endingAt end: Int) {
      let last = end > start && bytes[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
      lines.append(String(decoding: bytes[start..<last], as: UTF8.self))
      start = end + 1
    }
    for end in bytes.indices where bytes[end] == UInt8(ascii: "\n") { addLine(endingAt: end) }
    if start < bytes.count { addLine(endingAt: bytes.count) }
    self.lines = lines
  }

  public func readLine(prompt: String) -> LineEvent {
    guard position < lines.count else { return .end }
    defer { position += 1 }
    return .line(lines[position])
  }

  public func remember(_ statement: String) {}
}
