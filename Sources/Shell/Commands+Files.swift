import Autodiff
import Language
import Tensors

extension Commands {
  /// `:save FILE`: every tensor variable, by name, into an archive as `np.savez` writes it.
  ///
  /// Values only: a computed variable comes back from `:restore` as a leaf. The archive
  /// is written whole to a temporary file and renamed over FILE, so an interrupted save
  /// leaves the previous file as it was.
  static func save(_ session: Session, _ arguments: CommandArguments) throws(EvaluationError) -> CommandOutput {
    let path = unquoted(arguments.text)
    guard !path.isEmpty else {
      throw EvaluationError("`:save` needs a file name", at: arguments.range, hint: ":save session.npz")
    }
    try session.interpreter.checkFileAccess(at: arguments.range)
    var entries: [NPZ.Entry] = []
    var computed: [String] = []
    var skipped: [String] = []
    for (name, value) in session.interpreter.globals.sorted(by: { $0.key < $1.key }) {
      guard case .tensor(let variable) = value else {
        skipped.append(name)
        continue
      }
      entries.append(NPZ.Entry(name: name, tensor: variable.value))
      if !variable.isLeaf { computed.append(name) }
    }
    guard !entries.isEmpty else {
      throw EvaluationError(
        "there are no tensors to save", at: arguments.range,
        hint: skipped.isEmpty ? "define some first, e.g. W = randn(2, 3)" : "functions and other values are not saved")
    }
    do throws(TensorFiles.Failure) {
      try TensorFiles.write(entries, to: path)
    } catch {
      throw EvaluationError(error.message, at: arguments.range)
    }
    var lines = ["saved \(tensorCount(entries.count)) to \(path): " + entries.map { "\($0.name) \(Shape.text($0.tensor.shape))" }.joined(separator: ", ")]
    if !computed.isEmpty {
      lines.append("values only: \(computed.joined(separator: ", ")) will come back without \(computed.count == 1 ? "its graph" : "their graphs")")
    }
    if !skipped.isEmpty {
      lines.append("not saved (not tensors): \(skipped.joined(separator: ", "))")
    }
    return CommandOutput(
      text: lines.joined(separator: "\n"),
      data: .object([
        ("path", .string(path)), ("saved", .array(entries.map(entryJSON))),
        ("without_graph", .array(computed.map(JSON.string))), ("skipped", .array(skipped.map(JSON.string))),
      ]))
  }

  /// `:restore FILE`: the arrays of an `.npz` archive (a single `.npy` file takes its file's name)
  /// become variables, as leaves; variables not in the file are kept.
  static func restore(_ session: Session, _ arguments: CommandArguments) throws(EvaluationError) -> CommandOutput {
    let path = unquoted(arguments.text)
    guard !path.isEmpty else {
      throw EvaluationError("`:restore` needs a file name", at: arguments.range, hint: ":restore session.npz")
    }
    try session.interpreter.checkFileAccess(at: arguments.range)
    let contents: TensorFiles.Contents
    do throws(TensorFiles.Failure) {
      contents = try TensorFiles.read(path)
    } catch {
      throw EvaluationError(error.message, at: arguments.range, hint: error.hint)
    }
    let entries: [NPZ.Entry]
    switch contents {
    case .archive(let archived):
      entries = archived
    case .array(let tensor):
      let stem = String(path.split(separator: "/").last ?? "").replacingOccurrences(of: ".npy", with: "")
      guard isVariableName(stem) else {
        throw EvaluationError(
          "`\(path)` holds one array, and `\(stem)` cannot be a variable's name", at: arguments.range,
          hint: "name it yourself: x = load(\"\(path)\")")
      }
      entries = [NPZ.Entry(name: stem, tensor: tensor)]
    }
    var restored: [NPZ.Entry] = []
    var unnamed: [String] = []
    var seen = Set<String>()
    // Later entries of the same name win, as they would in np.load's dictionary.
    for entry in entries.reversed() where seen.insert(entry.name).inserted {
      if isVariableName(entry.name) { restored.insert(entry, at: 0) } else { unnamed.insert(entry.name, at: 0) }
    }
    let replaced = restored.map(\.name).filter { session.interpreter.globals[$0] != nil }
    for entry in restored {
      let leaf = Variable(entry.tensor)
      leaf.label = entry.name
      session.interpreter.define(entry.name, .tensor(leaf))
    }
    var lines = ["restored \(tensorCount(restored.count)) from \(path)"
      + (restored.isEmpty ? "" : ": " + restored.map { "\($0.name) \(Shape.text($0.tensor.shape))" }.joined(separator: ", "))]
    if !replaced.isEmpty { lines.append("replaced: \(replaced.joined(separator: ", "))") }
    if !unnamed.isEmpty {
      lines.append("skipped (not names Backstep can use): \(unnamed.joined(separator: ", ")); load(\"\(path)\", \"NAME\") reads one under a name of yours")
    }
    return CommandOutput(
      text: lines.joined(separator: "\n"),
      data: .object([
        ("path", .string(path)), ("restored", .array(restored.map(entryJSON))),
        ("replaced", .array(replaced.map(JSON.string))), ("skipped", .array(unnamed.map(JSON.string))),
      ]))
  }

  /// The file name without one pair of quotes around it: `:save "my session.npz"` means my session.npz.
  static func unquoted(_ text: String) -> String {
    guard text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first else { return text }
    return String(text.dropFirst().dropLast())
  }

  /// Whether `name` reads back as a variable: an identifier that is not a keyword.
  static func isVariableName(_ name: String) -> Bool {
    guard !name.isEmpty, let expression = try? Parser.parseExpression(name), case .name(let parsed) = expression.kind else { return false }
    return parsed == name
  }

  private static func tensorCount(_ n: Int) -> String {
    n == 1 ? "1 tensor" : "\(n) tensors"
  }

  private static func entryJSON(_ entry: NPZ.Entry) -> JSON {
    .object([("name", .string(entry.name)), ("shape", .array(entry.tensor.shape.map { .number(Double($0)) }))])
  }
}
