import Foundation

/// What happened in a session, kept to be written out as Markdown (`:transcript FILE.md`).
struct SessionTranscript {
  enum Entry {
    case narrative(String)
    case heading(String)
    /// A statement and what it printed (without colours).
    case statement(source: String, output: String)
    case exercise(question: String, answer: String)
  }

  private(set) var entries: [Entry] = []

  mutating func append(_ entry: Entry) {
    entries.append(entry)
  }

  /// Markdown a teacher can hand out: narrative as paragraphs, statements and outputs as code blocks.
  func markdown(title: String) -> String {
    var out = "# \(title)\n"
    var code: [String] = []
    func flush() {
      if !code.isEmpty { out += "\n```\n" + code.joined(separator: "\n") + "\n```\n" }
      code = []
    }
    for entry in entries {
      switch entry {
      case .narrative(let text):
        flush()
        out += "\n\(text)\n"
      case .heading(let text):
        flush()
        out += "\n## \(text)\n"
      case let .statement(source, output):
        code.append("» " + source.replacingOccurrences(of: "\n", with: "\n… "))
        if !output.isEmpty { code.append(output) }
      case let .exercise(question, answer):
        flush()
        out += "\n**Exercise.** \(question)\n\n<details><summary>Answer</summary>\n\n`\(answer)`\n\n</details>\n"
      }
    }
    flush()
    return out
  }
}
