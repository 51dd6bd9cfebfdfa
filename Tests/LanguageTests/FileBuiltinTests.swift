import Foundation
import Testing
import Tensors
@testable import Language

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct ScratchFolder {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("backstep-\(UUID().uuidString)")

  init() throws {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

@Suite("load() and save(): NumPy's files")
struct FileBuiltinTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("TensorsTests/Fixtures").path

  @Test func loadReadsWhatNumPyWrote() throws {
    #expect(try tensor("load(\"\(Self.fixtures)/float32.npy\")") == Tensor([1.5, -2.25, Double(Float(0.1))]))
    #expect(try tensor("load(\"\(Self.fixtures)/savez.npz\", \"labels\")") == Tensor([0, 2, 1]))
    #expect(try tensor("load(\"\(Self.fixtures)/savez.npz\", name=\"x\")") == (try Tensor(rows: [[1, 2, 3]])))
    #expect(try tensor("load(\"\(Self.fixtures)/savez_compressed_mixed.npz\", \"labels\")") == Tensor([3, 1, 4, 1, 5]))
  }

  @Test func saveThenLoadIsExactAndAtomic() throws {
    let folder = try ScratchFolder()
    defer { folder.remove() }
    let interpreter = Interpreter()
    let path = folder.path("x.npy")
    run("x = [[-0.0, 1e-310], [1 / 0, -1 / 0]]\nsave(x, \"\(path)\")\ny = load(\"\(path)\")", in: interpreter)
    let x = try tensor("x", in: interpreter), y = try tensor("y", in: interpreter)
    #expect(x.shape == y.shape && x.scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern))
    // Saving again replaces the file in one step and leaves no temporary file behind.
    run("save(x * 2, \"\(path)\")", in: interpreter)
    #expect(try tensor("load(\"\(path)\")", in: interpreter).scalars[1] == 2e-310)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["x.npy"])
  }

  @Test func saveAddsTheSuffixAsNpSaveDoes() throws {
    let folder = try ScratchFolder()
    defer { folder.remove() }
    let records = run("save([1, 2], \"\(folder.path("v"))\")")
    #expect(records.last?.notes == ["saved as `\(folder.path("v.npy"))`: np.save adds .npy to a name without it, and so does save()"])
    #expect(FileManager.default.fileExists(atPath: folder.path("v.npy")))
  }

  @Test func badFilesGiveErrorsThatNameTheFile() {
    let complex = "load(\"\(Self.fixtures)/complex.npy\")"
    #expect(renderedError(complex) == """
      error: `\(Self.fixtures)/complex.npy`: its dtype '<c16' (complex numbers) cannot be loaded: Backstep reads floats, integers and booleans
       --> line 1:6
      1 | \(complex)
        |      ^\(String(repeating: "~", count: complex.count - 7))
      """)
    #expect(renderedError("load(\"\(Self.fixtures)/make_fixtures.py\")").hasPrefix(
      "error: `\(Self.fixtures)/make_fixtures.py`: not a .npy file: it does not begin with NumPy's magic string \\x93NUMPY"))
    #expect(renderedError("load(\"no-such-file.npy\")").hasPrefix("error: there is no file `no-such-file.npy`"))
    #expect(renderedError("load(\"/dev/zero\")").hasPrefix("error: `/dev/zero` is not a regular file"))
    #expect(renderedError("load(\"\(Self.fixtures)\")").hasPrefix("error: `\(Self.fixtures)` is a folder, not a file"))
  }

  @Test func anArchiveOfSeveralArraysNeedsAName() {
    let path = "\(Self.fixtures)/savez.npz"
    #expect(renderedError("load(\"\(path)\")").contains("""
      error: `\(path)` is an archive of 2 arrays (x, labels): say which one
      """))
    #expect(renderedError("load(\"\(path)\")").hasSuffix("""
      hint: load("\(path)", "x"), or :restore \(path) for all of them
      """))
    #expect(renderedError("load(\"\(path)\", \"y\")").contains("error: `\(path)` has no array called `y`"))
    #expect(renderedError("load(\"\(Self.fixtures)/bool.npy\", \"y\")").contains("holds one array, not an archive of named ones"))
  }

  @Test func saveRefusesAnArchiveNameAndMissingFolders() {
    #expect(renderedError("save([1], \"s.npz\")") == """
      error: save() writes one tensor to a .npy file
       --> line 1:11
      1 | save([1], "s.npz")
        |           ^~~~~~~
      hint: :save s.npz writes every variable of the session to an .npz archive
      """)
    #expect(renderedError("save([1], \"/no/such/folder/x.npy\")").hasPrefix(
      "error: cannot write `/no/such/folder/x.npy`: no such file or directory"))
  }

  @Test func aSessionWithoutFileAccessRefuses() {
    let interpreter = Interpreter()
    interpreter.allowsFileAccess = false
    #expect(renderedError("save([1], \"x.npy\")", in: interpreter).hasPrefix("error: files cannot be read or written in this session"))
    #expect(renderedError("load(\"x.npy\")", in: interpreter).hasPrefix("error: files cannot be read or written in this session"))
  }
}
