import Foundation
import Language

extension Commands {
  static let lessons: [Command] = [
    Command(name: "lessons", usage: ":lessons", summary: "The course: every lesson with its title and your progress.") {
      session, arguments throws(EvaluationError) in
      let course = try loadCourse(range: arguments.range)
      let rows = course.lessons.map { lesson -> [String] in
        let entry = session.progressFile?.entries[lesson.id]
        let progress = entry.map { $0.completed ? "✓ done" : "\($0.step)/\($0.total)" } ?? ""
        return [lesson.number.map(String.init) ?? lesson.id, lesson.title, progress]
      }
      let problems = course.problems.map { session.options.style.error("cannot read \($0)") }
      return CommandOutput(
        text: ([table(["#", "lesson", "progress"], rows, style: session.options.style)] + problems + [":lesson N plays one"])
          .joined(separator: "\n"),
        data: .array(course.lessons.map { .object([("id", .string($0.id)), ("title", .string($0.title)), ("steps", .number(Double($0.steps.count)))]) }))
    },
    Command(
      name: "lesson", usage: ":lesson N|NAME [--restart]",
      summary: "Plays a lesson step by step (Enter goes on; :back, :skip, :quit); one left before its end goes on where it was left."
    ) {
      session, arguments throws(EvaluationError) in
      let words = arguments.text.split(separator: " ")
      let restart = words.last == "--restart"
      let lesson: Lesson
      do throws(CourseError) {
        lesson = try Course.lesson(named: (restart ? words.dropLast() : words[...]).joined(separator: " "))
      } catch {
        throw EvaluationError(error.message, at: arguments.range, hint: error.hint)
      }
      session.startLesson(lesson, restart: restart)
      return CommandOutput(text: "")
    },
    Command(name: "transcript", usage: ":transcript FILE.md", summary: "Writes this session (or the lesson played) as Markdown to hand out.") {
      session, arguments throws(EvaluationError) in
      guard !arguments.text.isEmpty else {
        throw EvaluationError("`:transcript` needs a file name", at: arguments.range, hint: ":transcript lesson.md")
      }
      let title = session.lesson?.lesson.title ?? "A Backstep session"
      try writeFile(session.transcript.markdown(title: title), to: unquoted(arguments.text), range: arguments.range, session: session)
      return CommandOutput(text: "wrote \(arguments.text)", data: .object([("path", .string(arguments.text))]))
    },
  ]

  static func loadCourse(range: SourceRange) throws(EvaluationError) -> Course {
    guard let folder = Course.locate() else {
      throw EvaluationError("cannot find the lessons folder", at: range, hint: "run Backstep from its repository, or set BACKSTEP_LESSONS")
    }
    do {
      return try Course(folder: folder)
    } catch {
      throw EvaluationError("cannot read the lessons: \(error)", at: range)
    }
  }
}
