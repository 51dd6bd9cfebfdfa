import Foundation
import Testing
import Tensors
@testable import Language
@testable import Shell

@Suite(":save, :restore and anomaly mode in the shell")
struct SaveRestoreTests {
  /// A fresh folder for one test's files.
  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("backstep-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func aSessionSavedAndRestoredHasItsValuesBackAsLeaves() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("session.npz").path
    let t = Transcript()
    t.type("W = [[1, -0.0], [1 / 0, 0.5]]\nb = [0.25]\nL = sum(W * W)\ndef f(x) = x\nname = \"w\"")
    #expect(t.type(":save \(path)") == """
      saved 3 tensors to \(path): L (), W (2, 2), b (1,)
      values only: L will come back without its graph
      not saved (not tensors): f, name

      """)
    let saved = try #require(t.session.interpreter.globals["W"])
    t.type(":clear\nb = [7, 7]")
    #expect(t.type(":restore \(path)") == """
      restored 3 tensors from \(path): L (), W (2, 2), b (1,)
      replaced: b

      """)
    guard case .tensor(let original) = saved, case .tensor(let restored)? = t.session.interpreter.globals["W"],
      case .tensor(let loss)? = t.session.interpreter.globals["L"]
    else {
      Issue.record("W and L should be tensors")
      return
    }
    #expect(restored.value.scalars.map(\.bitPattern) == original.value.scalars.map(\.bitPattern))
    #expect(restored.isLeaf && restored.requiresGradient && restored.label == "W")
    #expect(loss.isLeaf)
    // A restored leaf takes gradients like one typed in.
    #expect(t.type("grad(sum(b * 3), b)") == "(1,)\n[3.]\n")
  }

  @Test func numPysArchivesRestoreAndAFileOfOneArrayTakesItsName() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("TensorsTests/Fixtures").path
    let t = Transcript()
    #expect(t.type(":restore \(fixtures)/savez.npz") == "restored 2 tensors from \(fixtures)/savez.npz: x (1, 3), labels (3,)\n")
    #expect(t.type(":restore \(fixtures)/int32.npy") == "restored 1 tensor from \(fixtures)/int32.npy: int32 (2, 2)\n")
    #expect(t.type(":restore \(fixtures)/savez_compressed.npz") == "restored 1 tensor from \(fixtures)/savez_compressed.npz: x (3,)\nreplaced: x\n")
  }

  @Test func savingWritesAnArchiveInOneStep() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("s.npz").path
    let t = Transcript()
    t.type("x = [1, 2]\n:save \(path)\nx = [3, 4, 5]\n:save \(path)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["s.npz"])
    let entries = try NPZ.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(entries == [NPZ.Entry(name: "x", tensor: Tensor([3, 4, 5]))])
  }

  @Test func mistakesAreExplained() throws {
    let t = Transcript()
    #expect(t.type(":save") == """
      error: `:save` needs a file name
       --> line 1:1
      1 | :save
        | ^~~~~
      hint: :save session.npz

      """)
    #expect(t.type(":save /tmp/empty.npz").hasPrefix("error: there are no tensors to save"))
    #expect(t.type(":restore /no/such/file.npz").hasPrefix("error: there is no file `/no/such/file.npz`"))
    t.session.interpreter.allowsFileAccess = false
    t.type("x = 1")
    #expect(t.type(":save /tmp/x.npz").hasPrefix("error: files cannot be read or written in this session"))
  }

  @Test func helpTellsTheCommandsFromTheBuiltinsOfTheSameName() {
    let t = Transcript()
    #expect(t.type(":help :load") == ":load FILE\n  Runs a script into this session.\n")
    #expect(t.type(":help load").hasPrefix("load(path, name=None)\n"))
    #expect(t.type(":help :save").hasPrefix(":save FILE\n"))
    #expect(t.type(":help restore").hasPrefix(":restore FILE\n"))
  }

  @Test func quotesAroundTheFileNameAreNotPartOfIt() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let t = Transcript()
    t.type("x = [1]\n:save \"\(folder.appendingPathComponent("my session.npz").path)\"")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["my session.npz"])
  }

  @Test func anomalyModeIsASetting() {
    let t = Transcript()
    #expect(t.type(":set").contains("anomaly = off"))
    #expect(t.type(":set anomaly on") == "anomaly = on\n")
    #expect(t.type(":set").contains("anomaly = on"))
    #expect(t.type(":set anomaly maybe").hasPrefix("error: anomaly is `on` or `off`, not `maybe`"))
    #expect(t.type("y = log(0) - log(0)").hasPrefix("error: anomaly: `log` produced -inf from finite inputs"))
    #expect(t.type(":set anomaly off") == "anomaly = off\n")
    #expect(t.type("y = log(0) - log(0)") == "y : () = nan\n")
  }

  @Test func backwardCommandsReportTheRuleInAnomalyMode() {
    let t = Transcript()
    t.type("x = 0\nL = sqrt(x)\n:set anomaly on")
    #expect(t.type(":backward L").hasPrefix("""
      error: anomaly: the backward of `sqrt` produced inf in the gradient of its input from finite values
      """))
  }

  /// :check flags a gradient that is not finite whether anomaly mode is on or off.
  @Test func checkFlagsNonFiniteGradients() {
    let t = Transcript()
    t.type("x = [0, 1]\nL = sum(sqrt(x))")
    let output = t.type(":check L")
    #expect(output.contains("x     (2,)   all 2    inf          inf          ✗ not finite"), "\(output)")
    let json = Transcript(json: true)
    json.type("x = [0, 1]\nL = sum(sqrt(x))")
    let record = json.type(":check L")
    #expect(record.contains("\"finite\": false") && record.contains("\"agrees\": false"), "\(record)")
  }
}
