import Foundation
import Testing
@testable import Language
@testable import Shell

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let course = (try? Course(folder: repositoryRoot.appendingPathComponent("lessons"))) ?? Course(lessons: [])

@Suite("Lessons")
struct LessonTests {
  @Test func theCourseHasItsLessonsInOrder() {
    #expect(course.lessons.count >= 4)
    #expect(course.lessons.first?.id == "01-tour")
    for lesson in course.lessons {
      #expect((10...30).contains(lesson.steps.count), "\(lesson.id) has \(lesson.steps.count) steps")
      #expect(lesson.steps.contains(.heading("Summary")), "\(lesson.id) has no summary")
    }
  }

  /// `backstep --lesson N --auto` for every lesson: no step fails, every model answer is judged right.
  @Test(arguments: course.lessons.map(\.id))
  func playsThroughWithItsModelAnswers(_ id: String) throws {
    let lesson = try #require(course.lesson(id))
    let t = Transcript()
    let failures = t.session.playAutomatically(lesson)
    #expect(failures.isEmpty, "\(failures)")
    #expect(t.session.failureCount == 0)
  }

  @Test func denseLayerTranscriptGolden() throws {
    let lesson = try #require(course.lesson("04-dense-layer"))
    let t = Transcript()
    _ = t.session.playAutomatically(lesson)
    expectSnapshot(t.output, named: "lesson-04-auto")
  }

  /// With `--json`, every statement's record gives its own line in the lesson file.
  @Test func jsonRecordsGiveEachStatementsOwnLine() throws {
    let lesson = try #require(course.lesson("04-dense-layer"))
    let file = try String(contentsOf: repositoryRoot.appendingPathComponent("lessons/04-dense-layer.lesson"), encoding: .utf8)
    let statementLines = file.components(separatedBy: "\n").enumerated().filter { $0.element.hasPrefix("»") }.map { $0.offset + 1 }
    let t = Transcript(json: true)
    _ = t.session.playAutomatically(lesson)
    let recordLines = try t.output.split(separator: "\n").compactMap { line -> Int? in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      return object?["source"] != nil ? object?["line"] as? Int : nil
    }
    #expect(!recordLines.isEmpty)
    #expect(recordLines == statementLines)
  }

  @Test func checkerAcceptsEquivalentAnswersAndRejectsWrongOnes() {
    let t = Transcript()
    t.type("x = [[1, 2, 3], [4, 5, 6]]; W = [[1, -1], [0.5, 2], [0, 1]]; g = ones(3, 3); L = sum((W @ x) * g)")
    let interpreter = t.session.interpreter
    let gradientOfW = Lesson.Check.gradient(output: "L", variable: "W")
    for right in ["g @ x.T", "(x @ g.T).T", "ones(3, 3) @ x.T", "sum(x, axis=1) + zeros(3, 2)"] {
      #expect(ExerciseChecker.judge(right, for: gradientOfW, in: interpreter).correct, "\(right)")
    }
    #expect(ExerciseChecker.judge("x @ g", for: gradientOfW, in: interpreter)
      == .init(correct: false, explanation: "your answer has shape (2, 3), dL/dW has shape (3, 2)"))
    #expect(ExerciseChecker.judge("x.T @ g", for: gradientOfW, in: interpreter) == .init(
      correct: false, explanation: "`x.T @ g` does not evaluate: matrix product of (3, 2) and (3, 3): inner dimensions 2 and 3 differ"))
    #expect(ExerciseChecker.judge("2 * g @ x.T", for: gradientOfW, in: interpreter) == .init(
      correct: false,
      explanation: "the shape is right but the values differ: every value is 2× the right one, so a factor is off (a mean's 1/n, a batch size?)"))
    #expect(!ExerciseChecker.judge("nonsense(", for: gradientOfW, in: interpreter).correct)
    // The right values in the wrong shape are wrong, and the learner is told why.
    #expect(ExerciseChecker.judge("1", for: .value("ones(3)"), in: interpreter) == .init(
      correct: false,
      explanation: "your answer has shape (), `ones(3)` has shape (3,); broadcast to that shape its values would be right, but the answer needs the shape itself"))
    let shape = Lesson.Check.shape("W @ x")
    for right in ["(3, 3)", "3, 3", "[3, 3]", "3x3"] { #expect(ExerciseChecker.judge(right, for: shape, in: interpreter).correct) }
    // Brackets come in one pair around the whole, or not at all.
    #expect(ExerciseChecker.parseShape("(5,)") == [5] && ExerciseChecker.parseShape("()") == [] && ExerciseChecker.parseShape(" 2 x 5 ") == [2, 5])
    for malformed in ["(3, 3", "(3, 3]", "((3, 3))", "3, 3)", "(3)(3)"] { #expect(ExerciseChecker.parseShape(malformed) == nil, "\(malformed)") }
    #expect(!ExerciseChecker.judge("(3,)", for: shape, in: interpreter).correct)
    #expect(ExerciseChecker.judge("21", for: .value("sum(x)"), in: interpreter).correct)
    #expect(ExerciseChecker.judge("1 + 4 * 5", for: .value("sum(x)"), in: interpreter).correct)
    // Judging changes nothing in the session.
    #expect(interpreter.lookup("dW") == nil)
  }

  /// Lesson 9's masked mean cannot be passed without the mask: its padded steps are not zero.
  @Test func theMaskedMeanNeedsTheMask() throws {
    let lesson = try #require(course.lesson("09-padded-sequences"))
    let t = Transcript()
    var exercise: Lesson.Exercise?
    for step in lesson.steps {
      if case .statements(let statements) = step { statements.forEach { t.type($0.text) } }
      if case .exercise(let first, _) = step {
        exercise = first
        break
      }
    }
    let masked = try #require(exercise)
    #expect(masked.answer.contains(" * mask"))
    #expect(ExerciseChecker.judge(masked.answer, for: masked.check, in: t.session.interpreter).correct)
    let unmasked = masked.answer.replacingOccurrences(of: " * mask", with: "")
    let judgement = ExerciseChecker.judge(unmasked, for: masked.check, in: t.session.interpreter)
    #expect(!judgement.correct && judgement.explanation.contains("values differ"), "\(unmasked): \(judgement)")
  }

  @Test func interactivePlayHintsRevealsAndQuits() throws {
    let lesson = try Lesson(id: "99-test", text: """
      # A test lesson

      Some narrative.

      » a = [1, 2, 3]

      ? What is sum(a)?
      = value sum(a)
      answer: 6
      hint: Add them up.

      ## Summary

      Done.
      """)
    #expect(lesson.steps.count == 5)
    let t = Transcript()
    t.session.startLesson(lesson)
    #expect(t.output.contains("Some narrative."))
    #expect(t.type("").contains("a : (3,)"))
    #expect(t.type("").contains("? What is sum(a)?"))
    #expect(t.type("5") == "✗ not 5.0\nhint: Add them up.\n")
    #expect(t.type("a[0] + a[1] + a[2]").hasPrefix("✓ right"))
    t.type("")
    #expect(t.type("b = a * 2") == "b : (3,)\n[2. 4. 6.]\n")  // the learner's own statement, in the lesson's scope
    #expect(t.type(":quit").hasPrefix("left the lesson"))
    #expect(t.type("b + 1") == "(3,)\n[3. 5. 7.]\n")
  }

  /// A transcript playing a lesson written in the test, its first step shown.
  func playing(_ text: String) throws -> Transcript {
    let t = Transcript()
    t.session.startLesson(try Lesson(id: "t", text: text))
    return t
  }

  /// An answer of the wrong kind (an expression where a shape is asked) is told what to write
  /// and keeps the hints for real attempts.
  @Test func anAnswerOfTheWrongKindUsesUpNoHint() throws {
    let t = try playing("""
      # Shapes

      » x = ones(2, 3)

      ? What shape does x.T have?
      = shape x.T
      answer: (3, 2)
      hint: The axes swap.
      """)
    t.type("")
    #expect(t.type("x.T") == "✗ write a shape like (2, 5), or () for a single number\n")
    #expect(t.type("(2, 3)") == "✗ not (2, 3)\nhint: The axes swap.\n")
    #expect(t.type("(3, 2)").hasPrefix("✓ right"))
  }

  /// During an exercise a :command runs (it is not an answer and uses up no hint), and :back leaves
  /// the question for the step before; :skip elsewhere goes on to the next exercise, running the
  /// statements it passes so that the lesson's variables exist.
  @Test func commandsAndMovesDuringALesson() throws {
    let t = try playing("""
      # Moves

      First.

      » a = [1, 2, 3]

      Second.

      » b = a * 2

      ? What is sum(b)?
      = value sum(b)
      answer: 12
      hint: Double 6.
      """)
    #expect(t.session.lesson?.prompt == "lesson t · 1/5 » ")  // a lesson of one's own by its name, not two letters of it
    let skipped = t.type(":skip")
    #expect(skipped.hasPrefix("(skipped 3 steps)\n? What is sum(b)?"), "\(skipped)")
    #expect(t.type(":vars").contains("b     (3,)"))
    #expect(t.type("sum(b").hasPrefix("✗ `sum(b` does not parse: "))  // a slip, not a try: no hint
    #expect(!t.type("sum(b").contains("hint:"))
    #expect(t.type("11") == "✗ not 11.0\nhint: Double 6.\n")
    #expect(t.type(":back").contains("» b = a * 2"))
    // The question waits for Enter, so :back again goes further back.
    #expect(t.type(":back").contains("Second."))
    #expect(t.type("").contains("» b = a * 2"))
    #expect(t.type("").contains("? What is sum(b)?"))
    #expect(t.type("12").hasPrefix("✓ right"))
  }

  /// `uses: einsum` makes the form part of the answer: einsum must do the work, on the tensors
  /// themselves; the right value written another way is told so, and uses up no hint.
  @Test func anExerciseCanAskForAFunction() throws {
    let t = try playing("""
      # Einsum

      » A = [[1, 2], [3, 4]]

      ? Write the row sums of A as an einsum.
      = value sum(A, axis=1)
      answer: einsum("ij->i", A)
      uses: einsum
      hint: Keep i.
      """)
    t.type("")
    let wrongForm = "✗ that is the right value, but the question asks for it written with einsum(…), "
      + "whose operands are the tensors themselves (no other function inside)\n"
    #expect(t.type("sum(A, axis=1)") == wrongForm)
    #expect(t.type("einsum(\"i->i\", sum(A, axis=1))") == wrongForm)
    #expect(t.type("einsum(\"ij->j\", A)") == "✗ the shape is right but the values differ\nhint: Keep i.\n")
    #expect(t.type("einsum(\"ji->i\", A.T)").hasPrefix("✓ right"))
    #expect(ExerciseChecker.doesTheWork("einsum", in: "-einsum(\"ij->i\", A[0:2] * 2)"))
    // A check that does not evaluate says why.
    let broken = ExerciseChecker.judge("1", for: .value("nope * 2"), in: Interpreter())
    #expect(broken.explanation == "the lesson's `nope * 2` does not evaluate: unknown name `nope`")
    #expect(!ExerciseChecker.doesTheWork("einsum", in: "2 * einsum(\"ij->i\", A)"))
  }

  /// An answer must do the work the question asks for: grad(…) does a derivation for the learner,
  /// and the asked value's own expression names it; neither is right unless the model answer does
  /// the same. Neither uses up a hint.
  @Test func anAnswerMayNotLetTheShellDoTheWork() throws {
    let t = try playing("""
      # Shortcuts

      » x = [1.0, 2, 3]
      » w = [0.5, -1, 2]
      » L = sum(w * x)
      » r = w * x

      ? Write dL/dw.
      = gradient L wrt w
      answer: x
      hint: Each w multiplies one x.

      ? Write r[0] from w and x.
      = value r[0]
      answer: w[0] * x[0]
      hint: One product.

      ? What is dL/dx? grad may help.
      = value grad(L, x)
      answer: grad(L, x)
      """)
    t.type("")
    let gradient = "✗ grad(…) works the gradient out for you; the question asks you to derive it: "
      + "write it with the tensors of the computation (:hint helps)\n"
    #expect(t.type("grad(L, w)") == gradient)
    #expect(t.type("1 * grad(L, w)") == gradient)
    #expect(t.type("vjp(L, w, 1)") == gradient.replacingOccurrences(of: "grad(…)", with: "vjp(…)"))
    #expect(t.type("x * 2").hasSuffix("\nhint: Each w multiplies one x.\n"), "the shortcuts used no hint")
    #expect(t.type("x * 3").hasSuffix("\nno more hints: try again, or :reveal to see the answer\n"))
    #expect(t.type("x").hasPrefix("✓ right"))
    t.type("")
    // Feedback does not name the asked expression either, and says when only the sign is off.
    #expect(t.type("w").hasPrefix("✗ your answer has shape (3,), the right answer has shape ()"))
    #expect(t.type("-w[0] * x[0]").hasPrefix("✗ not -0.5: the sign is off, every value is minus the right one"))
    #expect(t.type("r[0]") == "✗ your answer reads `r[0]`, the value the question asks about: work it out from the other quantities\n")
    #expect(t.type("2 * r[0] / 2") == "✗ your answer reads `r[0]`, the value the question asks about: work it out from the other quantities\n")
    #expect(t.type("x[0] * w[0]").hasPrefix("✓ right"))
    // Where the model answer calls grad, so may the learner.
    #expect(t.type("grad(L, x)").hasPrefix("✓ right"))
  }

  /// Near misses say what is near: a factor off (a mean's 1/n), or decimals for a fraction; and a
  /// second question right after the first is asked at once.
  @Test func nearMissesAndConsecutiveQuestions() throws {
    let t = try playing("""
      # Near

      » p = [1, 1, 1] / 3
      » g = [2.0, 4, 6]

      ? What is p?
      = value p
      answer: p

      ? What is g / 4?
      = value g / 4
      answer: g / 4
      """)
    #expect(t.type("[0.333, 0.333, 0.333]").contains("they are within a hundredth, so write them exactly (1/3, not 0.333)\n"))
    #expect(t.type("p").hasSuffix("? What is g / 4?\n"))
    #expect(t.type("g").hasPrefix("✗ the shape is right but the values differ: every value is 4× the right one"))
  }

  @Test func formatErrorsNameTheLine() {
    #expect(throws: Lesson.FormatError(file: "x", line: 3, message: "the exercise needs an `answer:` line")) {
      try Lesson(id: "x", text: "# T\n\n? Q\n= value 1\n")
    }
    #expect(throws: Lesson.FormatError(file: "x", line: 5, message: "`uses:` names `einsun`, which is not a built-in")) {
      try Lesson(id: "x", text: "# T\n\n? Q\n= value 1\nuses: einsun\nanswer: 1\n")
    }
    #expect(throws: Lesson.FormatError(file: "x", line: 3, message: "`=` belongs to an exercise: start it with a `? question` line")) {
      try Lesson(id: "x", text: "# T\n\n= value 1\nanswer: 1\n")
    }
    #expect(throws: Lesson.FormatError(file: "x", line: 1, message: "the lesson needs a title line `# …`")) {
      try Lesson(id: "x", text: "no title\n")
    }
    // Blank lines between an exercise's lines keep it going; after its last line, they end it.
    let spaced = try? Lesson(id: "x", text: "# T\n\n? Q\n= value 1\n\nanswer: 1\n\n\nhint: One.\n\nAfter.\n")
    guard case .exercise(let exercise, _) = spaced?.steps.first else {
      Issue.record("no exercise in \(String(describing: spaced))")
      return
    }
    #expect(exercise.answer == "1" && exercise.hints == ["One."])
    #expect(spaced?.steps.count == 2)
  }

  @Test func transcriptIsMarkdown() throws {
    let lesson = try #require(course.lesson("01-tour"))
    let t = Transcript()
    _ = t.session.playAutomatically(lesson)
    let markdown = t.session.transcript.markdown(title: lesson.title)
    #expect(markdown.hasPrefix("# A tour of Backstep\n"))
    #expect(markdown.contains("```\n» x = [[1, 2, 3], [4, 5, 6]]\nx : (2, 3)\n"))
    #expect(markdown.contains("**Exercise.** What is the shape of x.T (x transposed)?"))
  }

  /// A lesson left before its end goes on where it was left, in a later session, with the
  /// variables of the steps before; `--restart` starts over; starting another lesson leaves it.
  @Test func aLessonLeftGoesOnWhereItWasLeft() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("backstep-progress-\(UUID())")
    defer { try? FileManager.default.removeItem(at: file) }
    let text = """
      # Resume

      One.

      » a = 3

      Two.

      » b = a * 2

      ? What is b?
      = value b
      answer: 6

      Four.
      """
    let lesson = try Lesson(id: "09-resume", text: text)
    let first = Transcript()
    first.session.progressFile = ProgressFile(url: file)
    first.session.startLesson(lesson)
    first.type("")
    first.type("")
    #expect(first.type(":quit").contains("left the lesson at step 3 of 6 (:lesson 9 goes on from here)"))

    let second = Transcript()
    second.session.progressFile = ProgressFile(url: file)
    second.session.startLesson(lesson)
    #expect(second.output.contains("(going on at step 3 of 6, where you left it; :lesson 9 --restart starts over)\nTwo.\n"), "\(second.output)")
    #expect(second.type("").contains("» b = a * 2\nb : () = 6.0"), "the statements before ran")
    #expect(second.type("6").hasPrefix("✓ right"))
    #expect(second.type(":lesson 9 --restart").contains("left the lesson at step 5 of 6"), "a lesson started leaves the one playing")

    let third = Transcript()
    third.session.progressFile = ProgressFile(url: file)
    third.session.startLesson(lesson, restart: true)
    #expect(!third.output.contains("going on"))
    #expect(third.output.hasSuffix("One.\n"), "\(third.output)")
    // Progress is where the learner is now (after a restart too), and it follows an edited file.
    third.type(":quit")
    #expect(ProgressFile(url: file).entries["09-resume"] == .init(step: 1, total: 6, completed: false))
    let edited = try Lesson(id: "09-resume", text: text + "\n\nFive.\n")
    let fourth = Transcript()
    fourth.session.progressFile = ProgressFile(url: file)
    fourth.session.startLesson(edited)
    for _ in 0..<3 { fourth.type("") }
    #expect(fourth.type("6").hasPrefix("✓ right"))
    fourth.type("")
    fourth.type("")
    // The last step shown completes the lesson; the input ending then finishes it, not leaves it.
    #expect(ProgressFile(url: file).entries["09-resume"]?.completed == true)
    fourth.output = ""
    fourth.session.endOfInput()
    #expect(fourth.output.hasPrefix("end of “Resume”"), "\(fourth.output)")
    #expect(ProgressFile(url: file).entries["09-resume"]?.completed == true)
    // A lesson file of one's own keeps its progress under its path, apart from a course lesson of its name.
    var own = lesson
    own.reference = "my lessons/09-resume.lesson"
    #expect(own.progressKey == "my%20lessons/09-resume.lesson" && lesson.progressKey == "09-resume")
  }

  /// A lesson runs in the learner's session: it says which of the learner's variables it replaces.
  @Test func aLessonSaysWhichVariablesItReplaces() throws {
    let lesson = try Lesson(id: "t", text: "# T\n\n» a = [1, 2]\n» for i in 0..<2 { s = i }\n» def f(x) = x\n\nDone.\n")
    #expect(lesson.assignedNames == ["a", "i", "s", "f"])
    let t = Transcript()
    t.type("a = 5; s = 1; keep = 2")
    t.session.startLesson(lesson)
    #expect(t.output.contains("(the lesson sets `a` and `s`, which you have: it replaces them; :save FILE.npz first keeps a copy)\n"))
    let fresh = Transcript()
    fresh.session.startLesson(lesson)
    #expect(!fresh.output.contains("the lesson sets"))
  }

  @Test func progressIsKeptAcrossSessions() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("backstep-progress-\(UUID())")
    defer { try? FileManager.default.removeItem(at: file) }
    let lesson = try #require(course.lesson("03"))
    let t = Transcript()
    t.session.progressFile = ProgressFile(url: file)
    _ = t.session.playAutomatically(lesson)
    let reread = ProgressFile(url: file)
    #expect(reread.entries[lesson.id] == .init(step: lesson.steps.count, total: lesson.steps.count, completed: true))
  }
}
