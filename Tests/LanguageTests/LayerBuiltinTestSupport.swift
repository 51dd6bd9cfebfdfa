import Testing
import Autodiff
import Tensors
@testable import Language

// Helpers for the tests of the layer built-ins (convolution, warps, recurrent cells).

/// Runs `:derive`'s lines for dL/d`target` in a copy of the session and returns them and their value.
func deriveAndRun(of output: String, wrt target: String, in interpreter: Interpreter) throws -> (lines: [String], value: Tensor, expected: Tensor) {
  guard case .tensor(let L)? = interpreter.lookup(output), case .tensor(let x)? = interpreter.lookup(target) else {
    Issue.record("`\(output)` or `\(target)` is not a tensor")
    return ([], Tensor(.nan), Tensor(0))
  }
  let walk = try BackwardWalk(from: L, named: output)
  let derivation = try #require(Derivation(walk, wrt: x))
  let scratch = Interpreter()
  scratch.adopt(from: interpreter)
  let records = run(derivation.lines.map(\.text).joined(separator: "\n"), in: scratch)
  for record in records { #expect(!record.outcome.isFailure, "\(derivation.lines.map(\.text)): \(record.outcome)") }
  guard let last = derivation.lines.last, case .tensor(let value)? = scratch.lookup(last.name) else {
    Issue.record("the derivation did not define its last line")
    return (derivation.lines.map(\.text), Tensor(.nan), derivation.value)
  }
  return (derivation.lines.map(\.text), value.value, derivation.value)
}

func expectNearlyEqual(_ a: Tensor, _ b: Tensor, tolerance: Double = 1e-12, _ comment: Comment? = nil) {
  #expect(a.shape == b.shape, comment)
  let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
  #expect(worst <= tolerance, comment)
}
