import Foundation
import Language

/// A one-line progress bar for loops that run longer than a second, redrawn in place
/// on standard error so that it never mixes with results.
final class ProgressBar {
  private var started: Date?
  private var shown = false
  /// The bar as last drawn, to draw it again under a line printed over it.
  private var drawn = ""
  private let now: () -> Date
  private let draw: (String) -> Void

  /// A bar drawn with `draw` (standard error by default), timed by `now`.
  init(now: @escaping () -> Date = Date.init, draw: @escaping (String) -> Void = ProgressBar.standardError) {
    self.now = now
    self.draw = draw
  }

  static func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  func update(_ progress: LoopProgress, enabled: Bool) {
    guard enabled else { return }
    if progress.completed == 1 || started == nil { started = now() }
    guard let started, now().timeIntervalSince(started) > 1 || shown else { return }
    shown = true
    let width = 30
    let filled = progress.total > 0 ? width * progress.completed / progress.total : width
    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    var line = "\r[\(bar)] \(progress.completed)/\(progress.total)"
    if let latest = progress.latest { line += "  \(latest.name) = \(String(format: "%.6g", latest.value))" }
    drawn = line + "\u{1B}[K"
    draw(drawn)
  }

  /// Shows output above the bar (as tqdm.write does): the bar is erased, `write` called,
  /// and the bar drawn again below, so a loop that prints keeps its bar.
  func writeAbove(_ write: () -> Void) {
    guard shown else { return write() }
    draw("\r\u{1B}[K")
    write()
    draw(drawn)
  }

  /// Erases the bar once the loop is over.
  func finish() {
    if shown { draw("\r\u{1B}[K") }
    shown = false
    started = nil
    drawn = ""
  }
}
