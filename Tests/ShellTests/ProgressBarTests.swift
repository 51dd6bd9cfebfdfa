import Foundation
import Testing

@testable import Language
@testable import Shell

/// The bar waits a second before it shows, and a line printed during the loop goes above it.
@Suite struct ProgressBarTests {
  /// A bar with a clock the test moves by hand, and everything it drew.
  final class Harness {
    var clock = Date(timeIntervalSince1970: 0)
    var drawn: [String] = []
    lazy var bar = ProgressBar(now: { [unowned self] in self.clock }, draw: { [unowned self] in self.drawn.append($0) })

    func step(_ completed: Int, of total: Int, after seconds: Double) {
      clock += seconds
      bar.update(LoopProgress(completed: completed, total: total, latest: ("L", 0.5)), enabled: true)
    }
  }

  static let erase = "\r\u{1B}[K"

  @Test func waitsASecondBeforeShowing() {
    let harness = Harness()
    harness.step(1, of: 10, after: 0)
    harness.step(2, of: 10, after: 0.5)
    #expect(harness.drawn.isEmpty)
    harness.step(3, of: 10, after: 0.6)
    #expect(harness.drawn == ["\r[█████████·····················] 3/10  L = 0.5\u{1B}[K"])
  }

  @Test func aPrintedLineGoesAboveTheBarWhichComesBackAtOnce() {
    let harness = Harness()
    harness.step(1, of: 4, after: 0)
    harness.step(2, of: 4, after: 1.5)
    let bar = harness.drawn.last
    var printed: [String] = []
    harness.bar.writeAbove { printed.append("step 2") }
    #expect(printed == ["step 2"])
    #expect(Array(harness.drawn.suffix(2)) == [Self.erase, bar])
    // The clock is not restarted: the next iteration redraws without waiting a second.
    harness.step(3, of: 4, after: 0.01)
    #expect(harness.drawn.last == "\r[██████████████████████········] 3/4  L = 0.5\u{1B}[K")
  }

  @Test func beforeTheBarShowsAPrintedLineIsWrittenAlone() {
    let harness = Harness()
    harness.step(1, of: 4, after: 0)
    var printed = 0
    harness.bar.writeAbove { printed += 1 }
    #expect(printed == 1)
    #expect(harness.drawn.isEmpty)
  }

  @Test func finishErasesTheBarAndTheNextLoopWaitsAgain() {
    let harness = Harness()
    harness.step(1, of: 4, after: 0)
    harness.step(2, of: 4, after: 2)
    harness.bar.finish()
    #expect(harness.drawn.last == Self.erase)
    let count = harness.drawn.count
    harness.step(1, of: 4, after: 0)
    harness.step(2, of: 4, after: 0.5)
    #expect(harness.drawn.count == count)
  }
}
