import Foundation
import Autodiff
import Language
import Tensors

extension Commands {
  /// The largest graph drawn in the terminal.
  static let maximumNodesDrawn = 300

  static func graph(_ session: Session, _ raw: CommandArguments) throws(EvaluationError) -> CommandOutput {
    var arguments = raw
    try arguments.takeFlags([], valued: ["--dot", "--svg"])
    let (output, name) = try tensorArgument(session, arguments, usage: ":graph L [--dot FILE] [--svg FILE]")
    let drawing = GraphDrawing(output: output, name: name)
    var notes: [String] = []
    let drawable = drawing.nodes.count <= maximumNodesDrawn
    if !drawable {
      notes.append("\(name) was computed by \(drawing.nodes.count) ops: too many to draw here (at most \(maximumNodesDrawn)); --dot FILE writes them all")
    }
    if let path = arguments.flags["--dot"] {
      try writeFile(drawing.dot(), to: path, range: arguments.range, session: session)
      notes.append("wrote \(path) (Graphviz: dot -Tsvg \(path) -o graph.svg)")
    }
    if let path = arguments.flags["--svg"] {
      try session.interpreter.checkFileAccess(at: arguments.range)
      notes.append(try svg(drawing.dot(), to: path, range: arguments.range))
    }
    return CommandOutput(
      text: ((drawable ? [drawing.text(style: session.options.style)] : []) + notes).joined(separator: "\n"),
      data: .object([("nodes", .array(drawing.nodes.map { .object([("name", .string($0.label)), ("op", .string($0.op)), ("shape", .array($0.shape.map { .number(Double($0)) })), ("inputs", .array($0.inputs.map { .number(Double($0)) }))]) }))]))
  }

  static func writeFile(_ text: String, to path: String, range: SourceRange, session: Session) throws(EvaluationError) {
    try session.interpreter.checkFileAccess(at: range)
    do {
      try TensorFiles.writeAtomically(Array(text.utf8), to: path)
    } catch {
      throw EvaluationError(error.message, at: range)
    }
  }

  /// Renders DOT to SVG with Graphviz's `dot`, when it is installed.
  /// Runs Graphviz's `dot` on the graph. The graph goes through a temporary file, not a pipe:
  /// writing to a `dot` that has exited would end the whole session with SIGPIPE.
  static func svg(_ dot: String, to path: String, range: SourceRange) throws(EvaluationError) -> String {
    let hint = "install Graphviz (apt-get install graphviz), or write the graph with --dot FILE"
    guard let program = executable(named: "dot") else {
      throw EvaluationError("Graphviz's dot is not installed (not found on the PATH)", at: range, hint: hint)
    }
    let source = FileManager.default.temporaryDirectory.appendingPathComponent("backstep-graph-\(UUID().uuidString).dot")
    defer { try? FileManager.default.removeItem(at: source) }
    let process = Process()
    process.executableURL = program
    process.arguments = ["-Tsvg", "-o", path, source.path]
    process.standardError = FileHandle.nullDevice
    do {
      try Data(dot.utf8).write(to: source)
      try process.run()
      process.waitUntilExit()
    } catch {
      throw EvaluationError("cannot run Graphviz's dot: \(error.localizedDescription)", at: range, hint: hint)
    }
    guard process.terminationStatus == 0 else {
      throw EvaluationError("Graphviz's dot failed (exit status \(process.terminationStatus)) writing \(path)", at: range,
                            hint: "check that the folder of \(path) exists and can be written")
    }
    return "wrote \(path)"
  }

  /// The first executable file called `name` in the PATH's folders.
  static func executable(named name: String) -> URL? {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return folders.map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }
}

/// A computation graph laid out for the terminal (a tree, shared nodes drawn once) and for Graphviz.
struct GraphDrawing {
  struct Node {
    let label: String
    let op: String
    let shape: [Int]
    let inputs: [Int]
    let isLeaf: Bool
  }

  let nodes: [Node]
  let root: Int

  init(output: Variable, name: String) {
    // Every node reachable from the output, constants and comparisons included.
    var order: [Variable] = []
    var index: [ObjectIdentifier: Int] = [:]
    var visited = Set<ObjectIdentifier>()
    var stack: [(Variable, Bool)] = [(output, false)]
    while let (node, expanded) = stack.popLast() {
      if expanded {
        index[ObjectIdentifier(node)] = order.count
        order.append(node)
        continue
      }
      guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
      stack.append((node, true))
      for input in node.inputs.reversed() { stack.append((input, false)) }
    }
    nodes = order.map { node in
      let label: String
      if node === output { label = name } else if let own = node.label { label = own } else if node.isLeaf {
        label = GraphNotation.literal(node.value).sourceText
      } else { label = "" }
      return Node(
        label: label, op: node.rule?.name ?? (node.requiresGradient ? "leaf" : "constant"), shape: node.shape,
        inputs: node.inputs.compactMap { index[ObjectIdentifier($0)] }, isLeaf: node.isLeaf)
    }
    root = order.count - 1
  }

  /// The graph as a tree from the output down to the leaves; a node used twice is drawn once.
  func text(style: Style) -> String {
    var lines: [String] = []
    var drawn = Set<Int>()
    // Iterative depth-first drawing: (node, prefix for its line, prefix for its children).
    var stack: [(Int, String, String)] = [(root, "", "")]
    while let (id, linePrefix, childPrefix) = stack.popLast() {
      let node = nodes[id]
      let title = node.label.isEmpty ? style.heading(node.op) : "\(style.name(node.label)) " + (node.isLeaf ? "" : "= \(style.heading(node.op))")
      let shape = style.shape(Shape.text(node.shape))
      if drawn.contains(id) && !node.inputs.isEmpty {
        lines.append("\(linePrefix)\(title) \(shape)  (drawn above)")
        continue
      }
      drawn.insert(id)
      lines.append("\(linePrefix)\(title) \(shape)" + (node.isLeaf && node.op == "leaf" ? "  leaf" : ""))
      for (position, input) in node.inputs.enumerated().reversed() {
        let last = position == node.inputs.count - 1
        stack.append((input, childPrefix + (last ? "└─ " : "├─ "), childPrefix + (last ? "   " : "│  ")))
      }
    }
    return lines.joined(separator: "\n")
  }

  /// Graphviz DOT: leaves as boxes, ops as ellipses, edges from inputs to the node that uses them.
  func dot() -> String {
    var out = "digraph backstep {\n  rankdir=BT;\n  node [fontname=\"Helvetica\"];\n"
    for (id, node) in nodes.enumerated() {
      let title = [node.label, node.isLeaf ? "" : node.op].filter { !$0.isEmpty }.joined(separator: " = ")
      let label = "\(title)\\n\(Shape.text(node.shape))".replacingOccurrences(of: "\"", with: "\\\"")
      out += "  n\(id) [label=\"\(label)\", shape=\(node.isLeaf ? "box" : "ellipse")];\n"
    }
    for (id, node) in nodes.enumerated() {
      for input in node.inputs { out += "  n\(input) -> n\(id);\n" }
    }
    return out + "}\n"
  }
}
