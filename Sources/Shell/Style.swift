/// Terminal colours, or none: used only on a terminal and never under `NO_COLOR`.
public struct Style: Sendable {
  public let enabled: Bool
  /// How many colours pictures may use when `enabled` (`:show`, `:plot`).
  public let colors: ColorDepth

  public init(enabled: Bool, colors: ColorDepth = .detected) {
    self.enabled = enabled
    self.colors = colors
  }

  public static let plain = Style(enabled: false)

  private func wrap(_ text: String, _ code: String) -> String {
    enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  public func name(_ text: String) -> String { wrap(text, "1;36") }
  public func shape(_ text: String) -> String { wrap(text, "2") }
  public func error(_ text: String) -> String { wrap(text, "1;31") }
  public func hint(_ text: String) -> String { wrap(text, "33") }
  public func note(_ text: String) -> String { wrap(text, "35") }
  public func heading(_ text: String) -> String { wrap(text, "1") }
  public func prompt(_ text: String) -> String {
    // \u{1}…\u{2} tell readline that the escape codes take no room on screen.
    enabled ? "\u{1}\u{1B}[1;32m\u{2}\(text)\u{1}\u{1B}[0m\u{2}" : text
  }
}
