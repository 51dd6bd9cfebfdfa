import Foundation
import Language
import Tensors

/// One Backstep session: an interpreter, the `:commands`, and how results are shown.
///
/// Lines go in through `feed`; a statement left open (an unclosed bracket or
/// block) waits for more lines. Output goes to `write`, so the session is
/// testable without a terminal.
public final class Session {
  /// How results are shown.
  public struct Options: Sendable {
    /// One JSON object per statement instead of text.
    public var json: Bool
    public var style: Style
    /// A progress bar for loops that run longer than a second (on a terminal).
    public var progress: Bool
    /// `:trace` every statement.
    public var trace: Bool

    public init(json: Bool = false, style: Style = .plain, progress: Bool = false, trace: Bool = false) {
      self.json = json
      self.style = style
      self.progress = progress
      self.trace = trace
    }
  }

  public let interpreter = Interpreter()
  public var options: Options
  /// Set by `:quit`.
  public private(set) var wantsToQuit = false
  /// How many statements failed.
  public private(set) var failureCount = 0
  /// Statements run so far.
  public private(set) var statementCount = 0

  private let write: (String) -> Void
  private let progressBar = ProgressBar()
  /// Everything shown so far, for `:transcript`.
  var transcript = SessionTranscript()
  /// The lesson being played, if any.
  private(set) var lesson: LessonPlayer?
  /// Where lesson progress is kept (`nil`: not kept, as under `--auto` and in tests).
  public var progressFile: ProgressFile?
  private var pendingLines: [String] = []
  private var pendingFirstLine = 1
  /// The scripts being run by `:load`, outermost first: one cannot load itself, and the chain is bounded.
  private var loading: [String] = []
  /// The script this session runs for `:load`, named in its errors' locations.
  private var fileName: String?
  /// Whether the statement running is a lesson's `»!`, which fails on purpose (its --json record says so).
  private var expectsFailure = false
  /// How many scripts may load each other in a chain.
  static let maximumLoadDepth = 16

  public init(options: Options = .init(), write: @escaping (String) -> Void) {
    self.options = options
    self.write = write
    interpreter.commandHandler = { [unowned self] (call: CommandCall) throws(EvaluationError) in
      try self.runCommand(call)
    }
    interpreter.loopProgress = { [unowned self] progress in self.progressBar.update(progress, enabled: self.options.progress) }
    // Text output shows print's lines as they come, above the progress bar; --json keeps them in the records.
    interpreter.printHandler = { [unowned self] line in
      guard !self.options.json else { return }
      self.progressBar.writeAbove { self.write(line + "\n") }
    }
  }

  /// Whether a statement is waiting for more lines.
  public var isContinuing: Bool { !pendingLines.isEmpty }

  /// Takes one line of input at line number `lineNumber`. Returns the complete statement text
  /// once it has run (for the history), or `nil` while it waits for more lines.
  @discardableResult
  public func feed(_ line: String, lineNumber: Int) -> String? {
    if pendingLines.isEmpty, let lesson, lesson.handle(line) { return nil }
    if pendingLines.isEmpty { pendingFirstLine = lineNumber }
    pendingLines.append(line)
    let text = pendingLines.joined(separator: "\n")
    let source = SourceText(text, firstLine: pendingFirstLine, fileName: fileName)
    let parsed = Result { () throws(SyntaxError) in try Parser.parse(source) }
    if case .failure(let error) = parsed, error.isIncomplete { return nil }
    pendingLines = []
    run(source, parsed: parsed)
    return text
  }

  /// Runs one complete statement from a file (a lesson's), its errors located in that file.
  func runStatement(_ text: String, lineNumber: Int, fileName: String, failsOnPurpose: Bool = false) {
    let typed = self.fileName
    self.fileName = fileName
    expectsFailure = failsOnPurpose
    defer {
      self.fileName = typed
      expectsFailure = false
    }
    _ = feed(text, lineNumber: lineNumber)
    finish()
  }

  /// Abandons a statement left open (Ctrl-C at a continuation prompt, or end of input).
  public func cancelPending() {
    pendingLines = []
  }

  /// Ends the input: a statement still open is an error.
  public func finish() {
    guard !pendingLines.isEmpty else { return }
    let text = pendingLines.joined(separator: "\n")
    pendingLines = []
    run(SourceText(text, firstLine: pendingFirstLine, fileName: fileName))
  }

  /// Runs complete source text and shows each statement's record as the statement ends.
  public func run(_ source: SourceText, parsed: Result<[Statement], SyntaxError>? = nil) {
    showingRecords(of: source) { (show) in
      interpreter.run(source, parsed: parsed ?? Result { () throws(SyntaxError) in try Parser.parse(source) }, each: show)
    }
  }

  /// Runs `body`, which runs statements of `source` and hands each record to the function it is
  /// given, which shows it (after the trace of the statement, under `:set trace on`) and counts it.
  private func showingRecords<T>(of source: SourceText, _ body: ((consuming Record) -> Void) -> T) -> T {
    var events: [TraceEvent] = []
    if options.trace { interpreter.tracer = { events.append($0) } }
    defer { interpreter.tracer = nil }
    return body { record in
      progressBar.finish()
      if options.trace && !events.isEmpty {
        let output = Commands.traceOutput(events, verbose: false, style: options.style)
        write(options.json ? RecordRendering.json(traceRecord(output, source: source), source: source).serialized() + "\n" : output.text + "\n")
        events = []
      }
      statementCount += 1
      if record.outcome.isFailure { failureCount += 1 }
      show(record, source: source)
    }
  }

  private func traceRecord(_ output: CommandOutput, source: SourceText) -> Record {
    Record(line: source.firstLine, source: ":set trace on", outcome: .command(output), notes: [])
  }

  private func show(_ record: Record, source: SourceText) {
    let plain = RecordRendering.text(record, source: source, style: .plain)
    transcript.append(.statement(source: record.source, output: plain))
    if options.json {
      write(RecordRendering.json(record, source: source, failureExpected: expectsFailure).serialized() + "\n")
    } else {
      // print's lines were shown as they were written; without colours and printed lines, the
      // transcript's text is the one to show (rendering a tensor once, not twice).
      let text = !options.style.enabled && record.printed.isEmpty
        ? plain : RecordRendering.text(record, source: source, style: options.style, includingPrinted: false)
      if !text.isEmpty { write(text + "\n") }
    }
  }

  /// Runs a whole script as if its lines were typed one after another.
  ///
  /// The script is read a line's statements at a time (``ScriptReader``) and each is run as it
  /// is read: the records typing the lines would give, without a parser and a source text made
  /// for every line (`make bench`, row 4a), nor the whole script's syntax held at once. From a
  /// line that fails to parse, or whose statements hold a `:command` (which may start a lesson
  /// or quit, changing what the next lines are), the rest runs line by line as typed lines do:
  /// an error is shown where typing it would show it, and the lines after it still run.
  public func runScript(_ text: String) {
    guard lesson == nil, pendingLines.isEmpty else { return runScriptLineByLine(text) }
    let source = SourceText(text, fileName: fileName)
    guard var reader = try? ScriptReader(source) else { return runScriptLineByLine(text) }
    let ended = showingRecords(of: source) { (show) in
      (try? interpreter.run(&reader, stoppingBefore: { $0.contains(where: Self.holdsCommand) }, each: show)) ?? false
    }
    if !ended {
      runScriptLineByLine(String(decoding: source.utf8[reader.offset...], as: UTF8.self), firstLine: reader.line)
    }
  }

  /// Whether a statement is or contains (in a loop, a branch or a function) a `:command`.
  private static func holdsCommand(_ statement: Statement) -> Bool {
    switch statement.kind {
    case .command: true
    case .forLoop(_, _, _, _, let body): body.contains(where: holdsCommand)
    case .ifElse(_, let then, let otherwise): then.contains(where: holdsCommand) || (otherwise ?? []).contains(where: holdsCommand)
    case .functionDefinition(_, _, .block(let body)): body.contains(where: holdsCommand)
    case .assign, .update, .expression, .functionDefinition, .return: false
    }
  }

  /// Runs a script (or its rest, from line `firstLine` on) through the same path as typed lines, one line at a time.
  func runScriptLineByLine(_ text: String, firstLine: Int = 1) {
    let input = TextLines(text: text)
    var lineNumber = firstLine - 1
    while case .line(let line) = input.readLine(prompt: "") {
      lineNumber += 1
      feed(line, lineNumber: lineNumber)
      if wantsToQuit { return }
    }
    finish()
  }

  // MARK: - Lessons

  /// The prompt to show: the lesson's while one is playing.
  public func prompt(continuing: Bool) -> String {
    if continuing { return "… " }
    return lesson?.prompt ?? "» "
  }

  /// Starts playing a lesson; lines typed go to it until it ends.
  /// A lesson left before its end goes on where it was left, unless `restart`; one that is
  /// playing is left first, with a word.
  public func startLesson(_ lesson: Lesson, restart: Bool = false) {
    self.lesson?.leave()
    let saved = progressFile?.entries[lesson.progressKey]
    let resume = restart ? nil : saved.flatMap { $0.completed || $0.total != lesson.steps.count ? nil : $0.step }
    let player = LessonPlayer(lesson: lesson, session: self)
    self.lesson = player
    player.start(resumingAt: resume)
  }

  /// Plays a lesson from start to end, answering each exercise with its model answer.
  /// Returns the steps that failed.
  public func playAutomatically(_ lesson: Lesson) -> [String] {
    let player = LessonPlayer(lesson: lesson, session: self)
    self.lesson = player
    player.playAutomatically()
    return player.failures
  }

  /// A failure the lesson meant to show does not count against the run.
  func forgiveFailure() {
    failureCount -= 1
  }

  func endLesson() {
    lesson = nil
  }

  func saveProgress(of lesson: Lesson, step: Int, completed: Bool = false) {
    progressFile?.record(lesson: lesson.progressKey, step: step, of: lesson.steps.count, completed: completed)
  }

  /// Shows lesson text: as is, or as a JSON record under `--json`.
  func emit(_ text: String) {
    if options.json {
      write(JSON.object([("lesson", .string(lesson?.lesson.id ?? "")), ("text", .string(text))]).serialized() + "\n")
    } else {
      write(text + "\n")
    }
  }

  /// Under `--json`, one record per answer to an exercise, and one when its answer is revealed or
  /// skipped (`answer` null, `revealed` true): what an autograder counts.
  /// Under `--json`, a record of an answer (`verdict`), or of an exercise left unanswered (`:reveal`, or `:skip` when `skipped`).
  func recordExercise(
    _ exercise: Lesson.Exercise, at place: (step: Int, line: Int), answer: String?, verdict: ExerciseChecker.Verdict?, skipped: Bool = false
  ) {
    guard options.json else { return }
    write(JSON.object([
      ("lesson", .string(lesson?.lesson.id ?? "")), ("step", .number(Double(place.step))), ("line", .number(Double(place.line))),
      ("exercise", .string(exercise.question)), ("answer", answer.map(JSON.string) ?? .null),
      ("correct", .bool(verdict?.correct ?? false)), ("revealed", .bool(verdict == nil)), ("skipped", .bool(skipped)),
      ("explanation", (verdict?.explanation).flatMap { $0.isEmpty ? nil : JSON.string($0) } ?? .null),
    ]).serialized() + "\n")
  }

  /// Under `--json`, how a lesson ended: at its end, or left at a step (`:quit`, another lesson, the end of
  /// the input), with how many exercises it has, so that a grader sees the ones never reached.
  func recordLessonEnd(_ lesson: Lesson, step: Int, finished: Bool) {
    guard options.json else { return }
    let exercises = lesson.steps.filter { if case .exercise = $0 { true } else { false } }.count
    write(JSON.object([
      ("lesson", .string(lesson.id)), ("ended", .string(finished ? "finished" : "left")), ("step", .number(Double(step))),
      ("steps", .number(Double(lesson.steps.count))), ("exercises", .number(Double(exercises))),
    ]).serialized() + "\n")
  }

  /// The input ended: a statement left open is an error, and a lesson playing is left.
  public func endOfInput() {
    finish()
    lesson?.leave()
  }

  // MARK: - Commands

  func runCommand(_ call: CommandCall) throws(EvaluationError) -> CommandOutput {
    let name = call.name
    guard let command = Commands.all.first(where: { $0.name == name }) else {
      throw EvaluationError(
        "unknown command `:\(name)`", at: SourceRange(start: call.range.start, end: call.range.start + 1 + name.utf8.count),
        hint: Commands.closest(to: name).map { "did you mean `:\($0)`? `:help` lists the commands" } ?? "`:help` lists the commands")
    }
    return try command.run(self, CommandArguments(call))
  }

  func requestQuit() { wantsToQuit = true }

  /// Runs a script file into this session (`:load`).
  func load(path: String, range: SourceRange) throws(EvaluationError) -> CommandOutput {
    try interpreter.checkFileAccess(at: range)
    guard !loading.contains(path) else {
      throw EvaluationError(
        "`\(path)` is already being loaded (a script cannot load itself)", at: range,
        hint: loading.count > 1 ? "the scripts load each other: " + (loading + [path]).joined(separator: " → ") : nil)
    }
    guard loading.count < Self.maximumLoadDepth else {
      throw EvaluationError("scripts load each other more than \(Self.maximumLoadDepth) deep", at: range)
    }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw EvaluationError("cannot read `\(path)`", at: range, hint: "give a path relative to \(FileManager.default.currentDirectoryPath)")
    }
    loading.append(path)
    defer { loading.removeLast() }
    let nested = Session(options: options, write: write)
    nested.loading = loading
    nested.fileName = path
    nested.interpreter.adopt(from: interpreter)
    nested.interpreter.isInterrupted = interpreter.isInterrupted
    let before = nested.failureCount
    nested.runScript(text)
    interpreter.adopt(from: nested.interpreter)
    let failed = nested.failureCount - before
    failureCount += failed
    return CommandOutput(
      text: "loaded \(path): \(nested.statementCount) statement\(nested.statementCount == 1 ? "" : "s")"
        + (failed > 0 ? ", \(failed) failed" : ""),
      data: .object([("path", .string(path)), ("statements", .number(Double(nested.statementCount))), ("failed", .number(Double(failed)))]))
  }
}
