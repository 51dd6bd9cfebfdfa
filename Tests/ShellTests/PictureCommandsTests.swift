import Testing
@testable import Language
@testable import Shell
@testable import Tensors

/// `:show`, `:plot` and `append` in a session.
@Suite("Picture commands")
struct PictureCommandsTests {
  /// A session drawing in 24-bit colour.
  static func colorTranscript() -> (Session, () -> String) {
    final class Box { var text = "" }
    let box = Box()
    let session = Session(options: .init(style: Style(enabled: true, colors: .trueColor))) { box.text += $0 }
    return (session, { defer { box.text = "" }; return box.text })
  }

  @Test func plotOfALossCurveRecordedWithAppend() {
    let t = Transcript()
    let script = """
      w = 3.0
      losses = []
      for step in 0..<40 { L = (w - 1) ** 2; w = w - 0.1 * grad(L, w); losses = append(losses, L) }
      """
    for (i, line) in script.split(separator: "\n").enumerated() { t.session.feed(String(line), lineNumber: i + 1) }
    #expect(t.session.failureCount == 0)
    guard case .tensor(let losses) = t.session.interpreter.globals["losses"] else {
      Issue.record("losses is not a tensor")
      return
    }
    #expect(losses.shape == [40])
    #expect(losses.value.scalars.first == 4)
    let output = t.type(":plot losses")
    #expect(output.hasPrefix("losses  line plot\n4 +*\n"))  // a round tick at the first loss
    #expect(output.contains("40 points, last y = "))
    expectSnapshot(output, named: "pictures-plot-loss-curve")
  }

  @Test func showSplitsAtCommasOutsideBrackets() {
    let t = Transcript()
    t.type("W = [[1, -0.5, 0], [0, 0.25, -1], [0.5, 0, 0]]; mask = W != 0")
    let output = t.type(":show W[0:2, :], mask")
    #expect(output.hasPrefix("W[0:2, :]  (2, 3) heatmap            mask  (3, 3) heatmap\n+------+"))
    let parts = Commands.splitAtTopLevelCommas(" a[0, 1:2] , f(b, c), \"x,y\"", start: 10)
    #expect(parts.map(\.text) == ["a[0, 1:2]", "f(b, c)", "\"x,y\""])
    #expect(parts.map(\.range) == [
      SourceRange(start: 11, end: 20), SourceRange(start: 23, end: 30), SourceRange(start: 32, end: 37),
    ])
  }

  @Test func showInColourSideBySide() {
    let (session, output) = Self.colorTranscript()
    session.feed("dW = [[1, -0.5, 0, 0], [0, 0, 0.25, -1]]; mask = dW != 0", lineNumber: 1)
    _ = output()
    session.feed(":show dW, mask", lineNumber: 2)
    expectSnapshot(output(), named: "pictures-show-command-color")
  }

  @Test func imagesAreChosenByShapeAndRange() throws {
    func kind(_ values: Tensor, _ form: Pictures.Form? = nil) throws -> Picture.Kind {
      try Pictures.picture(of: values, named: "x", form: form, ink: .ascii).kind
    }
    let unit = try Tensor(repeating: 0.5, shape: [8, 8])
    #expect(try kind(unit) == .image)
    #expect(try kind(unit, .heatmap) == .heatmap)
    #expect(try kind(Tensor(repeating: 0.5, shape: [7, 8])) == .heatmap)
    #expect(try kind(Tensor(repeating: -0.5, shape: [8, 8])) == .heatmap)
    #expect(try kind(Tensor(repeating: 3, shape: [2, 2]), .image) == .image)
    #expect(try kind(Tensor(repeating: 3, shape: [1, 4, 4])) == .image)
    #expect(try kind(Tensor(Array(repeating: 1, count: 40))) == .bars)
    #expect(try kind(Tensor(Array(repeating: 1, count: 41))) == .line)
    let batch = try Pictures.picture(of: Tensor(repeating: 0.5, shape: [3, 1, 4, 4]), named: "x", ink: .ascii)
    #expect(batch.kind == .image && batch.notes == ["the first of 3 images: x[0, 0]"])
    #expect(batch.lines.count == 4 + 2 + 1)
  }

  @Test func badInputsAreErrorsWithHints() {
    let t = Transcript()
    t.type("x = zeros(3, 4, 4); e = zeros(0); s = 2")
    #expect(t.type(":show s") == """
      error: `s` is a single number (2.0): there is nothing to draw
       --> line 1:7
      1 | :show s
        |       ^
      hint: :show draws vectors, matrices and images; type `s` to see the number

      """)
    #expect(t.type(":show x").contains("hint: show one channel: :show x[0]"))
    #expect(t.type(":show e").contains("error: `e` has no elements (shape (0,)): there is nothing to draw"))
    #expect(t.type(":show e, , x").contains("error: an expression is missing between the commas"))
    #expect(t.type(":show ones(2) --image --heatmap").contains("give one"))
    #expect(t.type(":show \"text\"").contains("error: `\"text\"` is a string, not a tensor"))
    #expect(t.type(":show nope").contains("error: unknown name `nope`"))
    #expect(t.type(":plot").contains("error: this command needs an expression"))
    #expect(t.type(":plot e").contains("hint: append to it in a loop: e = append(e, L)"))
    #expect(t.type(":plot [1, 2], [1, 2, 3]").contains("x and y must have the same length"))
    #expect(t.type(":plot [1], [2], [3]").contains("`:plot` takes y, or x and y; got 3 expressions"))
    #expect(t.type(":plot log([-1, -2])").contains("no finite values"))
    #expect(t.session.interpreter.globals.count == 3)
  }

  @Test func recordsCarryThePicturesNumbersAndText() {
    let t = Transcript(json: true)
    let output = t.type(":show [1, -1]")
    #expect(output.hasPrefix("{\"line\": 1, \"source\": \":show [1, -1]\", \"output\": "))
    #expect(output.contains("\"data\": {\"pictures\": [{\"title\": \"[1, -1]\", \"kind\": \"bars\", \"caption\": \"(2,) bars\", \"shape\": [2], \"values\": [1, -1], \"notes\": [], \"text\": "))
    let plot = t.type(":plot [0, 1, 4], [3, 2, 1]")
    #expect(plot.contains("\"x\": [0, 1, 4], \"y\": [3, 2, 1], \"x_range\": [0, 4], \"y_range\": [1, 3]"))
    let big = t.type(":show ones(90, 90) * 2")
    #expect(big.contains("\"block\": [3, 3]") && big.contains("downsampled 90×90 → 30×30"))
  }

  // MARK: - append

  @Test func appendGrowsAListAsData() {
    let t = Transcript()
    #expect(t.type("append([], 1)") == "(1,)\n[1.]\n")
    #expect(t.type("append(zeros(0), 2)") == "(1,)\n[2.]\n")
    #expect(t.type("append([1, 2], sum([1, 2]))") == "(3,)\n[1. 2. 3.]\n")
    t.type("w = 2.0; L = w * w")
    let records = t.session.interpreter.run(SourceText("append([0.5], L)"))
    guard case .value(_, .tensor(let appended)) = records.first?.outcome else {
      Issue.record("append gave no tensor")
      return
    }
    #expect(appended.isLeaf && !appended.requiresGradient)
    #expect(t.type("append(3, 4)").contains("hint: start an empty list: losses = [], then losses = append(losses, L)"))
    #expect(t.type("append([1], [2, 3])").contains("hint: to join two vectors, use concat([[1], [2, 3]])"))
    #expect(t.type("append(ones(2, 2), 1)").contains("must be 1-D, got a tensor of shape (2, 2)"))
  }
}
