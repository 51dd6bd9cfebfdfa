import Foundation

/// Ctrl-C while Backstep runs: a flag the SIGINT handler raises, which the line
/// editor and the evaluator poll. Installed only for the interactive shell; a
/// script keeps the default (Ctrl-C ends it).
public enum Interrupts {
  // A signal handler can only touch a sig_atomic_t; nothing else here is shared.
  nonisolated(unsafe) static var raised: sig_atomic_t = 0

  public static func install() {
    signal(SIGINT) { _ in Interrupts.raised = 1 }
    // A parent may have started us with SIGINT blocked (Process from a Dispatch thread does).
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    sigaddset(&unblocked, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
  }

  /// Whether Ctrl-C was pressed since the last `clear`.
  public static var isRaised: Bool { raised != 0 }

  public static func clear() { raised = 0 }
}
