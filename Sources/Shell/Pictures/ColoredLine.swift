/// One line of coloured text, built piece by piece, with an escape code only where the colour
/// changes (so that a row of one colour costs one code) and a reset at the end.
struct ColoredLine {
  let depth: ColorDepth
  private(set) var text = ""
  /// The escape codes in effect; `nil` is the terminal's default colour.
  private var foreground: String?
  private var background: String?

  init(_ depth: ColorDepth) {
    self.depth = depth
  }

  /// Appends `piece` in the given colours; `nil` is the terminal's default. Empty pieces change nothing.
  mutating func append(_ piece: String, foreground newForeground: RGB?, background newBackground: RGB? = nil) {
    guard !piece.isEmpty else { return }
    let foregroundCode = newForeground.map(depth.foreground)
    let backgroundCode = newBackground.map(depth.background)
    if foregroundCode != foreground {
      text += foregroundCode ?? "\u{1B}[39m"
      foreground = foregroundCode
    }
    if backgroundCode != background {
      text += backgroundCode ?? "\u{1B}[49m"
      background = backgroundCode
    }
    text += piece
  }

  /// Appends `piece` in the default colours.
  mutating func appendPlain(_ piece: String) {
    append(piece, foreground: nil, background: nil)
  }

  /// The line, with the colours reset at its end.
  var finished: String {
    foreground != nil || background != nil ? text + resetCode : text
  }
}
