import Foundation
import Language

/// Which lessons a learner has played and how far, kept across sessions in
/// `~/.backstep_progress` (or `$BACKSTEP_PROGRESS`): one line per lesson,
/// `id step total done`, rewritten atomically.
public final class ProgressFile {
  public struct Entry: Equatable, Sendable {
    public let step: Int
    public let total: Int
    public let completed: Bool
  }

  public let url: URL
  public private(set) var entries: [String: Entry] = [:]

  public init(url: URL) {
    self.url = url
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: " ").map(String.init)
      guard fields.count == 4, let step = Int(fields[1]), let total = Int(fields[2]) else { continue }
      entries[fields[0]] = Entry(step: step, total: total, completed: fields[3] == "done")
    }
  }

  public static func standard() -> ProgressFile {
    if let path = ProcessInfo.processInfo.environment["BACKSTEP_PROGRESS"] { return ProgressFile(url: URL(fileURLWithPath: path)) }
    return ProgressFile(url: HistoryFile.homeFolder.appendingPathComponent(".backstep_progress"))
  }

  /// Keeps where the learner is now (a lesson goes on from there), and whether it was ever completed.
  func record(lesson id: String, step: Int, of total: Int, completed: Bool) {
    let earlier = entries[id]
    entries[id] = Entry(step: step, total: total, completed: completed || (earlier?.completed ?? false))
    let text = entries.keys.sorted().map { key in
      let entry = entries[key] ?? Entry(step: 0, total: 0, completed: false)
      return "\(key) \(entry.step) \(entry.total) \(entry.completed ? "done" : "open")"
    }.joined(separator: "\n") + "\n"
    try? TensorFiles.writeAtomically(Array(text.utf8), to: url.path)
  }
}
