import Foundation
import Testing

// End-to-end tests of the `backstep` command: the built binary, run as a user
// runs it, with its output on files (never a terminal). The pseudo-terminal
// tests are in TerminalTests.swift and share `BackstepBinary` below.

// MARK: - Running the binary

/// The `backstep` executable of the build the tests run from, and running it with a deadline.
enum BackstepBinary {
  /// What a finished run printed, and its exit status.
  struct Run: Sendable, CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
  }

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// The binary next to the test runner (so any `--scratch-path` works), else one under the package root.
  static let url: URL? = {
    let fileManager = FileManager.default
    var directories: [URL] = []
    if let runner = Bundle.main.executableURL { directories.append(runner.resolvingSymlinksInPath().deletingLastPathComponent()) }
    if let first = CommandLine.arguments.first, first.contains("/") {
      directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
    }
    // macOS: an `.xctest` bundle sits in the build directory.
    for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
      directories.append(bundle.bundleURL.deletingLastPathComponent())
    }
    for directory in directories {
      let candidate = directory.appendingPathComponent("backstep")
      if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    // Last resort: the newest `.build*/debug/backstep` of this package.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let builds = ((try? fileManager.contentsOfDirectory(atPath: root.path)) ?? []).filter { $0.hasPrefix(".build") }
    let found = builds.map { root.appendingPathComponent($0).appendingPathComponent("debug/backstep") }
      .filter { fileManager.isExecutableFile(atPath: $0.path) }
    func modified(_ url: URL) -> Date {
      ((try? fileManager.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }
    return found.max { modified($0) < modified($1) }
  }()

  static func executable() throws -> URL {
    guard let url else {
      throw Failure(description: "no built backstep next to \(CommandLine.arguments.first ?? "the test runner"); run `swift build` first")
    }
    return url
  }

  /// The environment of a run: the tests' own, without colour settings, with HOME and the history in `home`.
  static func environment(home: URL, _ changes: [String: String?] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = nil
    environment["HOME"] = home.path
    environment["BACKSTEP_HISTORY"] = home.appendingPathComponent("history").path
    for (name, value) in changes { environment[name] = value }
    return environment
  }

  /// Runs `backstep arguments` to its end with `input` (a few kilobytes at most) on a pipe, or /dev/null,
  /// and its output on files.
  ///
  /// The process is killed if it has not finished by the deadline.
  static func run(
    _ arguments: [String], input: String? = nil, environment changes: [String: String?] = [:],
    deadline: TimeInterval = 60
  ) throws -> Run {
    try withTemporaryDirectory { directory in
      let outURL = directory.appendingPathComponent("stdout"), errURL = directory.appendingPathComponent("stderr")
      _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
      _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
      let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
      defer {
        try? out.close()
        try? err.close()
      }
      let process = Process()
      process.executableURL = try executable()
      process.arguments = arguments
      process.environment = environment(home: directory, changes)
      process.currentDirectoryURL = directory
      process.standardOutput = out
      process.standardError = err
      if let input {
        // Written before the start: the small input fits the pipe's buffer, and the
        // test cannot get SIGPIPE from a process that ends without reading it.
        let stdin = Pipe()
        try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.standardInput = stdin
      } else {
        process.standardInput = FileHandle.nullDevice
      }
      let finished = DispatchSemaphore(value: 0)
      process.terminationHandler = { _ in finished.signal() }
      try process.run()
      if finished.wait(timeout: .now() + deadline) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        _ = finished.wait(timeout: .now() + 10)
        throw Failure(description: "backstep \(arguments) did not finish within \(Int(deadline)) s")
      }
      return Run(
        status: process.terminationStatus,
        stdout: try String(contentsOf: outURL, encoding: .utf8),
        stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
  }
}

/// Runs `body` with a new empty directory that is removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstep-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try body(directory)
}

/// `ESC` starts every ANSI escape sequence.
let escape: Character = "\u{1B}"

// MARK: - Tests

@Suite("The backstep command")
struct CommandLineTests {
  @Test func executeRunsEveryStatementAndExitsZero() throws {
    let run = try BackstepBinary.run(["-e", "x = [1, 2]; y = x * 2; y.shape"])
    #expect(run.stdout == """
      x : (2,)
      [1. 2.]
      y : (2,)
      [2. 4.]
      (2,)

      """, "\(run)")
    #expect(run.stderr == "")
    #expect(run.status == 0)
  }

  /// Without Graphviz, --svg is an error every time (it used to die of SIGPIPE in about half the runs).
  @Test func svgWithoutGraphvizIsAnError() throws {
    for _ in 0..<3 {
      let run = try BackstepBinary.run(
        ["-e", "x = ones(2); L = sum(x * x)", "-e", ":graph L --svg graph.svg"], environment: ["PATH": "/nonexistent"])
      #expect(run.stdout.contains("error: Graphviz's dot is not installed (not found on the PATH)"), "\(run)")
      #expect(run.status == 1)
    }
  }

  /// The session's large-stack thread needs address space; where a limit refuses it, the session
  /// runs on the main thread instead of never starting.
  @Test func aLimitOnAddressSpaceDoesNotStopTheShell() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "ulimit -v 400000 && exec \"$0\" -e '2 + 2'", try BackstepBinary.executable().path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(text == "4.0\n")
    #expect(process.terminationStatus == 0)
  }

  @Test func severalExecuteOptionsRunInOrder() throws {
    let run = try BackstepBinary.run(["-e", "a = 2", "-e", "print(a * 3)", "-e", "-2 ** 2"])
    #expect(run.stdout == "a : () = 2.0\n6.0\n-4.0\n", "\(run)")  // a statement may start with a minus
    #expect(run.status == 0)
  }

  /// A teacher's lesson plays from its path; a broken lesson in the folder does not stop the others,
  /// and asking for it says what is wrong with it.
  @Test func lessonsByPathAndBrokenLessonFiles() throws {
    try withTemporaryDirectory { directory in
      let good = "# Two plus two\n\nAdd.\n\n» x = 2 + 2\n\n? What is x?\n= value x\nanswer: 4\n\n»! x @ x @ 1\n\n? And x + 1?\n= value x + 1\nanswer: 5\n"
      try good.write(to: directory.appendingPathComponent("01-add.lesson"), atomically: true, encoding: .utf8)
      try "# Broken\n\n? What?\n= foo W\nanswer: 1\n".write(
        to: directory.appendingPathComponent("02-broken.lesson"), atomically: true, encoding: .utf8)
      let byPath = try BackstepBinary.run(["--lesson", directory.appendingPathComponent("01-add.lesson").path, "--auto"])
      #expect(byPath.status == 0, "\(byPath)")
      #expect(byPath.stdout.contains("x : () = 4.0"), "\(byPath)")

      let environment = ["BACKSTEP_LESSONS": directory.path]
      let first = try BackstepBinary.run(["--lesson", "1", "--auto"], environment: environment)
      #expect(first.status == 0, "\(first)")
      let broken = try BackstepBinary.run(["--lesson", "2", "--auto"], environment: environment)
      #expect(broken.status == 2)
      #expect(broken.stderr.hasPrefix("backstep: lesson 2 cannot be read: 02-broken:4: unknown check `foo`"), "\(broken)")
      // Played by hand (or by a grader's script), the same: no input is run as statements.
      let brokenByHand = try BackstepBinary.run(["--lesson", "2", "--json"], input: "x = 1\n", environment: environment)
      #expect(brokenByHand.status == 2, "\(brokenByHand)")
      #expect(brokenByHand.stdout == "", "\(brokenByHand)")
      // Autograding: one record per answer, with the exercise's step and line; a reveal or a skip is
      // recorded too; the lesson's own statements name its file (their lines are its lines), the one
      // that fails on purpose says so, and the last record says where the lesson ended.
      let graded = try BackstepBinary.run(["--lesson", "1", "--json"], input: "\n\n5\n:reveal\n\n:skip\n", environment: environment)
      let records = graded.stdout.split(separator: "\n").filter { !$0.contains("\"text\"") }
      #expect(Array(records.filter { $0.contains("\"exercise\"") }) == [
        #"{"lesson": "01-add", "step": 3, "line": 7, "exercise": "What is x?", "answer": "5", "correct": false, "revealed": false, "skipped": false, "explanation": "not 5.0"}"#,
        #"{"lesson": "01-add", "step": 3, "line": 7, "exercise": "What is x?", "answer": null, "correct": false, "revealed": true, "skipped": false, "explanation": null}"#,
        #"{"lesson": "01-add", "step": 5, "line": 13, "exercise": "And x + 1?", "answer": null, "correct": false, "revealed": true, "skipped": true, "explanation": null}"#,
      ], "\(graded)")
      #expect(records.contains { $0.hasPrefix(#"{"file": "01-add.lesson", "line": 5, "source": "x = 2 + 2""#) }, "\(graded)")
      #expect(records.contains { $0.hasPrefix(#"{"file": "01-add.lesson", "line": 11, "source": "x @ x @ 1", "error""#) && $0.hasSuffix(#", "expected": true}"#) }, "\(graded)")
      #expect(records.last == #"{"lesson": "01-add", "ended": "finished", "step": 5, "steps": 5, "exercises": 2}"#, "\(graded)")
      #expect(!graded.stdout.contains(#""source": ":lesson"#), "--lesson starts the lesson, not a :lesson statement with its record")
      let stopped = try BackstepBinary.run(["--lesson", "1", "--json"], input: "\n\n", environment: environment)
      #expect(stopped.stdout.hasSuffix(#"{"lesson": "01-add", "ended": "left", "step": 3, "steps": 5, "exercises": 2}"# + "\n"), "\(stopped)")
      let listed = try BackstepBinary.run(["-e", ":lessons"], environment: environment)
      #expect(listed.stdout.contains("1  Two plus two"), "\(listed)")
      #expect(listed.stdout.contains("cannot read 02-broken:4: unknown check `foo`"), "\(listed)")
    }
  }

  /// A loop that chains every iteration into one graph stops at the graphs' memory limit with an
  /// error, instead of exhausting the machine; what it built is freed, and `detach` keeps only data.
  /// (In its own process: the limit and the count are process-wide.)
  @Test func graphsStopAtTheirMemoryLimit() throws {
    let script = """
      :set max_graph_bytes 50000000
      x = randn(1000, 1000);
      for i in 0..<20 { x = x * 1.0 }
      for i in 0..<20 { x = detach(x * 1.0) }
      :set
      """
    let run = try BackstepBinary.run(["-e", script])
    #expect(run.stdout.contains("""
      error: the values kept by computation graphs would reach 53.4 MiB, over the limit of 47.7 MiB (in iteration i = 5)
       --> line 3:25
      """), "\(run)")
    #expect(run.stdout.contains("keep only the data with x = detach(x). `:set max_graph_bytes N` changes the limit"))
    // The failed loop left x and the count as they were; the detached loop kept one value at a time.
    #expect(run.stdout.contains("max_graph_bytes = 50000000 (47.7 MiB; graphs hold 7.63 MiB now)"), "\(run)")
    #expect(run.status == 1)
  }

  /// `print` writes a line per call, before the statement's own result; in a loop, one per iteration,
  /// and what was printed before an error stays printed.
  @Test func printWritesItsLinesBeforeTheResult() throws {
    let script = """
      for i in 0..<3 { print("step", i, [i, i ** 2]) }
      print()
      L = 0.5; print("L is", L); L
      for i in 0..<3 { print(i); nope }
      """
    let run = try BackstepBinary.run(["-e", script])
    #expect(run.stdout.hasPrefix("""
      step 0.0 [0. 0.]
      step 1.0 [1. 1.]
      step 2.0 [2. 4.]

      L : () = 0.5
      L is 0.5
      0.5
      0.0
      error: unknown name `nope` (in iteration i = 0)
      """), "\(run)")
    let json = try BackstepBinary.run(["--json", "-e", "for i in 0..<2 { print(i * 2) }"])
    #expect(json.stdout == #"{"line": 1, "source": "for i in 0..<2 { print(i * 2) }", "printed": ["0.0", "2.0"]}"# + "\n", "\(json)")
  }

  @Test func aFailedStatementExitsOneAndTheRestStillRuns() throws {
    let run = try BackstepBinary.run(["-e", "a = 1; nope; b = a + 1"])
    #expect(run.stdout == """
      a : () = 1.0
      error: unknown name `nope`
       --> line 1:8
      1 | a = 1; nope; b = a + 1
        |        ^~~~
      hint: define it first, e.g. nope = randn(2, 3)
      b : () = 2.0

      """, "\(run)")
    #expect(run.stderr == "")
    #expect(run.status == 1)
  }

  @Test func aScriptFileRunsLikeTypedLines() throws {
    try withTemporaryDirectory { directory in
      let script = directory.appendingPathComponent("first.bs")
      try """
        # the first session of the README
        w = [[1, -1], [0.5, -1],
             [1, -0.5]]
        dz = ones(3, 5)
        dx = w.T @ dz
        sum(dx)

        """.write(to: script, atomically: true, encoding: .utf8)
      let run = try BackstepBinary.run([script.path])
      #expect(run.stdout == """
        w : (3, 2)
        [[ 1.  -1. ]
         [ 0.5 -1. ]
         [ 1.  -0.5]]
        dz : (3, 5)
        [[1. 1. 1. 1. 1.]
         [1. 1. 1. 1. 1.]
         [1. 1. 1. 1. 1.]]
        dx : (2, 5)
        [[ 2.5  2.5  2.5  2.5  2.5]
         [-2.5 -2.5 -2.5 -2.5 -2.5]]
        0.0

        """, "\(run)")
      #expect(run.stderr == "")
      #expect(run.status == 0)
    }
  }

  /// Windows line breaks (`\r\n`) give the same lines and output as `\n`.
  @Test(arguments: ["\n", "\r\n"])
  func aFailureInAScriptIsShownAtItsLine(lineBreak: String) throws {
    try withTemporaryDirectory { directory in
      let script = directory.appendingPathComponent("broken.bs")
      let lines = ["w = ones(3, 2)", "dz = ones(3, 5)", "w.T * dz", "w.T @ dz"]
      try lines.map { $0 + lineBreak }.joined().write(to: script, atomically: true, encoding: .utf8)
      let run = try BackstepBinary.run([script.path])
      #expect(run.stdout == """
        w : (3, 2)
        [[1. 1.]
         [1. 1.]
         [1. 1.]]
        dz : (3, 5)
        [[1. 1. 1. 1. 1.]
         [1. 1. 1. 1. 1.]
         [1. 1. 1. 1. 1.]]
        error: `*` multiplies element-wise; shapes (2, 3) and (3, 5) do not broadcast (axis -1: 3 vs 5)
         --> line 3:5
        3 | w.T * dz
          |     ^
        hint: for the matrix product (2, 3) @ (3, 5) -> (2, 5), write w.T @ dz
        (2, 5)
        [[3. 3. 3. 3. 3.]
         [3. 3. 3. 3. 3.]]

        """, "\(run)")
      #expect(run.stderr == "")
      #expect(run.status == 1)
    }
  }

  @Test func statementsPipedOnStandardInputRunWithoutPrompts() throws {
    let run = try BackstepBinary.run([], input: "# a comment\nx = [1,\n     2]\nx * 2\n")
    #expect(run.stdout == "x : (2,)\n[1. 2.]\n(2,)\n[2. 4.]\n", "\(run)")
    #expect(run.stderr == "")
    #expect(run.status == 0)

    let failing = try BackstepBinary.run([], input: "nope\n1 + 1\n")
    #expect(failing.stdout == """
      error: unknown name `nope`
       --> line 1:1
      1 | nope
        | ^~~~
      hint: define it first, e.g. nope = randn(2, 3)
      2.0

      """, "\(failing)")
    #expect(failing.status == 1)
  }

  @Test func jsonGivesOneParsableObjectPerStatement() throws {
    let script = """
      w = [[1, -1], [0.5, -1], [1, -0.5]]
      dz = ones(3, 5)
      w.T * dz
      dx = w.T @ dz; log([0, 1, -1]); -log(0)
      0.1 + 0.2
      :vars
      """
    let run = try BackstepBinary.run(["--json", "-e", script])
    #expect(run.stderr == "")
    #expect(run.status == 1)
    #expect(run.stdout.hasSuffix("}\n") && !run.stdout.contains(escape))
    let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    try #require(lines.count == 8, "\(run)")
    let records = try lines.map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
    }

    func expectValue(_ record: [String: Any], line: Int, source: String, name: String?, shape: [Int]) {
      #expect(Set(record.keys) == ["line", "source", "name", "shape", "value"], "\(record)")
      #expect(record["line"] as? Int == line)
      #expect(record["source"] as? String == source)
      if let name { #expect(record["name"] as? String == name) } else { #expect(record["name"] is NSNull) }
      #expect(record["shape"] as? [Int] == shape)
    }

    expectValue(records[0], line: 1, source: "w = [[1, -1], [0.5, -1], [1, -0.5]]", name: "w", shape: [3, 2])
    #expect(records[0]["value"] as? [[Double]] == [[1, -1], [0.5, -1], [1, -0.5]])
    expectValue(records[1], line: 2, source: "dz = ones(3, 5)", name: "dz", shape: [3, 5])
    #expect(records[1]["value"] as? [[Double]] == Array(repeating: Array(repeating: 1, count: 5), count: 3))

    #expect(Set(records[2].keys) == ["line", "source", "error"], "\(records[2])")
    #expect(records[2]["line"] as? Int == 3)
    #expect(records[2]["source"] as? String == "w.T * dz")
    let error = try #require(records[2]["error"] as? [String: Any])
    #expect(Set(error.keys) == ["message", "line", "column", "hint"])
    #expect(error["message"] as? String == "`*` multiplies element-wise; shapes (2, 3) and (3, 5) do not broadcast (axis -1: 3 vs 5)")
    #expect(error["line"] as? Int == 3)
    #expect(error["column"] as? Int == 5)
    #expect(error["hint"] as? String == "for the matrix product (2, 3) @ (3, 5) -> (2, 5), write w.T @ dz")

    // The run went on after the failure: three statements on line 4.
    expectValue(records[3], line: 4, source: "dx = w.T @ dz", name: "dx", shape: [2, 5])
    #expect(records[3]["value"] as? [[Double]] == [Array(repeating: 2.5, count: 5), Array(repeating: -2.5, count: 5)])
    expectValue(records[4], line: 4, source: "log([0, 1, -1])", name: nil, shape: [3])
    let logs = try #require(records[4]["value"] as? [Any])
    #expect(logs.count == 3)
    #expect(logs.first as? String == "-Infinity")
    #expect((logs[1] as? NSNumber)?.doubleValue == 0)
    #expect(logs.last as? String == "NaN")
    expectValue(records[5], line: 4, source: "-log(0)", name: nil, shape: [])
    #expect(records[5]["value"] as? String == "Infinity")

    // Written so that it reads back to the same float64. (JSONDecoder, because the NSNumber
    // of JSONSerialization on Linux rounds 0.30000000000000004 to 0.3000000000000001.)
    expectValue(records[6], line: 5, source: "0.1 + 0.2", name: nil, shape: [])
    struct Scalar: Decodable { let value: Double }
    #expect(try JSONDecoder().decode(Scalar.self, from: Data(lines[6].utf8)).value == 0.1 + 0.2)

    #expect(records[7]["line"] as? Int == 6)
    #expect(records[7]["source"] as? String == ":vars")
    #expect(records[7]["output"] as? String == """
      name  shape   computed by
      dx    (2, 5)  graph (matmul…)
      dz    (3, 5)  leaf
      w     (3, 2)  leaf
      """)
    let variables = try #require(records[7]["data"] as? [[String: Any]])
    #expect(variables.map { $0["name"] as? String } == ["dx", "dz", "w"])
    #expect(variables.map { $0["graph"] as? Bool } == [true, false, false])
  }

  @Test func jsonOfAScriptThatSucceedsExitsZero() throws {
    let run = try BackstepBinary.run(["--json"], input: "x = 2\nx ** 2\n")
    #expect(run.stdout == """
      {"line": 1, "source": "x = 2", "name": "x", "shape": [], "value": 2}
      {"line": 2, "source": "x ** 2", "name": null, "shape": [], "value": 4}

      """, "\(run)")
    #expect(run.status == 0)
  }

  @Test func versionAndHelpExitZero() throws {
    let version = try BackstepBinary.run(["--version"])
    // The version, the BLAS kernels, the allocator (mimalloc serves the process's every malloc)
    // the instruction set of the vectorised exp and tanh, and the threads (BACKSTEP_THREADS).
    #expect(
      version.stdout.wholeMatch(of: /\d+\.\d+\.\d+\nOpenBLAS .*; \w+ kernels, .*\nmemory: mimalloc \d+\.\d+\.\d+\nexp, tanh: (AVX-512|AVX2|baseline) code\nthreads: \d+\n/) != nil,
      "\(version)")
    #expect(version.stderr == "")
    #expect(version.status == 0)
    let oneThread = try BackstepBinary.run(["--version"], environment: ["BACKSTEP_THREADS": "1"])
    #expect(oneThread.stdout.hasSuffix("\nthreads: 1\n"), "\(oneThread)")
    // Pinned to one CPU (util-linux's taskset), it counts one core, as `nproc` does.
    let pinned = Process()
    pinned.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
    pinned.arguments = ["-c", "0", try BackstepBinary.executable().path, "--version"]
    let output = Pipe()
    pinned.standardOutput = output
    try pinned.run()
    pinned.waitUntilExit()
    let pinnedText = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(pinnedText.hasSuffix("\nthreads: 1\n"), "\(pinnedText)")

    let help = try BackstepBinary.run(["--help"])
    #expect(help.stdout.hasPrefix("OVERVIEW: A shell that teaches backpropagation"), "\(help)")
    // Flags added later go at the end of the line.
    #expect(help.stdout.contains("\nUSAGE: backstep [<script>] [--execute <execute> ...] [--json] [--no-color]"))
    for option in ["<script>", "-e, --execute <execute>", "--json", "--no-color", "--version", "-h, --help"] {
      #expect(help.stdout.contains("  \(option) "), "--help lists \(option)")
    }
    #expect(!help.stdout.contains("--reference"), "the hidden flag stays hidden")
    #expect(help.stderr == "")
    #expect(help.status == 0)
  }

  /// OpenBLAS releases older than the processor fall back to Prescott's SSE3 kernels; the
  /// binary then picks the ones the processor's instruction sets run (BLASKernels), unless
  /// OPENBLAS_CORETYPE names a kernel set.
  @Test func theBinaryNeverRunsTheFallbackKernelsWhereAVX2Runs() throws {
    let chosen = try BackstepBinary.run(["--version"], environment: ["OPENBLAS_CORETYPE": nil])
    let kernelsPattern = /; (\w+) kernels,/
    let kernels = try #require(chosen.stdout.firstMatch(of: kernelsPattern)?.1, "\(chosen)")
    let flags = ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
      .split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ") ?? []
    if flags.contains("avx2") && flags.contains("fma") {
      #expect(kernels != "Prescott", "\(chosen)")
    }
    if kernels != "Prescott" && chosen.stdout.contains("chosen by Backstep") {
      #expect(flags.contains("avx2"), "Backstep replaces the fallback only by kernels the processor runs")
    }

    let pinned = try BackstepBinary.run(["--version"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
    #expect(pinned.stdout.contains("; Prescott kernels, as OPENBLAS_CORETYPE says"), "\(pinned)")
    let misspelt = try BackstepBinary.run(["--version"], environment: ["OPENBLAS_CORETYPE": "Haswel"])
    #expect(misspelt.stdout.contains("OPENBLAS_CORETYPE=Haswel names no kernels it knows"), "\(misspelt)")
  }

  /// Whatever kernels the binary runs, its products equal sums of element-wise products (no BLAS):
  /// plain, transposed, batched, matrix-vector, and through a gradient.
  @Test func matrixProductsAgreeWithSumsOfProductsUnderTheChosenKernels() throws {
    let statements = """
      A = randn(130, 70); B = randn(70, 90); v = randn(70); S = randn(4, 30, 20); T = randn(20, 11)
      def slow(a, b) { return sum(a[:, :, None] * b[None, :, :], axis=1) }
      e1 = max(abs(A @ B - slow(A, B)))
      e2 = max(abs(B.T @ A.T - slow(B.T, A.T)))
      e3 = max(abs(A @ v - sum(A * v, axis=1)))
      e4 = max(abs(S @ T - sum(S[:, :, :, None] * T[None, None, :, :], axis=2)))
      e5 = max(abs(grad(sum(tanh(A @ B)), A) - slow(1 - tanh(A @ B) ** 2, B.T)))
      print(max(stack([e1, e2, e3, e4, e5])) < 1e-10)
      """
    let run = try BackstepBinary.run(["-e", statements], environment: ["OPENBLAS_CORETYPE": nil])
    #expect(run.stdout.hasSuffix("1.0\n"), "\(run)")
    #expect(run.status == 0, "\(run)")
  }

  @Test(arguments: [
    (["--bogus"], "Error: Unknown option '--bogus'"),
    (["script.bs", "-e", "1"], "Error: give a script or -e, not both"),
    (["-e"], "Error: Missing value for '-e <execute>'"),
  ])
  func usageErrorsExitTwo(arguments: [String], message: String) throws {
    let run = try BackstepBinary.run(arguments)
    #expect(run.stderr.hasPrefix(message + "\n"), "\(run)")
    #expect(run.stderr.contains("\nUsage: backstep [<script>] [--execute <execute> ...] [--json] [--no-color]"))
    #expect(run.stdout == "")
    #expect(run.status == 2)
  }

  @Test func anUnreadableScriptExitsTwo() throws {
    try withTemporaryDirectory { directory in
      let missing = directory.appendingPathComponent("missing.bs").path
      let run = try BackstepBinary.run([missing])
      #expect(run.stderr == "backstep: cannot read \(missing)\n", "\(run)")
      #expect(run.stdout == "")
      #expect(run.status == 2)

      let latin1 = directory.appendingPathComponent("latin1.bs")
      try Data("x = 1\ny = \"caf".utf8 + [0xE9] + Data("\"\n".utf8)).write(to: latin1)
      let notUTF8 = try BackstepBinary.run([latin1.path])
      #expect(notUTF8.stderr == "backstep: \(latin1.path) is not UTF-8 text (line 2 holds a byte that is not); save it as UTF-8\n", "\(notUTF8)")
      #expect(notUTF8.status == 2)

      let aDirectory = try BackstepBinary.run([directory.path])
      #expect(aDirectory.stderr == "backstep: cannot read \(directory.path)\n", "\(aDirectory)")
      #expect(aDirectory.status == 2)
    }
  }

  /// An error and a hint are coloured on a terminal; off a terminal no escape code appears, NO_COLOR or not.
  @Test(arguments: [nil, "1"] as [String?])
  func noEscapeCodesOffATerminal(noColor: String?) throws {
    let statements = "x = [1, 2]; x @ [1, 2, 3]; w = ones(2, 3); w * ones(3, 5)\n:vars\n:help sum"
    let run = try BackstepBinary.run(["-e", statements], environment: ["NO_COLOR": noColor])
    #expect(run.stdout.contains("x : (2,)\n[1. 2.]\nerror: matrix product of (2,) and (3,)"), "\(run)")
    #expect(run.stdout.contains("\nhint: "), "\(run)")
    #expect(!run.stdout.contains(escape), "\(run)")
    #expect(!run.stderr.contains(escape), "\(run)")
    #expect(run.status == 1)

    let piped = try BackstepBinary.run([], input: statements + "\n", environment: ["NO_COLOR": noColor])
    #expect(piped.stdout == run.stdout)
    #expect(piped.status == 1)
  }
}
