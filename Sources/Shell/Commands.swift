import Autodiff
import Foundation
import Language
import Tensors

/// A `:command`: its name, how to call it, what it does, and its action.
struct Command: Sendable {
  let name: String
  let usage: String
  let summary: String
  let run: @Sendable (Session, CommandArguments) throws(EvaluationError) -> CommandOutput
}

/// Every `:command`, in the order `:help` lists them.
enum Commands {
  static let all: [Command] = general + teaching + lessons

  static let general: [Command] = [
    Command(name: "help", usage: ":help [NAME]", summary: "This overview, or the page of a built-in, a command or a topic.") {
      session, arguments throws(EvaluationError) in
      try Help.page(arguments.text, range: arguments.range, style: session.options.style)
    },
    Command(name: "vars", usage: ":vars", summary: "The variables: name, shape, and whether a graph is attached.") {
      session, arguments throws(EvaluationError) in
      try noArguments(arguments, for: "vars")
      return variables(session)
    },
    Command(name: "clear", usage: ":clear", summary: "Forgets every variable and restarts the random generator.") {
      session, arguments throws(EvaluationError) in
      try noArguments(arguments, for: "clear")
      session.interpreter.clear()
      return CommandOutput(text: "cleared")
    },
    Command(name: "load", usage: ":load FILE", summary: "Runs a script into this session.") {
      session, arguments throws(EvaluationError) in
      guard !arguments.text.isEmpty else {
        throw EvaluationError("`:load` needs a file name", at: arguments.range, hint: ":load my-script.bs (a file of statements, one per line)")
      }
      return try session.load(path: unquoted(arguments.text), range: arguments.range)
    },
    Command(name: "save", usage: ":save FILE", summary: "Writes every tensor variable (values, not graphs) to an .npz archive that np.load reads.") {
      session, arguments throws(EvaluationError) in try save(session, arguments)
    },
    Command(name: "restore", usage: ":restore FILE", summary: "Brings back the tensors of an .npz archive (from :save, np.savez or np.savez_compressed) as variables.") {
      session, arguments throws(EvaluationError) in try restore(session, arguments)
    },
    Command(name: "set", usage: ":set [NAME VALUE]", summary: "Shows the settings, or changes one: max_tensor_bytes N, max_session_bytes N, max_graph_bytes N, progress on|off, trace on|off, anomaly on|off.") {
      session, arguments throws(EvaluationError) in try settings(session, arguments.text, range: arguments.range)
    },
    Command(name: "quit", usage: ":quit", summary: "Leaves Backstep (Ctrl-D does too).") {
      session, arguments throws(EvaluationError) in
      try noArguments(arguments, for: "quit")
      session.requestQuit()
      return CommandOutput(text: "")
    },
  ]

  /// A command takes the rest of its line, so text after one that takes nothing is a mistake worth naming.
  static func noArguments(_ arguments: CommandArguments, for name: String) throws(EvaluationError) {
    guard arguments.text.isEmpty else {
      throw EvaluationError(
        "`:\(name)` takes no arguments", at: arguments.range,
        hint: "a command takes the rest of its line (`;` included): put other statements on a line of their own")
    }
  }

  static func closest(to name: String) -> String? {
    let names = all.map(\.name)
    return names.first { $0.hasPrefix(name) && !name.isEmpty } ?? closestName(to: name, in: names)
  }

  static func variables(_ session: Session) -> CommandOutput {
    let names = session.interpreter.globals.keys.sorted()
    guard !names.isEmpty else { return CommandOutput(text: "no variables yet", data: .array([])) }
    var rows: [[String]] = []
    var data: [JSON] = []
    for name in names {
      guard let value = session.interpreter.globals[name] else { continue }
      switch value {
      case .tensor(let v):
        let graph = v.isLeaf ? "leaf" : "graph (\(v.rule?.name ?? "")…)"
        rows.append([name, Shape.text(v.shape), graph])
        data.append(.object([("name", .string(name)), ("shape", .array(v.shape.map { .number(Double($0)) })), ("graph", .bool(!v.isLeaf))]))
      default:
        rows.append([name, value.kindDescription, ""])
        data.append(.object([("name", .string(name)), ("kind", .string(value.kindDescription))]))
      }
    }
    return CommandOutput(text: table(["name", "shape", "computed by"], rows, style: session.options.style), data: .array(data))
  }

  /// What `:set` changes: sizes in bytes, then switches (`on` or `off`).
  static let settingNames = ["max_tensor_bytes", "max_session_bytes", "max_graph_bytes", "progress", "trace", "anomaly"]

  static func settings(_ session: Session, _ arguments: String, range: SourceRange) throws(EvaluationError) -> CommandOutput {
    let words = arguments.split(separator: " ").map(String.init)
    func onOff(_ value: Bool) -> String { value ? "on" : "off" }
    if words.isEmpty {
      let text = """
        max_tensor_bytes = \(Shape.byteLimit) (\(Shape.bytesText(Double(Shape.byteLimit))))
        max_session_bytes = \(session.interpreter.sessionByteLimit) (\(Shape.bytesText(Double(session.interpreter.sessionByteLimit))))
        max_graph_bytes = \(GraphMemory.limit) (\(Shape.bytesText(Double(GraphMemory.limit))); graphs hold \(Shape.bytesText(Double(GraphMemory.bytes))) now)
        progress = \(onOff(session.options.progress))
        trace = \(onOff(session.options.trace))
        anomaly = \(onOff(session.interpreter.detectsAnomalies))
        """
      return CommandOutput(text: text, data: .object([
        ("max_tensor_bytes", .number(Double(Shape.byteLimit))),
        ("max_session_bytes", .number(Double(session.interpreter.sessionByteLimit))),
        ("max_graph_bytes", .number(Double(GraphMemory.limit))), ("progress", .bool(session.options.progress)),
        ("trace", .bool(session.options.trace)), ("anomaly", .bool(session.interpreter.detectsAnomalies)),
      ]))
    }
    guard words.count == 2 else { throw EvaluationError("`:set` takes a name and a value", at: range, hint: ":set trace on") }
    // If the statement this :set is part of fails (a block), every setting goes back. The two
    // process-wide limits are written only if they changed: other threads read them (tests run
    // sessions side by side), and a write of the same value is still a race.
    let saved = (Shape.byteLimit, session.interpreter.sessionByteLimit, GraphMemory.limit, session.options, session.interpreter.detectsAnomalies)
    session.interpreter.noteUndo { [unowned session] in
      if Shape.byteLimit != saved.0 { Shape.byteLimit = saved.0 }
      if GraphMemory.limit != saved.2 { GraphMemory.limit = saved.2 }
      (session.interpreter.sessionByteLimit, session.options, session.interpreter.detectsAnomalies) = (saved.1, saved.3, saved.4)
    }
    func flag() throws(EvaluationError) -> Bool {
      guard words[1] == "on" || words[1] == "off" else {
        throw EvaluationError("\(words[0]) is `on` or `off`, not `\(words[1])`", at: range)
      }
      return words[1] == "on"
    }
    switch words[0] {
    case "max_tensor_bytes":
      guard let bytes = Int(words[1]), bytes > 0 else {
        throw EvaluationError("max_tensor_bytes must be a positive number of bytes", at: range)
      }
      Shape.byteLimit = bytes
      return CommandOutput(text: "max_tensor_bytes = \(bytes) (\(Shape.bytesText(Double(bytes))))")
    case "max_session_bytes":
      guard let bytes = Int(words[1]), bytes > 0 else {
        throw EvaluationError("max_session_bytes must be a positive number of bytes", at: range)
      }
      session.interpreter.sessionByteLimit = bytes
      return CommandOutput(text: "max_session_bytes = \(bytes) (\(Shape.bytesText(Double(bytes))))")
    case "max_graph_bytes":
      guard let bytes = Int(words[1]), bytes > 0 else {
        throw EvaluationError("max_graph_bytes must be a positive number of bytes", at: range)
      }
      GraphMemory.limit = bytes
      return CommandOutput(text: "max_graph_bytes = \(bytes) (\(Shape.bytesText(Double(bytes))))")
    case "progress":
      session.options.progress = try flag()
      return CommandOutput(text: "progress = \(words[1])")
    case "trace":
      session.options.trace = try flag()
      return CommandOutput(text: "trace = \(words[1])")
    case "anomaly":
      session.interpreter.detectsAnomalies = try flag()
      return CommandOutput(text: "anomaly = \(words[1])")
    default:
      throw EvaluationError(
        "unknown setting `\(words[0])`", at: range, hint: "the settings are: " + settingNames.joined(separator: ", "))
    }
  }

  /// Columns aligned, a header line in bold.
  static func table(_ header: [String], _ rows: [[String]], style: Style) -> String {
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        .trimmingCharacters(in: .whitespaces)
    }
    return ([style.heading(line(header))] + rows.map(line)).joined(separator: "\n")
  }
}
