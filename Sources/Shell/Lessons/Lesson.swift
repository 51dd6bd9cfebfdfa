import Foundation
import Language

/// A lesson: a title and a sequence of steps, read from a plain-text file in `lessons/`.
///
/// The format (documented in lessons/README.md):
///
///     # Title
///
///     A paragraph of narrative; a blank line ends it.
///
///     » x = [[1, 2], [3, 4]]        statements the lesson runs (consecutive ones form one step)
///     » :backward L
///     »! x * W                      a statement that is meant to fail (a mistake the lesson shows)
///
///     ? What is the shape of dx?    an exercise: the question,
///     = shape W.T @ dz              what is checked (shape / value / gradient L wrt x),
///     answer: (2, 5)                the model answer,
///     uses: einsum                  (optional) a function the answer must call, for "write it as an einsum"
///     hint: W.T is (2, 3) …         and hints for a wrong answer (several lines give several hints)
///
///     ## Summary                    a heading (shown as a step of its own)
public struct Lesson: Sendable, Equatable {
  /// What an exercise checks.
  public enum Check: Sendable, Equatable {
    /// The shape of an expression: answered `(2, 5)`.
    case shape(String)
    /// The value of an expression: answered with any expression of the same value.
    case value(String)
    /// The gradient of `output` with respect to `variable`: answered with an expression.
    case gradient(output: String, variable: String)
  }

  public struct Exercise: Sendable, Equatable {
    public let question: String
    public let check: Check
    public let answer: String
    public let hints: [String]
    /// A function the answer must call (`uses: einsum`): the question asks for a way to write it.
    public var requiredCall: String? = nil
  }

  /// A statement the lesson runs, and whether it is meant to fail.
  public struct Statement: Sendable, Equatable {
    public let text: String
    public let failsOnPurpose: Bool
    /// Its line in the lesson file, which its records and errors give.
    public let line: Int
  }

  public enum Step: Sendable, Equatable {
    case narrative(String)
    case heading(String)
    case statements([Statement])
    case exercise(Exercise, line: Int)
  }

  /// The file name without extension: `04-dense-layer`.
  public let id: String
  /// How `:lesson` names it again when that is not its number or id: the path of a file of one's own.
  public var reference: String?
  /// Where the progress file keeps this lesson: a course lesson by its id, one of the learner's own by
  /// its path (a file of one's own named like a course lesson keeps its own progress).
  public var progressKey: String { reference.map { $0.replacingOccurrences(of: " ", with: "%20") } ?? id }
  /// The names the lesson's statements assign (`z`, `L`, a loop's variable, a function's name).
  public var assignedNames: Set<String> {
    var names: Set<String> = []
    func collect(_ statements: [Language.Statement]) {
      for statement in statements {
        switch statement.kind {
        case .assign(let targets, _): names.formUnion(targets.map(\.text))
        case .update(let target, _): names.insert(target.text)
        case .functionDefinition(let name, _, _): names.insert(name.text)
        case .forLoop(let variable, _, _, _, let body):
          names.insert(variable.text)
          collect(body)
        case .ifElse(_, let then, let otherwise): collect(then + (otherwise ?? []))
        case .expression, .command, .return: break
        }
      }
    }
    for case .statements(let statements) in steps {
      for statement in statements { collect((try? Parser.parse(statement.text)) ?? []) }
    }
    return names
  }

  /// The number the file name starts with (`4`), if it starts with one.
  public var number: Int? { Int(id.prefix { $0.isNumber }) }
  public let title: String
  public let steps: [Step]

  /// A lesson file's problems, with line numbers.
  public struct FormatError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file):\(line): \(message)" }
  }

  /// Reads and parses a `.lesson` file; its id is the file name without the extension.
  public init(file: URL) throws {
    let text = try String(contentsOf: file, encoding: .utf8)
    try self.init(id: (file.pathExtension == "lesson" ? file.deletingPathExtension() : file).lastPathComponent, text: text)
  }

  /// How the lines of an exercise after its `? question` start.
  static let exerciseKeywords = ["= ", "answer:", "hint:", "uses:"]

  /// Parses a lesson's text.
  public init(id: String, text: String) throws(FormatError) {
    self.id = id
    let lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    var title: String?
    var steps: [Step] = []
    var paragraph: [String] = []
    var statements: [Statement] = []
    var exercise: (question: String, check: Check?, answer: String?, hints: [String], uses: String?, line: Int)?

    func fail(_ line: Int, _ message: String) -> FormatError { FormatError(file: id, line: line, message: message) }
    func flushParagraph() {
      if !paragraph.isEmpty { steps.append(.narrative(paragraph.joined(separator: " "))) }
      paragraph = []
    }
    func flushStatements() {
      if !statements.isEmpty { steps.append(.statements(statements)) }
      statements = []
    }
    func flushExercise() throws(FormatError) {
      guard let current = exercise else { return }
      guard let check = current.check else { throw fail(current.line, "the exercise needs a `= shape EXPR`, `= value EXPR` or `= gradient L wrt x` line") }
      guard let answer = current.answer else { throw fail(current.line, "the exercise needs an `answer:` line") }
      steps.append(.exercise(
        Exercise(question: current.question, check: check, answer: answer, hints: current.hints, requiredCall: current.uses), line: current.line))
      exercise = nil
    }

    for (index, raw) in lines.enumerated() {
      let number = index + 1
      let line = raw.trimmingCharacters(in: .whitespaces)
      if exercise != nil {
        if line.hasPrefix("= ") {
          exercise?.check = try Self.check(String(line.dropFirst(2)), line: number, file: id)
          continue
        }
        if line.hasPrefix("answer:") {
          exercise?.answer = line.dropFirst(7).trimmingCharacters(in: .whitespaces)
          continue
        }
        if line.hasPrefix("hint:") {
          exercise?.hints.append(line.dropFirst(5).trimmingCharacters(in: .whitespaces))
          continue
        }
        if line.hasPrefix("uses:") {
          let name = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
          guard Interpreter.builtins[name] != nil else { throw fail(number, "`uses:` names `\(name)`, which is not a built-in") }
          exercise?.uses = name
          continue
        }
        // Blank lines between an exercise's lines keep it going.
        if line.isEmpty, let next = lines[(index + 1)...].lazy.map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }),
          Self.exerciseKeywords.contains(where: next.hasPrefix)
        {
          continue
        }
        try flushExercise()
      }
      // An exercise's lines after something else than its question would be shown as narrative.
      for keyword in Self.exerciseKeywords where line.hasPrefix(keyword) {
        throw fail(number, "`\(keyword.trimmingCharacters(in: .whitespaces))` belongs to an exercise: start it with a `? question` line")
      }
      if line.isEmpty {
        flushParagraph()
        flushStatements()
      } else if line.hasPrefix("## ") {
        flushParagraph()
        flushStatements()
        steps.append(.heading(String(line.dropFirst(3))))
      } else if line.hasPrefix("# ") {
        guard title == nil else { throw fail(number, "a lesson has one title (`# …`); use `## …` for sections") }
        title = String(line.dropFirst(2))
      } else if line.hasPrefix("»") {
        flushParagraph()
        let failsOnPurpose = line.hasPrefix("»!")
        statements.append(Statement(
          text: line.dropFirst(failsOnPurpose ? 2 : 1).trimmingCharacters(in: .whitespaces), failsOnPurpose: failsOnPurpose,
          line: number))
      } else if line.hasPrefix("? ") {
        flushParagraph()
        flushStatements()
        exercise = (String(line.dropFirst(2)), nil, nil, [], nil, number)
      } else {
        flushStatements()
        paragraph.append(line)
      }
    }
    try flushExercise()
    flushParagraph()
    flushStatements()
    guard let title else { throw fail(1, "the lesson needs a title line `# …`") }
    self.title = title
    self.steps = steps
  }

  private static func check(_ text: String, line: Int, file: String) throws(FormatError) -> Check {
    let words = text.split(separator: " ", maxSplits: 1).map(String.init)
    guard words.count == 2 else { throw FormatError(file: file, line: line, message: "expected `= shape EXPR`, `= value EXPR` or `= gradient L wrt x`") }
    switch words[0] {
    case "shape": return .shape(words[1])
    case "value": return .value(words[1])
    case "gradient":
      let parts = words[1].components(separatedBy: " wrt ")
      guard parts.count == 2 else { throw FormatError(file: file, line: line, message: "a gradient exercise is `= gradient L wrt x`") }
      return .gradient(output: parts[0].trimmingCharacters(in: .whitespaces), variable: parts[1].trimmingCharacters(in: .whitespaces))
    default:
      throw FormatError(file: file, line: line, message: "unknown check `\(words[0])`: use shape, value or gradient")
    }
  }
}

/// The lessons in a folder, in file-name order.
public struct Course: Sendable {
  public let lessons: [Lesson]
  /// Lesson files that could not be read or parsed, with why (`02-b:6: unknown check`): `:lessons`
  /// lists them, and the other lessons still play.
  public let problems: [String]

  public init(lessons: [Lesson], problems: [String] = []) {
    self.lessons = lessons
    self.problems = problems
  }

  /// Reads every `*.lesson` file of a folder; throws only when the folder cannot be read.
  public init(folder: URL) throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".lesson") }.sorted()
    var lessons: [Lesson] = [], problems: [String] = []
    for file in files {
      switch Result(catching: { try Lesson(file: folder.appendingPathComponent(file)) }) {
      case .success(let lesson): lessons.append(lesson)
      case .failure(let error): problems.append("\(error)")
      }
    }
    self.init(lessons: lessons, problems: problems)
  }

  /// The lesson `key` names: a lesson file's path (a teacher's own), or a lesson of the course
  /// folder by number or name. The error says what is wrong, with a hint.
  public static func lesson(named key: String) throws(CourseError) -> Lesson {
    if key.hasSuffix(".lesson") || key.contains("/") {
      do {
        var lesson = try Lesson(file: URL(fileURLWithPath: key))
        lesson.reference = key
        return lesson
      } catch let error as Lesson.FormatError {
        throw CourseError(message: "\(error)", hint: "lessons/README.md describes the format")
      } catch {
        throw CourseError(message: "cannot read \(key)", hint: "give the path of a .lesson file, or a lesson's number")
      }
    }
    guard let folder = locate() else {
      throw CourseError(message: "cannot find the lessons folder", hint: "run Backstep from its repository, or set BACKSTEP_LESSONS")
    }
    let course: Course
    do {
      course = try Course(folder: folder)
    } catch {
      throw CourseError(message: "cannot read the lessons folder \(folder.path)", hint: "set BACKSTEP_LESSONS to a folder of .lesson files")
    }
    if let lesson = course.lesson(key) { return lesson }
    if let problem = course.problems.first(where: { $0.hasPrefix(key) || (Int(key).map { String(format: "%02d", $0) }.map($0.hasPrefix) ?? false) }) {
      throw CourseError(message: "lesson \(key) cannot be read: \(problem)", hint: "lessons/README.md describes the format")
    }
    throw CourseError(
      message: "no lesson `\(key)`; there are \(course.lessons.count) in \(folder.path)",
      hint: ":lessons lists them; a lesson is named by its number, a word of its name, or the path of its .lesson file")
  }

  /// `$BACKSTEP_LESSONS`, else a `lessons` folder next to the executable or above it (the
  /// repository when run from `.build`), else `./lessons`.
  public static func locate() -> URL? {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["BACKSTEP_LESSONS"] { return URL(fileURLWithPath: path) }
    var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
      let candidate = folder.appendingPathComponent("lessons")
      if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
      folder = folder.deletingLastPathComponent()
    }
    let local = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("lessons")
    return FileManager.default.fileExists(atPath: local.path) ? local : nil
  }

  /// A lesson by the number its file name starts with (`4` for `04-dense-layer`), by id, or by a word of its id (`dense`).
  public func lesson(_ key: String) -> Lesson? {
    if let number = Int(key) { return lessons.first { $0.number == number } }
    return lessons.first { $0.id == key } ?? lessons.first { $0.id.contains(key.lowercased()) }
  }
}

/// Why a lesson could not be found or read, and what to do about it.
public struct CourseError: Error, Sendable {
  public let message: String
  public let hint: String
}
