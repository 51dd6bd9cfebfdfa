import Autodiff
import Tensors

extension BuiltinTable {
  /// NumPy's files: `load` reads what `np.save`, `np.savez` and `np.savez_compressed` write, `save` writes what `np.load` reads.
  static let files: [Builtin] = [
    Builtin("print", [P("values", .any, variadic: true)], .output,
            summary: "Shows the values on one line, separated by spaces, as Python's print does; in a loop, one line "
              + "per iteration. A tensor shows as NumPy's str, a string without its quotes.",
            example: "for i in 0..<3 { print(\"step\", i, i ** 2) }") { a throws(EvaluationError) in
      // A list literal is shown as the tensor it stands for, as everywhere else.
      let values = try a.allArguments.map { (argument) throws(EvaluationError) in
        try a.interpreter.materialize(argument.value, at: argument.range)
      }
      let line = values.map(Self.printedText).joined(separator: " ")
      a.interpreter.printed.append(line)
      a.interpreter.printHandler?(line)
      return .none
    },
    Builtin("load", [P("path", .string), P("name", .string, default: "None")], .files,
            summary: "A tensor from NumPy's .npy file (float32, integer and bool files become float64), "
              + "or the array called name in an .npz archive (np.savez or np.savez_compressed).",
            example: "save(eye(2), \"/tmp/backstep-eye.npy\"); load(\"/tmp/backstep-eye.npy\")") { a throws(EvaluationError) in
      let path = try a.string("path")
      try a.interpreter.checkFileAccess(at: a.callRange)
      let contents: TensorFiles.Contents
      do throws(TensorFiles.Failure) {
        contents = try TensorFiles.read(path)
      } catch {
        throw EvaluationError(error.message, at: a.range(of: "path"), hint: error.hint ?? loadHint(for: path))
      }
      switch contents {
      case .array(let tensor):
        guard !a.has("name") else {
          throw EvaluationError("`\(path)` holds one array, not an archive of named ones", at: a.range(of: "name"),
                                hint: "leave the name out: load(\"\(path)\")")
        }
        return .leaf(tensor)
      case .archive(let entries):
        return .leaf(try pick(from: entries, path: path, a))
      }
    },
    Builtin("save", [P("x", .tensor), P("path", .string)], .files,
            summary: "Writes x to a .npy file that np.load reads (float64; .npy is added to the name if missing, as np.save does). "
              + "The file is replaced in one step.",
            example: "save(x, \"/tmp/backstep-x.npy\")") { a throws(EvaluationError) in
      let x = try a.tensor("x")
      var path = try a.string("path")
      try a.interpreter.checkFileAccess(at: a.callRange)
      guard !path.isEmpty else {
        throw EvaluationError("save() needs a file name", at: a.range(of: "path"), hint: "save(x, \"x.npy\")")
      }
      if path.hasSuffix(".npz") {
        throw EvaluationError("save() writes one tensor to a .npy file", at: a.range(of: "path"),
                              hint: ":save \(path) writes every variable of the session to an .npz archive")
      }
      let named = path.hasSuffix(".npy")
      if !named { path += ".npy" }
      do throws(TensorFiles.Failure) {
        try TensorFiles.write(x.value, to: path)
      } catch {
        throw EvaluationError(error.message, at: a.range(of: "path"))
      }
      if !named { a.interpreter.notes.append("saved as `\(path)`: np.save adds .npy to a name without it, and so does save()") }
      return .none
    },
  ]

  /// The entry of an archive that `load(path, name)` asks for (the only one when no name is given).
  private static func pick(from entries: [NPZ.Entry], path: String, _ a: CallArguments) throws(EvaluationError) -> Tensor {
    let names = entries.map(\.name).joined(separator: ", ")
    guard a.has("name") else {
      guard entries.count == 1, let only = entries.first else {
        throw EvaluationError(
          "`\(path)` is an archive of \(entries.count) arrays (\(names)): say which one", at: a.callRange,
          hint: entries.first.map { "load(\"\(path)\", \"\($0.name)\"), or :restore \(path) for all of them" } ?? ":restore reads whole archives")
      }
      return only.tensor
    }
    let name = try a.string("name")
    guard let entry = entries.last(where: { $0.name == name }) else {
      throw EvaluationError(
        "`\(path)` has no array called `\(name)`", at: a.range(of: "name"),
        hint: entries.isEmpty ? "the archive is empty" : "it holds: \(names)")
    }
    return entry.tensor
  }

  /// A value as `print` shows it: a number as NumPy prints a float64, a tensor as its `str`, a string bare.
  private static func printedText(of value: Value) -> String {
    switch value {
    case .tensor(let v): v.value.rank == 0 ? Tensor.formatScalar(v.value.scalars[0]) : v.value.formatted()
    case .string(let text): text
    default: value.literalText
    }
  }

  private static func loadHint(for path: String) -> String? {
    if path.hasSuffix(".npy") || path.hasSuffix(".npz") { return nil }
    return "load() reads NumPy's .npy files (np.save) and .npz archives (np.savez, np.savez_compressed)"
  }
}

private typealias P = Builtin.Parameter
