import ArgumentParser
import CMimalloc
import Foundation
import Shell
import Tensors

/// The command line: a script, `-e` statements, or the interactive shell.
struct Backstep: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "backstep",
    abstract: "A shell that teaches backpropagation: type tensor expressions, watch their gradients.",
    discussion: """
      Without a script or -e, starts the interactive shell (or reads statements from standard input when it is not a \
      terminal). Exit status: 0 when every statement succeeded, 1 when any failed, 2 for a usage error.

      Environment: NO_COLOR (no colours), BACKSTEP_HISTORY (the history file, ~/.backstep_history), \
      BACKSTEP_PROGRESS (lesson progress, ~/.backstep_progress), BACKSTEP_LESSONS (the lessons folder), \
      BACKSTEP_THREADS (the threads large loops and matrix products may use; one per core by default), OPENBLAS_CORETYPE \
      (pins OpenBLAS's kernels; by default Backstep replaces the generic ones OpenBLAS falls back to on a \
      processor it does not know, see --version).
      """,
    version: "\(version)\n\(BLASKernels.report)\nmemory: \(allocator)\nexp, tanh: \(VectorMath.instructionSet) code\nthreads: \(Parallel.cores)")

  @Argument(help: "A script to run.", completion: .file())
  var script: String?

  @Option(
    name: [.customShort("e"), .long], parsing: .unconditionalSingleValue,
    help: "Statements to run, separated by ';' or newlines (a :command takes the rest of its line); several -e run in order.")
  var execute: [String] = []

  @Flag(help: "Print one JSON object per statement instead of text.")
  var json = false

  @Flag(name: .customLong("no-color"), help: "Never use colours (NO_COLOR does the same).")
  var noColor = false

  @Option(help: "Play a lesson (a number, a name, or the path of a .lesson file); with --auto, non-interactively.")
  var lesson: String?

  @Flag(help: "With --lesson: answer every exercise with its model answer; exit 1 if any step fails.")
  var auto = false

  @Flag(help: ArgumentHelp("Print the language reference (docs/language.md) and exit.", visibility: .hidden))
  var reference = false

  func validate() throws {
    if script != nil && !execute.isEmpty { throw ValidationError("give a script or -e, not both") }
    if auto && lesson == nil { throw ValidationError("--auto plays a lesson: give --lesson N") }
    if lesson != nil && (script != nil || !execute.isEmpty) { throw ValidationError("give a lesson, a script or -e, not several") }
  }

  func run() throws {
    if reference {
      print(Terminal.reference(), terminator: "")
      return
    }
    let style = json ? .plain : Terminal.style(forceOff: noColor)
    let interactive = Terminal.isInteractive && !json && script == nil && execute.isEmpty && !auto
    let session = Session(options: .init(json: json, style: style, progress: interactive)) { text in
      FileHandle.standardOutput.write(Data(text.utf8))
    }
    if interactive { session.progressFile = .standard() }
    if let lesson, auto {
      try playAutomatically(lesson, in: session)
      return
    }
    // The banner comes first, before a lesson given on the command line starts.
    if interactive { FileHandle.standardOutput.write(Data("Backstep \(Self.version) — :help for help, Ctrl-D or :quit to leave\n".utf8)) }
    // A lesson that cannot be played is a usage error, before any input is read.
    if let lesson { session.startLesson(try Self.lesson(named: lesson)) }
    if !execute.isEmpty {
      for statements in execute { session.runScript(statements) }
    } else if let script {
      guard let data = FileManager.default.contents(atPath: script) else {
        FileHandle.standardError.write(Data("backstep: cannot read \(script)\n".utf8))
        throw ExitCode(2)
      }
      guard let text = String(validating: data, as: UTF8.self) else {
        let offset = Self.firstInvalidUTF8(in: data)
        let line = 1 + data.prefix(offset).filter { $0 == UInt8(ascii: "\n") }.count
        FileHandle.standardError.write(Data(
          "backstep: \(script) is not UTF-8 text (line \(line) holds a byte that is not); save it as UTF-8\n".utf8))
        throw ExitCode(2)
      }
      session.runScript(text)
    } else if interactive {
      let input = ReadlineInput(history: .standard()) { prefix, before in
        session.completions(for: prefix, lineBefore: before)
      }
      Terminal.run(session, input: input, showPrompts: true)
    } else {
      Terminal.run(session, input: StandardInputLines(), showPrompts: false)
    }
    // A script or a pipe reports failures in its exit status; an interactive session that ends normally does not.
    if session.failureCount > 0 && !interactive { throw ExitCode(1) }
  }

  /// The offset of the first byte that does not decode as UTF-8.
  static func firstInvalidUTF8(in data: Data) -> Int {
    var decoder = UTF8()
    var bytes = data.makeIterator()
    var offset = 0
    while true {
      switch decoder.decode(&bytes) {
      case .scalarValue(let scalar): offset += UTF8.width(scalar)
      case .emptyInput, .error: return offset
      }
    }
  }

  /// `--lesson N --auto`: every step played, every exercise answered with its model answer.
  /// The lesson `--lesson` names, or exit status 2 with the reason on standard error.
  static func lesson(named key: String) throws -> Lesson {
    do throws(CourseError) {
      return try Course.lesson(named: key)
    } catch {
      FileHandle.standardError.write(Data("backstep: \(error.message)\nhint: \(error.hint)\n".utf8))
      throw ExitCode(2)
    }
  }

  func playAutomatically(_ key: String, in session: Session) throws {
    let failures = session.playAutomatically(try Self.lesson(named: key))
    for failure in failures { FileHandle.standardError.write(Data("failed: \(failure)\n".utf8)) }
    if !failures.isEmpty { throw ExitCode(1) }
  }
}

/// Who serves malloc: mimalloc, linked for speed (an interpreter allocates a few small blocks per op,
/// where the C library's malloc took a fifth of the time of a small statement), else the C library.
let allocator = backstep_malloc_is_mimalloc() != 0
  ? "mimalloc \(mi_version() / 100).\(mi_version() % 100 / 10).\(mi_version() % 10)" : "the C library's malloc"

/// Parses the command line and runs it; exits with its status.
func runCommandLine() -> Never {
  do {
    var command = try Backstep.parseAsRoot()
    try command.run()
    Foundation.exit(0)
  } catch let exit as ExitCode {
    Foundation.exit(exit.rawValue)
  } catch {
    let code = Backstep.exitCode(for: error)
    if code == .success {
      print(Backstep.fullMessage(for: error))
      Foundation.exit(0)
    }
    FileHandle.standardError.write(Data((Backstep.fullMessage(for: error) + "\n").utf8))
    Foundation.exit(2)
  }
}

backstep_malloc_keep_freed_memory(1000)
BLASKernels.chooseForThisProcessor()
// The session runs on a thread with a large stack (address space, touched only as it is used):
// recursion within the language's limits then fits, where the main thread's 8 MiB can run out
// (the interpreter's stack guard turns that into an error, not a crash).
// Where the system refuses such a thread (a limit on address space), the session runs here.
var attributes = pthread_attr_t()
pthread_attr_init(&attributes)
pthread_attr_setstacksize(&attributes, 512 << 20)
var session = pthread_t()
guard pthread_create(&session, &attributes, { _ in runCommandLine() }, nil) == 0 else { runCommandLine() }
// This thread only waits; a Ctrl-C it receives is passed on to the session's thread (Interrupts).
while true { pause() }
