import Autodiff
import Language
import Tensors

extension Commands {
  /// The commands that draw: heatmaps, images, bars and line plots in the terminal.
  static let pictures: [Command] = [
    Command(name: "show", usage: ":show A[, B…] [--image|--heatmap]",
            summary: "Draws tensors side by side: a matrix as a heatmap (with both signs, 0 is neutral), an image in half blocks, a vector as bars or a line.") {
      session, arguments throws(EvaluationError) in try show(session, arguments)
    },
    Command(name: "plot", usage: ":plot [X,] Y",
            summary: "A line plot of Y (against X) with axes and ticks: a loss curve recorded with losses = append(losses, L).") {
      session, arguments throws(EvaluationError) in try plot(session, arguments)
    },
  ]

  static func show(_ session: Session, _ raw: CommandArguments) throws(EvaluationError) -> CommandOutput {
    let usage = ":show A[, B…] [--image|--heatmap]"
    var arguments = raw
    try arguments.takeFlags(["--image", "--heatmap"])
    let forced: [Pictures.Form] = [.image, .heatmap].filter { arguments.flags["--\($0.rawValue)"] != nil }
    guard forced.count <= 1 else {
      throw EvaluationError("`--image` and `--heatmap` ask for different pictures: give one", at: raw.range, hint: usage)
    }
    let ink = Ink(session.options.style)
    var items: [(title: String, picture: Picture)] = []
    for part in try expressionList(arguments, usage: usage) {
      let tensor = try pictureTensor(session, part, usage: usage)
      let picture = try drawing(at: part.range) { () throws(PictureError) in
        try Pictures.picture(of: tensor, named: part.text, form: forced.first, ink: ink)
      }
      items.append((part.text, picture))
    }
    return output(items, style: session.options.style)
  }

  static func plot(_ session: Session, _ arguments: CommandArguments) throws(EvaluationError) -> CommandOutput {
    let usage = ":plot Y  or  :plot X, Y"
    let parts = try expressionList(arguments, usage: usage)
    guard parts.count <= 2 else {
      throw EvaluationError(
        "`:plot` takes y, or x and y; got \(parts.count) expressions", at: arguments.range,
        hint: "draw several pictures side by side with :show a, b, c")
    }
    let values = try parts.map { (part: ExpressionText) throws(EvaluationError) in
      (values: try pictureTensor(session, part, usage: usage), name: part.text)
    }
    let (x, y) = values.count == 2 ? (values[0], values[1]) : (nil, values[0])
    let picture = try drawing(at: arguments.range) { () throws(PictureError) in
      try Pictures.plot(x: x, y: y, ink: Ink(session.options.style))
    }
    let title = x.map { "\(y.name) against \($0.name)" } ?? y.name
    return output([(title, picture)], style: session.options.style)
  }

  /// The pictures side by side, and the record's data: each picture's numbers and text.
  private static func output(_ items: [(title: String, picture: Picture)], style: Style) -> CommandOutput {
    CommandOutput(
      text: PictureSheet.render(items, heading: style.heading),
      data: .object([("pictures", .array(items.map { $0.picture.json(title: $0.title) }))]))
  }

  /// Turns a picture's refusal into an error at the expression.
  private static func drawing(
    at range: SourceRange, _ body: () throws(PictureError) -> Picture
  ) throws(EvaluationError) -> Picture {
    do {
      return try body()
    } catch {
      throw EvaluationError(error.message, at: range, hint: error.hint)
    }
  }

  /// The value of one expression argument, which must be a tensor.
  private static func pictureTensor(_ session: Session, _ part: ExpressionText, usage: String) throws(EvaluationError) -> Tensor {
    let (value, _) = try session.interpreter.evaluateExpression(at: part.range)
    switch value {
    case .tensor(let variable):
      return variable.value
    case .bool(let b):
      return Tensor(b ? 1 : 0)
    default:
      throw EvaluationError("`\(part.text)` is \(value.kindDescription), not a tensor", at: part.range, hint: usage)
    }
  }

  // MARK: - Expression lists

  /// One expression of a comma-separated list, with where it stands in the source.
  struct ExpressionText: Equatable {
    let text: String
    let range: SourceRange
  }

  /// The arguments split at the commas outside brackets and strings (`W[0:2, :], mask` is two),
  /// each trimmed; an empty list or an empty item is an error.
  static func expressionList(_ arguments: CommandArguments, usage: String) throws(EvaluationError) -> [ExpressionText] {
    guard !arguments.text.isEmpty else {
      throw EvaluationError("this command needs an expression", at: arguments.range, hint: usage)
    }
    let parts = splitAtTopLevelCommas(arguments.text, start: arguments.range.start)
    if let empty = parts.first(where: { $0.text.isEmpty }) {
      throw EvaluationError("an expression is missing between the commas", at: empty.range, hint: usage)
    }
    return parts
  }

  /// `text` split at commas that no bracket or string encloses; `start` is the offset of its first byte.
  static func splitAtTopLevelCommas(_ text: String, start: Int) -> [ExpressionText] {
    let characters = Array(text)
    // Where each character starts, in UTF-8 bytes from `start` (SourceRange counts bytes).
    var byteOffsets = [0]
    for character in characters { byteOffsets.append(byteOffsets[byteOffsets.count - 1] + character.utf8.count) }
    var parts: [ExpressionText] = []
    var depth = 0
    var quote: Character?
    var escaped = false
    var partStart = 0
    func finishPart(at end: Int) {
      var (low, high) = (partStart, end)
      while low < high && characters[low].isWhitespace { low += 1 }
      while high > low && characters[high - 1].isWhitespace { high -= 1 }
      parts.append(ExpressionText(text: String(characters[low..<high]), range: SourceRange(start: start + byteOffsets[low], end: start + byteOffsets[high])))
    }
    for (offset, character) in characters.enumerated() {
      if let open = quote {
        if escaped {
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else if character == open {
          quote = nil
        }
        continue
      }
      switch character {
      case "\"", "'": quote = character
      case "(", "[", "{": depth += 1
      case ")", "]", "}": depth = Swift.max(depth - 1, 0)
      case "," where depth == 0:
        finishPart(at: offset)
        partStart = offset + 1
      default: break
      }
    }
    finishPart(at: characters.count)
    return parts
  }
}
