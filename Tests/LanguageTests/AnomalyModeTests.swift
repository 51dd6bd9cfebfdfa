import Testing
import Tensors
@testable import Language

@Suite("Anomaly mode in the interpreter")
struct AnomalyModeTests {
  static let hint = "hint: anomaly mode stops at the first op that turns finite numbers into NaN or infinity; `:set anomaly off` lets them through"

  func watching() -> Interpreter {
    let interpreter = Interpreter()
    interpreter.detectsAnomalies = true
    return interpreter
  }

  @Test func offByDefaultNaNFlowsThrough() throws {
    let interpreter = Interpreter()
    #expect(!interpreter.detectsAnomalies)
    #expect(try tensor("log(0) - log(0)", in: interpreter).scalars[0].isNaN)
  }

  @Test func theFirstOpToLeaveTheFiniteNumbersIsNamed() {
    // log(0) is -inf from a finite 0: the anomaly starts there, before the subtraction makes NaN.
    #expect(renderedError("L = log(0) - log(0)", in: watching()) == """
      error: anomaly: `log` produced -inf from finite inputs, at 1 of 1 element; input: () in [0.0, 0.0]
       --> line 1:5
      1 | L = log(0) - log(0)
        |     ^~~~~~
      \(Self.hint)
      """)
  }

  @Test func nanFromInfinitiesIsNamedBySubtract() {
    let interpreter = Interpreter()
    run("a = log(0)", in: interpreter)  // -inf, made while anomaly mode was off
    interpreter.detectsAnomalies = true
    #expect(renderedError("b = 1\nL = a - a", in: interpreter) == """
      error: anomaly: `subtract` produced NaN from inputs without NaN, at 1 of 1 element; inputs: () in [-inf, -inf], () in [-inf, -inf]
       --> line 2:5
      2 | L = a - a
        |     ^~~~~
      \(Self.hint)
      """)
    // The failed statement changed nothing; the one before it ran.
    #expect(interpreter.lookup("L") == nil && interpreter.lookup("b") != nil)
  }

  @Test func aBackwardAnomalyNamesTheRuleWhoseGradientWentWrong() {
    let interpreter = watching()
    run("x = [0, 1, 4]", in: interpreter)
    #expect(renderedError("g = grad(sum(sqrt(x)), x)", in: interpreter) == """
      error: anomaly: the backward of `sqrt` produced inf in the gradient of its input from finite values, at 1 of 3 elements; input: (3,) in [0.0, 4.0]; incoming gradient: (3,) in [1.0, 1.0]
       --> line 1:5
      1 | g = grad(sum(sqrt(x)), x)
        |     ^~~~~~~~~~~~~~~~~~~~~
      \(Self.hint)
      """)
    interpreter.detectsAnomalies = false
    #expect(run("g = grad(sum(sqrt(x)), x)", in: interpreter).last?.outcome.isFailure == false)
  }

  @Test func insideALoopTheIterationIsGiven() throws {
    let interpreter = watching()
    run("a = 2", in: interpreter)
    let error = renderedError("for i in 0..<5 {\n  a = a - 1\n  w = log(a)\n}", in: interpreter)
    #expect(error.hasPrefix("""
      error: anomaly: `log` produced -inf from finite inputs, at 1 of 1 element; input: () in [0.0, 0.0] (in iteration i = 1)
       --> line 3:7
      3 |   w = log(a)
        |       ^~~~~~
      """))
    // The loop stopped at the anomaly and the statement was undone.
    #expect(try tensor("a", in: interpreter) == Tensor(2))
  }

  @Test func inAFunctionTheCallIsUnderlined() {
    let interpreter = watching()
    run("def f(t) = log(t) * 2", in: interpreter)
    #expect(renderedError("q = f(0) + 1", in: interpreter).hasPrefix("""
      error: anomaly: `log` produced -inf from finite inputs, at 1 of 1 element; input: () in [0.0, 0.0]
       --> line 1:5
      1 | q = f(0) + 1
        |     ^~~~
      """))
  }

  @Test func finiteWorkIsUntouched() throws {
    let interpreter = watching()
    run("x = [1, 2, 3]\nL = sum(x * x)\ng = grad(L, x)", in: interpreter)
    #expect(try tensor("g", in: interpreter) == Tensor([2, 4, 6]))
    // NaN already in the data is carried along, not reported again.
    interpreter.detectsAnomalies = false
    run("n = log([-1, 1])", in: interpreter)
    interpreter.detectsAnomalies = true
    #expect(try tensor("exp(n * 2) + 1", in: interpreter).scalars[0].isNaN)
  }

  @Test func aScriptLoadedIntoTheSessionInheritsTheMode() {
    let outer = watching()
    let inner = Interpreter()
    inner.adopt(from: outer)
    #expect(inner.detectsAnomalies)
    outer.detectsAnomalies = false
    outer.adopt(from: inner)
    #expect(outer.detectsAnomalies)
  }
}
