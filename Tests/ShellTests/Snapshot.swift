import Foundation
import Testing

/// Compares `text` with the golden file `Snapshots/NAME.txt` beside this file.
/// `BACKSTEP_RECORD=1 swift test` writes the files instead (then read the diff before committing).
func expectSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots").appendingPathComponent("\(name).txt")
  if ProcessInfo.processInfo.environment["BACKSTEP_RECORD"] == "1" {
    try? text.write(to: url, atomically: true, encoding: .utf8)
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    Issue.record("no snapshot \(name).txt: run BACKSTEP_RECORD=1 swift test to record it", sourceLocation: sourceLocation)
    return
  }
  #expect(text == expected, "snapshot \(name) differs", sourceLocation: sourceLocation)
}
