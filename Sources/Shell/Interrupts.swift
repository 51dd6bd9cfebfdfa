import Foundation

/// Ctrl-C while Backstep runs: a flag the SIGINT handler raises, which the line
/// editor and the evaluator poll. Installed only for the interactive shell; a
/// script keeps the default (Ctrl-C ends it).
public enum Interrupts {
  // A signal handler can only touch a sig_atomic_t; nothing else here is shared.
  nonisolated(unsafe) static var raised: sig_atomic_t = 0
  /// The thread that reads lines and runs statements, set once before the handler is installed.
  nonisolated(unsafe) static var sessionThread = pthread_self()

  /// Installs the handler; call it on the thread that reads lines. The kernel gives a Ctrl-C to
  /// any thread that does not block it (the main thread first), so the handler passes it on to
  /// the session's thread, where it interrupts the wait for a key.
  public static func install() {
    sessionThread = pthread_self()
    signal(SIGINT) { _ in
      // Raised only on the session's thread: raised here as well, the Ctrl-C passed on would count twice.
      if pthread_equal(pthread_self(), Interrupts.sessionThread) != 0 {
        Interrupts.raised = 1
      } else {
        pthread_kill(Interrupts.sessionThread, SIGINT)
      }
    }
    // After Ctrl-Z and `fg` the shell has put the terminal back in its own mode: the line editor
    // sets it up again (the wait for a key is interrupted, on the session's thread, as for Ctrl-C).
    signal(SIGCONT) { _ in
      if pthread_equal(pthread_self(), Interrupts.sessionThread) != 0 {
        Interrupts.continued = 1
      } else {
        pthread_kill(Interrupts.sessionThread, SIGCONT)
      }
    }
    // A parent may have started us with these blocked (Process from a Dispatch thread does).
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    sigaddset(&unblocked, SIGINT)
    sigaddset(&unblocked, SIGCONT)
    pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
  }

  nonisolated(unsafe) static var continued: sig_atomic_t = 0

  /// Whether the process was continued (after Ctrl-Z) since the last call; clears the flag.
  static func takeContinued() -> Bool {
    guard continued != 0 else { return false }
    continued = 0
    return true
  }

  /// Whether Ctrl-C was pressed since the last `clear`.
  public static var isRaised: Bool { raised != 0 }

  public static func clear() { raised = 0 }
}
