import Autodiff
import Language
import Tensors

/// How records look: as text for a person, or as one JSON object per line.
enum RecordRendering {
  /// The text the shell prints for a record (no trailing newline; empty when there is nothing to show),
  /// after the lines `print` wrote unless they were shown already.
  static func text(_ record: Record, source: SourceText, style: Style, includingPrinted: Bool = true) -> String {
    if record.showsNothing && record.notes.isEmpty && (!includingPrinted || record.printed.isEmpty) { return "" }
    var lines = includingPrinted ? record.printed : []
    switch record.outcome {
    case .value where record.isSilenced, .assignment where record.isSilenced:
      break
    case .value(let name, let value):
      if let shown = text(of: value, name: name, style: style) { lines.append(shown) }
    case .assignment(let items):
      for (name, value) in items {
        if let shown = text(of: value, name: name, style: style) { lines.append(shown) }
      }
    case .command(let output):
      if !output.text.isEmpty { lines.append(output.text) }
    case .nothing:
      break
    case .failure(let diagnostic):
      lines.append(colored(render(diagnostic, in: source), style: style))
    }
    lines += record.notes.map { style.note("note: ") + $0 }
    return lines.joined(separator: "\n")
  }

  /// `dx : (2, 5)` and the values; a scalar on one line; `nil` for `None`.
  static func text(of value: Value, name: String?, style: Style) -> String? {
    switch value {
    case .none:
      return nil
    case .tensor(let v):
      let shape = style.shape(Shape.text(v.shape))
      if v.value.rank == 0 {
        let number = Tensor.formatScalar(v.value.scalars[0])
        return name.map { "\(style.name($0)) : \(shape) = \(number)" } ?? number
      }
      let body = v.value.formatted()
      return name.map { "\(style.name($0)) : \(shape)\n\(body)" } ?? "\(shape)\n\(body)"
    case .function(let f):
      let signature = "\(f.name)(\(f.parameterNames.joined(separator: ", ")))"
      return name.map { "\(style.name($0)) : function \(signature)" } ?? "function \(signature)"
    default:
      return name.map { "\(style.name($0)) = \(value.literalText)" } ?? value.literalText
    }
  }

  /// Colours the `error:` and `hint:` prefixes of a rendered diagnostic.
  static func colored(_ rendered: String, style: Style) -> String {
    rendered.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      if line.hasPrefix("error: ") { return style.error("error:") + line.dropFirst(6) }
      if line.hasPrefix("hint: ") { return style.hint("hint:") + line.dropFirst(5) }
      return String(line)
    }.joined(separator: "\n")
  }

  // MARK: - JSON

  /// The record as one JSON object; a failure that was `failureExpected` (a lesson's `»!`) says so.
  static func json(_ record: Record, source: SourceText, failureExpected: Bool = false) -> JSON {
    // A statement from a file (a lesson's own) numbers its line in that file, and names it.
    var members: [(String, JSON)] = source.fileName.map { [("file", .string($0))] } ?? []
    members += [("line", .number(Double(record.line))), ("source", .string(record.source))]
    switch record.outcome {
    case .value(let name, let value):
      members.append(("name", name.map(JSON.string) ?? .null))
      members += valueMembers(value)
    case .assignment(let items):
      members.append(("name", .array(items.map { .string($0.name) })))
      members.append(("values", .array(items.map { .object([("name", .string($0.name))] + valueMembers($0.value)) })))
    case .command(let output):
      members.append(("output", .string(output.text)))
      if output.data != .null { members.append(("data", output.data)) }
    case .nothing:
      break
    case .failure(let diagnostic):
      let location = source.location(of: diagnostic.range.start)
      members.append(("error", .object([
        ("message", .string(diagnostic.message)),
        ("line", .number(Double(location.line))),
        ("column", .number(Double(location.column))),
        ("hint", diagnostic.hint.map(JSON.string) ?? .null),
      ])))
      if failureExpected { members.append(("expected", .bool(true))) }
    }
    if !record.notes.isEmpty { members.append(("notes", .array(record.notes.map(JSON.string)))) }
    if !record.printed.isEmpty { members.append(("printed", .array(record.printed.map(JSON.string)))) }
    return .object(members)
  }

  static func valueMembers(_ value: Value) -> [(String, JSON)] {
    switch value {
    case .tensor(let v):
      return [("shape", .array(v.shape.map { .number(Double($0)) })), ("value", json(v.value))]
    default:
      return [("shape", .null), ("value", json(value))]
    }
  }

  static func json(_ value: Value) -> JSON {
    switch value {
    case .tensor(let v): json(v.value)
    case .list(let items), .tuple(let items): .array(items.map(json))
    case .string(let s): .string(s)
    case .bool(let b): .bool(b)
    case .none: .null
    case .function(let f): .string("<function \(f.name)>")
    }
  }

  /// Nested arrays in the tensor's shape (a bare number for 0-d).
  static func json(_ tensor: Tensor) -> JSON {
    let strides = tensor.strides
    func nest(_ offset: Int, _ axis: Int) -> JSON {
      if axis == tensor.rank { return .number(tensor.scalars[offset]) }
      let stride = strides[axis]
      return .array((0..<tensor.shape[axis]).map { nest(offset + $0 * stride, axis + 1) })
    }
    return tensor.count == 0 && tensor.rank > 0 ? emptyNest(tensor.shape) : nest(0, 0)
  }

  private static func emptyNest(_ shape: [Int]) -> JSON {
    guard let first = shape.first else { return .array([]) }
    return .array(Array(repeating: emptyNest(Array(shape.dropFirst())), count: first))
  }
}
