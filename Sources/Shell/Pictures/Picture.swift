import Language

/// A drawn picture: its lines (with colour escapes when drawn in colour), the sentences
/// under it, and its numbers for a `--json` record.
struct Picture {
  /// What was drawn.
  enum Kind: String, Sendable {
    case heatmap, image, bars, line
  }

  let kind: Kind
  /// The shape and kind, shown after the title: `(3, 4) heatmap`.
  let caption: String
  /// The picture itself, scale included.
  let lines: [String]
  /// Sentences under the picture: downsampled, the first of several images, values left out.
  let notes: [String]
  /// The numbers drawn (downsampled if so), with what the colours and axes mean.
  let data: [(String, JSON)]

  /// Lines and notes, as printed.
  var body: [String] { lines + notes }

  /// The widest line, in terminal columns.
  var width: Int { body.map(TextBlock.displayWidth).max() ?? 0 }

  /// The record's data: kind, caption, numbers and the rendered text.
  func json(title: String) -> JSON {
    .object(
      [("title", .string(title)), ("kind", .string(kind.rawValue)), ("caption", .string(caption))] + data
        + [("notes", .array(notes.map(JSON.string))), ("text", .string(body.joined(separator: "\n")))])
  }
}

/// Several pictures with their titles: side by side when they fit, else one under another.
enum PictureSheet {
  /// The widest a row of pictures may be before they are stacked instead.
  static let maxWidth = 160

  /// Each picture under its title line (`title  caption`), next to each other `gap` columns apart.
  static func render(
    _ items: [(title: String, picture: Picture)], heading: (String) -> String = { $0 }, gap: Int = 3
  ) -> String {
    let blocks = items.map { [heading($0.title) + "  " + $0.picture.caption] + $0.picture.body }
    let widths = blocks.map { $0.map(TextBlock.displayWidth).max() ?? 0 }
    let total = widths.reduce(0, +) + gap * Swift.max(blocks.count - 1, 0)
    if blocks.count > 1 && total <= maxWidth {
      return TextBlock.sideBySide(blocks, gap: gap).joined(separator: "\n")
    }
    return blocks.map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
  }
}
