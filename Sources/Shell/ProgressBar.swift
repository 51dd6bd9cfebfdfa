import Foundation
import Language

/// A one-line progress bar for loops that run longer than a second, redrawn in place
/// on standard error so that it never mixes with results.
final class ProgressBar {
  private var started: Date?
  private var shown = false

  func update(_ progress: LoopProgress, enabled: Bool) {
    guard enabled else { return }
    if progress.completed == 1 || started == nil { started = Date() }
    guard let started, Date().timeIntervalSince(started) > 1 || shown else { return }
    shown = true
    let width = 30
    let filled = progress.total > 0 ? width * progress.completed / progress.total : width
    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    var line = "\r[\(bar)] \(progress.completed)/\(progress.total)"
    if let latest = progress.latest { line += "  \(latest.name) = \(String(format: "%.6g", latest.value))" }
    FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
  }

  /// Erases the bar once the loop is over.
  func finish() {
    if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    shown = false
    started = nil
  }
}
