import CReadline
import Foundation

/// Line editing, history and completion through GNU readline, for a terminal.
///
/// Uses readline's callback interface with our own wait for input, so that
/// Ctrl-C interrupts the wait and abandons the line cleanly instead of killing
/// the process.
public final class ReadlineInput: LineInput {
  private let history: HistoryFile?

  /// `completions(prefix, lineSoFar)` offers the words that may complete `prefix`.
  public init(history: HistoryFile?, completions: @escaping (String, String) -> [String]) {
    self.history = history
    ReadlineBridge.completions = completions
    backstep_set_readline_name("backstep")
    backstep_leave_interrupts_to_caller()
    backstep_set_word_breaks(ReadlineBridge.wordBreaks)
    backstep_set_completion(ReadlineBridge.complete)
    Interrupts.install()
    for entry in history?.entries ?? [] { add_history(entry) }
  }

  public func readLine(prompt: String) -> LineEvent {
    ReadlineBridge.pending = nil
    Interrupts.clear()
    rl_callback_handler_install(prompt, ReadlineBridge.lineHandler)
    defer { rl_callback_handler_remove() }
    // SIGINT is held back except while waiting for a key, so a Ctrl-C that arrives
    // while a key is being handled is seen at once by ppoll instead of waiting for the next key.
    var waiting = sigset_t(), held = sigset_t()
    sigemptyset(&held)
    sigaddset(&held, SIGINT)
    pthread_sigmask(SIG_BLOCK, &held, &waiting)
    defer { pthread_sigmask(SIG_SETMASK, &waiting, nil) }
    sigdelset(&waiting, SIGINT)
    while true {
      // After Ctrl-Z and `fg` (the wait for a key is interrupted), the terminal is set up again.
      if Interrupts.takeContinued() { backstep_restore_terminal() }
      let ready = Interrupts.isRaised ? 0 : backstep_wait_for_key(&waiting)
      if Interrupts.isRaised {
        Interrupts.clear()
        backstep_cancel_line()
        return .interrupted
      }
      if ready < 0 {
        if errno == EINTR { continue }
        return .end
      }
      rl_callback_read_char()
      if let event = ReadlineBridge.pending { return event }
    }
  }

  public func remember(_ statement: String) {
    let entry = statement.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !entry.isEmpty else { return }
    add_history(entry)
    history?.append(entry)
  }
}

/// State that readline's C callbacks reach: they carry no context pointer, so
/// the one terminal session keeps it here. Only the main thread touches it.
private enum ReadlineBridge {
  nonisolated(unsafe) static var pending: LineEvent?
  nonisolated(unsafe) static var completions: (String, String) -> [String] = { _, _ in [] }
  nonisolated(unsafe) static var matches: [String] = []
  nonisolated(unsafe) static let wordBreaks = UnsafeRawPointer(StaticString(" \t\n\"'`@$><=;|&{(,[+-*/").utf8Start)
    .assumingMemoryBound(to: CChar.self)

  static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
    rl_callback_handler_remove()  // now, or readline shows the prompt again before the output
    guard let line else {
      pending = .end
      return
    }
    pending = .line(String(cString: line))
    free(line)
  }

  static let complete: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = {
    text, start, _ in
    backstep_suppress_filename_completion()
    let prefix = text.map { String(cString: $0) } ?? ""
    let line = backstep_line_buffer().map { String(cString: $0) } ?? ""
    let before = String(line.prefix(Int(start)))
    matches = completions(prefix, before)
    // A name completes ready for what follows it, `(`, `.` or `[`: no space after it, as in IPython.
    // A command (`:help`) keeps readline's space before its argument.
    if !prefix.hasPrefix(":") { backstep_set_completion_append(0) }
    return rl_completion_matches(text, generate)
  }

  static let generate: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    if state == 0 { matchIndex = 0 }
    guard matchIndex < matches.count else { return nil }
    defer { matchIndex += 1 }
    return strdup(matches[matchIndex])
  }

  nonisolated(unsafe) static var matchIndex = 0
}
