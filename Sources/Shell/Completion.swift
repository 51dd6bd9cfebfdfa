import Autodiff
import Foundation
import Language

extension Session {
  /// Words that may complete `prefix` (Tab): commands after a leading `:`, then what each
  /// command takes (the graphs `:backward` walks, `wrt` and a variable for `:derive`, files
  /// for `:load`, lessons for `:lesson`, …); attributes and methods after a `.` (`x.su` →
  /// `x.sum`); else variables and built-ins.
  public func completions(for prefix: String, lineBefore: String) -> [String] {
    let trimmed = lineBefore.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty && prefix.hasPrefix(":") || trimmed == ":" {
      let bare = prefix.hasPrefix(":") ? String(prefix.dropFirst()) : prefix
      return Commands.all.map(\.name).filter { $0.hasPrefix(bare) }.map { prefix.hasPrefix(":") ? ":" + $0 : $0 }.sorted()
    }
    // Inside a string, as in load("data/x.npz") or :load "my scripts/a.bs", a path is typed.
    if let typed = Self.openString(in: lineBefore) {
      return Self.rests(of: Self.fileNames(completing: typed + prefix), typed: typed, prefix: prefix)
    }
    if trimmed.hasPrefix(":") {
      // Readline breaks words at `/` and `-` too: the argument being typed may have begun before
      // `prefix` (`sub/s`, `--re`). Candidates are whole arguments; readline gets their rest.
      let typed = String(lineBefore.reversed().prefix { $0 != " " && $0 != "\t" }.reversed())
      let words = lineBefore.dropLast(typed.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      if let command = words.first?.dropFirst(), !command.isEmpty,
        let candidates = argumentWords(of: String(command), after: Array(words.dropFirst()), typing: typed + prefix)
      {
        return Self.rests(of: candidates, typed: typed, prefix: prefix)
      }
    }
    if let dot = prefix.lastIndex(of: ".") {
      let receiver = prefix[..<dot], partial = prefix[prefix.index(after: dot)...]
      return (Interpreter.tensorAttributes + Interpreter.methodNames)
        .filter { $0.hasPrefix(partial) }.map { "\(receiver).\($0)" }.sorted()
    }
    return expressionWords.filter { $0.hasPrefix(prefix) }.sorted()
  }

  /// The candidates that go on from what was typed of the word before readline's `prefix`, without
  /// that part: readline replaces only the prefix.
  private static func rests(of candidates: [String], typed: String, prefix: String) -> [String] {
    candidates.filter { $0.hasPrefix(typed + prefix) }.map { String($0.dropFirst(typed.count)) }.sorted()
  }

  /// Variables, built-ins and constants: what an expression may name.
  private var expressionWords: [String] {
    Array(Set(interpreter.globals.keys).union(Interpreter.builtins.keys).union(Interpreter.constants.keys))
  }

  /// The words that may follow `:command` and its arguments `before`, where `prefix` (the whole
  /// argument typed so far) is being typed; nil where an expression goes (variables and built-ins).
  private func argumentWords(of command: String, after before: [String], typing prefix: String) -> [String]? {
    var graphs: [String] {
      interpreter.globals.compactMap { name, value in
        if case .tensor(let variable) = value, !variable.isLeaf { name } else { nil }
      }
    }
    var tensors: [String] {
      interpreter.globals.compactMap { name, value in
        if case .tensor = value { name } else { nil }
      }
    }
    switch (command, before.count) {
    case ("help", _): return Array(Interpreter.builtins.keys) + Commands.all.map(\.name) + Help.topics.map(\.name)
    case ("explain", _): return Array(Set(Interpreter.builtins.keys).union(RuleBook.all.map(\.name)))
    case ("backward", 0), ("check", 0), ("graph", 0), ("derive", 0): return graphs
    case ("derive", 1): return ["wrt"]
    case ("derive", _): return tensors
    case ("backward", _): return ["-v"]
    case ("graph", _): return before.last?.hasPrefix("--") == true ? Self.fileNames(completing: prefix) : ["--dot", "--svg"]
    case ("trace", _): return prefix.hasPrefix("-") ? ["-v"] : nil
    case ("set", 0): return Commands.settingNames
    case ("set", 1): return before[0].hasPrefix("max_") ? [] : ["on", "off"]
    case ("lesson", 0): return Self.lessonNames() + Self.fileNames(completing: prefix).filter { $0.contains("/") }
    case ("lesson", _): return ["--restart"]
    case ("load", _), ("save", _), ("restore", _), ("transcript", _): return Self.fileNames(completing: prefix)
    case ("cost", _), ("show", _), ("plot", _): return nil
    default: return []
    }
  }

  /// The text of a string literal left open at the end of `line` (`load("data/` gives `data/`), if any.
  private static func openString(in line: String) -> String? {
    var quote: Character? = nil, text = "", escaped = false
    for character in line {
      if let open = quote {
        if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == open { quote = nil; continue }
        text.append(character)
      } else if character == "\"" || character == "'" {
        quote = character
        text = ""
      }
    }
    return quote == nil ? nil : text
  }

  /// The course's lessons by file name (`04-dense-layer`), which `:lesson` takes as well as numbers.
  private static func lessonNames() -> [String] {
    guard let folder = Course.locate(), let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
    return files.filter { $0.hasSuffix(".lesson") }.map { String($0.dropLast(".lesson".count)) }
  }

  /// The files and folders (with a `/`) that complete a path: `lessons/0` → `lessons/01-tour.lesson`, ….
  private static func fileNames(completing prefix: String) -> [String] {
    let slash = prefix.lastIndex(of: "/")
    let folder = slash.map { String(prefix[...$0]) } ?? ""
    let expanded = folder.hasPrefix("~/") ? NSString(string: folder).expandingTildeInPath + "/" : folder
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: expanded.isEmpty ? "." : expanded) else { return [] }
    return entries.filter { !$0.hasPrefix(".") || prefix.dropFirst(folder.count).hasPrefix(".") }.map { entry in
      var isFolder: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: expanded + entry, isDirectory: &isFolder)
      return folder + entry + (isFolder.boolValue ? "/" : "")
    }
  }
}
