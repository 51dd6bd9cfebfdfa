import Foundation
import Testing
@testable import Language
@testable import Shell

/// A session whose output is collected, fed line by line as a terminal would.
final class Transcript {
  var output = ""
  lazy var session = Session(options: .init(json: json)) { [unowned self] in self.output += $0 }
  let json: Bool

  init(json: Bool = false) {
    self.json = json
  }

  @discardableResult
  func type(_ text: String) -> String {
    output = ""
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      session.feed(String(line), lineNumber: i + 1)
    }
    return output
  }
}

@Suite("The session")
struct SessionTests {
  /// A script read a line's statements at a time shows exactly what running it line by line shows: values,
  /// silenced statements, statements over several lines, loops that print, a failure in the
  /// middle (the statements after it still run), notes, errors' locations, --json records.
  @Test(arguments: [false, true]) func aScriptReadAsItRunsShowsWhatItsLinesShow(json: Bool) {
    let script = """
      # a comment, then a blank line

      x = [[1, 2, 3],
           [4, 5, 6]]
      w = ones(3, 2); b = zeros(2)
      z = x @ w + b;
      for i in 0..<3 { print("step", i); z = z * 0.5 }
      q = x @ x
      def f(v) = sum(v * v)
      L = f(z)\r
      m = mean(ones(256, 1) - ones(256))
      y = sum(z, 1)
      """
    func output(_ run: (Session) -> Void) -> (String, String, Int) {
      var text = ""
      let session = Session(options: .init(json: json)) { text += $0 }
      run(session)
      return (text, session.transcript.markdown(title: "t"), session.failureCount)
    }
    let read = output { $0.runScript(script) }
    #expect(read == output { $0.runScriptLineByLine(script) })
    #expect(read.2 == 1 && read.0.contains("step 2") || json)
  }

  /// From a line that fails to parse, or holds a :command, a script runs line by line: what it
  /// shows and leaves is what typing its lines shows and leaves. The lines before the error and
  /// after it run; none of the failing line's statements do; the lines after the command too.
  @Test(arguments: [false, true]) func aScriptFromASyntaxErrorOrACommandOnRunsLineByLine(json: Bool) {
    let script = """
      x = ones(2)
      y = x * (2 +
        1)
      a = 5; b = )
      c = y + 1
      :vars
      d = c * 2; :set trace on
      e = d - 1
      if true { :set trace off }
      f = (e +
      g = 3
      """
    func run(_ body: (Session) -> Void) -> (String, String, [String], Bool) {
      var text = ""
      let session = Session(options: .init(json: json)) { text += $0 }
      body(session)
      return (text, session.transcript.markdown(title: "t"), session.interpreter.globals.keys.sorted(), session.options.trace)
    }
    let read = run { $0.runScript(script) }
    #expect(read == run { $0.runScriptLineByLine(script) })
    #expect(read.2 == ["c", "d", "e", "x", "y"] && !read.3)
    #expect(json || read.0.contains(" --> line 4:12") && read.0.contains("  --> line 11:3") && read.0.contains("trace = on"))
  }

  @Test func scriptTextSplitsIntoLinesAtEveryLineBreak() {
    func lines(_ text: String) -> [String] {
      let input = TextLines(text: text)
      var lines: [String] = []
      while case .line(let line) = input.readLine(prompt: "") { lines.append(line) }
      return lines
    }
    #expect(lines("a = 1\r\nb = 2\n\nc = 3\r") == ["a = 1", "b = 2", "", "c = 3"])
    #expect(lines("x\n") == ["x"] && lines("x\n\n") == ["x", ""] && lines("") == [] && lines("\n") == [""])
    #expect(lines("θ = 1\n# é") == ["θ = 1", "# é"])
  }

  /// print's lines reach the terminal while the statement runs (a training loop shows its losses as it
  /// goes), before the statement's own result; the transcript keeps them in order too.
  @Test func printWritesAsTheLoopRuns() {
    var writes: [(text: String, statementsShown: Int)] = []
    var session: Session!
    session = Session { text in writes.append((text, session.statementCount)) }
    session.feed("for i in 0..<2 { print(\"step\", i) }; x = 1", lineNumber: 1)
    #expect(writes.map(\.text) == ["step 0.0\n", "step 1.0\n", "x : () = 1.0\n"])
    // Both lines were written before the loop's record was shown, while the statement ran.
    #expect(writes.prefix(2).allSatisfy { $0.statementsShown == 0 })
    #expect(session.transcript.markdown(title: "t").contains("step 0.0\nstep 1.0"))
  }

  /// The first session of the README.
  @Test func firstSessionReadsLikeTheREADME() {
    let t = Transcript()
    #expect(t.type("w = [[1, -1], [0.5, -1], [1, -0.5]]") == """
      w : (3, 2)
      [[ 1.  -1. ]
       [ 0.5 -1. ]
       [ 1.  -0.5]]

      """)
    #expect(t.type("dz = [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]").hasPrefix("dz : (3, 5)\n"))
    #expect(t.type("dx = w.T @ dz") == """
      dx : (2, 5)
      [[  2.5   5.    7.5  10.   12.5]
       [ -2.5  -5.   -7.5 -10.  -12.5]]

      """)
    #expect(t.type("L = sum(dx)") == "L : () = 0.0\n")
    #expect(t.type("w.T * dz") == """
      error: `*` multiplies element-wise; shapes (2, 3) and (3, 5) do not broadcast (axis -1: 3 vs 5)
       --> line 1:5
      1 | w.T * dz
        |     ^
      hint: for the matrix product (2, 3) @ (3, 5) -> (2, 5), write w.T @ dz

      """)
    // Its second half, as printed there.
    #expect(t.type("x = [[1, 2, 3, 4, 5], [0.5, -1, 0, 1, 2]];") == "")
    #expect(t.type("b = [[0.1], [0.2], [0.3]];") == "")
    #expect(t.type("z = w @ x + b;") == "")
    #expect(t.type("L = mean(sigmoid(z))") == "L : () = 0.8545446286989832\n")
    #expect(t.type(":derive L wrt w") == """
      dL/dw, from the backward graph:
        dL = 1
        grad_z = broadcast_to(dL, (3, 5)) / 15 * sigmoid(z) * (1 - sigmoid(z))
        dw = grad_z @ x.T
      evaluated here, these lines give exactly grad(L, w), (3, 2)

      """)
  }

  @Test func openBracketsContinueOnTheNextLine() {
    let t = Transcript()
    t.session.feed("x = [1,", lineNumber: 1)
    #expect(t.session.isContinuing)
    #expect(t.output == "")
    t.session.feed("     2]", lineNumber: 2)
    #expect(!t.session.isContinuing)
    #expect(t.output == "x : (2,)\n[1. 2.]\n")
  }

  @Test func jsonRecordsOnePerStatement() {
    let t = Transcript(json: true)
    #expect(t.type("w = [[1, 0.5, 1], [-1, -1, -0.5]]; w @ [1, 0, 0.5]; zeros(2) @ ones(3)") == """
      {"line": 1, "source": "w = [[1, 0.5, 1], [-1, -1, -0.5]]", "name": "w", "shape": [2, 3], "value": [[1, 0.5, 1], [-1, -1, -0.5]]}
      {"line": 1, "source": "w @ [1, 0, 0.5]", "name": null, "shape": [2], "value": [1.5, -1.25]}
      {"line": 1, "source": "zeros(2) @ ones(3)", "error": {"message": "matrix product of (2,) and (3,): inner dimensions 2 and 3 differ", "line": 1, "column": 62, "hint": null}}

      """)
    #expect(t.type("log([0, -1])") == """
      {"line": 1, "source": "log([0, -1])", "name": null, "shape": [2], "value": ["-Infinity", "NaN"]}

      """)
    #expect(t.type("0.1 + 0.2") == """
      {"line": 1, "source": "0.1 + 0.2", "name": null, "shape": [], "value": 0.30000000000000004}

      """)
  }

  @Test func commandsGiveRecordsToo() {
    let t = Transcript(json: true)
    t.type("x = zeros(2, 3)")
    #expect(t.type(":vars") == """
      {"line": 1, "source": ":vars", "output": "name  shape   computed by\\nx     (2, 3)  leaf", "data": [{"name": "x", "shape": [2, 3], "graph": false}]}

      """)
  }

  @Test func varsAndClear() {
    let t = Transcript()
    t.type("x = ones(2, 3); y = x * 2")
    #expect(t.type(":vars") == """
      name  shape   computed by
      x     (2, 3)  leaf
      y     (2, 3)  graph (multiply…)

      """)
    t.type(":clear")
    #expect(t.type(":vars") == "no variables yet\n")
  }

  @Test func helpPagesComeFromTheBuiltinTable() {
    let t = Transcript()
    for builtin in BuiltinCatalog.all {
      #expect(t.type(":help \(builtin.name)") == Help.builtinPage(builtin) + "\n")
    }
    #expect(t.type(":help sum") == """
      sum(x, axis=None, keepdims=false)
        The sum over an axis, a tuple of axes, or all (axis=None).
        example: sum([[1, 2], [3, 4]], 1)
        backward rules: sum

      """)
    #expect(t.type(":help smu").contains("hint: did you mean `:help sum`?"))
    let overview = t.type(":help")
    for builtin in BuiltinCatalog.all { #expect(overview.contains(builtin.name)) }
    for command in Commands.all { #expect(overview.contains(command.usage)) }
  }

  /// docs/language.md is the generated reference, word for word.
  @Test func languageReferenceIsUpToDate() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let committed = try String(contentsOf: root.appendingPathComponent("docs/language.md"), encoding: .utf8)
    #expect(committed == Help.reference(), "regenerate with: swift run backstep --reference > docs/language.md")
  }

  @Test func unknownCommandsSuggestTheClosest() {
    let t = Transcript()
    #expect(t.type(":hlep") == """
      error: unknown command `:hlep`
       --> line 1:1
      1 | :hlep
        | ^~~~~
      hint: did you mean `:help`? `:help` lists the commands

      """)
  }

  @Test func loadRunsAScriptIntoTheSession() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("backstep-load-\(UUID()).bs")
    try "a = 2\nb = a * 3\nc = nope\n".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let t = Transcript()
    let output = t.type(":load \(file.path)")
    #expect(output.contains("b : () = 6.0"))
    #expect(output.contains("error: unknown name `nope`\n --> \(file.path):3:5\n"))
    #expect(output.hasSuffix("loaded \(file.path): 3 statements, 1 failed\n"))
    #expect(t.type("a + b") == "8.0\n")
    #expect(t.session.failureCount == 1)
    // A path in quotes, as :save and :restore take one (a name with spaces).
    #expect(t.type(":load \"\(file.path)\"").hasSuffix("loaded \(file.path): 3 statements, 1 failed\n"))
  }

  /// A failed statement changes nothing, settings included: a :set in a block that fails is undone.
  @Test func aSettingChangedInAFailedBlockGoesBack() {
    let t = Transcript()
    t.type("if true {\n:set trace on\n:set max_session_bytes 4096\nundefined_name\n}")
    #expect(!t.session.options.trace)
    #expect(t.session.interpreter.sessionByteLimit != 4096)
    t.type("if true {\n:set trace on\n}")
    #expect(t.session.options.trace)
  }

  /// Scripts that load themselves or each other stop with an error (they used to recurse until the stack overflowed).
  @Test func scriptsThatLoadEachOtherStop() throws {
    try withTemporaryDirectory { directory in
      let (a, b) = (directory.appendingPathComponent("a.bs").path, directory.appendingPathComponent("b.bs").path)
      try "x = 1\n:load \(b)\n".write(toFile: a, atomically: true, encoding: .utf8)
      try "y = 2\n:load \(a)\n".write(toFile: b, atomically: true, encoding: .utf8)
      let t = Transcript()
      let output = t.type(":load \(a)")
      #expect(output.contains("error: `\(a)` is already being loaded (a script cannot load itself)\n --> \(b):2:7"))
      #expect(output.contains("hint: the scripts load each other: \(a) → \(b) → \(a)"))
      #expect(t.type("x + y") == "3.0\n")
    }
  }

  @Test func completionOffersNamesAndCommands() {
    let t = Transcript()
    t.type("weights = ones(2)")
    #expect(t.session.completions(for: "we", lineBefore: "x = ") == ["weights"])
    #expect(t.session.completions(for: "resh", lineBefore: "") == ["reshape"])
    #expect(t.session.completions(for: ":he", lineBefore: "") == [":help"])
    #expect(t.session.completions(for: "weights.su", lineBefore: "y = ") == ["weights.sum"])
    #expect(t.session.completions(for: "x.T.sh", lineBefore: "") == ["x.T.shape"])
    #expect(t.session.completions(for: "0.5", lineBefore: "") == [])
  }

  /// After a command, Tab offers what that command takes, not every built-in.
  @Test func completionAfterACommandOffersItsArguments() throws {
    let t = Transcript()
    t.type("W = ones(2, 2); x = ones(2); z = W @ x; L = sum(z); Lx = 2; Ls = \"loss\"")
    let complete = { (line: String, prefix: String) in t.session.completions(for: prefix, lineBefore: line) }
    #expect(complete(":backward ", "") == ["L", "z"])  // computed tensors: the ones with a backward pass
    #expect(complete(":backward ", "L") == ["L"])  // not Lx, a leaf, nor Ls, a string
    #expect(complete(":backward L ", "") == ["-v"])
    #expect(complete(":derive L ", "") == ["wrt"])
    #expect(complete(":derive L wrt ", "") == ["L", "Lx", "W", "x", "z"])  // tensors, not Ls
    #expect(complete(":graph z ", "--") == ["--dot", "--svg"])
    #expect(complete(":set ", "pro") == ["progress"])
    #expect(complete(":set trace ", "") == ["off", "on"])
    #expect(complete(":set max_graph_bytes ", "") == [])
    #expect(complete(":help ", "resh") == ["reshape"])
    #expect(complete(":help ", "backw") == ["backward"])
    #expect(complete(":explain ", "tanh_b") == ["tanh_backward"])
    #expect(complete(":vars ", "") == [])
    #expect(complete(":cost ", "W") == ["W"])  // an expression: variables and built-ins
    #expect(complete(":trace ", "ta") == ["take_along_axis", "tanh"])

    try withTemporaryDirectory { directory in
      try FileManager.default.createDirectory(at: directory.appendingPathComponent("runs"), withIntermediateDirectories: false)
      try "x = 1".write(to: directory.appendingPathComponent("run.bs"), atomically: true, encoding: .utf8)
      #expect(complete(":load ", directory.path + "/ru") == [directory.path + "/run.bs", directory.path + "/runs/"])
      #expect(complete(":save ", directory.path + "/runs/") == [])
      // Readline breaks words at `/` and `-`: it asks for the rest of the argument after them.
      #expect(complete(":load \(directory.path)/", "ru") == ["run.bs", "runs/"])
      #expect(complete(":graph z --dot \(directory.path)/r", "") == ["un.bs", "uns/"])
      // In a string, as load's argument, a path too.
      #expect(complete("d = load(\"\(directory.path)/", "ru") == ["run.bs", "runs/"])
      #expect(complete("s = 'a \" b'; load('\(directory.path)/", "r") == ["run.bs", "runs/"])
      try FileManager.default.createDirectory(at: directory.appendingPathComponent("my runs"), withIntermediateDirectories: false)
      try "x = 2".write(to: directory.appendingPathComponent("my runs/a.bs"), atomically: true, encoding: .utf8)
      #expect(complete(":load \"\(directory.path)/my runs/", "") == ["a.bs"])
    }
    #expect(complete(":backward L -", "") == ["v"])
    #expect(complete(":graph z --", "") == ["dot", "svg"])
    #expect(complete(":lesson 3 --", "re") == ["restart"])
    let lessons = complete(":lesson ", "04")
    #expect(lessons == ["04-dense-layer"], "the course's lessons by file name")
  }

  @Test func historyIsWrittenAtomicallyAndCapped() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("backstep-history-\(UUID())")
    defer { try? FileManager.default.removeItem(at: file) }
    let history = HistoryFile(url: file, capacity: 3)
    for i in 0..<5 { history.append("x = \(i)") }
    #expect(try String(contentsOf: file, encoding: .utf8) == "x = 2\nx = 3\nx = 4\n")
    #expect(HistoryFile(url: file, capacity: 3).entries == ["x = 2", "x = 3", "x = 4"])
  }
}

@Suite("Commands that take nothing")
struct CommandArgumentTests {
  @Test func textAfterACommandThatTakesNothingIsAnError() {
    let t = Transcript()
    #expect(t.type(":vars; y = 1") == """
      error: `:vars` takes no arguments
       --> line 1:6
      1 | :vars; y = 1
        |      ^~~~~~~
      hint: a command takes the rest of its line (`;` included): put other statements on a line of their own

      """)
  }
}

@Suite("Commands inside blocks")
struct CommandsInBlocksTests {
  /// A command inside a block ends at the block's `}`, and what it shows is part of the statement's output.
  @Test func aCommandInALoopShowsItsOutput() throws {
    let statements = try Parser.parse("for i in 0..<2 { :vars }")
    guard case .forLoop(_, _, _, _, let body)? = statements.first?.kind, case .command(let name, let arguments, _)? = body.first?.kind else {
      Issue.record("not a loop around a command: \(statements)")
      return
    }
    #expect(name == "vars" && arguments == "")
    let t = Transcript()
    t.type("x = 1;")
    #expect(t.type("for i in 0..<2 { :vars }") == """
      name  shape  computed by
      i     ()     leaf
      x     ()     leaf
      name  shape  computed by
      i     ()     leaf
      x     ()     leaf

      """)
    // Brackets and strings inside the argument do not end it.
    #expect(t.type("if true { :explain broadcast_to }").hasPrefix("broadcast_to\n"))
  }
}
