import Autodiff
import Tensors

extension Interpreter {
  // User functions: `def f(a, b) = …` and `def f(a) { …; return … }`.

  func userFunction(name: String, parameters: [String], body: FunctionBody) -> Function {
    // The body's positions are in the text that defined it: evaluate it there, and report
    // its errors at the call, which is what the learner is looking at.
    let definition = source
    return Function(name: name, parameterNames: parameters) { [unowned self] (arguments: inout CallArguments) throws(EvaluationError) in
      let locals = try bind(arguments, to: parameters, of: name)
      let caller = source
      source = definition
      frames.append(locals)
      defer {
        frames.removeLast()
        source = caller
      }
      do throws(EvaluationError) {
        switch body {
        case .expression(let expr):
          return try materialize(evaluate(expr), at: expr.range)
        case .block(let statements):
          if case .returned(let value) = try executeBlock(statements) { return value }
          return .none
        }
      } catch var error {
        if !error.isLocatedAtCall && !error.isInterruption {
          error.message = "in \(name)(): " + error.message
          error.isLocatedAtCall = true
        }
        error.range = arguments.callRange
        throw error
      }
    }
  }

  /// A user function's parameters bound to the arguments of a call.
  private func bind(_ arguments: CallArguments, to parameters: [String], of name: String) throws(EvaluationError) -> [String: Value] {
    let given = arguments.given
    guard given.count == parameters.count, given.allSatisfy({ $0.label.map(parameters.contains) ?? true }) else {
      throw EvaluationError(
        "\(name)() takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s"), got \(given.count)",
        at: arguments.callRange, hint: "it was defined as \(name)(\(parameters.joined(separator: ", ")))")
    }
    guard frames.count < maximumCallDepth else {
      throw EvaluationError(
        "calls nested deeper than \(maximumCallDepth) levels", at: arguments.callRange,
        hint: "a recursive function needs a case that stops without calling itself")
    }
    var locals: [String: Value] = [:]
    var position = 0
    for argument in given {
      if let label = argument.label {
        locals[label] = Self.bindable(argument.value, as: label, labelling: false)
      } else {
        locals[parameters[position]] = Self.bindable(argument.value, as: parameters[position], labelling: false)
        position += 1
      }
    }
    return locals
  }
}
