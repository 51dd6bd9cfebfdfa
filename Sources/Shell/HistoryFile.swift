import Foundation
import Language

/// The statements typed in earlier sessions, kept in a file under the user's home.
///
/// The whole file is rewritten after each statement into a temporary file that
/// then replaces the old one (rename is atomic): a killed process leaves either
/// the old history or the new one, never a truncated file.
public final class HistoryFile {
  public let url: URL
  /// The most entries kept; older ones are dropped.
  public let capacity: Int
  public private(set) var entries: [String]

  public init(url: URL, capacity: Int = 1000) {
    self.url = url
    self.capacity = capacity
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    entries = Array(text.split(separator: "\n").map(String.init).suffix(capacity))
  }

  /// `~/.backstep_history`, or `$BACKSTEP_HISTORY` when set.
  public static func standard() -> HistoryFile {
    if let path = ProcessInfo.processInfo.environment["BACKSTEP_HISTORY"] {
      return HistoryFile(url: URL(fileURLWithPath: path))
    }
    return HistoryFile(url: homeFolder.appendingPathComponent(".backstep_history"))
  }

  /// The user's home: `$HOME` when set, as shells and Python's `~` read it (a lab may give each
  /// student their own), else the account's.
  static var homeFolder: URL {
    if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
    return FileManager.default.homeDirectoryForCurrentUser
  }

  /// Adds a statement (multi-line statements are kept on one line) and saves.
  public func append(_ statement: String) {
    entries.append(statement.replacingOccurrences(of: "\n", with: " "))
    if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    try? TensorFiles.writeAtomically(Array((entries.joined(separator: "\n") + "\n").utf8), to: url.path)
  }
}
