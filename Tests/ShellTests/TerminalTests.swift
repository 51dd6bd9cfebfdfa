import Foundation
import Glibc
import Testing

// The interactive shell driven through a pseudo-terminal: the built binary
// runs on the slave side with readline, the test types on the master side and
// reads what a terminal would show. Every wait has a deadline and the process
// is killed on every path, so a broken shell fails the test instead of hanging.

// MARK: - A pseudo-terminal

/// `backstep` running on the slave side of a pseudo-terminal.
final class PseudoTerminal {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// How long any one wait may take: generous, a loaded machine is slow, but never forever.
  static let deadline: TimeInterval = 20

  let process = Process()
  let home: URL
  private let master: Int32
  private let finished = DispatchSemaphore(value: 0)
  private var bytes: [UInt8] = []
  /// How much of `transcript` (in UTF-8 bytes) the waits have consumed.
  private var mark = 0
  private var closed = false

  /// Starts `backstep arguments` with HOME and the history in `home`, TERM=xterm, on a 80×24 terminal.
  init(_ arguments: [String] = [], home: URL, environment changes: [String: String?] = ["NO_COLOR": "1"]) throws {
    self.home = home
    let executable = try BackstepBinary.executable()
    master = PseudoTerminal.openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard master >= 0 else {
      closed = true
      throw Failure(description: "posix_openpt: errno \(errno)")
    }
    var buffer = [CChar](repeating: 0, count: 128)
    guard PseudoTerminal.grantpt(master) == 0, PseudoTerminal.unlockpt(master) == 0,
      PseudoTerminal.ptsname_r(master, &buffer, buffer.count) == 0
    else {
      let failure = Failure(description: "grantpt/unlockpt/ptsname: errno \(errno)")
      stop()
      throw failure
    }
    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // CLOEXEC: a child started by another test at the same time must not keep this terminal open.
    let slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard slave >= 0 else {
      let failure = Failure(description: "open \(name): errno \(errno)")
      stop()
      throw failure
    }
    defer { Glibc.close(slave) }  // the child has its own copies; EOF on the master once it exits
    var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(slave, UInt(TIOCSWINSZ), &size)

    var environment = BackstepBinary.environment(home: home, ["TERM": "xterm", "COLUMNS": nil, "LINES": nil])
    // No /etc/inputrc or ~/.inputrc: readline's defaults only.
    environment["INPUTRC"] = home.appendingPathComponent("inputrc").path
    _ = FileManager.default.createFile(atPath: home.appendingPathComponent("inputrc").path, contents: Data())
    for (name, value) in changes { environment[name] = value }

    let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = home
    process.standardInput = terminal
    process.standardOutput = terminal
    process.standardError = terminal
    let finished = finished
    process.terminationHandler = { _ in finished.signal() }
    // The child inherits this thread's signal mask, and the test runner's threads block
    // SIGINT: unblock it while the child starts, or Ctrl-C could never reach the shell.
    var interrupt = sigset_t(), previous = sigset_t()
    sigemptyset(&interrupt)
    sigaddset(&interrupt, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &interrupt, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    do {
      try process.run()
    } catch {
      stop()
      throw error
    }
  }

  deinit { stop() }

  /// Kills the process if it still runs and closes the terminal; safe to call twice.
  func stop() {
    guard !closed else { return }
    closed = true
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      _ = finished.wait(timeout: .now() + Self.deadline)
    }
    Glibc.close(master)
  }

  /// Everything shown so far, without readline's bracketed-paste switches (`ESC[?2004h`, `ESC[?2004l` and CR),
  /// which depend on the readline version and are not text.
  var transcript: String {
    String(decoding: bytes, as: UTF8.self)
      .replacingOccurrences(of: "\u{1B}[?2004h", with: "")
      .replacingOccurrences(of: "\u{1B}[?2004l\r", with: "")
  }

  /// What was shown after the last wait.
  var unread: String { String(transcript.utf8.dropFirst(mark)) ?? "" }

  /// Whether the terminal reads whole lines (canonical mode) rather than key by key, as readline has it.
  var readsWholeLines: Bool {
    var modes = termios()
    tcgetattr(master, &modes)
    return modes.c_lflag & tcflag_t(ICANON) != 0
  }

  /// What a shell's job control does around Ctrl-Z and `fg`: stops the process, puts the terminal
  /// back in the shell's own line mode with echo, and continues the process.
  func stopAndContinue() {
    kill(process.processIdentifier, SIGSTOP)
    var modes = termios()
    tcgetattr(master, &modes)
    modes.c_lflag |= tcflag_t(ICANON | ECHO)
    tcsetattr(master, TCSANOW, &modes)
    kill(process.processIdentifier, SIGCONT)
  }

  /// Types `text` as keystrokes.
  func type(_ text: String) throws {
    var remaining = Array(text.utf8)[...]
    while !remaining.isEmpty {
      let written = remaining.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { throw Failure(description: "writing to the terminal: errno \(errno)\n\(self)") }
      remaining = remaining.dropFirst(written)
    }
  }

  /// Waits until `text` is shown; returns all that was shown since the last wait, up to and including `text`.
  @discardableResult
  func waitFor(_ text: String) throws -> String {
    let end = Date(timeIntervalSinceNow: Self.deadline)
    while true {
      let unread = unread
      if let range = unread.range(of: text) {
        let shown = String(unread[..<range.upperBound])
        mark += shown.utf8.count
        return shown
      }
      guard try readMore(until: end) else {
        throw Failure(description: "\(text.debugDescription) was not shown\(closed ? "" : " within \(Int(Self.deadline)) s")\n\(self)")
      }
    }
  }

  /// Waits for the end of the output and of the process; returns what was shown since the last wait and the exit status.
  func waitForExit() throws -> (shown: String, status: Int32) {
    let end = Date(timeIntervalSinceNow: Self.deadline)
    while try readMore(until: end) {}
    guard finished.wait(timeout: .now() + max(0, end.timeIntervalSinceNow)) == .success else {
      throw Failure(description: "backstep did not exit within \(Int(Self.deadline)) s\n\(self)")
    }
    let shown = unread
    mark += shown.utf8.count
    return (shown, process.terminationStatus)
  }

  /// Sends SIGINT, as Ctrl-C does: the pty is not the child's controlling terminal, so typing ^C would not.
  func interrupt() throws {
    try waitUntilWaitingForInput()
    kill(process.processIdentifier, SIGINT)
  }

  /// Sends SIGINT at once, while the shell is busy evaluating.
  func interruptNow() {
    kill(process.processIdentifier, SIGINT)
  }

  /// Waits until the shell sleeps (in its wait for input, the only place it blocks).
  ///
  /// The echo of the last keystroke is written just before the shell goes back to
  /// waiting, and a SIGINT that lands in between is only acted on at the next
  /// keystroke (ReadlineInput checks its flag after poll, not before).
  private func waitUntilWaitingForInput() throws {
    let end = Date(timeIntervalSinceNow: Self.deadline)
    while Date() < end {
      let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
      // pid (comm) state ...: the state follows the last ')'.
      if let name = stat.lastIndex(of: ")"), stat[name...].dropFirst().trimmingCharacters(in: .whitespaces).hasPrefix("S") {
        return
      }
      usleep(1_000)
    }
    throw Failure(description: "backstep never went back to waiting for input\n\(self)")
  }

  /// Reads what the terminal shows; `false` at the deadline or once the process has closed the terminal.
  private func readMore(until end: Date) throws -> Bool {
    guard !closed else { return false }
    while true {
      let remaining = Int32(max(0, end.timeIntervalSinceNow * 1000))
      guard remaining > 0 else { return false }
      var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, remaining)
      if ready < 0 && errno == EINTR { continue }
      guard ready > 0 else { return false }
      var buffer = [UInt8](repeating: 0, count: 4096)
      let count = read(master, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      // EIO: every slave descriptor is closed, the process has ended.
      guard count > 0 else { return false }
      bytes += buffer[..<count]
      return true
    }
  }
}

// Swift's Glibc module leaves out the XSI pseudo-terminal functions of <stdlib.h>
// (they need _XOPEN_SOURCE), so they are looked up in the C library that is loaded anyway.
extension PseudoTerminal {
  static let openpt = libc("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
  static let grantpt = libc("grantpt", as: (@convention(c) (Int32) -> Int32).self)
  static let unlockpt = libc("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
  static let ptsname_r = libc("ptsname_r", as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32).self)

  private static func libc<F>(_ name: String, as type: F.Type) -> F {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {  // RTLD_DEFAULT
      preconditionFailure("the C library has no \(name)")
    }
    return unsafeBitCast(symbol, to: type)
  }
}

extension PseudoTerminal: CustomStringConvertible {
  var description: String { "--- the terminal showed:\n\(transcript.debugDescription)" }
}

// MARK: - Tests

@Suite("The interactive shell on a pseudo-terminal")
struct TerminalTests {
  static let prompt = "» ", continuation = "… "

  /// Runs `body` with the shell started on a pseudo-terminal in a new home directory, once its
  /// first prompt is shown.
  private func atTheFirstPrompt(_ body: (PseudoTerminal, URL) throws -> Void) throws {
    try withTemporaryDirectory { home in
      let terminal = try PseudoTerminal(home: home)
      defer { terminal.stop() }
      try terminal.waitFor(Self.prompt)
      try body(terminal, home)
    }
  }

  @Test func showsTheBannerAndThePromptAndLeavesOnCtrlD() throws {
    // --version's first line; the second names the BLAS kernels.
    let version = try BackstepBinary.run(["--version"]).stdout.split(separator: "\n").first ?? ""
    try withTemporaryDirectory { home in
      let terminal = try PseudoTerminal(home: home)
      defer { terminal.stop() }
      #expect(try terminal.waitFor(Self.prompt) == "Backstep \(version) — :help for help, Ctrl-D or :quit to leave\r\n» ")
      try terminal.type("\u{4}")
      let (shown, status) = try terminal.waitForExit()
      #expect(status == 0)
      // Only line breaks after Ctrl-D: no prompt, no output.
      #expect(shown.allSatisfy { $0 == "\r\n" || $0 == "\r" || $0 == "\n" }, "\(shown.debugDescription)")
    }
  }

  /// Without BACKSTEP_HISTORY, the history goes to $HOME (each student of a lab may have their own).
  @Test func theHistoryIsKeptInHome() throws {
    try withTemporaryDirectory { home in
      let terminal = try PseudoTerminal(home: home, environment: ["NO_COLOR": "1", "BACKSTEP_HISTORY": nil])
      defer { terminal.stop() }
      try terminal.waitFor(Self.prompt)
      try terminal.type("y = 3\r")
      try terminal.waitFor(Self.prompt)
      #expect(try String(contentsOf: home.appendingPathComponent(".backstep_history"), encoding: .utf8) == "y = 3\n")
      try terminal.type("\u{4}")
      #expect(try terminal.waitForExit().status == 0)
    }
  }

  @Test func aTypedLineIsEvaluatedAndWrittenToTheHistory() throws {
    try withTemporaryDirectory { home in
      let history = home.appendingPathComponent("history")
      do {
        let terminal = try PseudoTerminal(home: home)
        defer { terminal.stop() }
        try terminal.waitFor(Self.prompt)
        try terminal.type("x = [1, 2]\r")
        #expect(try terminal.waitFor(Self.prompt) == "x = [1, 2]\r\nx : (2,)\r\n[1. 2.]\r\n» ")
        // The history is saved before the next prompt.
        #expect(try String(contentsOf: history, encoding: .utf8) == "x = [1, 2]\n")
        try terminal.type("[1, 2] * 3\r")
        #expect(try terminal.waitFor(Self.prompt) == "[1, 2] * 3\r\n(2,)\r\n[3. 6.]\r\n» ")
        #expect(try String(contentsOf: history, encoding: .utf8) == "x = [1, 2]\n[1, 2] * 3\n")
        try terminal.type("\u{4}")
        #expect(try terminal.waitForExit().status == 0)
      }
      // The next session starts with that history: Up recalls the last statement.
      let terminal = try PseudoTerminal(home: home)
      defer { terminal.stop() }
      try terminal.waitFor(Self.prompt)
      try terminal.type("\u{1B}[A")
      #expect(try terminal.waitFor("[1, 2] * 3") == "[1, 2] * 3")
      try terminal.type("\r")
      #expect(try terminal.waitFor(Self.prompt) == "\r\n(2,)\r\n[3. 6.]\r\n» ")
      #expect(try String(contentsOf: history, encoding: .utf8) == "x = [1, 2]\n[1, 2] * 3\n[1, 2] * 3\n")
    }
  }

  @Test func tabCompletesAUniquePrefix() throws {
    try atTheFirstPrompt { terminal, home in
      try terminal.type("weights = ones(2)\r")
      #expect(try terminal.waitFor(Self.prompt) == "weights = ones(2)\r\nweights : (2,)\r\n[1. 1.]\r\n» ")
      try terminal.type("wei")
      #expect(try terminal.waitFor("wei") == "wei")
      try terminal.type("\t")
      #expect(try terminal.waitFor("ghts") == "ghts")
      // No space after a name: a method completes right after it.
      try terminal.type(".su\t")
      #expect(try terminal.waitFor(".sum") == ".sum")
      try terminal.type("()\r")
      #expect(try terminal.waitFor(Self.prompt) == "()\r\n2.0\r\n» ")

      // A built-in after an operator, and a :command at the start of the line.
      try terminal.type("weights + resh")
      try terminal.waitFor("weights + resh")
      try terminal.type("\t")
      #expect(try terminal.waitFor("ape") == "ape")
      try terminal.type("\u{15}")  // Ctrl-U: kill the line
      try terminal.type(":he")
      try terminal.waitFor(":he")
      try terminal.type("\t")
      #expect(try terminal.waitFor("lp ") == "lp ")
      try terminal.type("\u{15}\u{4}")
      #expect(try terminal.waitForExit().status == 0)
    }
  }

  @Test func aStatementWithAnOpenBracketGoesOnAtTheContinuationPrompt() throws {
    try atTheFirstPrompt { terminal, home in
      try terminal.type("y = [[1, 2],\r")
      #expect(try terminal.waitFor(Self.continuation) == "y = [[1, 2],\r\n… ")
      try terminal.type("[3, 4]]\r")
      #expect(try terminal.waitFor(Self.prompt) == "[3, 4]]\r\ny : (2, 2)\r\n[[1. 2.]\r\n [3. 4.]]\r\n» ")
      #expect(try String(contentsOf: home.appendingPathComponent("history"), encoding: .utf8) == "y = [[1, 2], [3, 4]]\n")
      try terminal.type("\u{4}")
      #expect(try terminal.waitForExit().status == 0)
    }
  }

  /// After Ctrl-Z and `fg` the shell has left the terminal in its own mode: the line being typed is
  /// drawn again and the terminal goes back to key-by-key reading (the first line typed used to be
  /// echoed twice, once by the terminal and once by readline).
  @Test func aStoppedAndContinuedShellTakesTheTerminalBack() throws {
    try atTheFirstPrompt { terminal, home in
      try terminal.type("x = 12")
      try terminal.waitFor("x = 12")
      #expect(!terminal.readsWholeLines)
      terminal.stopAndContinue()
      try terminal.waitFor("» x = 12")  // the prompt and the line, drawn again
      #expect(!terminal.readsWholeLines)
      try terminal.type("3\r")
      #expect(try terminal.waitFor(Self.prompt).hasSuffix("3\r\nx : () = 123.0\r\n» "))
      try terminal.type("\u{4}")
      #expect(try terminal.waitForExit().status == 0)
    }
  }

  @Test func ctrlCAbandonsTheLineAndTheSessionGoesOn() throws {
    try atTheFirstPrompt { terminal, home in
      try terminal.type("abc = 5")
      try terminal.waitFor("abc = 5")
      try terminal.interrupt()
      #expect(try terminal.waitFor(Self.prompt) == "\r\n» ")

      // At the continuation prompt, Ctrl-C drops the lines typed so far.
      try terminal.type("z = [1,\r")
      try terminal.waitFor(Self.continuation)
      try terminal.interrupt()
      #expect(try terminal.waitFor(Self.prompt) == "\r\n» ")

      // Nothing of it ran, nothing of it is in the history, and the shell still works.
      try terminal.type(":vars\r")
      #expect(try terminal.waitFor(Self.prompt) == ":vars\r\nno variables yet\r\n» ")
      try terminal.type("b = 2 * 3\r")
      #expect(try terminal.waitFor(Self.prompt) == "b = 2 * 3\r\nb : () = 6.0\r\n» ")
      #expect(try String(contentsOf: home.appendingPathComponent("history"), encoding: .utf8) == ":vars\nb = 2 * 3\n")
      try terminal.type("\u{4}")
      #expect(try terminal.waitForExit().status == 0)
    }
  }

  /// Ctrl-C during a long loop stops it; the variables are as after the last completed iteration.
  @Test func ctrlCStopsARunningLoop() throws {
    try atTheFirstPrompt { terminal, home in
      try terminal.type("a = randn(200, 200); n = 0\r")
      try terminal.waitFor(Self.prompt)
      try terminal.type("for i in 0..<1000000 { a = tanh(a @ a); n = n + 1 }\r")
      try terminal.waitFor("n = n + 1 }\r\n")
      usleep(300_000)
      terminal.interruptNow()
      let report = try terminal.waitFor(Self.prompt)
      #expect(report.contains("error: interrupted"), "\(report.debugDescription)")
      #expect(report.contains("note: interrupted: the variables are as they were after"), "\(report.debugDescription)")
      // n counts the completed iterations, and the session goes on.
      try terminal.type("n > 0\r")
      #expect(try terminal.waitFor(Self.prompt) == "n > 0\r\n1.0\r\n» ")
      try terminal.type("\u{4}")
      #expect(try terminal.waitForExit().status == 0)
    }
  }

  @Test func colourOnATerminal() throws {
    try withTemporaryDirectory { home in
      let terminal = try PseudoTerminal(home: home, environment: ["NO_COLOR": nil])
      defer { terminal.stop() }
      let green = "\u{1B}[1;32m", reset = "\u{1B}[0m"
      #expect(try terminal.waitFor(Self.prompt + reset).hasSuffix("\r\n\(green)» \(reset)"))
      try terminal.type("x = [1, 2]\r")
      #expect(try terminal.waitFor(Self.prompt + reset) == "x = [1, 2]\r\n\u{1B}[1;36mx\(reset) : \u{1B}[2m(2,)\(reset)\r\n[1. 2.]\r\n\(green)» \(reset)")
      try terminal.type("x @ ones(3)\r")
      let error = try terminal.waitFor(Self.prompt + reset)
      #expect(error.hasPrefix("x @ ones(3)\r\n\u{1B}[1;31merror:\(reset) matrix product of (2,) and (3,)"), "\(error.debugDescription)")
      try terminal.type("\u{4}")
      #expect(try terminal.waitForExit().status == 0)  // an interactive session that ends normally exits 0
    }
  }

  @Test(arguments: [([], ["NO_COLOR": "1"]), (["--no-color"], [:])] as [([String], [String: String?])])
  func noColourUnderNoColor(arguments: [String], environment: [String: String?]) throws {
    try withTemporaryDirectory { home in
      let terminal = try PseudoTerminal(arguments, home: home, environment: environment)
      defer { terminal.stop() }
      try terminal.waitFor(Self.prompt)
      try terminal.type("x = [1, 2]\r")
      #expect(try terminal.waitFor(Self.prompt) == "x = [1, 2]\r\nx : (2,)\r\n[1. 2.]\r\n» ")
      try terminal.type("ones(2, 3) * ones(3, 5)\r")
      let error = try terminal.waitFor(Self.prompt)
      #expect(error.hasPrefix("ones(2, 3) * ones(3, 5)\r\nerror: `*` multiplies element-wise"), "\(error.debugDescription)")
      #expect(error.contains("\r\nhint: for the matrix product"), "\(error.debugDescription)")
      try terminal.type(":vars\r")
      #expect(try terminal.waitFor(Self.prompt) == ":vars\r\nname  shape  computed by\r\nx     (2,)   leaf\r\n» ")
      try terminal.type("\u{4}")
      #expect(try terminal.waitForExit().status == 0)  // an interactive session that ends normally exits 0
      // Select Graphic Rendition, the escape codes that set colours.
      #expect(terminal.transcript.firstMatch(of: /\x{1B}\[[0-9;]*m/) == nil, "\(terminal)")
    }
  }
}
