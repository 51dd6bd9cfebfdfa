import Foundation
import Testing
@testable import Shell
@testable import Tensors

/// Golden renderings of every kind of picture, in ASCII and in colour (24-bit and 256 colours).
@Suite("Pictures")
struct PicturesTests {
  /// A gradient masked to a few entries: its zeros must stay neutral.
  static let maskedGradient = Grid(rows: 3, columns: 4, values: [1, -0.5, 0, 0, 0, 0, 0.25, -1, 0.5, 0, 0, 0.1])
  static let probabilities = Grid(rows: 3, columns: 4, values: [0.1, 0.2, 0.3, 0.4, 0.4, 0.3, 0.2, 0.1, 0, 0.5, 1, 0.5])
  /// An 8×8 image: a bright diagonal band on a dark ramp.
  static let image = Grid(rows: 8, columns: 8, values: (0..<64).map { i in
    let (row, column) = (i / 8, i % 8)
    return abs(row - column) <= 1 ? 1 : Double(column) / 16
  })
  static let bars: [Double] = [0.5, -0.2, 1, 0, -0.75]
  static let curve: [Double] = (0..<30).map { (step: Int) -> Double in 2 * Foundation.exp(-Double(step) / 6) + 0.1 }

  static let inks: [(String, Ink)] = [("", .ascii), ("-color", .color(.trueColor)), ("-256", .color(.ansi256))]

  @Test(arguments: 0..<3) func signedHeatmap(_ ink: Int) {
    let (suffix, drawing) = Self.inks[ink]
    let picture = Heatmap.render(Self.maskedGradient, shape: [3, 4], ink: drawing)
    expectSnapshot(picture.body.joined(separator: "\n"), named: "pictures-heatmap-signed\(suffix)")
  }

  @Test(arguments: 0..<2) func unsignedHeatmap(_ ink: Int) {
    let (suffix, drawing) = Self.inks[ink]
    let picture = Heatmap.render(Self.probabilities, shape: [3, 4], ink: drawing)
    expectSnapshot(picture.body.joined(separator: "\n"), named: "pictures-heatmap-unsigned\(suffix)")
  }

  @Test(arguments: 0..<2) func image(_ ink: Int) {
    let (suffix, drawing) = Self.inks[ink]
    let picture = HalfBlockImage.render(Self.image, shape: [1, 1, 8, 8], ink: drawing)
    expectSnapshot(picture.body.joined(separator: "\n"), named: "pictures-image\(suffix)")
  }

  @Test(arguments: 0..<2) func barChart(_ ink: Int) {
    let (suffix, drawing) = Self.inks[ink]
    let picture = BarChart.render(Self.bars, shape: [5], ink: drawing)
    expectSnapshot(picture.body.joined(separator: "\n"), named: "pictures-bars\(suffix)")
  }

  @Test(arguments: 0..<2) func linePlot(_ ink: Int) {
    let (suffix, drawing) = Self.inks[ink]
    let picture = LinePlot.render(x: Self.curve.indices.map(Double.init), y: Self.curve, caption: "line plot", ink: drawing)
    expectSnapshot(picture.body.joined(separator: "\n"), named: "pictures-plot\(suffix)")
  }

  @Test(arguments: 0..<2) func sideBySide(_ ink: Int) {
    let (suffix, drawing) = Self.inks[ink]
    let mask = Grid(rows: 3, columns: 4, values: Self.maskedGradient.values.map { $0 == 0 ? 0 : 1 })
    let text = PictureSheet.render([
      ("dW", Heatmap.render(Self.maskedGradient, shape: [3, 4], ink: drawing)),
      ("mask", Heatmap.render(mask, shape: [3, 4], ink: drawing)),
      ("b", BarChart.render([1, -1], shape: [2], ink: drawing)),
    ])
    expectSnapshot(text, named: "pictures-side-by-side\(suffix)")
  }

  // MARK: - Palettes and colours

  @Test func divergingPaletteIsNeutralAtZero() {
    let neutral = Palette.diverging.stops[3]
    #expect(Palette.diverging.color(at: 0.5) == neutral)
    #expect(Palette.diverging.color(at: 0) == RGB(33, 102, 172))
    #expect(Palette.diverging.color(at: 1) == RGB(178, 24, 43))
    // Blue below zero, red above.
    let below = Palette.diverging.color(at: 0.3), above = Palette.diverging.color(at: 0.7)
    #expect(below.blue > below.red && above.red > above.blue)
    let scale = Heatmap.Scale(signed: true, low: -0.5, high: 2)
    #expect(scale.color(of: 0) == neutral)
    // However small, a nonzero value is a full palette stop away from the neutral zero.
    #expect(scale.color(of: 1e-12) == Palette.diverging.stops[4])
    #expect(scale.color(of: -1e-12) == Palette.diverging.stops[2])
    #expect(scale.color(of: -2) == Palette.diverging.stops[0] && scale.color(of: 2) == Palette.diverging.stops[6])
    #expect(scale.position(-2) == 0 && scale.position(2) == 1)
  }

  @Test func paletteBlendsBetweenStopsAndClamps() {
    #expect(Palette.gray.color(at: 0.5) == RGB(128, 128, 128))
    #expect(Palette.gray.color(at: -3) == RGB(0, 0, 0))
    #expect(Palette.gray.color(at: 7) == RGB(255, 255, 255))
    #expect(Palette.gray.color(at: .nan) == RGB(0, 0, 0))
    #expect(Palette.sequential.color(at: 0) == RGB(68, 1, 84))
  }

  @Test func ansi256PicksTheNearestCubeColourOrGray() {
    #expect(ColorDepth.ansi256Index(RGB(255, 0, 0)) == 196)
    #expect(ColorDepth.ansi256Index(RGB(0, 0, 0)) == 16)
    #expect(ColorDepth.ansi256Index(RGB(255, 255, 255)) == 231)
    #expect(ColorDepth.ansi256Index(RGB(128, 128, 128)) == 244)
    #expect(ColorDepth.trueColor.foreground(RGB(1, 2, 3)) == "\u{1B}[38;2;1;2;3m")
    #expect(ColorDepth.ansi256.background(RGB(255, 0, 0)) == "\u{1B}[48;5;196m")
  }

  @Test func colourDepthComesFromCOLORTERM() {
    #expect(ColorDepth(environment: ["COLORTERM": "truecolor"]) == .trueColor)
    #expect(ColorDepth(environment: ["COLORTERM": "24bit"]) == .trueColor)
    #expect(ColorDepth(environment: ["COLORTERM": "yes"]) == .ansi256)
    #expect(ColorDepth(environment: [:]) == .ansi256)
    #expect(Ink(Style(enabled: false, colors: .trueColor)) == .ascii)
    #expect(Ink(Style(enabled: true, colors: .trueColor)) == .color(.trueColor))
  }

  @Test func asciiCellsKeepExactZerosBlank() {
    let scale = Heatmap.Scale(signed: true, low: -1, high: 1)
    #expect(scale.asciiCell(0) == "  ")
    #expect(scale.asciiCell(1e-9) == "+.")
    #expect(scale.asciiCell(-1) == "-@")
    #expect(scale.asciiCell(.nan) == "??")
    let unsigned = Heatmap.Scale(signed: false, low: 0, high: 1)
    #expect(unsigned.asciiCell(0) == "  " && unsigned.asciiCell(1) == "@@")
  }

  // MARK: - Braille

  @Test func brailleDotsPackIntoUnicodeOrder() {
    #expect(BrailleCanvas.character(0) == "\u{2800}")
    #expect(BrailleCanvas.character(0xFF) == "⣿")
    let expected: [(Int, Int, Character)] = [
      (0, 0, "⠁"), (0, 1, "⠂"), (0, 2, "⠄"), (0, 3, "⡀"), (1, 0, "⠈"), (1, 1, "⠐"), (1, 2, "⠠"), (1, 3, "⢀"),
    ]
    for (dx, dy, character) in expected {
      var canvas = BrailleCanvas(columns: 1, rows: 1)
      canvas.set(x: dx, y: dy)
      #expect(canvas.line(0) == String(character), "dot (\(dx), \(dy))")
    }
    #expect(BrailleCanvas.bit(dx: 2, dy: 0) == 0)
  }

  @Test func brailleLinesCrossCells() {
    var canvas = BrailleCanvas(columns: 2, rows: 1)
    canvas.drawLine(from: (0, 0), to: (3, 3))
    #expect(canvas.line(0) == "⠑⢄")
    canvas.set(x: 99, y: -1)  // off the canvas: ignored
    #expect(canvas.isSet(x: 0, y: 0) && canvas.isSet(x: 3, y: 3) && !canvas.isSet(x: 3, y: 0))
    var full = BrailleCanvas(columns: 1, rows: 1)
    for x in 0..<2 { full.drawLine(from: (x, 0), to: (x, 3)) }
    #expect(full.line(0) == "⣿")
  }

  // MARK: - Layout

  @Test func escapeCodesTakeNoColumns() {
    #expect(TextBlock.displayWidth("\u{1B}[38;2;1;2;3m██\u{1B}[0m") == 2)
    #expect(TextBlock.displayWidth("⠑⢄ ▀") == 4)
    #expect(TextBlock.padded("\u{1B}[1mab\u{1B}[0m", to: 4) == "\u{1B}[1mab\u{1B}[0m  ")
    #expect(TextBlock.sideBySide([["\u{1B}[1mab\u{1B}[0m", "abc"], ["x"]], gap: 1) == ["\u{1B}[1mab\u{1B}[0m  x", "abc"])
  }

  @Test func largeMatricesAreAveragedInBlocks() {
    let grid = Grid(rows: 4, columns: 6, values: (0..<24).map(Double.init))
    let (small, block) = grid.downsampled(maxRows: 2, maxColumns: 2)
    #expect(block == (2, 3))
    #expect(small == Grid(rows: 2, columns: 2, values: [4, 7, 16, 19]))
    #expect(grid.downsamplingNote(to: small, block: block) == "downsampled 4×6 → 2×2 (mean of 2×3 blocks)")
    #expect(grid.downsampled(maxRows: 4, maxColumns: 6).grid == grid)
    let big = Heatmap.render(Grid(rows: 100, columns: 90, values: Array(repeating: 1, count: 9000)), shape: [100, 90], ink: .ascii)
    #expect(big.notes == ["downsampled 100×90 → 34×30 (mean of 3×3 blocks)"])
    #expect(big.width <= 80)
  }

  @Test func numbersOnAxesAreShort() {
    #expect(TextBlock.number(3) == "3")
    #expect(TextBlock.number(-0.5) == "-0.5")
    #expect(TextBlock.number(0.123456) == "0.123")
    #expect(TextBlock.number(1234567.5) == "1.23e+06")
    #expect(TextBlock.number(-.infinity) == "-inf")
  }
}
