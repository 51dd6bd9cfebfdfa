import Foundation

/// Runs a session over a line input: the interactive loop, prompts and all.
public enum Terminal {
  /// Reads lines until the end of input or `:quit`; with `showPrompts`, shows prompts.
  public static func run(_ session: Session, input: LineInput, showPrompts: Bool) {
    if showPrompts {
      // Ctrl-C stops a long evaluation and returns to the prompt.
      session.interpreter.isInterrupted = { Interrupts.isRaised }
    }
    var lineNumber = 0
    while !session.wantsToQuit {
      let prompt = showPrompts ? session.options.style.prompt(session.prompt(continuing: session.isContinuing)) : ""
      switch input.readLine(prompt: prompt) {
      case .line(let line):
        // At the prompt each entry is numbered from line 1, as Python's prompt does; a piped
        // script keeps its own line numbers.
        lineNumber = showPrompts && !session.isContinuing ? 1 : lineNumber + 1
        if let statement = session.feed(line, lineNumber: lineNumber) {
          input.remember(statement)
        }
        fflush(nil)
      case .interrupted:
        session.cancelPending()
      case .end:
        session.endOfInput()
        return
      }
    }
  }

  /// True when standard input and output are a terminal.
  public static var isInteractive: Bool { isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 }

  /// Colour only on a terminal, never under NO_COLOR.
  public static func style(forceOff: Bool) -> Style {
    let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
    return Style(enabled: !forceOff && !noColor && isatty(STDOUT_FILENO) != 0)
  }

  /// The language reference (docs/language.md).
  public static func reference() -> String { Help.reference() }
}
