import Autodiff
import Language

/// `:help` and docs/language.md, both written from the built-in and command tables.
enum Help {
  static let topics: [(name: String, text: String)] = [
    ("operators", """
      Operators, loosest first (Python's table):
        or, and, not          on true/false (or True/False) and single numbers
        < <= > >= == !=       element-wise comparisons, 0/1 results (no gradient)
        + -                   element-wise, broadcasting
        * / // % @            element-wise (// floors, % is the remainder); @ the matrix product
        -x  +x                unary minus binds looser than **: -2**2 is -4
        **                    power, right-associative: 2**3**2 is 2**9
        x.T x.shape x[i, 1:3, ::2, None, ...] f(a, key=value)
        x.sum(axis=1)         a built-in as a method: sum(x, axis=1), as in NumPy
        inf nan pi            the numbers NumPy calls np.inf, np.nan, np.pi
      """),
    ("statements", """
      Statements:
        name = expr           assign (the value is shown)
        h, c = pair           unpack a tuple
        w -= lr * dw          update: w = w - lr * dw, keeping w's shape (also += *= /= @= **=)
        expr                  show a value
        :command args         a shell command (see below)
        a = 1; b = 2          several statements on a line
        # comment             to the end of the line
        for i in 0..<3 { … }  loops (0..2 includes 2; range(3) too); if c { … } else { … }
        def f(a, b) = expr    functions; def f(a) { …; return expr }
      A statement with an open ( [ or { goes on over the next lines.
      A failed statement changes nothing: every variable stays as it was.
      """),
  ]

  /// `:help` (no argument), `:help NAME`.
  static func page(_ name: String, range: SourceRange, style: Style) throws(EvaluationError) -> CommandOutput {
    if name.isEmpty { return CommandOutput(text: overview(style: style)) }
    let bare = name.hasPrefix(":") ? String(name.dropFirst()) : name
    // `:help :load` is the command, `:help load` the built-in of the same name.
    if name.hasPrefix(":"), let command = Commands.all.first(where: { $0.name == bare }) {
      return CommandOutput(text: "\(command.usage)\n  \(command.summary)")
    }
    if let builtin = Interpreter.builtins[bare] {
      return CommandOutput(text: builtinPage(builtin), data: .object([("builtin", .string(builtin.name)), ("signature", .string(builtin.signature))]))
    }
    if let command = Commands.all.first(where: { $0.name == bare }) {
      return CommandOutput(text: "\(command.usage)\n  \(command.summary)")
    }
    if let topic = topics.first(where: { $0.name == bare }) {
      return CommandOutput(text: topic.text)
    }
    let candidates = Array(Interpreter.builtins.keys) + Commands.all.map(\.name) + topics.map(\.name)
    throw EvaluationError(
      "no help for `\(name)`", at: range,
      hint: closestName(to: bare, in: candidates).map { "did you mean `:help \($0)`?" } ?? "`:help` lists everything")
  }

  static func builtinPage(_ builtin: Builtin) -> String {
    var lines = [builtin.signature, "  \(builtin.summary)", "  example: \(builtin.example)"]
    if !builtin.rules.isEmpty {
      lines.append("  backward rules: " + builtin.rules.joined(separator: ", "))
    }
    return lines.joined(separator: "\n")
  }

  static func overview(style: Style) -> String {
    var lines = [
      style.heading("Backstep") + " — type tensor expressions, take gradients, watch the rules.",
      "",
      "  W = randn(3, 2); x = randn(2, 5); b = zeros(3, 1)",
      "  z = W @ x + b            # shapes are checked, broadcasting is NumPy's",
      "  L = mean(sigmoid(z))",
      "  grad(L, W)               # dL/dW, the shape of W",
      "",
    ]
    let width = Commands.all.map(\.usage.count).max() ?? 0
    for (title, commands) in [("Step by step", Commands.teaching), ("Lessons", Commands.lessons), ("Session", Commands.general)] {
      lines.append(style.heading(title))
      lines += commands.map { "  \($0.usage.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.summary)" }
      lines.append("")
    }
    lines.removeLast()
    lines += ["", style.heading("Built-ins") + "  (:help NAME for one)"]
    for category in Builtin.Category.allCases {
      let names = BuiltinCatalog.all.filter { $0.category == category }.map(\.name)
      guard !names.isEmpty else { continue }
      lines.append("  \(category.rawValue): " + names.joined(separator: " "))
    }
    lines += ["", "Topics: " + topics.map { ":help \($0.name)" }.joined(separator: ", ")]
    return lines.joined(separator: "\n")
  }

  /// docs/language.md: the language reference, from the same tables as `:help`.
  static func reference() -> String {
    var out = """
      # The Backstep language

      This page is generated from the tables the shell itself uses (`backstep --reference`);
      a test keeps it identical to what `:help` says.


      """
    for topic in topics {
      out += "## \(topic.name.prefix(1).uppercased() + topic.name.dropFirst())\n\n```\n\(topic.text)\n```\n\n"
    }
    out += "## Commands\n\n| command | what it does |\n|---|---|\n"
    for command in Commands.all { out += "| `\(command.usage)` | \(command.summary) |\n" }
    out += "\n## Built-ins\n"
    for category in Builtin.Category.allCases {
      let builtins = BuiltinCatalog.all.filter { $0.category == category }
      guard !builtins.isEmpty else { continue }
      out += "\n### \(category.rawValue)\n\n"
      for builtin in builtins {
        out += "- `\(builtin.signature)` — \(builtin.summary) Example: `\(builtin.example)`.\n"
      }
    }
    return out
  }
}
