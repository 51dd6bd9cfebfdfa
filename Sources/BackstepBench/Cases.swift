import Autodiff
import Foundation
import Language
import Tensors

/// The Backstep side of each case: the statements a learner would type, run by
/// the interpreter (parsing included), on inputs made beforehand.
enum Cases {
  // MARK: - Running statements

  /// Runs `text` in `interpreter` as the shell runs a script: read a line's statements at a time,
  /// each statement's record handed on as the statement ends; any failed statement is an error.
  static func run(_ text: String, in interpreter: Interpreter) throws(BenchError) {
    let source = SourceText(text)
    var failure: BenchError?
    do {
      var reader = try ScriptReader(source)
      _ = try interpreter.run(&reader) { (record: consuming Record) in
        if failure == nil, case .failure(let diagnostic) = record.outcome {
          failure = BenchError("line \(record.line) `\(record.source)` failed: \(diagnostic.message)")
        }
      }
    } catch {
      throw BenchError("line \(source.line(of: error.range.start)): \(error.diagnostic.message)")
    }
    if let failure { throw failure }
  }

  /// A session holding the given tensors as named variables.
  static func session(_ inputs: [(String, Tensor)]) -> Interpreter {
    let interpreter = Interpreter()
    for (name, tensor) in inputs {
      let leaf = Variable(tensor)
      leaf.label = name
      interpreter.define(name, .tensor(leaf))
    }
    return interpreter
  }

  static func normal(_ shape: [Int], seed: UInt64, scale: Double = 1) throws(BenchError) -> Tensor {
    var random = RandomGenerator(seed: seed)
    do {
      let tensor = try random.normal(shape)
      return scale == 1 ? tensor : tensor.map { $0 * scale }
    } catch {
      throw BenchError("cannot make a \(Shape.text(shape)) input: \(error)")
    }
  }

  // MARK: - Case 2: L = sum(A @ B) and both gradients

  static let matmulSize = 1024
  static let matmulScript = "L = sum(A @ B); dA, dB = grad(L, [A, B])"

  static func matmulInputs() throws(BenchError) -> [(String, Tensor)] {
    [("A", try normal([matmulSize, matmulSize], seed: 1)), ("B", try normal([matmulSize, matmulSize], seed: 2))]
  }

  /// Case 2 as one call: the script run in a session holding A and B.
  static func matmulScriptRun() throws(BenchError) -> () throws(BenchError) -> Void {
    let interpreter = session(try matmulInputs())
    return { () throws(BenchError) in try run(matmulScript, in: interpreter) }
  }

  /// The same through the Autodiff API, without the language: the core's own cost.
  static func matmulCoreRun() throws(BenchError) -> () throws(BenchError) -> Void {
    let inputs = try matmulInputs()
    let a = Variable(inputs[0].1), b = Variable(inputs[1].1)
    return { () throws(BenchError) in
      do {
        let loss = try Variable.matmul(a, b).reduced(.sum)
        _ = try gradients(of: loss, wrt: [a, b])
      } catch {
        throw BenchError("matmul through the API failed: \(error)")
      }
    }
  }

  /// Peak memory of case 2 in this process, from before its inputs exist.
  static func matmulPeak() throws(BenchError) -> MemoryReading {
    resetPeakResident()
    let before = residentKiB()
    let interpreter = session(try matmulInputs())
    try run(matmulScript, in: interpreter)
    let after = peakResidentKiB()
    withExtendedLifetime(interpreter) {}
    return MemoryReading(before: before, after: after)
  }

  // MARK: - Case 3: element-wise chain with broadcasting

  static let broadcastScript = "L = sum(tanh(x * w + b)); dx, dw, db = grad(L, [x, w, b])"

  /// Case 3 as one call: the script run in a session holding x, w and b.
  static func broadcastRun() throws(BenchError) -> () throws(BenchError) -> Void {
    let interpreter = session([
      ("x", try normal([1000, 1000], seed: 3)), ("w", try normal([1000], seed: 4)), ("b", try normal([1000, 1], seed: 5)),
    ])
    return { () throws(BenchError) in try run(broadcastScript, in: interpreter) }
  }

  // MARK: - Case 4: many small statements

  /// The statements of case 4; `reference.py` writes the same ones in Python. Silenced, each
  /// ends with `;`, so that a shell running them shows nothing.
  static func statementsScript(count: Int, silenced: Bool = false) -> String {
    let body = [
      "h = tanh(x @ w + b)",
      "y = y * 0.5 + h",
      "z = sum(y * y)",
      "y = y - x / 2",
      "s = exp(-y)",
      "y = s * w - y",
      "m = mean(y)",
      "y = y / (1 + m * m)",
    ]
    var lines = ["x = randn(4, 4)", "w = randn(4, 4)", "b = randn(4)", "y = x"]
    lines.reserveCapacity(count + lines.count)
    for i in 0..<count { lines.append(body[i % body.count]) }
    return lines.joined(separator: silenced ? ";\n" : "\n") + (silenced ? ";\n" : "")
  }

  /// Writes `text` to a file of the system's temporary directory; returns its path.
  static func scriptFile(_ text: String, named name: String) throws(BenchError) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("backstep-bench-\(name)").path
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw BenchError("cannot write \(path): \(error)")
    }
    return path
  }

  /// Case 4 as one call: `count` statements run in a new session, parsed as they are run.
  static func statementsRun(count: Int) -> () throws(BenchError) -> Void {
    let text = statementsScript(count: count)
    return { () throws(BenchError) in try run(text, in: Interpreter()) }
  }

  // MARK: - Case 5: an MLP training step

  static let mlpSteps = 20
  static let mlpScript = """
    for step in 0..<\(mlpSteps) {
      H = relu(X @ W1 + b1)
      L = cross_entropy(H @ W2 + b2, labels)
      dW1, db1, dW2, db2 = grad(L, [W1, b1, W2, b2])
      W1 = W1 - 0.1 * dW1
      b1 = b1 - 0.1 * db1
      W2 = W2 - 0.1 * dW2
      b2 = b2 - 0.1 * db2
    }
    """

  /// Matrix-product flops of one step: two forward products, three backward ones
  /// (dW2, dH, dW1; the data needs no gradient).
  static func mlpFlops(batch: Int = 256) -> Double {
    let b = Double(batch)
    return 2 * (b * 784 * 512 + b * 512 * 10) + 2 * (512 * b * 10 + b * 10 * 512 + 784 * b * 512)
  }

  /// Case 5 as one call: the 20 steps, from the same weights each time.
  static func mlpRun() throws(BenchError) -> () throws(BenchError) -> Void {
    var random = RandomGenerator(seed: 6)
    let labels = Tensor((0..<256).map { _ in Double(Int(random.uniform() * 10)) })
    let inputs: [(String, Tensor)] = [
      ("X", try normal([256, 784], seed: 7)), ("labels", labels),
      ("W1", try normal([784, 512], seed: 8, scale: 0.05)), ("b1", Tensor([Double](repeating: 0, count: 512))),
      ("W2", try normal([512, 10], seed: 9, scale: 0.05)), ("b2", Tensor([Double](repeating: 0, count: 10))),
    ]
    return { () throws(BenchError) in try run(mlpScript, in: session(inputs)) }
  }
}
