import Foundation

/// How many colours a terminal shows: decided once, from `COLORTERM`, and carried by `Style`.
public enum ColorDepth: Sendable, Equatable {
  /// The xterm 256-colour palette (a 6×6×6 cube and a gray ramp): every colour terminal has it.
  case ansi256
  /// 24-bit colour, announced by `COLORTERM=truecolor` or `COLORTERM=24bit`.
  case trueColor

  /// The depth an environment announces.
  public init(environment: [String: String]) {
    let announced = environment["COLORTERM"]?.lowercased() ?? ""
    self = announced == "truecolor" || announced == "24bit" ? .trueColor : .ansi256
  }

  /// The depth of the terminal this process runs in.
  public static var detected: ColorDepth { ColorDepth(environment: ProcessInfo.processInfo.environment) }
}

/// How a picture is drawn: coloured blocks and braille, or plain ASCII that reads
/// the same in a script's output, a log file or a golden test file.
enum Ink: Sendable, Equatable {
  case ascii
  case color(ColorDepth)

  /// Colour when the style has colour (a terminal, no `NO_COLOR`), ASCII otherwise.
  init(_ style: Style) {
    self = style.enabled ? .color(style.colors) : .ascii
  }

  var isASCII: Bool { self == .ascii }
}
