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
    var split = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    if split.last?.isEmpty == true { split.removeLast() }
    lines = split.map { String(decoding: $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0, as: UTF8.self) }
  }

  public func readLine(prompt: String) -> LineEvent {
    guard position < lines.count else { return .end }
    defer { position += 1 }
    return .line(lines[position])
  }

  public func remember(_ statement: String) {}
}
