import Foundation
import Testing
@testable import Shell

/// Inputs that once crashed Backstep (Tests/ShellTests/FuzzRegressions), replayed on every run.
@Suite("Fuzz regressions")
struct RegressionTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")
  static let cases = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".bs") }.sorted()

  @Test func thereAreRegressionCases() {
    #expect(!Self.cases.isEmpty)
  }

  @Test(arguments: cases)
  func replaysWithoutCrashing(_ name: String) throws {
    let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
    for json in [false, true] {
      var output = ""
      let session = Session(options: .init(json: json)) { output += $0 }
      session.interpreter.allowsFileAccess = false
      session.runScript(text)
      #expect(session.statementCount > 0)
      if json {
        for line in output.split(separator: "\n") { #expect(line.hasPrefix("{"), "\(name): \(line.prefix(120))") }
      }
    }
  }
}
