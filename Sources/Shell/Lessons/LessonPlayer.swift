import Foundation
import Language

/// Plays a lesson in a session: shows its steps one at a time, runs its
/// statements in the session (so the learner can use the lesson's variables),
/// and asks its exercises.
final class LessonPlayer {
  let lesson: Lesson
  private unowned let session: Session
  /// The next step to show.
  private(set) var position = 0
  /// The exercise waiting for an answer, and how many hints were given.
  private var pending: (exercise: Lesson.Exercise, hintsGiven: Int)?
  /// Where the pending exercise is: its step (1-based) and the line of its question in the file.
  private var pendingPlace = (step: 0, line: 0)
  /// Whether the lesson ended (finished or left), and said so.
  private var hasEnded = false
  /// Steps that failed (statements with errors, model answers judged wrong), for `--auto`.
  private(set) var failures: [String] = []

  init(lesson: Lesson, session: Session) {
    self.lesson = lesson
    self.session = session
  }

  var isFinished: Bool { position >= lesson.steps.count && pending == nil }
  var isAsking: Bool { pending != nil }

  /// The prompt while the lesson runs: `lesson 4 · 3/18 » `, or `answer » ` during an exercise.
  var prompt: String {
    pending != nil ? "answer » " : "lesson \(lesson.number.map { String(format: "%02d", $0) } ?? lesson.id) · \(position)/\(lesson.steps.count) » "
  }

  /// Shows the title and the first step, or, resuming at step `saved` (1-based, the last one
  /// shown), runs the statements before it out of sight and shows that step again.
  func start(resumingAt saved: Int? = nil) {
    say(session.options.style.heading(lesson.title))
    say("(Enter: next step · type statements and :commands at any time · :back · :skip to the next exercise · :quit)")
    // The lesson runs in the learner's session: say which of their variables it will replace.
    let replaced = lesson.assignedNames.intersection(session.interpreter.globals.keys).sorted()
    if !replaced.isEmpty {
      let names = replaced.map { "`\($0)`" }
      let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
      say("(the lesson sets \(list), which you have: it replaces \(replaced.count == 1 ? "it" : "them"); "
        + ":save FILE.npz first keeps a copy)")
    }
    if let saved, saved > 1, saved <= lesson.steps.count {
      runOutOfSight(until: saved - 1)
      say("(going on at step \(saved) of \(lesson.steps.count), where you left it; :lesson \(reference) --restart starts over)")
    }
    showNext()
  }

  /// How `:lesson` names this lesson again: its number, else its id or path.
  private var reference: String { lesson.reference ?? lesson.number.map(String.init) ?? lesson.id }

  /// Leaves the lesson (another lesson started, the input ended): at its end when every step
  /// was shown, else before it.
  func leave() {
    guard !hasEnded else { return }
    finish(early: !isFinished)
  }

  /// Handles one line typed during the lesson; returns false when the line is an ordinary statement for the session.
  func handle(_ line: String) -> Bool {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if let (exercise, _) = pending {
      switch trimmed {
      case ":quit": finish(early: true)
      case ":skip", ":reveal":
        say("answer: \(exercise.answer)")
        session.recordExercise(exercise, at: pendingPlace, answer: nil, verdict: nil, skipped: trimmed == ":skip")
        pending = nil
        showNext()
      case ":hint": giveHint()
      case ":back":
        pending = nil
        goBack()
      case "": say("? \(exercise.question)   (:hint, :reveal, :skip, :back or :quit)")
      // Any other command (:derive, :show, :help…) runs in the session; the question stays open.
      case _ where trimmed.hasPrefix(":"): return false
      default: answer(trimmed)
      }
      return true
    }
    switch trimmed {
    case "", ":next": showNext()
    case ":skip": skipToNextExercise()
    case ":back": goBack()
    case ":quit": finish(early: true)
    default: return false
    }
    return true
  }

  /// Shows the step before the one last shown again; the question after it waits for Enter, so
  /// that `:back` again goes further back.
  private func goBack() {
    position = max(0, position - 2)
    showNext(askingAFollowingQuestion: false)
  }

  /// Skips the narrative up to the next exercise or section, saying how many steps it passed.
  private func skipToNextExercise() {
    var target = position
    while target < lesson.steps.count {
      if case .exercise = lesson.steps[target] { break }
      if case .heading = lesson.steps[target] { break }
      target += 1
    }
    let skipped = target - position
    runOutOfSight(until: target)
    if skipped > 0 { say("(skipped \(skipped) step\(skipped == 1 ? "" : "s"))") }
    showNext()
  }

  /// Moves on to step `target` (0-based) without showing the steps passed; their statements
  /// still run, so that the lesson's variables exist when it goes on.
  private func runOutOfSight(until target: Int) {
    while position < target {
      if case .statements(let statements) = lesson.steps[position] {
        for statement in statements { _ = session.interpreter.run(SourceText(statement.text, firstLine: statement.line)) }
      }
      position += 1
    }
  }

  /// Plays every step, answering each exercise with its model answer (`--lesson N --auto`).
  func playAutomatically() {
    say(session.options.style.heading(lesson.title))
    while position < lesson.steps.count {
      showNext()
      if let (exercise, _) = pending {
        say("answer » \(exercise.answer)")
        answer(exercise.answer, automatic: true)
      }
    }
    finish(early: false)
  }

  // MARK: - Steps

  private func showNext(askingAFollowingQuestion: Bool = true) {
    guard position < lesson.steps.count else {
      finish(early: false)
      return
    }
    let step = lesson.steps[position]
    position += 1
    // The last step shown completes the lesson (the Enter after it only says so).
    session.saveProgress(of: lesson, step: position, completed: position == lesson.steps.count)
    switch step {
    case .narrative(let text):
      say(Self.wrap(text, width: 78))
      session.transcript.append(.narrative(text))
    case .heading(let text):
      say("\n" + session.options.style.heading(text))
      session.transcript.append(.heading(text))
    case .statements(let statements):
      for statement in statements {
        say(session.options.style.prompt("» ") + statement.text)
        let before = session.failureCount
        // An error in a lesson's own statement points into the lesson file, and says so.
        session.runStatement(
          statement.text, lineNumber: statement.line, fileName: "\(lesson.id).lesson", failsOnPurpose: statement.failsOnPurpose)
        let failed = session.failureCount > before
        if failed && statement.failsOnPurpose { session.forgiveFailure() }
        if failed != statement.failsOnPurpose {
          failures.append("\(lesson.id):\(statement.line): `\(statement.text)` " + (failed ? "failed" : "was meant to fail but succeeded"))
        }
      }
    case .exercise(let exercise, let line):
      pending = (exercise, 0)
      pendingPlace = (position, line)
      say(session.options.style.heading("? ") + exercise.question)
      session.transcript.append(.exercise(question: exercise.question, answer: exercise.answer))
      return
    }
    if askingAFollowingQuestion { askIfAQuestionIsNext() }
  }

  /// A question follows the step that leads to it (another question included) at once: an answer
  /// typed at the ordinary prompt just before it would run as a statement and go unjudged.
  private func askIfAQuestionIsNext() {
    if position < lesson.steps.count, case .exercise = lesson.steps[position] { showNext() }
  }

  private func answer(_ text: String, automatic: Bool = false) {
    guard let (exercise, _) = pending else { return }
    let verdict = ExerciseChecker.judge(text, for: exercise, in: session.interpreter)
    session.recordExercise(exercise, at: pendingPlace, answer: text, verdict: verdict)
    if verdict.correct {
      say(session.options.style.note("✓ right"))
      pending = nil
      if !automatic { askIfAQuestionIsNext() }
      return
    }
    if automatic {
      failures.append("\(lesson.id): the model answer `\(exercise.answer)` to “\(exercise.question)” was judged wrong: \(verdict.explanation)")
      pending = nil
      return
    }
    say(session.options.style.error("✗ ") + verdict.explanation)
    if verdict.isAttempt { giveHint() }
  }

  private func giveHint() {
    guard let (exercise, given) = pending else { return }
    if given < exercise.hints.count {
      say(session.options.style.hint("hint: ") + exercise.hints[given])
      pending = (exercise, given + 1)
    } else {
      say(exercise.hints.isEmpty ? "no hints for this one: try again, or :reveal to see the answer"
        : "no more hints: try again, or :reveal to see the answer")
    }
  }

  private func finish(early: Bool) {
    hasEnded = true
    pending = nil
    if !early { session.saveProgress(of: lesson, step: lesson.steps.count, completed: true) }
    let goesOn = session.progressFile == nil ? "starts it again" : "goes on from here"
    say(early ? "left the lesson at step \(position) of \(lesson.steps.count) (:lesson \(reference) \(goesOn))"
              : "end of “\(lesson.title)”. :lessons lists the course.")
    session.recordLessonEnd(lesson, step: position, finished: !early)
    position = lesson.steps.count
    session.endLesson()
  }

  private func say(_ text: String) {
    session.emit(text)
  }

  /// Words wrapped at `width` columns.
  static func wrap(_ text: String, width: Int) -> String {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      if !current.isEmpty && current.count + 1 + word.count > width {
        lines.append(current)
        current = ""
      }
      current += current.isEmpty ? String(word) : " " + word
    }
    if !current.isEmpty { lines.append(current) }
    return lines.joined(separator: "\n")
  }
}
